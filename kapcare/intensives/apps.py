from django.apps import AppConfig


class IntensivesConfig(AppConfig):
    name = "kapcare.intensives"
    label = "intensives"
    verbose_name = "Intensives"
