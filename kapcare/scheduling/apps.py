from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "kapcare.scheduling"
    label = "scheduling"
    verbose_name = "Pathway and scheduling"
