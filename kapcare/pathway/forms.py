"""Forms of the pathway's pages: the plan, consents, and the medical page.

Thin: they parse what a person typed; the services check it against the rules and
answer field errors in the same words as the API.
"""

from decimal import Decimal
from typing import Any

from django import forms

from kapcare.core.choices import choices
from kapcare.pathway.vocabulary import (
    ANSWER_LABELS,
    CLEARANCE_LABELS,
    CONSENT_LABELS,
    FORMAT_LABELS,
    ORDERABLE_ROUTES,
    PREGNANCY_LABELS,
    ROUTE_LABELS,
    TREATMENT_MODALITY_LABELS,
    Answer,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=choices(FORMAT_LABELS),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose ongoing therapy or intensive."},
    )
    modalities = forms.MultipleChoiceField(
        label="Modalities",
        choices=choices(TREATMENT_MODALITY_LABELS),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one modality."},
    )
    relational_goals = forms.CharField(
        label="Relational goals",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In the client's words, in relational terms.",
    )
    planned_preparation_count = forms.IntegerField(
        label="Planned preparation sessions",
        required=False,
        min_value=0,
        max_value=50,
        error_messages={
            "min_value": "Enter a number from 0 to 50.",
            "max_value": "Enter a number from 0 to 50.",
            "invalid": "Enter a whole number.",
        },
    )


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(
        label="Consent",
        choices=choices(CONSENT_LABELS),
        error_messages={"required": "Choose which consent was signed."},
    )
    version = forms.CharField(
        label="Document version",
        max_length=40,
        error_messages={"required": "Give the version of the signed consent document."},
    )
    signed_on = forms.DateField(
        label="Signed on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date it was signed.",
            "invalid": "Enter a real date, for example 2026-03-04.",
        },
    )


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(
        label="Revoked on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date of the revocation.",
            "invalid": "Enter a real date, for example 2026-03-04.",
        },
    )


# --- the medical page ----------------------------------------------------------------


class ScreeningForm(forms.Form):
    """History, medications, each contraindication yes/no/unknown with notes, baseline."""

    history = forms.CharField(
        label="Medical history",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    medications = forms.CharField(
        label="Medications",
        required=False,
        max_length=5000,
        help_text="Include benzodiazepines, hypnotics, stimulants, MAOIs and opioids.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pregnancy_status = forms.ChoiceField(label="Pregnancy", choices=choices(PREGNANCY_LABELS))
    baseline_systolic = forms.IntegerField(
        label="Baseline systolic (mmHg)", required=False, min_value=40, max_value=300
    )
    baseline_diastolic = forms.IntegerField(
        label="Baseline diastolic (mmHg)", required=False, min_value=20, max_value=200
    )
    baseline_heart_rate = forms.IntegerField(
        label="Baseline heart rate (/min)", required=False, min_value=20, max_value=250
    )
    baseline_spo2 = forms.IntegerField(
        label="Baseline SpO2 (%)", required=False, min_value=50, max_value=100
    )
    baseline_weight_kg = forms.DecimalField(
        label="Weight (kg)",
        required=False,
        min_value=Decimal(20),
        max_value=Decimal(400),
        max_digits=5,
        decimal_places=1,
    )

    def __init__(self, *args: Any, items: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for code, label, severity in items:
            key = code.removeprefix("contraindication.")
            self.fields[f"answer_{key}"] = forms.ChoiceField(
                label=f"{label} ({severity})",
                choices=choices(ANSWER_LABELS),
                initial=Answer.UNKNOWN.value,
                widget=forms.RadioSelect,
            )
            self.fields[f"notes_{key}"] = forms.CharField(
                label=f"Notes: {label}", required=False, max_length=2000
            )

    def answers(self) -> dict[str, tuple[Answer, str]]:
        return {
            code: (
                Answer(self.cleaned_data[f"answer_{code.removeprefix('contraindication.')}"]),
                self.cleaned_data[f"notes_{code.removeprefix('contraindication.')}"],
            )
            for code, _, _ in self.items
        }

    def item_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (
                self[f"answer_{code.removeprefix('contraindication.')}"],
                self[f"notes_{code.removeprefix('contraindication.')}"],
            )
            for code, _, _ in self.items
        ]


class ClearanceForm(forms.Form):
    status = forms.ChoiceField(
        label="Decision",
        choices=choices(CLEARANCE_LABELS),
    )
    valid_until = forms.DateField(
        label="Valid until", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, relative: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relative = relative
        for code, message in relative:
            self.fields[f"justify_{code.removeprefix('contraindication.')}"] = forms.CharField(
                label=f"Justification: {message}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def justifications(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"justify_{code.removeprefix('contraindication.')}", "")
            for code, _ in self.relative
        }


class DoseOrderForm(forms.Form):
    route = forms.ChoiceField(
        label="Route", choices=choices({r: ROUTE_LABELS[r] for r in ORDERABLE_ROUTES})
    )
    dose_mg = forms.DecimalField(
        label="Dose (mg)", min_value=Decimal("0.01"), max_digits=6, decimal_places=2
    )
    max_dose_mg = forms.DecimalField(
        label="Maximum per session (mg)",
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
        help_text="Supplemental doses count toward it.",
    )
    active_from = forms.DateField(
        label="Active from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    active_to = forms.DateField(
        label="Active until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
