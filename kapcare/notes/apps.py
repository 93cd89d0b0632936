from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "kapcare.notes"
    label = "notes"
    verbose_name = "Therapy: session notes, parts, EMDR, psychotherapy notes"
