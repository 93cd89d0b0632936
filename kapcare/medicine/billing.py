"""Billable monitoring time of a medicine session: CPT 0820T, +0821T, +0822T.

The codes (Category III; AMA CPT):

* **0820T** continuous in-person monitoring and intervention during psychedelic
  medication therapy, first physician or other qualified health care
  professional (QHP), each hour;
* **+0821T** second physician or QHP, concurrent with the first, each hour;
* **+0822T** clinical staff under the direction of a physician or QHP,
  concurrent with the first, each hour.

How time is counted here:

1. Each person's recorded intervals are merged, so a person's overlapping or
   repeated entries never count twice.
2. The **first clinician** is the QHP named by the caller, or else the QHP with
   the most monitored time (ties: earliest start, then person id). Without a QHP
   nothing is billable: the add-on codes need a first clinician.
3. 0820T time is the first clinician's merged time. An add-on person's time is
   only the part **concurrent** with the first clinician's (intersection).
4. Minutes are whole minutes of the total (seconds are dropped, never rounded up).
5. Units follow ``BillingPolicy.unit_rule``. The default, ``MIDPOINT``, is the
   CPT time rule: a unit is attained when its mid-point is passed, so one hour
   at 31 minutes, two at 91, three at 151 (AMA CPT Professional, Introduction,
   "Time"; see ``policy.CPT_TIME_RULE``). A practice whose payer counts whole
   hours only sets ``WHOLE_UNITS`` (60, 120, ...).
6. At most ``max_people_per_addon_code`` people (default 1) are billed per add-on
   code, those with the most concurrent time; others are listed in ``excluded``.
   A QHP's hand-over to another QHP is not billed as 0820T for the second one:
   a deliberate, conservative limit; pass ``first_clinician`` to choose.

This is a calculation of what the record supports, not coding advice: payers'
rules for Category III codes vary.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kapcare.medicine.thresholds import BillingPolicy, UnitRule

__all__ = [
    "CPT_FIRST_CLINICIAN",
    "CPT_SECOND_CLINICIAN",
    "CPT_STAFF_CONCURRENT",
    "BillingLine",
    "BillingRole",
    "ExcludedTime",
    "MonitoringBill",
    "MonitoringInterval",
    "billable_monitoring",
    "units_for_minutes",
]

CPT_FIRST_CLINICIAN = "0820T"
CPT_SECOND_CLINICIAN = "0821T"
CPT_STAFF_CONCURRENT = "0822T"


class BillingRole(StrEnum):
    QHP = "qhp"  # physician or other qualified health care professional
    CLINICAL_STAFF = "clinical_staff"  # e.g. an RN monitor working under direction


@dataclass(frozen=True)
class MonitoringInterval:
    person_id: str
    role: BillingRole
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class BillingLine:
    code: str
    person_id: str
    minutes: int
    units: int


@dataclass(frozen=True)
class ExcludedTime:
    person_id: str
    minutes: int  # concurrent minutes not billed
    reason: str


@dataclass(frozen=True)
class MonitoringBill:
    first_clinician: str | None
    lines: tuple[BillingLine, ...]  # every billed person, units may be 0
    excluded: tuple[ExcludedTime, ...]

    @property
    def claim_lines(self) -> tuple[BillingLine, ...]:
        """The lines to put on a claim (at least one unit)."""
        return tuple(line for line in self.lines if line.units > 0)

    def units(self, code: str) -> int:
        return sum(line.units for line in self.lines if line.code == code)


Span = tuple[dt.datetime, dt.datetime]


def units_for_minutes(minutes: int, policy: BillingPolicy) -> int:
    """Time units for ``minutes`` of a service counted per ``policy.unit_minutes``."""
    if minutes < 0:
        raise ValueError("Minutes cannot be negative.")
    unit = policy.unit_minutes
    if policy.unit_rule is UnitRule.WHOLE_UNITS:
        return minutes // unit
    # MIDPOINT: unit n is attained when minutes > (n - 1) * unit + unit / 2, that
    # is 2 * minutes > (2n - 1) * unit; counting such n in integers (doubled, so an
    # odd unit length stays exact):
    return (2 * minutes + unit - 1) // (2 * unit)


def _merge(spans: Sequence[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    result: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def _minutes(spans: Sequence[Span]) -> int:
    seconds = sum((end - start).total_seconds() for start, end in spans)
    return int(seconds // 60)


def billable_monitoring(
    intervals: Sequence[MonitoringInterval],
    *,
    policy: BillingPolicy,
    first_clinician: str | None = None,
) -> MonitoringBill:
    """0820T / +0821T / +0822T minutes and units from recorded monitoring intervals."""
    roles: dict[str, BillingRole] = {}
    spans: dict[str, list[Span]] = {}
    for interval in intervals:
        for value in (interval.start, interval.end):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError("Monitoring times must be timezone-aware.")
        if interval.end <= interval.start:
            raise ValueError("A monitoring interval must end after it starts.")
        role = BillingRole(interval.role)
        if roles.setdefault(interval.person_id, role) is not role:
            raise ValueError("A person has one billing role within a session.")
        spans.setdefault(interval.person_id, []).append((interval.start, interval.end))
    merged = {person: _merge(person_spans) for person, person_spans in spans.items()}

    qhps = [p for p, r in roles.items() if r is BillingRole.QHP]
    if first_clinician is None and qhps:
        first_clinician = min(qhps, key=lambda p: (-_minutes(merged[p]), merged[p][0][0], p))
    if first_clinician is None:
        return MonitoringBill(first_clinician=None, lines=(), excluded=())
    if roles.get(first_clinician) is not BillingRole.QHP:
        raise ValueError("The first clinician must be a QHP with recorded monitoring time.")

    primary = merged[first_clinician]
    primary_minutes = _minutes(primary)
    lines = [
        BillingLine(
            code=CPT_FIRST_CLINICIAN,
            person_id=first_clinician,
            minutes=primary_minutes,
            units=units_for_minutes(primary_minutes, policy),
        )
    ]
    excluded: list[ExcludedTime] = []
    for code, role in (
        (CPT_SECOND_CLINICIAN, BillingRole.QHP),
        (CPT_STAFF_CONCURRENT, BillingRole.CLINICAL_STAFF),
    ):
        concurrent = sorted(
            (
                (_minutes(_intersect(merged[p], primary)), p)
                for p, r in roles.items()
                if r is role and p != first_clinician
            ),
            key=lambda item: (-item[0], item[1]),
        )
        for rank, (minutes, person) in enumerate(concurrent):
            if rank < policy.max_people_per_addon_code:
                lines.append(
                    BillingLine(
                        code=code,
                        person_id=person,
                        minutes=minutes,
                        units=units_for_minutes(minutes, policy),
                    )
                )
            else:
                excluded.append(
                    ExcludedTime(
                        person_id=person,
                        minutes=minutes,
                        reason=(
                            f"Only {policy.max_people_per_addon_code} person(s) per {code} "
                            "are billed under this practice's policy."
                        ),
                    )
                )
    return MonitoringBill(
        first_clinician=first_clinician, lines=tuple(lines), excluded=tuple(excluded)
    )
