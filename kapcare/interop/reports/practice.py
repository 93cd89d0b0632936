"""The practice outcomes page's facts, read in a fixed number of aggregate queries (no
client's name or id leaves this module; ``reports.outcomes`` does the arithmetic)."""

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import FirstValue, RowNumber

from kapcare.interop.reports.outcomes import (
    FORMATS,
    ClientCourse,
    MonitoringRow,
    MonthOfMonitoring,
    Row,
    change_rows,
    count_row,
    monitoring_rows,
    per_hundred,
    shown_count,
)
from kapcare.measures.definitions import Instrument
from kapcare.measures.models import MeasureResponse, RiskFlag
from kapcare.measures.registry import list_instruments
from kapcare.measures.scoring import ChangeCategory, classify_change
from kapcare.medicine import billing
from kapcare.medicine.models import AdverseEvent, MedicineSession
from kapcare.medicine.services.record import monitoring_units
from kapcare.medicine.vocabulary import AdverseEventSeverity
from kapcare.pathway.models import TreatmentPlan
from kapcare.pathway.vocabulary import PlanStatus
from kapcare.scheduling.facts import policy_for_practice
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus

__all__ = [
    "MONITORING_CODES",
    "MonthOfMonitoring",
    "PracticeOutcomes",
    "completed_clients",
    "practice_outcomes",
]

MONITORING_CODES = (
    billing.CPT_FIRST_CLINICIAN,
    billing.CPT_SECOND_CLINICIAN,
    billing.CPT_STAFF_CONCURRENT,
)


@dataclass(frozen=True)
class InstrumentOutcome:
    code: str
    name: str
    rows: list[Row]


@dataclass(frozen=True)
class PracticeOutcomes:
    """The figures as published: a count of 1 to 10 is None (``reports.outcomes``)."""

    instruments: list[InstrumentOutcome]
    retention: list[Row]  # per format: active, paused, completed, stopped
    monitoring: list[MonitoringRow]  # newest month first
    medicine_sessions: int | None
    safety_flags: int | None
    safety_rate: float | None
    adverse_events: int | None
    adverse_rate: float | None
    serious_events: int | None
    serious_rate: float | None
    held: int | None
    no_shows: int | None
    no_show_rate: float | None
    as_of: dt.datetime


@dataclass(frozen=True)
class _Plan:
    client_id: int
    format: str
    status: str


def _courses(
    practice_id: int,
    known: Sequence[Instrument],
    plans: Sequence[_Plan],
    sessions: dict[int, int],
) -> list[ClientCourse]:
    """Each client's format, medicine sessions and first-to-latest change per instrument
    (``plans`` and ``sessions`` per client are read once, for the whole page)."""
    instruments = {i.code: i for i in known if i.change is not None}
    formats = {plan.client_id: plan.format for plan in plans}
    # Each client's first and latest total per instrument, where there are two or more,
    # found in the database: one row per client and instrument, not one per answer.
    per_course = [F("client_id"), F("instrument_code")]
    oldest_first = [F("completed_at").asc(), F("id").asc()]
    ends = (
        MeasureResponse.objects.filter(
            client__practice_id=practice_id,
            total__isnull=False,
            instrument_code__in=list(instruments),
        )
        .annotate(
            nth=Window(RowNumber(), partition_by=per_course, order_by=oldest_first),
            count=Window(Count("id"), partition_by=per_course),
            first=Window(FirstValue("total"), partition_by=per_course, order_by=oldest_first),
            latest=Window(
                FirstValue("total"),
                partition_by=per_course,
                order_by=[F("completed_at").desc(), F("id").desc()],
            ),
        )
        .filter(nth=1, count__gte=2)
        .order_by()
        .values_list("client_id", "instrument_code", "first", "latest")
    )
    changes: dict[int, dict[str, ChangeCategory]] = {}
    # Totals are few (a PHQ-9 scores 0 to 27) and clients many: each pair is classified
    # once, not once per client.
    classified: dict[tuple[str, float, float], ChangeCategory] = {}
    for client_id, code, first, latest in ends.iterator(chunk_size=2000):
        change = instruments[code].change
        if change is None:  # the query asks for instruments with a change rule only
            continue
        key = (code, float(first), float(latest))
        if key not in classified:
            classified[key] = classify_change(key[1], key[2], change.parameters).category
        changes.setdefault(client_id, {})[code] = classified[key]
    clients = set(formats) | set(sessions) | set(changes)
    return [
        ClientCourse(
            format=formats.get(c, ""),
            medicine_sessions=sessions.get(c, 0),
            changes=changes.get(c, {}),
        )
        for c in sorted(clients)
    ]


COMPLETED, STOPPED = "completed", "stopped"
RETENTION = (PlanStatus.ACTIVE, PlanStatus.PAUSED, COMPLETED, STOPPED)
"""A closed plan is completed or stopped: see :func:`completed_clients`."""


def completed_clients(practice_id: int) -> set[int]:
    """Clients who finished the pathway's cycle: their last held medicine session was
    followed by a held integration session. A plan closed otherwise (before any dose, or
    with a dose never integrated) counts as stopped. One query."""
    rows = (
        Appointment.objects.filter(
            client__practice_id=practice_id,
            status=AppointmentStatus.COMPLETED,
            kind__in=[AppointmentKind.MEDICINE, AppointmentKind.INTEGRATION],
        )
        .values("client_id")
        .annotate(
            dosed=Max("end", filter=Q(kind=AppointmentKind.MEDICINE)),
            integrated=Max("start", filter=Q(kind=AppointmentKind.INTEGRATION)),
        )
        # Compared in the database: a hundred thousand clients' times are not read back.
        .filter(integrated__gte=F("dosed"))
        .values_list("client_id", flat=True)
    )
    return set(rows)


def monitoring_months(practice_id: int) -> list[MonthOfMonitoring]:
    """0820T-0822T units per month (first dose's month on the practice's clock), newest
    first, as counted (before suppression); months without a billable session are left
    out."""
    tz = zoneinfo.ZoneInfo(policy_for_practice(practice_id).time_zone.value)
    codes = len(MONITORING_CODES)
    # month -> [sessions, units per code..., sessions billing each code...]
    months: dict[dt.date, list[int]] = {}
    for first_dose, billed in monitoring_units(practice_id):
        month = first_dose.astimezone(tz).date().replace(day=1)
        entry = months.setdefault(month, [0] * (1 + 2 * codes))
        entry[0] += 1
        for i, code in enumerate(MONITORING_CODES):
            units = billed.get(code, 0)
            entry[1 + i] += units
            entry[1 + codes + i] += 1 if units else 0
    return [
        MonthOfMonitoring(month, c[0], tuple(c[1 : 1 + codes]), tuple(c[1 + codes :]))
        for month, c in sorted(months.items(), reverse=True)
    ]


def practice_outcomes(practice_id: int, *, now: dt.datetime) -> PracticeOutcomes:
    """The outcomes page's figures, suppressed for publication. A fixed number of
    queries whatever the practice's size (see ``test_outcomes_page``)."""
    known = list_instruments()
    plans = [
        _Plan(*row)
        for row in TreatmentPlan.objects.filter(client__practice_id=practice_id).values_list(
            "client_id", "format", "status"
        )
    ]
    sessions = dict(
        MedicineSession.objects.filter(client__practice_id=practice_id)
        .values("client_id")
        .annotate(n=Count("id"))
        .values_list("client_id", "n")
    )
    courses = _courses(practice_id, known, plans, sessions)
    names = {i.code: i.name for i in known}
    measured = sorted({code for c in courses for code in c.changes})
    instruments = [
        InstrumentOutcome(code, names.get(code, code), change_rows(courses, code))
        for code in measured
    ]
    completed = completed_clients(practice_id)
    by_status: dict[tuple[str, str], int] = {}
    for plan in plans:
        status = plan.status
        if status == PlanStatus.CLOSED:
            status = COMPLETED if plan.client_id in completed else STOPPED
        by_status[(plan.format, status)] = by_status.get((plan.format, status), 0) + 1
    retention = [
        count_row(label, [by_status.get((code, status), 0) for status in RETENTION])
        for code, label in FORMATS
    ]
    medicine = sum(sessions.values())
    flags = RiskFlag.objects.filter(client__practice_id=practice_id).count()
    adverse = AdverseEvent.objects.filter(session__client__practice_id=practice_id).aggregate(
        all=Count("id"), serious=Count("id", filter=Q(severity=AdverseEventSeverity.SERIOUS))
    )
    statuses = Appointment.objects.filter(client__practice_id=practice_id).aggregate(
        held=Count("id", filter=Q(status=AppointmentStatus.COMPLETED)),
        missed=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)),
    )
    held, missed = statuses["held"], statuses["missed"]
    return PracticeOutcomes(
        instruments=instruments,
        retention=retention,
        medicine_sessions=shown_count(medicine),
        safety_flags=shown_count(flags),
        safety_rate=per_hundred(flags, medicine),
        adverse_events=shown_count(adverse["all"]),
        adverse_rate=per_hundred(adverse["all"], medicine),
        serious_events=shown_count(adverse["serious"]),
        serious_rate=per_hundred(adverse["serious"], medicine),
        held=shown_count(held),
        no_shows=shown_count(missed),
        no_show_rate=per_hundred(missed, held + missed),
        monitoring=monitoring_rows(monitoring_months(practice_id)),
        as_of=now,
    )
