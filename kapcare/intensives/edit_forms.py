"""The forms that edit an intensive's days: a client's intensive plan and a practice's
pattern template.

A pattern is edited as a grid, one row of block slots per day: each slot an activity
(empty for none), a length and whether it is in person or by video. The days' count is a
field of its own; changing it redraws the grid (nothing saved) so that no script is
needed. What makes a pattern valid (a closure ends each day, integration after each
dose, ...) is ``intensives.pattern``'s to say, through the service: the form only
gathers the grid into the stored shape.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms

from kapcare.core.form_inputs import InputRules
from kapcare.intensives.pattern import MAX_BLOCKS_PER_DAY, MAX_DAYS, MAX_MINUTES, MINUTE_STEP
from kapcare.intensives.vocabulary import ACTIVITY_LABELS, Activity
from kapcare.people.states import STATES_BY_NAME
from kapcare.scheduling.vocabulary import Modality

__all__ = ["IntensivePlanForm", "PatternForm", "TemplateForm", "asked_days", "posted_pattern"]

ACTIVITY_CHOICES = [("", "None"), *((a.value, ACTIVITY_LABELS[a]) for a in Activity)]
MODALITY_CHOICES = [
    (Modality.IN_PERSON.value, "In person"),
    (Modality.TELEHEALTH.value, "By video"),
]


class PatternForm(InputRules, forms.Form):
    """The days of an intensive as a grid of block slots (``day2_block1_activity``, ...)."""

    days = forms.IntegerField(
        label="Days of the intensive",
        min_value=1,
        max_value=MAX_DAYS,
        help_text="Change it, then choose “Show these days”, to add or remove days.",
    )

    def __init__(self, *args: Any, pattern: Sequence[Sequence[dict[str, Any]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        count = self._day_count(len(pattern))
        self.fields["days"].initial = len(pattern) or 1
        self.day_numbers = range(1, count + 1)
        for day in self.day_numbers:
            blocks = pattern[day - 1] if day <= len(pattern) else []
            for slot in range(1, MAX_BLOCKS_PER_DAY + 1):
                block = blocks[slot - 1] if slot <= len(blocks) else {}
                where = f"Day {day}, block {slot}"
                name = f"day{day}_block{slot}_"
                self.fields[name + "activity"] = forms.ChoiceField(
                    label=f"{where}: activity",
                    choices=ACTIVITY_CHOICES,
                    required=False,
                    initial=block.get("activity", ""),
                )
                self.fields[name + "minutes"] = forms.IntegerField(
                    label=f"{where}: minutes",
                    min_value=MINUTE_STEP,
                    max_value=MAX_MINUTES,
                    step_size=MINUTE_STEP,
                    required=False,
                    initial=block.get("minutes"),
                )
                self.fields[name + "modality"] = forms.ChoiceField(
                    label=f"{where}: in person or by video",
                    choices=MODALITY_CHOICES,
                    required=False,
                    initial=block.get("modality", Modality.IN_PERSON.value),
                )

    def _day_count(self, stored: int) -> int:
        """As many days as asked for on the page (a valid number), else as stored."""
        return asked_days(self.data, stored or 1) if self.is_bound else stored or 1

    def grid(self) -> list[tuple[int, list[tuple[forms.BoundField, ...]]]]:
        """Each day with its slots' (activity, minutes, modality) fields."""
        return [
            (
                day,
                [
                    tuple(self[f"day{day}_block{slot}_{part}"] for part in _PARTS)
                    for slot in range(1, MAX_BLOCKS_PER_DAY + 1)
                ],
            )
            for day in self.day_numbers
        ]

    def grid_errors(self) -> bool:
        return any(self[n].errors for n in self.fields if n.startswith("day"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in self.day_numbers:
            for slot in range(1, MAX_BLOCKS_PER_DAY + 1):
                name = f"day{day}_block{slot}_"
                missing = data.get(name + "activity") and data.get(name + "minutes") is None
                if missing and name + "minutes" not in self.errors:
                    self.add_error(name + "minutes", "Give the block's length in minutes.")
        return data

    def pattern(self) -> list[list[dict[str, object]]]:
        """The grid in the stored shape: each day's filled slots, in order."""
        data = self.cleaned_data
        days = []
        for day in self.day_numbers:
            blocks = []
            for slot in range(1, MAX_BLOCKS_PER_DAY + 1):
                name = f"day{day}_block{slot}_"
                if data.get(name + "activity"):
                    blocks.append(
                        {
                            "activity": data[name + "activity"],
                            "minutes": data[name + "minutes"],
                            "modality": data[name + "modality"] or Modality.IN_PERSON.value,
                        }
                    )
            days.append(blocks)
        return days


_PARTS = ("activity", "minutes", "modality")


class TemplateForm(PatternForm):
    name = forms.CharField(label="Name of the template", max_length=100)

    field_order = ["name", "days"]


class IntensivePlanForm(PatternForm):
    """A client's intensive plan: its days, dosing approval, preferences and location."""

    template = forms.TypedChoiceField(
        label="Start from a template",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Choose one, then “Use this template”: its days replace the ones below "
        "(nothing is saved until you save the plan).",
    )
    earliest_start = forms.DateField(
        label="Earliest start", widget=forms.DateInput(attrs={"type": "date"})
    )
    approved_dosing_days = forms.TypedMultipleChoiceField(
        label="Days approved for a medicine session",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only a medical provider changes these; they are recorded as the approver.",
    )
    preferred_clinicians = forms.TypedMultipleChoiceField(
        label="Preferred clinicians",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    day_ends_by = forms.TimeField(
        label="Days end by",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="The wished latest end of each day; empty: the practice's 5:00 pm.",
    )
    virtual_location_state = forms.ChoiceField(
        label="Where the client will be during the video blocks",
        required=False,
        help_text="A video session happens where the client is: the practice must offer "
        "video sessions there and the therapist be licensed there.",
    )

    field_order = ["template", "days", "earliest_start"]

    def __init__(
        self,
        *args: Any,
        templates: list[tuple[int, str]],
        clinicians: list[tuple[int, str]],
        home_state: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "No template"), *templates]  # type: ignore[attr-defined]
        self.fields["preferred_clinicians"].choices = clinicians  # type: ignore[attr-defined]
        self.fields["approved_dosing_days"].choices = [  # type: ignore[attr-defined]
            (day, f"Day {day}") for day in self.day_numbers
        ]
        home = dict(STATES_BY_NAME).get(home_state, home_state)
        self.fields["virtual_location_state"].choices = [  # type: ignore[attr-defined]
            ("", f"At home ({home})"),
            *((code, name) for code, name in STATES_BY_NAME),
        ]

    def plan_values(self) -> dict[str, Any]:
        """The service's arguments, from the cleaned form."""
        data = self.cleaned_data
        ends: dt.time | None = data["day_ends_by"]
        return {
            "pattern": self.pattern(),
            "template_id": data["template"],
            "earliest_start": data["earliest_start"],
            # None keeps the approval: the field is shown, not sent, to those who may
            # not approve (``edit_views``).
            "approved_dosing_days": (
                None
                if self.fields["approved_dosing_days"].disabled
                else data["approved_dosing_days"]
            ),
            "preferred_clinicians": data["preferred_clinicians"],
            "day_ends_by": ends,
            "virtual_location_state": data["virtual_location_state"] or None,
        }


def posted_pattern(data: Any, days: int) -> list[list[dict[str, Any]]]:
    """The grid as typed so far, unvalidated, for redrawing it with ``days`` days.

    Used when the page only redraws (another number of days): what was typed stays, a
    length that is not a number is left empty for the person to see and fill in.
    """
    activities = {a.value for a in Activity}
    modalities = {m for m, _ in MODALITY_CHOICES}
    out = []
    for day in range(1, days + 1):
        blocks = []
        for slot in range(1, MAX_BLOCKS_PER_DAY + 1):
            name = f"day{day}_block{slot}_"
            activity = str(data.get(name + "activity", ""))
            if activity not in activities:
                continue
            minutes = str(data.get(name + "minutes", ""))
            modality = str(data.get(name + "modality", ""))
            blocks.append(
                {
                    "activity": activity,
                    "minutes": int(minutes) if minutes.isdigit() and len(minutes) <= 3 else None,
                    "modality": modality if modality in modalities else Modality.IN_PERSON.value,
                }
            )
        out.append(blocks)
    return out


def asked_days(data: Any, default: int) -> int:
    """The number of days asked for on the page, when it is one an intensive may have."""
    asked = str(data.get("days", ""))
    return int(asked) if asked.isdigit() and 1 <= int(asked) <= MAX_DAYS else default
