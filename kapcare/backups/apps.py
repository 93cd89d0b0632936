from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "kapcare.backups"
    label = "backups"
    verbose_name = "Backups"
