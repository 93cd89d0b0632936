"""Forms of a staff member's working hours and time off."""

import datetime as dt
import zoneinfo
from typing import Any

from django import forms

from kapcare.core.form_inputs import InputRules
from kapcare.people.models import Location
from kapcare.scheduling.hours import WEEKDAY_NAMES


class WindowForm(InputRules, forms.Form):
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


class TimeOffForm(InputRules, forms.Form):
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


class VideoRoomForm(InputRules, forms.Form):
    url = forms.CharField(
        label="Video room link",
        required=False,
        max_length=300,
        help_text="The fixed link of your telehealth room. Clients see it for their video "
        "sessions with you, in the portal and in the reminder. Leave empty if you have none.",
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
