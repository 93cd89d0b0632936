"""A client's intensive plan and the practice's pattern templates.

The pattern (days of blocks) is JSON read by ``intensives.pattern``, which the services
apply before saving, so a stored pattern is always one the planner can read. Rows
change only through ``intensives.services`` (audited).
"""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from kapcare.people.models import Client, Practice, StaffMember


class PatternTemplate(models.Model):
    """A practice's named pattern of intensive days, copied into clients' plans."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    pattern = models.JSONField()
    updated_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    objects: ClassVar[models.Manager["PatternTemplate"]] = models.Manager()

    class Meta:
        ordering = ["practice", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="pattern_template_name"),
        ]

    def __str__(self) -> str:
        return self.name


class IntensivePlan(models.Model):
    """What a client's intensive needs; the planner supplies when, where and with whom.

    ``approved_dosing_days`` are day numbers of the intensive (1 is its first day) on
    which the medical provider named in ``dosing_approved_by`` approved a medicine
    session (CLINICAL.md: dosing on consecutive days needs that explicit approval).
    """

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="intensive_plan")
    pattern = models.JSONField()
    template = models.ForeignKey(
        PatternTemplate, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    approved_dosing_days = models.JSONField(default=list, blank=True)
    dosing_approved_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    dosing_approved_at = models.DateTimeField(null=True, blank=True)
    preferred_clinicians = models.ManyToManyField(StaffMember, related_name="+", blank=True)
    earliest_start = models.DateField()
    day_ends_by = models.TimeField(
        null=True, blank=True, help_text="Preferred latest end of each day (local time)."
    )
    virtual_location_state = models.CharField(
        max_length=2,
        blank=True,
        default="",
        help_text="Where the client will be during the virtual blocks (a US state); "
        "empty: at home. Telehealth happens, in law, where the client is.",
    )
    updated_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    objects: ClassVar[models.Manager["IntensivePlan"]] = models.Manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(dosing_approved_by__isnull=True) | Q(dosing_approved_at__isnull=False),
                name="intensive_plan_approval_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"intensive plan of {self.client_id}"
