from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "kapcare.synthetic"
    label = "synthetic"
    verbose_name = "Synthetic practice generator"
