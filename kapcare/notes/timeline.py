"""A part's timeline across the pathway: where it appeared and what shifted (pure).

Each appearance is labelled with the session's kind and its number among the client's
sessions of that kind ("Medicine session 1", "Integration 2"), so a therapist reads e.g.
"the protector that blocked the first medicine session softened in integration 2".
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kapcare.notes.vocabulary import NoteKind

__all__ = ["STAGE_LABELS", "Step", "ordinals", "timeline"]

STAGE_LABELS = {
    NoteKind.INTAKE: "Intake",
    NoteKind.PREPARATION: "Preparation",
    NoteKind.MEDICINE: "Medicine session",
    NoteKind.INTEGRATION: "Integration",
    NoteKind.THERAPY: "Therapy",
}


@dataclass(frozen=True)
class Step:
    note_id: int
    kind: NoteKind
    at: dt.datetime
    number: int  # among the client's sessions of this kind, from 1
    what_shifted: str

    @property
    def label(self) -> str:
        return f"{STAGE_LABELS[self.kind]} {self.number}"


def ordinals(sessions: Iterable[tuple[int, str, dt.datetime]]) -> dict[int, int]:
    """Each session's number among the sessions of its kind, by start time.

    ``sessions`` are ``(appointment id, appointment kind, start)``; cancelled ones should
    be left out by the caller (they did not happen).
    """
    counts: dict[str, int] = {}
    numbers: dict[int, int] = {}
    for appointment_id, kind, _ in sorted(sessions, key=lambda s: (s[2], s[0])):
        counts[kind] = counts.get(kind, 0) + 1
        numbers[appointment_id] = counts[kind]
    return numbers


def timeline(
    appearances: Sequence[tuple[int, int, NoteKind, dt.datetime, str]], numbers: dict[int, int]
) -> list[Step]:
    """``(note id, appointment id, kind, start, what shifted)`` in session order."""
    steps = [
        Step(note_id=n, kind=k, at=at, number=numbers.get(a, 0), what_shifted=text)
        for n, a, k, at, text in appearances
    ]
    return sorted(steps, key=lambda s: (s.at, s.note_id))
