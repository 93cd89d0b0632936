"""Forms of the medicine console and the medical page. They read input; services decide.

Times are typed as the location's wall-clock time (``datetime-local``) and made
aware in the location's zone here, so the services only ever see aware times.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django import forms

from kapcare.core.choices import choices
from kapcare.core.form_inputs import InputRules
from kapcare.medicine.thresholds import SessionPolicy
from kapcare.medicine.vocabulary import (
    ADVERSE_EVENT_LABELS,
    SEVERITY_LABELS,
)
from kapcare.pathway.vocabulary import (
    ROUTE_LABELS,
)

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
SEDATION_CHOICES = [
    ("", "Not rated"),
    ("5", "5 Responds readily to name in a normal tone"),
    ("4", "4 Lethargic response to name in a normal tone"),
    ("3", "3 Responds only after name is called loudly or repeatedly"),
    ("2", "2 Responds only after mild prodding or shaking"),
    ("1", "1 Responds only after painful trapezius squeeze"),
    ("0", "0 No response after painful trapezius squeeze"),
]
DISSOCIATION_CHOICES = [("", "Not rated")] + [(str(n), str(n)) for n in range(11)]

# The defaults, for the typo guards a practice cannot change.
DEFAULT_SESSION = SessionPolicy()


def _plausible(name: str) -> tuple[int, int]:
    low, high = getattr(DEFAULT_SESSION, f"plausible_{name}")
    return int(low), int(high)


class LocalTimeField(forms.CharField):
    """A wall-clock time in the location's zone, as ``datetime-local`` sends it."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Time")
        kwargs.setdefault("error_messages", {"required": "Enter the time."})
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return dt.datetime.fromisoformat(str(text))
        except ValueError:
            raise forms.ValidationError(
                "Enter a date and time, for example 2026-05-01 10:15."
            ) from None


class ZonedForm(InputRules, forms.Form):
    """A form whose ``at`` is made aware in the location's zone."""

    def __init__(
        self, *args: Any, zone: zoneinfo.ZoneInfo, now: dt.datetime, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        if "at" in self.fields and not self.is_bound:
            self.initial.setdefault("at", now.astimezone(zone).strftime(LOCAL_FORMAT))

    def clean_at(self) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data.get("at")
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        return value


class ChecklistForm(InputRules, forms.Form):
    identity_confirmed = forms.BooleanField(required=False, label="Identity confirmed")
    fasting_confirmed = forms.BooleanField(
        required=False,
        label="Fasting confirmed",
    )
    escort_name = forms.CharField(
        required=False, max_length=200, label="Escort (ride home)", help_text="Their name."
    )
    no_driving_agreed = forms.BooleanField(
        required=False, label="Agrees not to drive until the next day"
    )
    todays_measures_done = forms.BooleanField(
        required=False,
        label="Today's PHQ-9 and ASQ done, no flag awaiting review",
    )
    intention = forms.CharField(
        required=False, max_length=5000, label="Intention", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, policy: SessionPolicy = DEFAULT_SESSION, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The practice's fasting window, which a medical provider may have changed.
        food, liquids = (policy.fasting_food, policy.fasting_liquids)
        self.fields["fasting_confirmed"].help_text = (
            f"Nothing to eat for {food.total_seconds() / 3600:g} hours "
            f"and nothing to drink for {liquids.total_seconds() / 3600:g}."
        )


class VitalsForm(ZonedForm):
    at = LocalTimeField()
    systolic = forms.IntegerField(
        label="Systolic (mmHg)",
        min_value=_plausible("systolic")[0],
        max_value=_plausible("systolic")[1],
    )
    diastolic = forms.IntegerField(
        label="Diastolic (mmHg)",
        min_value=_plausible("diastolic")[0],
        max_value=_plausible("diastolic")[1],
    )
    heart_rate = forms.IntegerField(
        label="Heart rate (/min)",
        min_value=_plausible("heart_rate")[0],
        max_value=_plausible("heart_rate")[1],
    )
    spo2 = forms.IntegerField(
        label="SpO2 (%)", min_value=_plausible("spo2")[0], max_value=_plausible("spo2")[1]
    )


class DoseForm(ZonedForm):
    at = LocalTimeField()
    route = forms.ChoiceField(label="Route", choices=choices(ROUTE_LABELS))
    dose_mg = forms.DecimalField(
        label="Dose (mg)", min_value=Decimal("0.01"), max_digits=7, decimal_places=2
    )
    lot = forms.CharField(label="Lot number", max_length=60)
    administered_by = forms.TypedChoiceField(
        label="Given by", coerce=int, required=False, empty_value=None
    )

    def __init__(
        self, *args: Any, givers: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["administered_by"]
        if isinstance(field, forms.TypedChoiceField):
            field.choices = [("", "Me"), *(givers or [])]


class ObservationForm(ZonedForm):
    at = LocalTimeField()
    dissociation = forms.TypedChoiceField(
        label="Dissociation (0 none to 10 extreme)",
        choices=DISSOCIATION_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    sedation = forms.TypedChoiceField(
        label="Sedation (MOAA/S)",
        choices=SEDATION_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(
        label="Observation",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    emerged = forms.CharField(
        label="What emerged (parts, memories)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AdverseEventForm(ZonedForm):
    at = LocalTimeField()
    kind = forms.ChoiceField(label="Event", choices=choices(ADVERSE_EVENT_LABELS))
    severity = forms.ChoiceField(
        label="Severity",
        choices=choices(SEVERITY_LABELS),
        help_text="Serious flags the chart and e-mails the medical provider.",
    )
    action = forms.CharField(
        label="Action taken", max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    provider_notified = forms.BooleanField(required=False, label="Medical provider notified")


class DischargeForm(ZonedForm):
    at = LocalTimeField()
    alert_oriented = forms.BooleanField(required=False, label="Alert and oriented")
    steady_gait = forms.BooleanField(required=False, label="Walks steadily")
    escort_present = forms.BooleanField(required=False, label="Named escort present")


class SignForm(InputRules, forms.Form):
    """Signing asks for the signer's password again: a signature is the person's own act,
    and a tablet left signed in on the ward must not sign for them."""

    password = forms.CharField(
        label="Your password",
        help_text="To confirm it is you who signs.",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to sign."},
    )


class TherapistNoteForm(InputRules, forms.Form):
    text = forms.CharField(
        label="Note of the session",
        required=False,
        max_length=5000,
        help_text="What the checklist, vitals and observations do not hold. Saved with the "
        "record, and locked with it when it is signed.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "Keep the note to 5000 characters."},
    )


class AddendumForm(InputRules, forms.Form):
    text = forms.CharField(
        label="Addendum", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
