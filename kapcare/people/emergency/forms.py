"""The emergency access pages' forms. They check input; ``emergency.services`` saves it."""

from django import forms

from kapcare.core.form_inputs import InputRules
from kapcare.people.emergency.rules import REASON_LIMIT, REVIEW_NOTE_LIMIT


class EmergencyRequestForm(InputRules, forms.Form):
    reason = forms.CharField(
        label="Why do you need this record now?",
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The privacy officer reads this. Say what is happening, for example "
        "'client called in crisis, their therapist is away'.",
        error_messages={"required": "Say why you need this record now."},
    )


class EmergencyReviewForm(InputRules, forms.Form):
    note = forms.CharField(
        label="Review note",
        required=False,
        max_length=REVIEW_NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
