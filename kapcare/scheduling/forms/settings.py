"""The practice's scheduling settings form (booking rules and reminder lead time)."""

from typing import Any

from django import forms

from kapcare.core.form_inputs import InputRules
from kapcare.core.wording import US_ZONES, value_words, zone_words
from kapcare.scheduling.practice_settings import (
    MAX_CANCEL_NOTICE_HOURS,
    MAX_DAYS,
    SETTING_NAMES,
    SettingRow,
)
from kapcare.scheduling.thresholds import SpacingMeasure


class SettingsForm(InputRules, forms.Form):
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
                    choices=[(m.value, value_words(m.value)) for m in SpacingMeasure],
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
                zones = [z for z in US_ZONES if z != row.value]
                fields[key] = forms.ChoiceField(
                    label=row.label,
                    choices=[(z, zone_words(z)) for z in [str(row.value), *zones]],
                    initial=row.value,
                    help_text=help_text,
                )
            else:
                fields[key] = forms.IntegerField(
                    label=row.label,
                    min_value=0,
                    max_value=MAX_CANCEL_NOTICE_HOURS
                    if name == "client_cancel_notice_hours"
                    else MAX_DAYS,
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
    return value_words(value)
