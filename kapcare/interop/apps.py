from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "kapcare.interop"
    label = "interop"
    verbose_name = "Interoperability and reports"
