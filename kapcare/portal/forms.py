"""The portal's forms: plain fields, plain words."""

from typing import Any, cast

from django import forms

from kapcare.core.form_inputs import InputRules
from kapcare.people.states import STATES_BY_NAME
from kapcare.portal.intake_rules import MAX_LENGTHS
from kapcare.portal.vocabulary import FIT_ANSWER_LABELS, FIT_STATEMENTS

__all__ = [
    "BookingSearchForm",
    "CancelForm",
    "IntakeForm",
    "JournalEntryForm",
    "LocationForm",
    "MedicineRequestForm",
    "PauseForm",
    "SignConsentForm",
]


class SignConsentForm(InputRules, forms.Form):
    agree = forms.BooleanField(
        label="I have read this document and I agree to it",
        error_messages={"required": "Tick the box to say you have read and agree to it."},
    )
    typed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=150,
        help_text="Typing your name here is your signature.",
        error_messages={"required": "Type your full name to sign."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class IntakeForm(InputRules, forms.Form):
    """The intake, every field optional for a draft (``intake_rules`` says what sending
    needs). Contact fields start from the client's record."""

    phone = forms.CharField(
        label="Your phone number",
        max_length=MAX_LENGTHS["phone"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    emergency_contact_name = forms.CharField(
        label="Emergency contact: name",
        max_length=MAX_LENGTHS["emergency_contact_name"],
        required=False,
    )
    emergency_contact_relationship = forms.CharField(
        label="Emergency contact: who they are to you",
        max_length=MAX_LENGTHS["emergency_contact_relationship"],
        required=False,
        help_text="For example: partner, sister, friend.",
    )
    emergency_contact_phone = forms.CharField(
        label="Emergency contact: phone number",
        max_length=MAX_LENGTHS["emergency_contact_phone"],
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    history = forms.CharField(
        label="What brings you here",
        required=False,
        max_length=MAX_LENGTHS["history"],
        help_text="Whatever you would like us to know: what has been happening, therapy "
        "you have had before. Share only what feels right.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    goals = forms.CharField(
        label="What you would like to change in your relationships",
        required=False,
        max_length=MAX_LENGTHS["goals"],
        help_text="With partners, family, friends, or yourself. A few words are enough.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    medications = forms.CharField(
        label="Medicines you take now",
        required=False,
        max_length=MAX_LENGTHS["medications"],
        help_text='Prescribed or not, with the dose if you know it; or write "none".',
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, statement in FIT_STATEMENTS.items():
            self.fields[name] = forms.ChoiceField(
                label=statement,
                required=False,
                choices=list(FIT_ANSWER_LABELS.items()),
                widget=forms.RadioSelect,
            )

    def fit_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in FIT_STATEMENTS]


class JournalEntryForm(InputRules, forms.Form):
    """Intentions or a journal entry: the words, and whether the care team reads them."""

    body = forms.CharField(
        label="What you would like to write",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Write something first; even a few words are enough.",
            "max_length": "Keep one entry to 10,000 characters; start another.",
        },
    )
    share = forms.BooleanField(
        label="Share this with my care team",
        required=False,
        help_text="Unless you tick this, only you can read it. You can share it later.",
    )


class CancelForm(InputRules, forms.Form):
    reason = forms.CharField(
        label="Anything you would like your care team to know",
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note to 200 characters."},
    )


class LocationForm(InputRules, forms.Form):
    """Where the client is for this video session (the state decides who may see them)."""

    state = forms.ChoiceField(
        label="The state you are in right now",
        choices=[("", "Choose a state"), *STATES_BY_NAME],
        error_messages={"required": "Choose the state you are in right now."},
    )
    city = forms.CharField(
        label="City or town",
        required=False,
        max_length=100,
        error_messages={"max_length": "Keep the city to 100 characters."},
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )


class MedicineRequestForm(InputRules, forms.Form):
    note = forms.CharField(
        label="Days and times that suit you, or anything else",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep the note to 1,000 characters."},
    )


class PauseForm(InputRules, forms.Form):
    note = forms.CharField(
        label="Anything you would like to say",
        required=False,
        max_length=2000,
        help_text="You do not need to give a reason.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep the note to 2,000 characters."},
    )


VIDEO = "video"


class BookingSearchForm(InputRules, forms.Form):
    """What the client would like to book: the kind, with whom, where (by video from a
    state, or at one of the offices)."""

    kind = forms.ChoiceField(
        label="Kind of session",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of session."},
    )
    staff = forms.TypedChoiceField(
        label="With",
        coerce=int,
        error_messages={"required": "Choose someone on your care team."},
    )
    where = forms.ChoiceField(
        label="Where",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose by video or an office."},
    )
    state = forms.ChoiceField(
        label="For a video session: the state you will be in",
        choices=STATES_BY_NAME,
        required=False,
        help_text="Your care team can meet you by video only where they are licensed.",
    )

    def __init__(
        self,
        *args: Any,
        kinds: list[tuple[str, str]],
        team: list[tuple[int, str]],
        offices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
        cast(forms.ChoiceField, self.fields["staff"]).choices = team
        cast(forms.ChoiceField, self.fields["where"]).choices = [
            (VIDEO, "By video"),
            *((str(pk), f"In person at {name}") for pk, name in offices),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("where") == VIDEO and not data.get("state"):
            self.add_error("state", "Choose the state you will be in.")
        return data
