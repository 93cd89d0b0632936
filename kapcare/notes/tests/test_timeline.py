"""The parts timeline: sessions numbered per kind, appearances in session order."""

import datetime as dt

from kapcare.notes.timeline import ordinals, timeline
from kapcare.notes.vocabulary import NoteKind

T0 = dt.datetime(2026, 3, 1, 15, tzinfo=dt.UTC)


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def test_sessions_are_numbered_per_kind_by_start() -> None:
    sessions = [(5, "integration", day(9)), (1, "preparation", day(0)),
                (3, "medicine", day(7)), (4, "integration", day(8)),
                (2, "preparation", day(3))]  # fmt: skip
    assert ordinals(sessions) == {1: 1, 2: 2, 3: 1, 4: 1, 5: 2}


def test_the_protector_that_blocked_the_first_medicine_session_softened_in_integration_2() -> None:
    numbers = {1: 1, 3: 1, 4: 1, 5: 2}
    steps = timeline(
        [
            (50, 5, NoteKind.INTEGRATION, day(9), "Softened; let the exile be seen"),
            (30, 3, NoteKind.MEDICINE, day(7), "Blocked the experience"),
            (10, 1, NoteKind.PREPARATION, day(0), "Expected to show up"),
        ],
        numbers,
    )
    assert [(s.label, s.what_shifted) for s in steps] == [
        ("Preparation 1", "Expected to show up"),
        ("Medicine session 1", "Blocked the experience"),
        ("Integration 2", "Softened; let the exile be seen"),
    ]
