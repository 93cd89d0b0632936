"""Forms of the working-hours, availability, calendar-feed and practice-settings pages."""

import datetime as dt
import zoneinfo
from typing import Any

from django import forms

from kapcare.core.choices import choices
from kapcare.people.models import Location, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES
from kapcare.people.states import US_STATES
from kapcare.scheduling.availability import DEFAULT_COUNT
from kapcare.scheduling.availability_service import MAX_COUNT
from kapcare.scheduling.hours import WEEKDAY_NAMES
from kapcare.scheduling.practice_settings import SETTING_NAMES, SettingRow
from kapcare.scheduling.thresholds import SpacingMeasure
from kapcare.scheduling.vocabulary import KIND_LABELS, MODALITY_LABELS, Modality


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day", choices=list(enumerate(WEEKDAY_NAMES)), coerce=int
    )
    location = forms.ModelChoiceField(label="Location", queryset=Location.objects.none())
    start = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="Until", widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(practice_id=practice_id)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", "The working hours must end after they start (on the same day).")
        return data


class TimeOffForm(forms.Form):
    start_date = forms.DateField(
        label="From (date)", widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label="From (time)", initial=dt.time(0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_date = forms.DateField(label="Until (date)", widget=forms.DateInput(attrs={"type": "date"}))
    end_time = forms.TimeField(
        label="Until (time)",
        initial=dt.time(23, 59),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        required=False,
        help_text="Seen only by you and front desk.",
    )

    def __init__(self, *args: Any, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(time_zone)

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        d = self.cleaned_data
        start = dt.datetime.combine(d["start_date"], d["start_time"], self.zone)
        end = dt.datetime.combine(d["end_date"], d["end_time"], self.zone)
        return start, end

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(
            data.get(k) is not None for k in ("start_date", "start_time", "end_date", "end_time")
        ):
            start, end = self.span()
            if end <= start:
                self.add_error("end_date", "The time off must end after it starts.")
        return data


class AvailabilityForm(forms.Form):
    client = forms.TypedChoiceField(label="Client", coerce=int, choices=[])
    kind = forms.ChoiceField(label="Kind of session", choices=choices(KIND_LABELS))
    modality = forms.ChoiceField(label="Modality", choices=choices(MODALITY_LABELS))
    location = forms.ModelChoiceField(
        label="Location",
        queryset=Location.objects.none(),
        required=False,
        help_text="Needed for in-person sessions.",
    )
    staff = forms.ModelMultipleChoiceField(
        label="Staff",
        queryset=StaffMember.objects.none(),
        help_text="Everyone who must be there (a medicine session needs a monitor).",
        widget=forms.CheckboxSelectMultiple,
    )
    duration = forms.IntegerField(
        label="Length in minutes",
        min_value=5,
        max_value=600,
        required=False,
        help_text="Leave empty for the usual length of the kind (medicine: 180).",
    )
    after = forms.DateField(
        label="From date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to search from now.",
    )
    client_location_state = forms.ChoiceField(
        label="Client's state during a telehealth session",
        required=False,
        choices=[("", "Home state"), *((s, s) for s in US_STATES)],
    )
    count = forms.IntegerField(
        label="How many slots",
        min_value=1,
        max_value=MAX_COUNT,
        initial=DEFAULT_COUNT,
        required=False,
    )

    def __init__(
        self, *args: Any, practice_id: int, clients: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [("", "Choose a client"), *clients]  # type: ignore[attr-defined]
        self.fields["location"].queryset = Location.objects.filter(practice_id=practice_id)  # type: ignore[attr-defined]
        self.fields["staff"].queryset = (  # type: ignore[attr-defined]
            StaffMember.objects.filter(
                practice_id=practice_id,
                is_active=True,
                # Only people who see clients can be booked (not front desk, privacy).
                roles__role__in=[r.value for r in CARE_TEAM_ROLES],
            )
            .distinct()
            .select_related("user")
            .order_by("user__full_name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("modality") == Modality.IN_PERSON.value and not data.get("location"):
            self.add_error("location", "Choose the office for an in-person session.")
        staff = data.get("staff")
        if staff is not None and len(staff) > 5:
            self.add_error("staff", "Choose at most 5 staff members.")
        return data


class SettingsForm(forms.Form):
    """One field per setting, initial from the value in force; a reason for the change."""

    reminder_hours_before = forms.IntegerField(
        label="Reminder e-mails, hours before the appointment", min_value=1, max_value=336
    )
    reason = forms.CharField(
        label="Why the change",
        max_length=200,
        help_text="Kept with the new values as their source, and in the audit trail.",
    )

    def __init__(self, *args: Any, rows: list[SettingRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = {row.name: row for row in rows}
        fields: dict[str, forms.Field] = {}
        for name in SETTING_NAMES:
            row = self.rows[name]
            key = name.replace(".", "__")
            help_text = f"Default: {_show(row.default)}."
            if name.endswith("medicine_spacing_measure"):
                fields[key] = forms.ChoiceField(
                    label=row.label,
                    choices=[(m.value, m.value.replace("_", " ")) for m in SpacingMeasure],
                    initial=row.value,
                    help_text=help_text,
                )
            elif name == "telehealth_states":
                fields[key] = forms.CharField(
                    label=row.label,
                    initial=_show(row.value),
                    help_text=f"Two-letter codes separated by commas. {help_text}",
                )
            elif name == "time_zone":
                fields[key] = forms.CharField(
                    label=row.label, initial=row.value, help_text=help_text
                )
            else:
                fields[key] = forms.IntegerField(
                    label=row.label,
                    min_value=0,
                    max_value=60,
                    initial=row.value,
                    help_text=help_text,
                )
        # Settings first, then the reminder lead time and the reason.
        reminder, reason = self.fields.pop("reminder_hours_before"), self.fields.pop("reason")
        self.fields.update(fields)
        self.fields["reminder_hours_before"] = reminder
        self.fields["reason"] = reason

    def changed_values(self) -> dict[str, object]:
        """The settings whose value differs from the one in force (a default again: None)."""
        changed: dict[str, object] = {}
        for name in SETTING_NAMES:
            value: object = self.cleaned_data[name.replace(".", "__")]
            if name == "telehealth_states":
                value = sorted({s.strip().upper() for s in str(value).split(",") if s.strip()})
            row = self.rows[name]
            if value != row.value:
                changed[name] = None if value == row.default else value
        return changed


def _show(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value).replace("_", " ")
