"""Which calendar to show: day or week, from a date, for a person, place or room."""

from typing import Any, cast

from django import forms

from kapcare.core.form_inputs import InputRules
from kapcare.core.long_select import LongSelect, PreparedChoices
from kapcare.scheduling.forms.places import PlaceFields


class CalendarForm(InputRules, forms.Form):
    """Which calendar to show: day or week, from a date, for a person, place or room."""

    view = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("week", "Week"), ("day", "Day")],
    )
    # Chosen by the links above the calendar; kept hidden so "Show" keeps them.
    layout = forms.ChoiceField(
        label="Layout",
        required=False,
        choices=[("grid", "Time grid"), ("list", "List")],
        widget=forms.HiddenInput,
    )
    by = forms.ChoiceField(
        label="Columns of a day",
        required=False,
        choices=[("staff", "One per clinician"), ("room", "One per room")],
        widget=forms.HiddenInput,
    )
    date = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, for example 2026-03-04."},
    )
    staff = forms.TypedChoiceField(
        label="Staff member", required=False, coerce=int, widget=LongSelect
    )
    location = forms.TypedChoiceField(
        label="Location", required=False, coerce=int, widget=LongSelect
    )
    room = forms.TypedChoiceField(label="Room", required=False, coerce=int, widget=LongSelect)

    def __init__(self, *args: Any, places: PlaceFields, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places = places
        cast(forms.ChoiceField, self.fields["staff"]).choices = PreparedChoices(
            [("", "Anyone"), *places.staff_choices]
        )
        cast(forms.ChoiceField, self.fields["location"]).choices = PreparedChoices(
            [("", "Any location"), *places.location_choices[1:]]
        )
        cast(forms.ChoiceField, self.fields["room"]).choices = PreparedChoices(
            [("", "Any room"), *places.room_choices[1:]]
        )
