"""The pattern reader: what can be an intensive day, and what is refused with why."""

from typing import Any

import pytest

from kapcare.intensives.pattern import PatternError, medicine_days, pattern_json, read_pattern
from kapcare.intensives.vocabulary import Activity
from kapcare.scheduling.vocabulary import AppointmentKind, Modality


def b(activity: str, minutes: int = 60, modality: str = "in_person") -> dict[str, Any]:
    return {"activity": activity, "minutes": minutes, "modality": modality}


THREE_DAYS = [
    [b("preparation", 90), b("parts_work"), b("closure", 30)],
    [b("medicine", 180), b("integration", 60), b("closure", 30)],
    [b("emdr", 90, "telehealth"), b("integration"), b("closure", 30)],
]


def test_a_three_day_pattern_reads_as_typed_blocks_and_back() -> None:
    days = read_pattern(THREE_DAYS)
    assert [len(d) for d in days] == [3, 3, 3]
    assert days[1][0].activity is Activity.MEDICINE
    assert days[1][0].kind is AppointmentKind.MEDICINE
    assert days[0][1].kind is AppointmentKind.THERAPY
    assert days[2][0].modality is Modality.TELEHEALTH
    assert medicine_days(days) == [2]
    assert pattern_json(days) == THREE_DAYS


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "An intensive has 1 to 14 days, each a list of blocks."),
        ("x", "An intensive has 1 to 14 days, each a list of blocks."),
        ([[]], "Day 1 needs 1 to 6 blocks."),
        ([[b("parts_work")]], "Day 1 must end with its daily closure."),
        ([["x"]], "Day 1, block 1 must be an object with activity, minutes and modality."),
        (
            [[b("yoga")]],
            "Day 1, block 1: choose an activity among preparation, medicine, "
            "integration, parts_work, emdr, closure.",
        ),
        (
            [[b("closure", 20)]],
            "Day 1, block 1: the length is whole minutes in steps of 15, from 15 to 480.",
        ),
        (
            [[b("closure", True)]],
            "Day 1, block 1: the length is whole minutes in steps of 15, from 15 to 480.",
        ),
        ([[b("closure", 30, "phone")]], "Day 1, block 1: the modality is in_person or telehealth."),
        (
            [[b("medicine", 120), b("medicine", 120), b("integration"), b("closure")]],
            "Day 1 has two medicine sessions: dose at most once a day.",
        ),
        (
            [[b("medicine", 120, "telehealth"), b("integration"), b("closure")]],
            "Day 1: a medicine session happens in person only.",
        ),
        (
            [[b("integration"), b("closure")], [b("medicine", 120), b("closure")]],
            "The medicine session of day 2 needs an integration block after it.",
        ),
    ],
)
def test_a_pattern_that_cannot_be_an_intensive_is_refused_with_why(
    raw: object, message: str
) -> None:
    with pytest.raises(PatternError) as refused:
        read_pattern(raw)
    assert str(refused.value) == message


def test_integration_on_a_later_day_counts_after_the_dose() -> None:
    days = read_pattern([[b("medicine", 120), b("closure")], [b("integration"), b("closure")]])
    assert medicine_days(days) == [1]
