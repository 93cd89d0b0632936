from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kapcare.people"
    label = "people"
    verbose_name = "Practice and people"

    def ready(self) -> None:
        from kapcare import checks  # noqa: F401  (registers the kapcare.* system checks)
