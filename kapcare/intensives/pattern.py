"""An intensive's pattern: its days, each an ordered list of blocks. Pure Python.

Stored as JSON (``[[{"activity", "minutes", "modality"}, ...], ...]``, one list per day)
on a client's plan and on a practice's templates, and read here into typed blocks.
:func:`read_pattern` refuses, with one plain sentence, what can never be booked as an
intensive day:

* a medicine session that is not in person (``medicine.in_person_only``), or two on one
  day (an intensive doses at most once a day, ``medicine.min_spacing``);
* a medicine session with no integration block after it in the intensive
  (``medicine.requires_integration``; whether it falls within the practice's window of
  days is the planner's check, since the window is a practice setting);
* a day that does not end with its closure (``intensive.daily_closure``: CLINICAL.md,
  intensives need daily closure).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from kapcare.intensives.vocabulary import ACTIVITY_KINDS, Activity
from kapcare.scheduling.vocabulary import AppointmentKind, Modality

__all__ = [
    "MAX_BLOCKS_PER_DAY",
    "MAX_DAYS",
    "Block",
    "PatternError",
    "medicine_days",
    "pattern_json",
    "read_pattern",
]

MAX_DAYS = 14
MAX_BLOCKS_PER_DAY = 6
MINUTE_STEP = 15
MAX_MINUTES = 480


class PatternError(ValueError):
    """A pattern that cannot be an intensive; the message is for the person entering it."""


@dataclass(frozen=True)
class Block:
    """One session of an intensive day, in the order the day runs."""

    activity: Activity
    minutes: int
    modality: Modality

    @property
    def kind(self) -> AppointmentKind:
        return ACTIVITY_KINDS[self.activity]

    @property
    def is_medicine(self) -> bool:
        return self.activity is Activity.MEDICINE


def _block(raw: object, where: str) -> Block:
    if not isinstance(raw, dict):
        raise PatternError(f"{where} must be an object with activity, minutes and modality.")
    activity = raw.get("activity")
    if activity not in {a.value for a in Activity}:
        names = ", ".join(a.value for a in Activity)
        raise PatternError(f"{where}: choose an activity among {names}.")
    minutes = raw.get("minutes")
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not MINUTE_STEP <= minutes <= MAX_MINUTES
        or minutes % MINUTE_STEP
    ):
        raise PatternError(
            f"{where}: the length is whole minutes in steps of {MINUTE_STEP}, "
            f"from {MINUTE_STEP} to {MAX_MINUTES}."
        )
    modality = raw.get("modality", Modality.IN_PERSON.value)
    if modality not in {m.value for m in Modality}:
        raise PatternError(f"{where}: the modality is in_person or telehealth.")
    return Block(Activity(activity), minutes, Modality(modality))


def read_pattern(raw: object) -> tuple[tuple[Block, ...], ...]:
    """The days of a pattern as typed blocks, or :class:`PatternError` saying what is wrong."""
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_DAYS:
        raise PatternError(f"An intensive has 1 to {MAX_DAYS} days, each a list of blocks.")
    days: list[tuple[Block, ...]] = []
    for number, raw_day in enumerate(raw, start=1):
        if not isinstance(raw_day, list) or not 1 <= len(raw_day) <= MAX_BLOCKS_PER_DAY:
            raise PatternError(f"Day {number} needs 1 to {MAX_BLOCKS_PER_DAY} blocks.")
        day = tuple(_block(b, f"Day {number}, block {index}") for index, b in enumerate(raw_day, 1))
        medicine = [b for b in day if b.is_medicine]
        if len(medicine) > 1:
            raise PatternError(f"Day {number} has two medicine sessions: dose at most once a day.")
        if any(b.modality is not Modality.IN_PERSON for b in medicine):
            raise PatternError(f"Day {number}: a medicine session happens in person only.")
        if day[-1].activity is not Activity.CLOSURE:
            raise PatternError(f"Day {number} must end with its daily closure.")
        days.append(day)
    _check_integration(days)
    return tuple(days)


def _check_integration(days: Sequence[tuple[Block, ...]]) -> None:
    flat = [(number, b) for number, day in enumerate(days, 1) for b in day]
    for index, (number, block) in enumerate(flat):
        if block.is_medicine and not any(
            later.activity is Activity.INTEGRATION for _, later in flat[index + 1 :]
        ):
            raise PatternError(
                f"The medicine session of day {number} needs an integration block after it."
            )


def medicine_days(days: Sequence[tuple[Block, ...]]) -> list[int]:
    """The day numbers (1-based) that have a medicine session."""
    return [n for n, day in enumerate(days, 1) if any(b.is_medicine for b in day)]


def pattern_json(days: Sequence[Sequence[Block]]) -> list[list[dict[str, object]]]:
    """The stored form of typed days (what :func:`read_pattern` reads back)."""
    return [
        [
            {"activity": b.activity.value, "minutes": b.minutes, "modality": b.modality.value}
            for b in day
        ]
        for day in days
    ]
