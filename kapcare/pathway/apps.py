from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "kapcare.pathway"
    label = "pathway"
    verbose_name = "Care pathway: plan, consent, screening, clearance, dose orders"
