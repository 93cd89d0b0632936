"""Every change in measures: loading a practice's instrument, and measures in care.

Loading is the one way a definition is stored. Recording a response (by staff or by
the client's link) is the one place scores are stored and risk flags raised.
"""

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.urls import reverse

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.ids import MAX_ID
from kapcare.measures import safety, tokens
from kapcare.measures.definitions import Instrument, InstrumentError, parse_instrument
from kapcare.measures.models import (
    CompletionLink,
    InstrumentDefinition,
    MeasureAssignment,
    MeasureResponse,
    ResponseSource,
    RiskFlag,
    Schedule,
)
from kapcare.measures.registry import UnknownInstrument, builtin_instruments, get_instrument
from kapcare.measures.scoring import AnswerError, ScoreResult
from kapcare.people.access import (
    Actor,
    access_client,
    deny,
    refuse_change,
    staff_of,
)
from kapcare.people.models import CareTeamMember, Client, StaffMember
from kapcare.people.policy import Category, may_review_risk_flags
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus

__all__ = [
    "IssuedLink",
    "LinkUnusable",
    "LoadResult",
    "Recorded",
    "assign_measure",
    "check_instrument_document",
    "end_assignment",
    "get_usable_link",
    "instrument_for",
    "issue_link",
    "link_digest",
    "load_instrument_definition",
    "notify_care_team",
    "record_link_response",
    "record_response",
    "review_flag",
    "withdraw_link",
]

AUDIT_CATEGORY = "instrument"

# A client's record that a change locks first (assignment, flag, link).
Locked = TypeVar("Locked", bound=models.Model)


@dataclass(frozen=True)
class LoadResult:
    instrument: Instrument
    created: bool


def check_instrument_document(document: object) -> Instrument:
    """Validate a practice's document without storing it; :class:`InstrumentError` if unusable."""
    instrument = parse_instrument(document)
    if instrument.code in builtin_instruments():
        raise InstrumentError(
            "code",
            f"{instrument.code} is a built-in instrument; give yours its own code "
            f"(for example {instrument.code}-PRACTICE).",
        )
    return instrument


def load_instrument_definition(
    *, document: object, loaded_from: str, source: AuditSource
) -> LoadResult:
    """Store a validated definition as a new version, with an audit event.

    Loading the same content again changes nothing; a different content under a
    version already loaded is refused (responses scored by it must stay
    reproducible).
    """
    instrument = check_instrument_document(document)
    conflict = InstrumentError(
        "questionnaire.version",
        f"{instrument.code} version {instrument.version} is already loaded with different "
        "content; give the changed definition a new version.",
    )
    with transaction.atomic():
        existing = InstrumentDefinition.objects.filter(
            code=instrument.code, version=instrument.version
        ).first()
        if existing is not None:
            if existing.digest != instrument.digest:
                raise conflict
            return LoadResult(
                instrument=get_instrument(instrument.code, version=instrument.version),
                created=False,
            )
        try:
            with transaction.atomic():
                InstrumentDefinition.objects.create(
                    code=instrument.code,
                    version=instrument.version,
                    name=instrument.name[:200],
                    questionnaire=instrument.document["questionnaire"],
                    scoring=instrument.document["scoring"],
                    change=instrument.document.get("change"),
                    source=instrument.source,
                    digest=instrument.digest,
                    loaded_from=loaded_from[-255:],
                    loaded_at=clock.now(),
                )
        except IntegrityError:
            raise InstrumentError(
                "questionnaire.version",
                f"{instrument.code} version {instrument.version} was being loaded by someone "
                "else at the same moment; run the command again.",
            ) from None
        record_event(
            source=source,
            action=AuditAction.CREATE,
            category=AUDIT_CATEGORY,
            detail=f"load_instrument {instrument.code} {instrument.version}",
        )
    return LoadResult(
        instrument=get_instrument(instrument.code, version=instrument.version), created=True
    )


# --- measures in care -------------------------------------------------------------------
# Every change to assignments, responses, risk flags and completion links. Each takes
# keyword-only arguments, an explicit actor (or, for a link, the link's token) and the
# time, reaches the client through ``people.access`` and writes its audit rows inside
# the same transaction. Recording a response is the one place scores are stored and
# risk flags raised: staff entry (UI, API) and the client's link both come here.

log = logging.getLogger(__name__)

MAX_NOTE_LENGTH = 2000
LINK_VALIDITY = dt.timedelta(days=7)
MIN_LINK_VALIDITY = dt.timedelta(hours=1)
MAX_LINK_VALIDITY = dt.timedelta(days=30)
FLAG_EMAIL_SUBJECT = "KAP Care: a safety flag needs review"


class LinkUnusable(Exception):
    """A completion link that cannot be used: unknown, expired, used or withdrawn."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Recorded:
    response: MeasureResponse
    risk_flags: list[RiskFlag]


@dataclass(frozen=True)
class IssuedLink:
    link: CompletionLink
    token: str  # shown once, never stored


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


def _score(instrument: Instrument, answers: object) -> ScoreResult:
    try:
        return instrument.score(answers)
    except AnswerError as exc:
        raise FieldError(exc.field, exc.message) from None


def _store_response(
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


def _answers_list(answers: object) -> list[object]:
    # The engine has checked them; what is stored is what was given, in item order.
    return list(answers) if isinstance(answers, list | tuple) else []


def _active_assignment(
    client: Client, assignment_id: int | None, instrument: Instrument
) -> MeasureAssignment | None:
    if assignment_id is None:
        return None
    assignment = MeasureAssignment.objects.filter(
        pk=assignment_id if 0 < assignment_id <= MAX_ID else 0,
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
    result = _score(instrument, answers)
    with transaction.atomic():
        assignment = _active_assignment(client, assignment_id, instrument)
        return _store_response(
            client=client,
            instrument=instrument,
            result=result,
            answers=_answers_list(answers),
            source=ResponseSource.STAFF,
            entered_by=staff,
            link=None,
            assignment=assignment,
            audit=actor.audit_source,
            now=now,
            site_url=site_url,
        )


def link_digest(token: str) -> str | None:
    """The stored digest a link's token answers to (None: not one of ours)."""
    return tokens.digest_of(token)


def get_usable_link(*, digest: str | None, now: dt.datetime) -> CompletionLink:
    """The link with this digest, if it can still be used; :class:`LinkUnusable` otherwise.

    Callers turn the token into its digest first (:func:`link_digest`), so the token
    itself need not travel further than the first request.
    """
    link = (
        CompletionLink.objects.filter(digest=digest).select_related("client").first()
        if digest
        else None
    )
    if link is None:
        raise LinkUnusable("unknown")
    if link.used_at is not None:
        raise LinkUnusable("used")
    if link.revoked_at is not None:
        raise LinkUnusable("withdrawn")
    if link.expires_at <= now:
        raise LinkUnusable("expired")
    return link


def record_link_response(
    *,
    digest: str | None,
    answers: object,
    source: AuditSource,
    now: dt.datetime,
    site_url: str = "",
) -> Recorded:
    """The client completes a measure by link: the link is used up with the response."""
    link = get_usable_link(digest=digest, now=now)
    instrument = instrument_for(link.instrument_code, field="answers")
    result = _score(instrument, answers)
    with transaction.atomic():
        # Claimed in the same statement that checks it: two submissions, one response.
        claimed = CompletionLink.objects.filter(
            pk=link.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not claimed:
            raise LinkUnusable("used")
        link.used_at = now
        assignment = (
            MeasureAssignment.objects.filter(pk=link.assignment_id, ended_at__isnull=True).first()
            if link.assignment_id is not None
            else None
        )
        return _store_response(
            client=link.client,
            instrument=instrument,
            result=result,
            answers=_answers_list(answers),
            source=ResponseSource.LINK,
            entered_by=None,
            link=link,
            assignment=assignment,
            audit=source,
            now=now,
            site_url=site_url,
        )


def issue_link(
    *,
    actor: Actor,
    client_id: int,
    instrument_code: str,
    now: dt.datetime,
    valid_for: dt.timedelta = LINK_VALIDITY,
    assignment_id: int | None = None,
) -> IssuedLink:
    """A new completion link; its token is answered once and only its digest is kept."""
    staff = staff_of(actor, Category.CLINICAL, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.CREATE, detail="measure_link"
    )
    instrument = instrument_for(instrument_code)
    if not MIN_LINK_VALIDITY <= valid_for <= MAX_LINK_VALIDITY:
        raise FieldError("valid_for_hours", "A link is valid for 1 hour to 30 days.")
    token, digest = tokens.make_token()
    with transaction.atomic():
        assignment = _active_assignment(client, assignment_id, instrument)
        link = CompletionLink.objects.create(
            client=client,
            assignment=assignment,
            instrument_code=instrument.code,
            digest=digest,
            issued_by=staff,
            issued_at=now,
            expires_at=now + valid_for,
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"measure_link:{link.pk}:{instrument.code}",
        )
    return IssuedLink(link=link, token=token)


def assign_measure(
    *,
    actor: Actor,
    client_id: int,
    instrument_code: str,
    schedule: Schedule,
    due_on: dt.date,
    now: dt.datetime,
) -> MeasureAssignment:
    """Ask the client to complete a measure once or on a pathway schedule."""
    staff = staff_of(actor, Category.CLINICAL, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.CREATE, detail="measure_assignment"
    )
    instrument = instrument_for(instrument_code)
    duplicate = FieldError(
        "schedule", "This measure is already assigned on this schedule; end that one first."
    )
    with transaction.atomic():
        if MeasureAssignment.objects.filter(
            client=client, instrument_code=instrument.code, schedule=schedule, ended_at=None
        ).exists():
            raise duplicate
        try:
            with transaction.atomic():
                assignment = MeasureAssignment.objects.create(
                    client=client,
                    instrument_code=instrument.code,
                    schedule=schedule,
                    due_on=due_on,
                    assigned_by=staff,
                    assigned_at=now,
                )
        except IntegrityError:
            raise duplicate from None
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"measure_assignment:{assignment.pk}:{instrument.code}:{schedule}",
        )
    return assignment


def _locked_record(
    actor: Actor,
    records: QuerySet[Locked],
    record_id: int,
    *,
    client: Client,
    category: Category,
    detail: str,
) -> Locked:
    """The client's record ``record_id``, locked for the change; otherwise an audited 404."""
    found = (
        records.select_for_update()
        .filter(pk=record_id if 0 < record_id <= MAX_ID else 0, client=client)
        .first()
    )
    if found is None:
        raise deny(
            actor,
            client_id=client.pk,
            category=category,
            action=AuditAction.UPDATE,
            detail=detail,
        )
    return found


def end_assignment(
    *, actor: Actor, client_id: int, assignment_id: int, now: dt.datetime
) -> MeasureAssignment:
    """Stop asking for a measure (the assignment and its responses are kept)."""
    staff_of(actor, Category.CLINICAL, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.UPDATE, detail="measure_assignment"
    )
    with transaction.atomic():
        assignment = _locked_record(
            actor,
            MeasureAssignment.objects.all(),
            assignment_id,
            client=client,
            category=Category.CLINICAL,
            detail="measure_assignment",
        )
        if assignment.ended_at is not None:
            raise FieldError("assignment", "This assignment has already ended.")
        assignment.ended_at = now
        assignment.save(update_fields=["ended_at"])
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"measure_assignment:{assignment.pk}:ended",
        )
    return assignment


def review_flag(
    *, actor: Actor, client_id: int, flag_id: int, note: str, now: dt.datetime
) -> RiskFlag:
    """A clinician reviews an open risk flag with a note; the flag then stops blocking."""
    staff = staff_of(actor, Category.SAFETY, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.SAFETY, action=AuditAction.UPDATE, detail="risk_flag_review"
    )
    if not may_review_risk_flags(actor.roles):
        raise refuse_change(
            actor, client_id=client.pk, category=Category.SAFETY, detail="risk_flag_review"
        )
    text = note.strip()
    if not text:
        raise FieldError("note", "Write what you found and decided: a review needs a note.")
    if len(text) > MAX_NOTE_LENGTH:
        raise FieldError("note", f"Keep the note to {MAX_NOTE_LENGTH} characters.")
    with transaction.atomic():
        flag = _locked_record(
            actor,
            RiskFlag.objects.all(),
            flag_id,
            client=client,
            category=Category.SAFETY,
            detail="risk_flag_review",
        )
        if flag.reviewed_at is not None:
            raise FieldError("flag", "This flag has already been reviewed.")
        flag.reviewed_at = now
        flag.reviewed_by = staff
        flag.review_note = text
        flag.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.SAFETY,
            detail=f"risk_flag:{flag.pk}:reviewed",
        )
    return flag


def notify_care_team(*, client_id: int, site_url: str) -> int:
    """Email the client's care team that a safety flag needs review; how many were sent.

    The email carries no clinical detail and no name: only that a flag needs review and
    a link to the chart, which asks for sign-in. The open flag is also listed on the
    chart, so a mail server that is down delays the email, never hides the flag.
    """
    recipients = sorted(
        set(
            CareTeamMember.objects.filter(client_id=client_id, staff__is_active=True)
            .exclude(staff__user__email="")
            .values_list("staff__user__email", flat=True)
        )
    )
    if not recipients:
        return 0
    chart = site_url.rstrip("/") + reverse("people:client-chart", args=[client_id])
    body = (
        "A safety flag needs review.\n\n"
        f"Open the chart (sign-in required): {chart}#safety\n\n"
        "This message is sent to the client's care team by KAP Care.\n"
    )
    messages = [
        EmailMessage(FLAG_EMAIL_SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in recipients
    ]
    try:
        with get_connection() as connection:
            return int(connection.send_messages(messages) or 0)
    except (OSError, smtplib.SMTPException):
        # Already committed and on the chart; the log names no client.
        log.warning("A safety-flag email could not be sent; the flag is on the chart.")
        return 0


def withdraw_link(
    *, actor: Actor, client_id: int, link_id: int, now: dt.datetime
) -> CompletionLink:
    """Stop a link that has not been used (sent to the wrong person, no longer wanted)."""
    staff_of(actor, Category.CLINICAL, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.UPDATE, detail="measure_link"
    )
    with transaction.atomic():
        link = _locked_record(
            actor,
            CompletionLink.objects.all(),
            link_id,
            client=client,
            category=Category.CLINICAL,
            detail="measure_link",
        )
        if link.used_at is not None:
            raise FieldError("link", "This link has been used already; its answers are kept.")
        if link.revoked_at is not None:
            raise FieldError("link", "This link has already been withdrawn.")
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"measure_link:{link.pk}:withdrawn",
        )
    return link
