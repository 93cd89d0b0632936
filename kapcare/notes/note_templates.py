"""The note templates: each appointment kind's structured fields (pure data, no Django).

Every note also has free text (the narrative) and a risk section; these are the fields
particular to each kind. Values are free text (at most ``FIELD_LIMIT`` characters);
:func:`check_fields` refuses unknown keys and over-long values, naming the field.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from kapcare.notes.vocabulary import NoteKind

__all__ = ["FIELD_LIMIT", "TEMPLATES", "NoteField", "check_fields", "fields_of"]

FIELD_LIMIT = 5000


@dataclass(frozen=True)
class NoteField:
    key: str
    label: str
    hint: str = ""


TEMPLATES: dict[NoteKind, tuple[NoteField, ...]] = {
    NoteKind.INTAKE: (
        NoteField(
            "presenting_concerns",
            "Presenting concerns, in relational terms",
            "What brings them now; the patterns in close relationships they want to change.",
        ),
        NoteField("history", "History", "Relational, trauma, treatment and substance history."),
        NoteField("mental_status", "Mental status", "Appearance, mood, affect, thought, insight."),
        NoteField(
            "diagnosis",
            "Diagnostic impression",
            "The codes themselves are recorded on the treatment plan.",
        ),
    ),
    NoteKind.PREPARATION: (
        NoteField("intentions", "Intentions", "In the client's own words."),
        NoteField("safety_plan", "Safety plan"),
        NoteField("parts_expected", "Parts expected to show up"),
        NoteField("set_and_setting", "Set and setting"),
        NoteField("music", "Music"),
        NoteField("support_person", "Support person", "Who takes them home and is reachable."),
    ),
    NoteKind.MEDICINE: (
        NoteField("what_emerged", "What emerged", "Images, memories, sensations, insight."),
        NoteField("support_given", "Support given"),
    ),
    NoteKind.INTEGRATION: (
        NoteField("what_emerged", "What emerged"),
        NoteField("meaning_making", "Meaning-making"),
        NoteField("parts_follow_up", "Parts follow-up"),
        NoteField("relational_patterns", "Relational patterns"),
        NoteField("practice", "Practice between sessions", "Journal prompts, somatic practice."),
    ),
    NoteKind.THERAPY: (
        NoteField("focus", "Focus of the session"),
        NoteField("parts_work", "Parts work", "Protectors met, the 6 Fs, unburdening."),
        NoteField("emdr", "EMDR", "Targets and phases; the numbers go on the EMDR target page."),
    ),
}


def fields_of(kind: NoteKind) -> tuple[NoteField, ...]:
    return TEMPLATES[kind]


def check_fields(kind: NoteKind, values: Mapping[str, object]) -> list[tuple[str, str]]:
    """Problems with a note's structured fields, as ``(field, message)`` pairs."""
    known = {f.key for f in TEMPLATES[kind]}
    problems: list[tuple[str, str]] = []
    for key, value in values.items():
        if key not in known:
            problems.append((f"fields.{key}", "This field is not part of this kind of note."))
        elif not isinstance(value, str):
            problems.append((f"fields.{key}", "Write text here."))
        elif len(value) > FIELD_LIMIT:
            problems.append((f"fields.{key}", f"Keep this to {FIELD_LIMIT} characters."))
    return problems
