"""Forms of the therapy pages: the note editor, parts, EMDR, psychotherapy notes.

Thin: they parse what a person typed; the services check it and answer field errors in
the same words as the API. The note form is built from the note's template.
"""

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from kapcare.billing.cpt import CODE_LABELS
from kapcare.core.choices import choices
from kapcare.core.form_inputs import InputRules
from kapcare.notes.models import Part, SessionNote
from kapcare.notes.note_templates import fields_of
from kapcare.notes.vocabulary import (
    BLS_LABELS,
    CLOSURE_LABELS,
    EMDR_PHASE_LABELS,
    PERMISSION_LABELS,
    PRONG_LABELS,
    RISK_LABELS,
    ROLE_LABELS,
    SELF_QUALITY_LABELS,
    UNBURDENING_LABELS,
    NoteKind,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})
LONG = 5000


def _text(label: str, *, hint: str = "", rows: int = 3, limit: int = LONG) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class NoteForm(InputRules, forms.Form):
    """A session note's fields: the template's, the narrative, risk, parts, Self, codes."""

    narrative = _text("Session narrative", rows=6)
    risk_level = forms.ChoiceField(
        label="Risk assessment",
        required=False,
        choices=choices(RISK_LABELS),
        widget=forms.RadioSelect,
        help_text="Required to sign.",
    )
    risk_notes = _text("Risk notes", hint="Ideation, intent, plan, protective factors.")
    self_energy = forms.MultipleChoiceField(
        label="Self-energy present (the 8 Cs)",
        required=False,
        choices=choices(SELF_QUALITY_LABELS),
        widget=forms.CheckboxSelectMultiple,
    )
    held_minutes = forms.IntegerField(
        label="Minutes held", min_value=0, max_value=1440, required=False
    )
    interactive_complexity = forms.BooleanField(
        label="Interactive complexity (e.g. an interpreter or a third party in the room)",
        required=False,
    )
    cpt_codes = forms.MultipleChoiceField(
        label="Billing codes",
        required=False,
        choices=list(CODE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    cpt_reason = forms.CharField(
        label="Why the codes differ from the proposed ones",
        required=False,
        max_length=500,
    )

    def __init__(self, *args: Any, note: SessionNote, parts: Sequence[Part], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.note = note
        self.template_fields = fields_of(NoteKind(note.kind))
        fields: dict[str, forms.Field] = {}
        for spec in self.template_fields:
            fields[f"f_{spec.key}"] = _text(spec.label, hint=spec.hint)
        self.part_rows = []
        for part in parts:
            appeared, shifted = f"part_{part.pk}", f"shifted_{part.pk}"
            fields[appeared] = forms.BooleanField(label=part.name, required=False)
            fields[shifted] = forms.CharField(
                label=f"What shifted for {part.name}", required=False, max_length=LONG
            )
            self.part_rows.append((part, appeared, shifted))
        # Template fields first, in the template's order, then the rest.
        self.fields = {**fields, **self.fields}

    def template_bound_fields(self) -> list[forms.BoundField]:
        return [self[f"f_{spec.key}"] for spec in self.template_fields]

    def part_bound_fields(self) -> list[tuple[Part, forms.BoundField, forms.BoundField]]:
        return [(part, self[a], self[s]) for part, a, s in self.part_rows]

    def general_bound_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("narrative", "self_energy", "risk_level", "risk_notes")]

    def billing_bound_fields(self) -> list[forms.BoundField]:
        names = ("held_minutes", "interactive_complexity", "cpt_codes", "cpt_reason")
        return [self[n] for n in names]

    @staticmethod
    def initial_for(note: SessionNote, codes: Sequence[str]) -> dict[str, object]:
        initial: dict[str, object] = {f"f_{k}": v for k, v in note.fields.items()}
        initial.update(
            narrative=note.narrative,
            risk_level=note.risk_level,
            risk_notes=note.risk_notes,
            self_energy=list(note.self_energy),
            held_minutes=note.held_minutes,
            interactive_complexity=note.interactive_complexity,
            cpt_codes=list(codes),
            cpt_reason=note.cpt_reason,
        )
        for appearance in note.appearances.all():
            initial[f"part_{appearance.part_id}"] = True
            initial[f"shifted_{appearance.part_id}"] = appearance.what_shifted
        return initial


class AddendumForm(InputRules, forms.Form):
    text = forms.CharField(
        label="Addendum", max_length=LONG, widget=TEXTAREA,
        error_messages={"required": "Write the addendum."},
    )  # fmt: skip


class PartForm(InputRules, forms.Form):
    name = forms.CharField(
        label="Name", max_length=100, help_text="The name the client uses for the part.",
        error_messages={"required": "Give the part the name the client uses for it."},
    )  # fmt: skip
    role = forms.ChoiceField(label="Role", choices=choices(ROLE_LABELS), widget=forms.RadioSelect)
    body_location = forms.CharField(label="Where it is felt in the body", required=False,
                                    max_length=200)  # fmt: skip
    age_it_feels = forms.CharField(label="Age it feels", required=False, max_length=50)
    burdens = _text("Burdens")
    fears = _text("Fears", hint="What it fears would happen if it stopped its job.")
    feeling_toward = forms.CharField(
        label="How the client feels toward it", required=False, max_length=500,
        help_text="Curious or compassionate suggests Self is present.",
    )  # fmt: skip
    permission = forms.ChoiceField(
        label="Permission to approach", choices=choices(PERMISSION_LABELS),
        widget=forms.RadioSelect, initial="not_asked",
    )  # fmt: skip
    unburdening_steps = forms.MultipleChoiceField(
        label="Unburdening steps done", required=False, choices=choices(UNBURDENING_LABELS),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    protects = forms.MultipleChoiceField(
        label="Protects", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="The parts (often exiles) this part protects.",
    )  # fmt: skip

    def __init__(self, *args: Any, others: Sequence[Part], **kwargs: Any):
        super().__init__(*args, **kwargs)
        protects = cast(forms.MultipleChoiceField, self.fields["protects"])
        protects.choices = [(str(p.pk), p.name) for p in others]


class EmdrTargetForm(InputRules, forms.Form):
    image = _text("Image", hint="The worst part of the memory or trigger, as a picture.")
    negative_cognition = forms.CharField(label="Negative cognition", max_length=300)
    positive_cognition = forms.CharField(label="Positive cognition", max_length=300)
    voc = forms.IntegerField(label="VOC (1 to 7)", min_value=1, max_value=7)
    emotion = forms.CharField(label="Emotion", max_length=200)
    sud = forms.IntegerField(label="SUD (0 to 10)", min_value=0, max_value=10)
    body_location = forms.CharField(label="Body location", required=False, max_length=200)
    prong = forms.ChoiceField(
        label="Prong", choices=choices(PRONG_LABELS), widget=forms.RadioSelect
    )


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EmdrSessionForm(InputRules, forms.Form):
    held_at = forms.DateTimeField(label="When", widget=DATETIME_INPUT)
    phase_reached = forms.ChoiceField(label="Phase reached", choices=choices(EMDR_PHASE_LABELS))
    sud_start = forms.IntegerField(label="SUD at start (0 to 10)", min_value=0, max_value=10)
    sud_end = forms.IntegerField(label="SUD at end (0 to 10)", min_value=0, max_value=10)
    voc_start = forms.IntegerField(label="VOC at start (1 to 7)", min_value=1, max_value=7)
    voc_end = forms.IntegerField(label="VOC at end (1 to 7)", min_value=1, max_value=7)
    bls_type = forms.ChoiceField(label="Bilateral stimulation", choices=choices(BLS_LABELS))
    bls_sets = forms.IntegerField(label="Sets", min_value=0, max_value=500)
    closure = forms.ChoiceField(
        label="Closure", choices=choices(CLOSURE_LABELS), widget=forms.RadioSelect
    )
    reevaluated_target = forms.ChoiceField(label="Previous target reevaluated", required=False)
    reevaluation_sud = forms.IntegerField(
        label="Its SUD now (0 to 10)", min_value=0, max_value=10, required=False
    )

    def __init__(self, *args: Any, targets: Sequence[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        previous = cast(forms.ChoiceField, self.fields["reevaluated_target"])
        previous.choices = [("", "None this session"), *((str(i), label) for i, label in targets)]


class PsychotherapyNoteForm(InputRules, forms.Form):
    text = forms.CharField(
        label="Psychotherapy note", max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Kept apart from the record, encrypted, readable by you only.",
        error_messages={"required": "Write the note."},
    )  # fmt: skip
