from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kapcare.portal"
    label = "portal"
    verbose_name = "Client portal"
