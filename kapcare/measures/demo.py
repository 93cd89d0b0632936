"""The demo practice's measures: a few months of synthetic results, flags and assignments.

Loaded after the people and the schedule of the demo practice. Scores come from the
same pure engine as real responses (``Instrument.score``), so the charts, bands and
reliable change are what a real history would show. Idempotent: a client who has
any response already is left alone, so running ``load_demo`` again adds nothing.

The rows are written directly rather than through ``services.record_response``,
which would email the care team for every historical flag. One open suicidality
flag (Caleb, screening) shows the safety panel; it is kept off the clients whose
medicine sessions the schedule demo books.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from kapcare.core import clock
from kapcare.measures.models import (
    MeasureAssignment,
    MeasureResponse,
    ResponseSource,
    RiskFlag,
    Schedule,
)
from kapcare.measures.registry import get_instrument
from kapcare.people.demo import PRACTICE_NAME, demo_clients
from kapcare.people.models import CareTeamMember, StaffMember
from kapcare.people.policy import Role

__all__ = ["MeasuresLoadResult", "load_demo_measures", "synthetic_answers"]

# Days between results, and how long ago the first one was.
STEP_DAYS = 30


@dataclass(frozen=True)
class Series:
    given: str
    code: str
    totals: tuple[float, ...]  # oldest first, one a month, the last a few days ago
    item9: tuple[int, ...] = ()  # PHQ-9 only: item 9 per result (0 when not given)


# fmt: off
SERIES = (
    Series("Harper", "PHQ-9", (19, 16, 13, 10, 7)),
    Series("Harper", "GAD-7", (15, 13, 11, 8, 6)),
    Series("Harper", "PCL-5", (52, 47, 41, 35, 28)),
    Series("Harper", "DES-II", (18,)),
    Series("Imani", "PHQ-9", (14, 13, 11, 9)),
    Series("Imani", "GAD-7", (11, 10, 9, 8)),
    Series("Imani", "PCL-5", (40, 38, 33, 30)),
    Series("Jonah", "PHQ-9", (18, 14, 11, 8, 6, 5), item9=(1, 0, 0, 0, 0, 0)),
    Series("Jonah", "GAD-7", (12, 10, 8, 7, 6, 5)),
    Series("Jonah", "PCL-5", (49, 44, 37, 31, 26, 22)),
    Series("Jonah", "ECR-RS", (5, 4)),
    Series("Kiri", "PHQ-9", (16, 15, 12)),
    Series("Kiri", "GAD-7", (10, 9, 9)),
    Series("Lena", "PHQ-9", (12, 13, 15, 18)),
    Series("Lena", "GAD-7", (9, 10, 12, 13)),
    Series("Caleb", "PHQ-9", (15,), item9=(1,)),
    Series("Caleb", "GAD-7", (12,)),
    Series("Caleb", "DES-II", (22,)),
    Series("Caleb", "ECR-RS", (4,)),
    Series("Delphine", "GAD-7", (9,)),
    Series("Delphine", "ECR-RS", (5,)),
    Series("Farah", "DES-II", (34,)),
    Series("Farah", "PCL-5", (38,)),
)
ASSIGNMENTS = (
    ("Harper", "PHQ-9", Schedule.BEFORE_MEDICINE),
    ("Harper", "GAD-7", Schedule.MONTHLY),
    ("Imani", "DES-II", Schedule.BEFORE_MEDICINE),
    ("Jonah", "PCL-5", Schedule.EACH_INTEGRATION),
    ("Caleb", "PCL-5", Schedule.ONCE),
)
# fmt: on
REVIEW_NOTE = (
    "Passive thoughts only, no plan or intent; safety plan reviewed with the client. "
    "(Synthetic demo note.)"
)


@dataclass
class MeasuresLoadResult:
    created_responses: int = 0
    created_flags: int = 0
    created_assignments: int = 0


def _spread(total: int, count: int, low: int, high: int) -> list[int]:
    """``count`` answers on low..high adding up to ``total``, spread evenly."""
    base, extra = divmod(total - low * count, count)
    answers = [low + base + (1 if index < extra else 0) for index in range(count)]
    if any(a > high for a in answers):
        raise ValueError(f"{total} is out of reach with {count} items of {low}-{high}.")
    return answers


def synthetic_answers(code: str, total: float, item9: int = 0) -> list[int]:
    """Answers of ``code`` (PHQ-9, GAD-7, PCL-5, DES-II, ECR-RS) adding up to ``total``."""
    if code == "PHQ-9":
        return [*_spread(int(total) - item9, 8, 0, 3), item9]
    if code == "GAD-7":
        return _spread(int(total), 7, 0, 3)
    if code == "PCL-5":
        return _spread(int(total), 20, 0, 4)
    if code == "DES-II":  # a mean of steps of 10: alternate around the target
        low = int(total) // 10 * 10
        highs = round((total - low) / 10 * 28)
        return [low + 10 if index < highs else low for index in range(28)]
    if code == "ECR-RS":  # avoidance items 1-4 reversed: answer them low for a high score
        level = int(total)
        return [8 - level] * 4 + [level] * 5
    raise ValueError(f"No demo answers for {code}.")


def _therapists() -> dict[int, StaffMember]:
    return {
        m.client_id: m.staff
        for m in CareTeamMember.objects.filter(
            client__practice__name=PRACTICE_NAME, role=Role.THERAPIST
        ).select_related("staff")
    }


def load_demo_measures() -> MeasuresLoadResult:
    """Add the demo history for each listed client who has no response yet."""
    result = MeasuresLoadResult()
    clients = demo_clients()
    if not clients:
        return result
    therapists = _therapists()
    already = set(
        MeasureResponse.objects.filter(client__in=clients.values()).values_list(
            "client_id", flat=True
        )
    )
    now = clock.now()
    with transaction.atomic():
        for spec in SERIES:
            client = clients.get(spec.given)
            if client is None or client.pk in already or client.pk not in therapists:
                continue
            instrument = get_instrument(spec.code)
            count = len(spec.totals)
            for index, total in enumerate(spec.totals):
                item9 = spec.item9[index] if spec.item9 else 0
                answers = synthetic_answers(spec.code, total, item9)
                scored = instrument.score(answers)
                at = now - dt.timedelta(days=STEP_DAYS * (count - 1 - index) + 3, hours=index)
                response = MeasureResponse.objects.create(
                    client=client,
                    instrument_code=instrument.code,
                    instrument_version=instrument.version,
                    answers=answers,
                    source=ResponseSource.STAFF,
                    entered_by=therapists[client.pk],
                    completed_at=at,
                    total=None if scored.total is None else Decimal(str(scored.total)),
                    severity=scored.severity or "",
                    subscales=dict(scored.subscales),
                    outcomes=dict(scored.outcomes),
                    flags=list(scored.flags),
                )
                result.created_responses += 1
                if "suicidality" in scored.flags:
                    # Old flags were reviewed; the latest of a client still in screening is open.
                    reviewed = index < count - 1 or spec.given != "Caleb"
                    RiskFlag.objects.create(
                        client=client,
                        code="suicidality",
                        response=response,
                        raised_at=at,
                        reviewed_at=at + dt.timedelta(hours=20) if reviewed else None,
                        reviewed_by=therapists[client.pk] if reviewed else None,
                        review_note=REVIEW_NOTE if reviewed else "",
                    )
                    result.created_flags += 1
        for given, code, schedule in ASSIGNMENTS:
            client = clients.get(given)
            if client is None or client.pk in already or client.pk not in therapists:
                continue
            MeasureAssignment.objects.create(
                client=client,
                instrument_code=code,
                schedule=schedule,
                due_on=clock.today() + dt.timedelta(days=7),
                assigned_by=therapists[client.pk],
                assigned_at=now - dt.timedelta(days=30),
            )
            result.created_assignments += 1
    return result
