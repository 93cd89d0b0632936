from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "kapcare.measures"
    label = "measures"
    verbose_name = "Measures"

    def ready(self) -> None:
        from kapcare.measures import checks  # noqa: F401  (registers kapcare.measures.* checks)
