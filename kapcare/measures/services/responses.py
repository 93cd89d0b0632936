"""Recording a completed measure: the one place scores are stored and risk flags raised
(staff entry on a page or through the API, and the client's completion link).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.core.errors import FieldError
from kapcare.core.ids import is_record_id
from kapcare.measures import safety
from kapcare.measures.access import assignment_statuses, client_record, due_now
from kapcare.measures.definitions import Instrument
from kapcare.measures.models import (
    CompletionLink,
    MeasureAssignment,
    MeasureResponse,
    ResponseSource,
    RiskFlag,
)
from kapcare.measures.registry import UnknownInstrument, get_instrument
from kapcare.measures.scoring import AnswerError, ScoreResult
from kapcare.measures.services.flags import notify_care_team
from kapcare.people.access import (
    Actor,
    access_client,
    deny,
    staff_of,
)
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Category
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus


@dataclass(frozen=True)
class Recorded:
    response: MeasureResponse
    risk_flags: list[RiskFlag]


def instrument_for(code: str, *, field: str = "instrument") -> Instrument:
    """The instrument coded ``code``, or a field error (which never repeats the input)."""
    try:
        return get_instrument(code)
    except UnknownInstrument:
        raise FieldError(
            field, "No instrument has this code; GET /api/v1/instruments lists them."
        ) from None


def _medicine_session_ahead(client_id: int, at: dt.datetime) -> bool:
    return (
        Appointment.objects.filter(
            client_id=client_id,
            kind=AppointmentKind.MEDICINE,
            start__gt=at,
            start__lte=at + dt.timedelta(days=safety.MEDICINE_LOOKAHEAD_DAYS),
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .exists()
    )


def _decimal(value: float | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def score_answers(instrument: Instrument, answers: object) -> ScoreResult:
    try:
        return instrument.score(answers)
    except AnswerError as exc:
        raise FieldError(exc.field, exc.message) from None


def store_response(
    *,
    client: Client,
    instrument: Instrument,
    result: ScoreResult,
    answers: list[object],
    source: ResponseSource,
    entered_by: StaffMember | None,
    link: CompletionLink | None,
    assignment: MeasureAssignment | None,
    audit: AuditSource,
    now: dt.datetime,
    site_url: str,
) -> Recorded:
    """Store the response, its scores and any risk flags; the caller holds the transaction."""
    response = MeasureResponse.objects.create(
        client=client,
        instrument_code=instrument.code,
        instrument_version=instrument.version,
        answers=answers,
        source=source,
        entered_by=entered_by,
        link=link,
        assignment=assignment,
        completed_at=now,
        total=_decimal(result.total),
        severity=result.severity or "",
        subscales=dict(result.subscales),
        outcomes=dict(result.outcomes),
        flags=list(result.flags),
    )
    record_event(
        source=audit,
        action=AuditAction.CREATE,
        client_id=client.pk,
        category=Category.CLINICAL,
        detail=f"measure_response:{response.pk}:{instrument.code}:{source}",
    )
    codes = safety.risk_flags_to_raise(
        result.flags,
        medicine_session_ahead=bool(set(result.flags) & set(safety.BEFORE_MEDICINE_ONLY))
        and _medicine_session_ahead(client.pk, now),
    )
    flags = [
        RiskFlag.objects.create(client=client, code=code, response=response, raised_at=now)
        for code in codes
    ]
    for flag in flags:
        record_event(
            source=audit,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.SAFETY,
            detail=f"risk_flag:{flag.pk}:{flag.code}",
        )
    if flags:
        client_id = client.pk
        transaction.on_commit(lambda: notify_care_team(client_id=client_id, site_url=site_url))
    return Recorded(response=response, risk_flags=flags)


def answers_list(answers: object) -> list[object]:
    # The engine has checked them; what is stored is what was given, in item order.
    return list(answers) if isinstance(answers, list | tuple) else []


def active_assignment(
    client: Client, assignment_id: int | None, instrument: Instrument
) -> MeasureAssignment | None:
    if assignment_id is None:
        return None
    assignment = MeasureAssignment.objects.filter(
        pk=assignment_id if is_record_id(assignment_id) else 0,
        client=client,
        ended_at__isnull=True,
    ).first()
    if assignment is None or assignment.instrument_code != instrument.code:
        raise FieldError("assignment", "No open assignment of this measure has this id.")
    return assignment


def record_response(
    *,
    actor: Actor,
    client_id: int,
    instrument_code: str,
    answers: object,
    now: dt.datetime,
    assignment_id: int | None = None,
    site_url: str = "",
) -> Recorded:
    """Staff enter a client's answers (on paper's behalf): scored, stored, flags raised."""
    staff = staff_of(actor, Category.CLINICAL, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.CREATE, detail="measure_response"
    )
    instrument = instrument_for(instrument_code)
    result = score_answers(instrument, answers)
    with transaction.atomic():
        assignment = active_assignment(client, assignment_id, instrument)
        return store_response(
            client=client,
            instrument=instrument,
            result=result,
            answers=answers_list(answers),
            source=ResponseSource.STAFF,
            entered_by=staff,
            link=None,
            assignment=assignment,
            audit=actor.audit_source,
            now=now,
            site_url=site_url,
        )


def record_own_response(
    *,
    actor: Actor,
    assignment_id: int,
    answers: object,
    now: dt.datetime,
    site_url: str = "",
) -> Recorded:
    """The client answers one of their assigned measures in the portal: scored, stored
    and risk flags raised exactly as by a completion link. The assignment must be the
    client's own, open and due now; another's (or none) is an audited 404."""
    if actor.client_id is None:
        raise deny(actor, category=Category.CLINICAL, action=AuditAction.CREATE)
    client = access_client(
        actor,
        actor.client_id,
        Category.CLINICAL,
        action=AuditAction.CREATE,
        detail="measure_response:portal",
    )
    assignment = client_record(
        actor,
        MeasureAssignment.objects.filter(ended_at__isnull=True),
        assignment_id,
        client=client,
        category=Category.CLINICAL,
        detail="measure_response:portal",
        action=AuditAction.CREATE,
    )
    if not due_now(assignment_statuses(client.pk, [assignment], now=now), now=now):
        raise FieldError("assignment", "This questionnaire is not due now.")
    instrument = instrument_for(assignment.instrument_code, field="answers")
    result = score_answers(instrument, answers)
    with transaction.atomic():
        return store_response(
            client=client,
            instrument=instrument,
            result=result,
            answers=answers_list(answers),
            source=ResponseSource.PORTAL,
            entered_by=None,
            link=None,
            assignment=assignment,
            audit=actor.audit_source,
            now=now,
            site_url=site_url,
        )
