from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kapcare.people"
    label = "people"
    verbose_name = "Practice and people"
