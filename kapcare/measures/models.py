"""A practice's own instruments. The built-in ones ship as JSON in ``instruments/``."""

from typing import Any

from django.db import models
from django.db.models import Q


class DefinitionImmutableError(Exception):
    """A loaded definition is never changed: responses are scored by it. Load a new version."""


class InstrumentDefinition(models.Model):
    """One version of an instrument loaded with ``manage.py load_instrument``.

    Never edited in place: a changed definition is loaded as a new version, and
    the registry serves the most recently loaded version of each code.
    """

    code = models.CharField(max_length=32)
    version = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    questionnaire = models.JSONField(help_text="The FHIR R4 Questionnaire, as loaded.")
    scoring = models.JSONField(help_text="The scoring specification, as loaded.")
    change = models.JSONField(
        null=True, blank=True, help_text="Reliable-change parameters with their sources."
    )
    source = models.TextField(help_text="Citation of the instrument and its scoring.")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the canonical document.")
    loaded_from = models.CharField(max_length=255, blank=True)
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["code", "-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="measures_definition_code_version_unique"
            ),
            models.CheckConstraint(
                condition=~Q(code="") & ~Q(version="") & ~Q(source=""),
                name="measures_definition_not_blank",
            ),
        ]
        indexes = [models.Index(fields=["code", "-loaded_at"], name="measures_def_code_loaded")]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise DefinitionImmutableError(
                f"{self} is already loaded; load a changed definition as a new version."
            )
        super().save(*args, **kwargs)

    def document(self) -> dict[str, Any]:
        """The definition as one document, the shape ``parse_instrument`` reads."""
        document: dict[str, Any] = {
            "code": self.code,
            "source": self.source,
            "questionnaire": self.questionnaire,
            "scoring": self.scoring,
        }
        if self.change is not None:
            document["change"] = self.change
        return document
