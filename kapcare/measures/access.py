"""Permission-scoped reads of measures: the only way a view or endpoint gets them.

Each function reaches the client through ``people.access.access_client`` for its
category (measures are clinical, risk flags are safety), which checks and audits
the read, and then answers a fixed number of queries whatever the history's length.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

from kapcare.audit.models import AuditAction
from kapcare.core.ids import is_record_id
from kapcare.measures import schedule
from kapcare.measures.models import MeasureAssignment, MeasureResponse, RiskFlag
from kapcare.measures.registry import normalize_code
from kapcare.people.access import Actor, access_client, deny
from kapcare.people.models import Client
from kapcare.people.policy import Category
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus

__all__ = [
    "AssignmentStatus",
    "assignment_statuses",
    "client_record",
    "due_now",
    "get_assignments",
    "get_responses",
    "get_risk_flags",
    "locked_record",
    "session_starts",
]


M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class AssignmentStatus:
    assignment: MeasureAssignment
    next_due: dt.date | None
    overdue: bool


def get_responses(
    actor: Actor, client_id: int, *, instrument: str | None = None, detail: str = "measures"
) -> QuerySet[MeasureResponse]:
    """The client's responses, newest first (optionally of one instrument)."""
    client = access_client(actor, client_id, Category.CLINICAL, detail=detail)
    responses = MeasureResponse.objects.filter(client=client).order_by("-completed_at", "-id")
    if instrument:
        responses = responses.filter(instrument_code=normalize_code(instrument))
    return responses


def get_risk_flags(
    actor: Actor, client_id: int, *, open_only: bool = False, detail: str = "risk_flags"
) -> QuerySet[RiskFlag]:
    """The client's risk flags, open ones first, newest first within each."""
    client = access_client(actor, client_id, Category.SAFETY, detail=detail)
    flags = (
        RiskFlag.objects.filter(client=client)
        .select_related("response", "reviewed_by__user")
        .order_by("-raised_at", "-id")
    )
    if open_only:
        flags = flags.filter(reviewed_at__isnull=True)
    return flags


def session_starts(client_id: int, kind: AppointmentKind) -> list[dt.datetime]:
    """Start times of the client's sessions of ``kind`` that are not cancelled."""
    return list(
        Appointment.objects.filter(client_id=client_id, kind=kind)
        .exclude(status=AppointmentStatus.CANCELLED)
        .order_by("start")
        .values_list("start", flat=True)
    )


def assignment_statuses(
    client_id: int,
    assignments: list[MeasureAssignment],
    *,
    now: dt.datetime,
    sessions: Iterable[tuple[str, dt.datetime]] | None = None,
    responses: Iterable[tuple[str, dt.datetime]] | None = None,
) -> list[AssignmentStatus]:
    """Each assignment with its next due date (two queries in all, whatever the count;
    none when the caller gives the client's not-cancelled medicine and integration
    sessions and its responses, each as ``(kind or instrument code, when)``)."""
    if not assignments:
        return []
    today = timezone.localdate(now)
    if sessions is None:
        sessions = (
            Appointment.objects.filter(
                client_id=client_id,
                kind__in=[AppointmentKind.MEDICINE, AppointmentKind.INTEGRATION],
            )
            .exclude(status=AppointmentStatus.CANCELLED)
            .values_list("kind", "start")
        )
    medicine: list[dt.date] = []
    integration: list[dt.date] = []
    for kind, start in sessions:
        if kind in (AppointmentKind.MEDICINE, AppointmentKind.INTEGRATION):
            (medicine if kind == AppointmentKind.MEDICINE else integration).append(
                timezone.localdate(start)
            )
    codes = {a.instrument_code for a in assignments}
    if responses is None:
        responses = MeasureResponse.objects.filter(
            client_id=client_id, instrument_code__in=codes
        ).values_list("instrument_code", "completed_at")
    completed: dict[str, list[dt.date]] = {}
    for code, at in responses:
        if code in codes:
            completed.setdefault(code, []).append(timezone.localdate(at))
    result = []
    for assignment in assignments:
        found = schedule.occurrences(
            assignment.schedule,  # type: ignore[arg-type]
            assigned_on=timezone.localdate(assignment.assigned_at),
            first_due=assignment.due_on,
            today=today,
            medicine_dates=medicine,
            integration_dates=integration,
            completed=completed.get(assignment.instrument_code, []),
            ended_on=timezone.localdate(assignment.ended_at) if assignment.ended_at else None,
        )
        due = schedule.next_due(found)
        result.append(
            AssignmentStatus(
                assignment=assignment,
                next_due=due.on if due else None,
                overdue=due.overdue if due else False,
            )
        )
    return result


def get_assignments(
    actor: Actor, client_id: int, *, now: dt.datetime, detail: str = "measure_assignments"
) -> list[AssignmentStatus]:
    """The client's open assignments, each with when it is next due."""
    client = access_client(actor, client_id, Category.CLINICAL, detail=detail)
    assignments = list(
        MeasureAssignment.objects.filter(client=client, ended_at__isnull=True).order_by(
            "instrument_code", "id"
        )
    )
    return assignment_statuses(client.pk, assignments, now=now)


def due_now(statuses: list[AssignmentStatus], *, now: dt.datetime) -> list[AssignmentStatus]:
    """The assignments the client is asked to answer now (the next occurrence's window
    has opened), soonest first: the client's tasks in the portal."""
    today = timezone.localdate(now)
    due = [
        s
        for s in statuses
        if s.next_due is not None and schedule.is_open(s.assignment.schedule, s.next_due, today)  # type: ignore[arg-type]
    ]
    return sorted(due, key=lambda s: (s.next_due or today, s.assignment.pk))


def client_record(
    actor: Actor,
    records: QuerySet[M],
    record_id: int,
    *,
    client: Client,
    category: Category,
    detail: str,
    action: AuditAction = AuditAction.READ,
) -> M:
    """The (already accessed) client's record ``record_id`` (an assignment, a risk flag, a
    link); a record of another client, or none, is an audited 404."""
    found = records.filter(pk=record_id if is_record_id(record_id) else 0, client=client).first()
    if found is None:
        raise deny(actor, client_id=client.pk, category=category, action=action, detail=detail)
    return found


def locked_record(
    actor: Actor,
    records: QuerySet[M],
    record_id: int,
    *,
    client: Client,
    category: Category,
    detail: str,
) -> M:
    """The client's record ``record_id``, locked for the change; otherwise an audited 404."""
    return client_record(
        actor,
        records.select_for_update(),
        record_id,
        client=client,
        category=category,
        detail=detail,
        action=AuditAction.UPDATE,
    )
