"""Forms of the pathway's pages: the plan, consents, and the medical page.

Thin: they parse what a person typed; the services check it against the rules and
answer field errors in the same words as the API.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms

from kapcare.core.choices import choices
from kapcare.core.form_inputs import InputRules
from kapcare.pathway.facts import GoalMeasure
from kapcare.pathway.vocabulary import (
    ANSWER_LABELS,
    CLEARANCE_LABELS,
    CONSENT_LABELS,
    FORMAT_LABELS,
    GOAL_COMPARISON_LABELS,
    GOAL_PROGRESS_LABELS,
    INTERVENTION_LABELS,
    ORDERABLE_ROUTES,
    PREGNANCY_LABELS,
    ROUTE_LABELS,
    TREATMENT_MODALITY_LABELS,
    Answer,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOT_A_DAY = "Enter a real date, for example 2026-03-04."


def _day(label: str, *, required: str) -> forms.DateField:
    """A required date picked in the browser's date input; ``required`` says which."""
    return forms.DateField(
        label=label,
        widget=DATE_INPUT,
        error_messages={"required": required, "invalid": NOT_A_DAY},
    )


# Between an instrument's code and its subscale's name in a "Measured by" choice.
SCORE_SEPARATOR = "|"


class PlanForm(InputRules, forms.Form):
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
    review_due_on = forms.DateField(
        label="Review the plan by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Each signed review sets the next date.",
        error_messages={"invalid": NOT_A_DAY},
    )


class ConsentForm(InputRules, forms.Form):
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
    signed_on = _day("Signed on", required="Enter the date it was signed.")


class RevokeForm(InputRules, forms.Form):
    revoked_on = _day("Revoked on", required="Enter the date of the revocation.")


# --- the medical page ----------------------------------------------------------------


class ScreeningForm(InputRules, forms.Form):
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


class ClearanceForm(InputRules, forms.Form):
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


class DoseOrderForm(InputRules, forms.Form):
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


# --- diagnoses -----------------------------------------------------------------------


class DiagnosisForm(InputRules, forms.Form):
    code = forms.CharField(
        label="ICD-10-CM code",
        max_length=8,
        help_text="From the practice's list, such as F43.10; type a code or a word to choose.",
        widget=forms.TextInput(
            attrs={"list": "diagnosis-codes", "autocomplete": "off", "spellcheck": "false"}
        ),
        error_messages={"required": "Give an ICD-10-CM code, such as F43.10."},
    )
    noted_on = _day("Noted on", required="Enter the date of the diagnosis.")


class ResolveDiagnosisForm(InputRules, forms.Form):
    resolved_on = _day("Resolved on", required="Enter the date it resolved.")


# --- the plan's problems, goals, interventions and reviews -----------------------------

NO_CHOICE = ("", "—")


class ProblemForm(InputRules, forms.Form):
    description = forms.CharField(
        label="Problem",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="In relational terms, e.g. “freezes when a partner withdraws”.",
        error_messages={"required": "Describe the problem."},
    )


class GoalForm(InputRules, forms.Form):
    description = forms.CharField(
        label="Goal",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe the goal."},
    )
    problem = forms.TypedChoiceField(
        label="Answers the problem", required=False, coerce=int, empty_value=None
    )
    instrument = forms.ChoiceField(
        label="Measured by",
        required=False,
        help_text=(
            "Optional: a measure's total or one of its subscales, a comparison and a target "
            "make it measurable."
        ),
    )
    comparison = forms.ChoiceField(
        label="Comparison",
        required=False,
        choices=[NO_CHOICE, *choices(GOAL_COMPARISON_LABELS)],
    )
    target = forms.DecimalField(
        label="Target score",
        required=False,
        min_value=Decimal(0),
        max_digits=7,
        decimal_places=2,
        error_messages={"invalid": "Enter a number, for example 33."},
    )
    target_date = forms.DateField(
        label="Hoped for by",
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": NOT_A_DAY},
    )

    def __init__(
        self,
        *args: Any,
        problems: list[tuple[int, str]],
        instruments: Mapping[str, GoalMeasure],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = [NO_CHOICE, *problems]  # type: ignore[attr-defined]
        # One choice per score a goal can target, grouped by measure: its total (if it has
        # one) and each subscale; the value carries both, split again in ``clean``.
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        for code, measure in sorted(instruments.items()):
            options = [(code, f"{code} total")] if measure.has_total else []
            options += [
                (f"{code}{SCORE_SEPARATOR}{name}", f"{code} {words}")
                for name, words in measure.subscales.items()
            ]
            groups.append((f"{code}: {measure.name}", options))
        self.fields["instrument"].choices = [("", "Not measured"), *groups]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        instrument, _, subscale = (data.get("instrument") or "").partition(SCORE_SEPARATOR)
        data["instrument"], data["subscale"] = instrument, subscale
        return data


class RewordProblemForm(InputRules, forms.Form):
    description = forms.CharField(
        label="New wording",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The wording it has now is kept in its history.",
        error_messages={"required": "Write the problem's new wording."},
    )


class ResolveProblemForm(InputRules, forms.Form):
    resolved_on = _day("Resolved on", required="Enter the date it resolved.")


class EndInterventionForm(InputRules, forms.Form):
    ended_on = _day("Ended on", required="Enter the date it ended.")


class InterventionForm(InputRules, forms.Form):
    kind = forms.ChoiceField(
        label="Intervention",
        choices=choices(INTERVENTION_LABELS),
        error_messages={"required": "Choose the intervention."},
    )
    description = forms.CharField(
        label="What it involves",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    frequency = forms.CharField(
        label="How often", required=False, max_length=200, help_text="e.g. weekly."
    )
    goal = forms.TypedChoiceField(
        label="Toward the goal", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, goals: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [NO_CHOICE, *goals]  # type: ignore[attr-defined]


class ReviewForm(InputRules, forms.Form):
    """A plan review: dates, a summary, and each goal in progress judged."""

    reviewed_on = _day("Reviewed on", required="Enter the date of the review.")
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What has changed, in relational terms; what the plan keeps or changes.",
    )
    next_review_on = _day("Next review by", required="Enter the date of the next review.")

    def __init__(self, *args: Any, goals: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goal_ids = [goal_id for goal_id, _ in goals]
        for goal_id, words in goals:
            self.fields[f"goal_{goal_id}"] = forms.ChoiceField(
                label=f"Progress: {words}",
                choices=choices(GOAL_PROGRESS_LABELS),
                widget=forms.RadioSelect,
                error_messages={"required": "Judge this goal's progress."},
            )
            self.fields[f"note_{goal_id}"] = forms.CharField(
                label=f"Note on {words}",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def goal_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(g, self[f"goal_{g}"], self[f"note_{g}"]) for g in self.goal_ids]
