"""Every read and change of medical screenings and medicine-session records.

The API, the console pages, the chart panels, the PDF and the demo loader all come
here. Each function takes keyword-only arguments, an explicit ``actor`` and ``now``;
reaches the client through ``people.access`` (missing and not allowed are the same
404, audited); feeds the pure rules (``screening``, ``session_rules``, ``billing``)
plain data; changes rows in one transaction with the audit row inside it.

A change the rules refuse raises ``core.violations.Refused`` with **every** reason, and
leaves two audit rows: the refused attempt (outcome ``failure``) and a read, since the
reasons describe the record. A record is locked by its first signature: after that
only signatures and addenda are added.

Concurrency: changes to one client's records take the client's row lock first
(``SELECT ... FOR UPDATE``, then the audit chain), the order scheduling uses, so two
doses recorded at once are checked one after the other against the order's maximum.
"""

import datetime as dt
import logging
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.ids import MAX_ID
from kapcare.core.text import clean_text
from kapcare.core.violations import Refused, Violation
from kapcare.medicine import billing, session_rules
from kapcare.medicine.measures_inputs import TODAYS_CODES, measures_done_between, measures_inputs
from kapcare.medicine.models import (
    Addendum,
    AdverseEvent,
    DoseAdministration,
    MedicineSession,
    Observation,
    Signature,
    VitalsAlert,
    VitalsReading,
)
from kapcare.medicine.session_rules import (
    DischargeAssessment,
    PreDoseChecklist,
    ScheduledCheck,
    VitalSigns,
)
from kapcare.medicine.settings_services import policy_for
from kapcare.medicine.thresholds import MedicinePolicy
from kapcare.medicine.vocabulary import AdverseEventKind, AdverseEventSeverity, SignerRole
from kapcare.pathway import rules as pathway_rules
from kapcare.pathway.models import (
    Clearance,
    Consent,
    DoseOrder,
    TreatmentPlan,
)
from kapcare.pathway.vocabulary import (
    ClearanceStatus,
    ConsentKind,
    PlanFormat,
    Route,
)
from kapcare.people.access import (
    Actor,
    access_client,
    deny,
    lock_client,
    refuse_change,
    staff_of,
)
from kapcare.people.models import CareTeamMember, Client, StaffMember
from kapcare.people.policy import Category, Role
from kapcare.scheduling import rules as scheduling_rules
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.settings_services import policy_for_practice as scheduling_policy_for
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus

logger = logging.getLogger(__name__)

# The defaults, for what a practice cannot change (the contraindication catalogue and the
# typo guards on typed vitals). Session thresholds come from policy_for(practice_id).
POLICY = MedicinePolicy()
SESSION = Category.MEDICINE_SESSION
MEDICAL = Category.MEDICAL

# Who may record what (besides seeing the client's medicine-session data).
SESSION_WRITERS = frozenset({Role.MONITOR, Role.THERAPIST, Role.MEDICAL_PROVIDER})
DOSE_WRITERS = frozenset({Role.MONITOR, Role.MEDICAL_PROVIDER})
SIGNER_ROLES = {
    SignerRole.MONITOR: Role.MONITOR,
    SignerRole.THERAPIST: Role.THERAPIST,
    SignerRole.MEDICAL_PROVIDER: Role.MEDICAL_PROVIDER,
}

# Codes of this module's own rules (the pure modules hold the rest).
RECORD_LOCKED = "record.locked"
DOSE_AFTER_DISCHARGE = "dose.after_discharge"
DISCHARGE_ALREADY = "discharge.already_recorded"
ACK_NO_READING = "predose_ack.no_reading"
ACK_NOT_NEEDED = "predose_ack.not_needed"
SIGN_NOT_DISCHARGED = "sign.not_discharged"
SIGN_ALREADY = "sign.already_signed"
SIGN_SAME_PERSON = "sign.same_person"
ADDENDUM_NOT_SIGNED = "addendum.not_signed"
CLEARANCE_NO_SCREENING = "clearance.no_screening"

__all__ = [
    "POLICY",
    "ChecklistInput",
    "RecordView",
    "acknowledge_predose",
    "add_addendum",
    "get_record",
    "list_medicine_sessions",
    "print_record",
    "record_adverse_event",
    "record_discharge",
    "record_dose",
    "record_observation",
    "record_vitals",
    "save_checklist",
    "sign_record",
]


# --- access ---------------------------------------------------------------------------


def _medicine_appointment(
    actor: Actor, appointment_id: int, *, action: AuditAction, detail: str
) -> tuple[Appointment, Client]:
    """A medicine appointment whose record the actor may ``action`` (else 404, audited)."""
    staff = staff_of(actor, SESSION)
    appointment = (
        Appointment.objects.filter(
            pk=appointment_id,
            client__practice_id=staff.practice_id,
            kind=AppointmentKind.MEDICINE.value,
        )
        .exclude(status=AppointmentStatus.CANCELLED.value)
        .select_related("location", "room")
        .first()
        if 0 < appointment_id <= MAX_ID
        else None
    )
    if appointment is None:
        raise deny(actor, category=SESSION, action=action, detail=f"medicine:{detail}")
    client = access_client(
        actor, appointment.client_id, SESSION, action=action, detail=f"medicine:{detail}"
    )
    return appointment, client


def _audit(
    actor: Actor,
    client_id: int,
    action: AuditAction,
    detail: str,
    *,
    category: Category = SESSION,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
) -> None:
    record_event(
        source=actor.audit_source,
        action=action,
        outcome=outcome,
        client_id=client_id,
        category=category,
        detail=detail[:200],
    )


def _refused(
    actor: Actor,
    client_id: int,
    action: AuditAction,
    what: str,
    violations: Sequence[Violation],
    *,
    category: Category = SESSION,
) -> Refused:
    codes = ",".join(sorted({v.rule for v in violations}))
    _audit(
        actor, client_id, action, f"medicine:{what}:refused:{codes}",
        category=category, outcome=AuditOutcome.FAILURE,
    )  # fmt: skip
    # The reasons describe the record (its vitals, its doses): that is a read too.
    _audit(actor, client_id, AuditAction.READ, f"medicine:{what}:reasons", category=category)
    return Refused(violations)


def _zone(appointment: Appointment) -> zoneinfo.ZoneInfo:
    name = appointment.location.time_zone if appointment.location else settings.TIME_ZONE
    return zoneinfo.ZoneInfo(name)


def _aware(value: dt.datetime, field_name: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise FieldError(field_name, "Give the time with its offset, e.g. 2026-05-01T10:15-04:00.")
    return value


# --- the record as the rules see it --------------------------------------------------


@dataclass(frozen=True)
class SessionRows:
    vitals: list[VitalsReading]
    alerts: list[VitalsAlert]
    doses: list[DoseAdministration]
    observations: list[Observation]
    adverse_events: list[AdverseEvent]
    signatures: list[Signature]
    addenda: list[Addendum]

    @property
    def readings(self) -> list[VitalSigns]:
        return [
            VitalSigns(
                at=r.at,
                systolic=r.systolic,
                diastolic=r.diastolic,
                heart_rate=r.heart_rate,
                spo2=r.spo2,
            )
            for r in self.vitals
        ]

    @property
    def given(self) -> list[session_rules.DoseAdministration]:
        return [
            session_rules.DoseAdministration(
                at=d.at, route=Route(d.route), dose_mg=d.dose_mg, lot=d.lot
            )
            for d in self.doses
        ]


EMPTY_ROWS = SessionRows([], [], [], [], [], [], [])


def _rows(session: MedicineSession | None) -> SessionRows:
    if session is None or session.pk is None:
        return EMPTY_ROWS
    return SessionRows(
        vitals=list(
            VitalsReading.objects.filter(session=session).select_related("recorded_by__user")
        ),
        alerts=list(VitalsAlert.objects.filter(session=session).select_related("reading")),
        doses=list(
            DoseAdministration.objects.filter(session=session).select_related(
                "administered_by__user"
            )
        ),
        observations=list(
            Observation.objects.filter(session=session).select_related("recorded_by__user")
        ),
        adverse_events=list(
            AdverseEvent.objects.filter(session=session).select_related("recorded_by__user")
        ),
        signatures=list(
            Signature.objects.filter(session=session).select_related("signed_by__user")
        ),
        addenda=list(Addendum.objects.filter(session=session).select_related("written_by__user")),
    )


def _session_of(appointment: Appointment) -> MedicineSession | None:
    return (
        MedicineSession.objects.filter(appointment=appointment)
        .select_related("checklist_by__user", "discharged_by__user", "predose_ack_by__user")
        .first()
    )


def _session_for_change(
    appointment: Appointment, now: dt.datetime
) -> tuple[MedicineSession, SessionRows]:
    """The record, with the client's row locked; a new one is saved only with a change
    (``_saved``), so a refused first entry leaves nothing behind."""
    lock_client(appointment.client_id)
    session = _session_of(appointment) or MedicineSession(
        appointment=appointment, client_id=appointment.client_id, created_at=now
    )
    return session, _rows(session)


def _saved(session: MedicineSession) -> MedicineSession:
    if session.pk is None:
        session.save()
    return session


def _latest_at_or_before(rows: Sequence[VitalsReading], at: dt.datetime) -> VitalsReading | None:
    earlier = [r for r in rows if r.at <= at]
    return max(earlier, key=lambda r: (r.at, r.pk)) if earlier else None


@dataclass(frozen=True)
class ClientFacts:
    """What the checklist needs from the rest of the record, on the session day."""

    consent_current: bool
    clearance_current: bool
    preparation_completed: int
    preparation_required: int
    open_safety_flag: bool  # an unreviewed suicide-risk flag (measures)
    todays_measures: frozenset[str]  # PHQ-9 / ASQ completed in KAP Care on the session day

    @property
    def todays_measures_recorded(self) -> bool:
        return self.todays_measures >= TODAYS_CODES


def _client_facts(appointment: Appointment, practice_id: int) -> ClientFacts:
    zone = _zone(appointment)
    day = appointment.start.astimezone(zone).date()
    day_start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    consents = [
        pathway_rules.Consent(
            kind=ConsentKind(c.kind),
            signed_on=c.signed_on,
            revoked_on=c.revoked_on,
        )
        for c in Consent.objects.filter(client_id=appointment.client_id)
    ]
    clearances = [
        pathway_rules.Clearance(
            status=ClearanceStatus(c.status),
            valid_until=c.valid_until,
            recorded_at=c.recorded_at,
        )
        for c in Clearance.objects.filter(client_id=appointment.client_id)
    ]
    plan = TreatmentPlan.objects.filter(client_id=appointment.client_id).first()
    plan_format = PlanFormat(plan.format) if plan is not None else PlanFormat.ONGOING
    preparations = [
        scheduling_rules.Appointment(
            id=a.pk,
            kind=AppointmentKind(a.kind),
            status=AppointmentStatus(a.status),
            start=a.start,
            end=a.end,
            staff_ids=frozenset(),
            room_id=a.room_id,
        )
        for a in Appointment.objects.filter(
            client_id=appointment.client_id,
            kind=AppointmentKind.PREPARATION.value,
        )
    ]
    return ClientFacts(
        consent_current=pathway_rules.consent_in_force(consents, day),
        clearance_current=pathway_rules.clearance_in_force(clearances, day),
        preparation_completed=scheduling_rules.count_preparations(
            preparations, appointment.start, completed_only=True
        ),
        # The practice's own preparation count (scheduling settings), as the booking used.
        preparation_required=scheduling_policy_for(practice_id)
        .for_format(plan_format)
        .preparation_sessions.value,
        open_safety_flag=measures_inputs(appointment.client_id).open_suicide_flag,
        todays_measures=measures_done_between(
            appointment.client_id, day_start, day_start + dt.timedelta(days=1)
        ),
    )


def _checklist(session: MedicineSession | None, facts: ClientFacts) -> PreDoseChecklist:
    return PreDoseChecklist(
        identity_confirmed=bool(session and session.identity_confirmed),
        consent_current=facts.consent_current,
        clearance_current=facts.clearance_current,
        fasting_confirmed=bool(session and session.fasting_confirmed),
        escort_name=session.escort_name if session else "",
        no_driving_agreed=bool(session and session.no_driving_agreed),
        # Recorded in KAP Care today, or done on paper and attested on the checklist.
        todays_measures_done=facts.todays_measures_recorded
        or bool(session and session.todays_measures_done),
        # An open flag blocks dosing whatever was attested about today's measures.
        unreviewed_risk_flag=facts.open_safety_flag,
        intention=session.intention if session else "",
        preparation_completed=facts.preparation_completed,
        preparation_required=facts.preparation_required,
        last_food_at=session.last_food_at if session else None,
        last_liquids_at=session.last_liquids_at if session else None,
    )


def _orders(client_id: int) -> list[DoseOrder]:
    return list(DoseOrder.objects.filter(client_id=client_id).order_by("-ordered_at", "-id"))


def _order_active_at(
    orders: Sequence[DoseOrder], at: dt.datetime, zone: zoneinfo.ZoneInfo
) -> tuple[DoseOrder, session_rules.DoseOrder] | None:
    """The most recent order active at ``at`` (its dates are days in the location's zone)."""
    for order in orders:
        pure = _pure_order(order, zone)
        if pure.is_active_at(at):
            return order, pure
    return None


def _pure_order(order: DoseOrder, zone: zoneinfo.ZoneInfo) -> session_rules.DoseOrder:
    def local_midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=zone)

    return session_rules.DoseOrder(
        route=Route(order.route),
        max_total_mg=order.max_dose_mg,
        # Active from the start of its first day, as the booking rules read it (an order
        # may be entered after the fact, like every other record here).
        signed_at=local_midnight(order.active_from),
        expires_at=(
            local_midnight(order.active_to + dt.timedelta(days=1))
            if order.active_to is not None
            else None
        ),
    )


# --- the read model -------------------------------------------------------------------


@dataclass(frozen=True)
class BillingRow:
    code: str
    name: str
    minutes: int
    units: int


@dataclass(frozen=True)
class BillingView:
    bill: billing.MonitoringBill
    provisional: bool  # not discharged yet: counted up to now
    names: dict[str, str]  # person id -> name

    def units(self, code: str) -> int:
        return self.bill.units(code)

    @property
    def totals(self) -> list[tuple[str, int]]:
        codes = (
            billing.CPT_FIRST_CLINICIAN,
            billing.CPT_SECOND_CLINICIAN,
            billing.CPT_STAFF_CONCURRENT,
        )
        return [(code, self.bill.units(code)) for code in codes]

    @property
    def rows(self) -> list[BillingRow]:
        return [
            BillingRow(line.code, self.names.get(line.person_id, ""), line.minutes, line.units)
            for line in self.bill.lines
        ]


@dataclass(frozen=True)
class RecordView:
    """A medicine-session record and everything the rules say about it now."""

    appointment: Appointment
    client: Client
    session: MedicineSession | None
    rows: SessionRows
    now: dt.datetime
    zone: zoneinfo.ZoneInfo
    facts: ClientFacts
    checklist: PreDoseChecklist
    checklist_missing: list[Violation]
    predose_hold: list[Violation]
    order: DoseOrder | None
    given_mg: Decimal
    next_due: ScheduledCheck
    schedule: tuple[ScheduledCheck, ...]
    discharge_blockers: list[Violation]
    required_signatures: tuple[SignerRole, ...]
    billing: BillingView | None
    booked_staff: list[StaffMember] = field(default_factory=list)
    policy: MedicinePolicy = field(default_factory=MedicinePolicy)  # the practice's

    @property
    def first_dose_at(self) -> dt.datetime | None:
        return min((d.at for d in self.rows.doses), default=None)

    @property
    def last_dose_at(self) -> dt.datetime | None:
        return max((d.at for d in self.rows.doses), default=None)

    @property
    def locked(self) -> bool:
        return self.session is not None and self.session.locked_at is not None

    @property
    def completed(self) -> bool:
        return self.session is not None and self.session.completed_at is not None

    @property
    def discharged(self) -> bool:
        return self.session is not None and self.session.discharged_at is not None

    @property
    def signed_roles(self) -> set[str]:
        return {s.role for s in self.rows.signatures}

    @property
    def missing_signatures(self) -> list[SignerRole]:
        return [r for r in self.required_signatures if r.value not in self.signed_roles]

    @property
    def remaining_mg(self) -> Decimal | None:
        return None if self.order is None else self.order.max_dose_mg - self.given_mg

    @property
    def alerted_reading_ids(self) -> set[int]:
        return {a.reading_id for a in self.rows.alerts}

    @property
    def serious_events(self) -> list[AdverseEvent]:
        return [e for e in self.rows.adverse_events if e.serious]

    @property
    def monitoring_minutes(self) -> int | None:
        if self.last_dose_at is None:
            return None
        end = (
            self.session.discharged_at if self.session and self.session.discharged_at else self.now
        )
        return max(0, int((end - self.last_dose_at).total_seconds() // 60))


def _required_signatures(rows: SessionRows) -> tuple[SignerRole, ...]:
    roles = [SignerRole.MONITOR, SignerRole.THERAPIST]
    if rows.doses or rows.adverse_events:
        roles.append(SignerRole.MEDICAL_PROVIDER)
    return tuple(roles)


def _billing_view(
    session: MedicineSession | None,
    rows: SessionRows,
    staff: Sequence[StaffMember],
    now: dt.datetime,
    policy: MedicinePolicy,
) -> BillingView | None:
    """Each booked clinician monitored from the first dose until discharge (or now)."""
    if session is None or not rows.doses:
        return None
    start = min(d.at for d in rows.doses)
    end = session.discharged_at or now
    if end <= start:
        return None
    intervals: list[billing.MonitoringInterval] = []
    names: dict[str, str] = {}
    for member in staff:
        roles = {Role(r.role) for r in member.roles.all()}
        if roles & {Role.THERAPIST, Role.MEDICAL_PROVIDER}:
            role = billing.BillingRole.QHP
        elif Role.MONITOR in roles:
            role = billing.BillingRole.CLINICAL_STAFF
        else:
            continue
        names[str(member.pk)] = member.display_name
        intervals.append(billing.MonitoringInterval(str(member.pk), role, start, end))
    bill = billing.billable_monitoring(intervals, policy=policy.billing)
    return BillingView(bill=bill, provisional=session.discharged_at is None, names=names)


def _view(
    appointment: Appointment, client: Client, session: MedicineSession | None, now: dt.datetime
) -> RecordView:
    rows = _rows(session)
    zone = _zone(appointment)
    facts = _client_facts(appointment, client.practice_id)
    checklist = _checklist(session, facts)
    readings = rows.readings
    latest = _latest_at_or_before(rows.vitals, now)
    latest_pure = next((r for r in readings if latest is not None and r.at == latest.at), None)
    practice_policy = policy_for(client.practice_id)
    policy = practice_policy.session
    missing = session_rules.check_checklist(
        checklist, predose_vitals=latest_pure, dose_at=now, policy=policy
    )
    hold: list[Violation] = []
    if latest_pure is not None and not rows.doses:
        acknowledged = session is not None and session.predose_ack_reading_id == latest.pk  # type: ignore[union-attr]
        hold = session_rules.check_predose_vitals(
            latest_pure, acknowledged=acknowledged, policy=policy
        )
    active = _order_active_at(_orders(client.pk), now, zone)
    first_dose = min((d.at for d in rows.doses), default=None)
    next_due = session_rules.next_vitals_due(
        now, first_dose_at=first_dose, readings=readings, policy=policy
    )
    schedule = (
        session_rules.vitals_schedule(
            now, first_dose_at=first_dose, readings=readings, policy=policy
        )
        if first_dose is not None
        else ()
    )
    blockers = [
        v
        for v in session_rules.check_discharge(
            DischargeAssessment(at=now, alert_oriented=True, steady_gait=True, escort_present=True),
            doses=rows.given,
            readings=readings,
            now=now,
            policy=policy,
        )
        if session is None or session.discharged_at is None
    ]
    staff = list(
        StaffMember.objects.filter(bookings__appointment=appointment)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("pk")
    )
    return RecordView(
        appointment=appointment,
        client=client,
        session=session,
        rows=rows,
        now=now,
        zone=zone,
        facts=facts,
        checklist=checklist,
        checklist_missing=missing,
        predose_hold=hold,
        order=active[0] if active else None,
        given_mg=sum((d.dose_mg for d in rows.doses), Decimal(0)),
        next_due=next_due,
        schedule=schedule,
        discharge_blockers=blockers,
        required_signatures=_required_signatures(rows),
        billing=_billing_view(session, rows, staff, now, practice_policy),
        booked_staff=staff,
        policy=practice_policy,
    )


def get_record(
    *, actor: Actor, appointment_id: int, now: dt.datetime, detail: str = "read"
) -> RecordView:
    """The record of a medicine appointment (empty before its first entry); audited read."""
    appointment, client = _medicine_appointment(
        actor, appointment_id, action=AuditAction.READ, detail=detail
    )
    return _view(appointment, client, _session_of(appointment), now)


def print_record(*, actor: Actor, appointment_id: int, now: dt.datetime) -> RecordView:
    """The record for printing (PDF): audited as PRINT."""
    appointment, client = _medicine_appointment(
        actor, appointment_id, action=AuditAction.PRINT, detail="print"
    )
    _audit(actor, client.pk, AuditAction.PRINT, f"medicine:{appointment.pk}:pdf")
    return _view(appointment, client, _session_of(appointment), now)


def _writer(
    actor: Actor, appointment_id: int, what: str, roles: frozenset[Role] = SESSION_WRITERS
) -> tuple[Appointment, Client]:
    appointment, client = _medicine_appointment(
        actor, appointment_id, action=AuditAction.CREATE, detail=what
    )
    if not actor.roles & roles:
        raise refuse_change(
            actor, client_id=client.pk, category=SESSION, detail=f"create:medicine:{what}"
        )
    return appointment, client


def _not_locked(session: MedicineSession) -> list[Violation]:
    if session.locked_at is None:
        return []
    return [
        Violation(
            rule=RECORD_LOCKED,
            message="The record is signed and locked: add an addendum instead of changing it.",
        )
    ]


def _record_time(
    at: dt.datetime,
    appointment: Appointment,
    now: dt.datetime,
    prefix: str,
    *,
    future: bool,
    policy: MedicinePolicy,
) -> list[Violation]:
    return session_rules.check_record_time(
        at,
        now=now,
        session_start=appointment.start,
        prefix=prefix,
        policy=policy.session,
        future=future,
    )


# --- checklist ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistInput:
    identity_confirmed: bool
    fasting_confirmed: bool
    escort_name: str
    no_driving_agreed: bool
    intention: str
    todays_measures_done: bool = False
    last_food_at: dt.datetime | None = None
    last_liquids_at: dt.datetime | None = None


def save_checklist(
    *, actor: Actor, appointment_id: int, checklist: ChecklistInput, now: dt.datetime
) -> RecordView:
    """Save the pre-dose checklist as attested now (it may stay incomplete until dosing)."""
    staff = staff_of(actor, SESSION)
    appointment, client = _writer(actor, appointment_id, "checklist")
    escort = clean_text(checklist.escort_name, "escort_name", limit=200)
    intention = clean_text(checklist.intention, "intention")
    for name, value in (
        ("last_food_at", checklist.last_food_at),
        ("last_liquids_at", checklist.last_liquids_at),
    ):
        if value is not None:
            _aware(value, name)
            if value > now:
                raise FieldError(name, "This time is in the future.")
    with transaction.atomic():
        session, _ = _session_for_change(appointment, now)
        problems = _not_locked(session)
        if not problems:
            session.identity_confirmed = checklist.identity_confirmed
            session.fasting_confirmed = checklist.fasting_confirmed
            session.escort_name = escort
            session.no_driving_agreed = checklist.no_driving_agreed
            session.intention = intention
            session.todays_measures_done = checklist.todays_measures_done
            session.last_food_at = checklist.last_food_at
            session.last_liquids_at = checklist.last_liquids_at
            session.checklist_by = staff
            session.checklist_at = now
            session.save()
            _audit(actor, client.pk, AuditAction.UPDATE, f"medicine:{appointment.pk}:checklist")
    if problems:
        raise _refused(actor, client.pk, AuditAction.UPDATE, "checklist", problems)
    return _view(appointment, client, session, now)


# --- vitals ---------------------------------------------------------------------------


def record_vitals(
    *,
    actor: Actor,
    appointment_id: int,
    at: dt.datetime,
    systolic: int,
    diastolic: int,
    heart_rate: int,
    spo2: int,
    now: dt.datetime,
) -> tuple[VitalsReading, tuple[session_rules.VitalAlert, ...]]:
    """Record a reading; out-of-range values are recorded as alerts (events) with it."""
    staff = staff_of(actor, SESSION)
    _aware(at, "at")
    appointment, client = _writer(actor, appointment_id, "vitals")
    reading = VitalSigns(
        at=at, systolic=systolic, diastolic=diastolic, heart_rate=heart_rate, spo2=spo2
    )
    problems = session_rules.check_vitals(
        reading, now=now, policy=policy_for(client.practice_id).session
    )
    problems += _record_time(
        at, appointment, now, "vitals", future=False, policy=policy_for(client.practice_id)
    )
    alerts: tuple[session_rules.VitalAlert, ...] = ()
    with transaction.atomic():
        session, _ = _session_for_change(appointment, now)
        problems = _not_locked(session) + problems
        if not problems:
            saved = VitalsReading.objects.create(
                session=_saved(session),
                at=at,
                systolic=systolic,
                diastolic=diastolic,
                heart_rate=heart_rate,
                spo2=spo2,
                recorded_by=staff,
                recorded_at=now,
            )
            alerts = session_rules.vital_alerts(
                reading, policy=policy_for(client.practice_id).session
            )
            VitalsAlert.objects.bulk_create(
                VitalsAlert(
                    session=session,
                    reading=saved,
                    code=a.code,
                    measure=a.measure,
                    value=a.value,
                    threshold=a.threshold,
                    message=a.message[:200],
                    raised_at=now,
                )
                for a in alerts
            )
            _audit(
                actor, client.pk, AuditAction.CREATE, f"medicine:{appointment.pk}:vitals:{saved.pk}"
            )
            for a in alerts:
                _audit(
                    actor,
                    client.pk,
                    AuditAction.CREATE,
                    f"medicine:{appointment.pk}:alert:{a.code}",
                )
    if problems:
        raise _refused(actor, client.pk, AuditAction.CREATE, "vitals", problems)
    return saved, alerts


def acknowledge_predose(*, actor: Actor, appointment_id: int, now: dt.datetime) -> RecordView:
    """A medical provider acknowledges the latest pre-dose reading (140/90 up to the hold)."""
    staff = staff_of(actor, SESSION)
    appointment, client = _writer(
        actor, appointment_id, "predose_ack", frozenset({Role.MEDICAL_PROVIDER})
    )
    with transaction.atomic():
        session, rows = _session_for_change(appointment, now)
        problems = _not_locked(session)
        latest = _latest_at_or_before(rows.vitals, now)
        if latest is None:
            problems.append(
                Violation(
                    rule=ACK_NO_READING, message="There is no pre-dose reading to acknowledge."
                )
            )
        else:
            pure = VitalSigns(
                latest.at, latest.systolic, latest.diastolic, latest.heart_rate, latest.spo2
            )
            needs = session_rules.check_predose_vitals(
                pure, acknowledged=False, policy=policy_for(client.practice_id).session
            )
            if not any(v.rule == session_rules.PREDOSE_VITALS_ACK_REQUIRED for v in needs):
                problems.append(
                    Violation(
                        rule=ACK_NOT_NEEDED,
                        message=(
                            "The latest reading needs no acknowledgement (it is either below "
                            "the acknowledgement level or at the hold level, which nothing lifts)."
                        ),
                    )
                )
        if not problems and latest is not None:
            session.predose_ack_reading = latest
            session.predose_ack_by = staff
            session.predose_ack_at = now
            session.save()
            _audit(
                actor,
                client.pk,
                AuditAction.UPDATE,
                f"medicine:{appointment.pk}:predose_ack:{latest.pk}",
            )
    if problems:
        raise _refused(actor, client.pk, AuditAction.UPDATE, "predose_ack", problems)
    return _view(appointment, client, session, now)


# --- doses ----------------------------------------------------------------------------


def record_dose(
    *,
    actor: Actor,
    appointment_id: int,
    at: dt.datetime,
    route: Route,
    dose_mg: Decimal,
    lot: str,
    now: dt.datetime,
    administered_by_id: int | None = None,
) -> DoseAdministration:
    """Record a dose given, after every dosing rule (checklist, hold, order) says yes.

    ``administered_by_id``: who gave it (a monitor or medical provider of the practice),
    when not the person recording it.
    """
    staff = staff_of(actor, SESSION)
    _aware(at, "at")
    appointment, client = _writer(actor, appointment_id, "dose", DOSE_WRITERS)
    lot = clean_text(lot, "lot", limit=60)
    giver = staff
    if administered_by_id is not None and administered_by_id != staff.pk:
        found = (
            StaffMember.objects.filter(
                pk=administered_by_id,
                practice_id=staff.practice_id,
                is_active=True,
                roles__role__in=[r.value for r in DOSE_WRITERS],
            ).first()
            if 0 < administered_by_id <= MAX_ID
            else None
        )
        if found is None:
            raise FieldError(
                "administered_by", "Choose a monitor or medical provider of the practice."
            )
        giver = found
    facts = _client_facts(appointment, client.practice_id)
    zone = _zone(appointment)
    with transaction.atomic():
        session, rows = _session_for_change(appointment, now)
        problems = _not_locked(session)
        if session.discharged_at is not None:
            problems.append(
                Violation(
                    rule=DOSE_AFTER_DISCHARGE,
                    message="The client has been discharged: no dose can be added to this session.",
                )
            )
        problems += _record_time(
            at, appointment, now, "dose", future=False, policy=policy_for(client.practice_id)
        )
        active = _order_active_at(_orders(client.pk), at, zone)
        pre = _latest_at_or_before(rows.vitals, at)
        problems += session_rules.check_dose(
            session_rules.DoseAdministration(at=at, route=route, dose_mg=dose_mg, lot=lot),
            order=active[1] if active else None,
            previous_doses=rows.given,
            checklist=_checklist(session, facts),
            readings=rows.readings,
            predose_acknowledged=pre is not None and session.predose_ack_reading_id == pre.pk,
            now=now,
            policy=policy_for(client.practice_id).session,
        )
        if not problems and active is not None:
            dose = DoseAdministration.objects.create(
                session=_saved(session),
                order=active[0],
                at=at,
                route=route.value,
                dose_mg=dose_mg,
                lot=lot,
                administered_by=giver,
                recorded_at=now,
            )
            kind = "supplemental" if rows.doses else "first"
            _audit(
                actor,
                client.pk,
                AuditAction.CREATE,
                f"medicine:{appointment.pk}:dose:{dose.pk}:{kind}",
            )
    if problems:
        raise _refused(actor, client.pk, AuditAction.CREATE, "dose", problems)
    return dose


# --- observations and adverse events ---------------------------------------------------


def record_observation(
    *,
    actor: Actor,
    appointment_id: int,
    at: dt.datetime,
    dissociation: int | None,
    sedation: int | None,
    note: str,
    emerged: str,
    now: dt.datetime,
) -> Observation:
    """Dissociation (0-10), sedation (MOAA/S 0-5), free text and what emerged."""
    staff = staff_of(actor, SESSION)
    _aware(at, "at")
    appointment, client = _writer(actor, appointment_id, "observation")
    if dissociation is not None and not 0 <= dissociation <= 10:
        raise FieldError("dissociation", "Rate dissociation from 0 (none) to 10 (extreme).")
    if sedation is not None and not 0 <= sedation <= 5:
        raise FieldError("sedation", "MOAA/S sedation runs from 5 (responds readily) to 0.")
    note, emerged = clean_text(note, "note"), clean_text(emerged, "emerged")
    if dissociation is None and sedation is None and not note and not emerged:
        raise FieldError("note", "Record a rating, an observation or what emerged.")
    with transaction.atomic():
        session, _ = _session_for_change(appointment, now)
        problems = _not_locked(session) + _record_time(
            at, appointment, now, "observation", future=True, policy=policy_for(client.practice_id)
        )
        if not problems:
            saved = Observation.objects.create(
                session=_saved(session),
                at=at,
                dissociation=dissociation,
                sedation=sedation,
                note=note,
                emerged=emerged,
                recorded_by=staff,
                recorded_at=now,
            )
            _audit(
                actor,
                client.pk,
                AuditAction.CREATE,
                f"medicine:{appointment.pk}:observation:{saved.pk}",
            )
    if problems:
        raise _refused(actor, client.pk, AuditAction.CREATE, "observation", problems)
    return saved


def _medical_providers(appointment: Appointment) -> list[StaffMember]:
    """Medical providers on the client's care team or booked on the session."""
    return list(
        StaffMember.objects.filter(
            is_active=True,
            roles__role=Role.MEDICAL_PROVIDER.value,
        )
        .filter(
            pk__in=list(
                CareTeamMember.objects.filter(client_id=appointment.client_id).values_list(
                    "staff_id", flat=True
                )
            )
            + list(appointment.staff_links.values_list("staff_id", flat=True))
        )
        .select_related("user")
        .distinct()
    )


def _notify_serious(event_id: int, appointment_id: int, recipients: list[str]) -> None:
    """E-mail the medical providers: ids and a link only, never client data."""
    if not recipients:
        return
    try:
        send_mail(
            subject="KAP Care: serious adverse event recorded",
            message=(
                "A serious adverse event was recorded in a medicine session.\n"
                f"Open the session record: /appointments/{appointment_id}/medicine/\n"
                "Sign in to KAP Care to review it and co-sign the record."
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except OSError:
        # SMTP down: the chart still shows the flag; the event keeps no sent time.
        logger.warning("Serious adverse event %s: notification e-mail failed.", event_id)
        return
    AdverseEvent.objects.filter(pk=event_id).update(notification_sent_at=timezone.now())


def record_adverse_event(
    *,
    actor: Actor,
    appointment_id: int,
    at: dt.datetime,
    kind: AdverseEventKind,
    severity: AdverseEventSeverity,
    action: str,
    provider_notified: bool,
    now: dt.datetime,
) -> AdverseEvent:
    """Record an adverse event; a serious one flags the chart and e-mails the medical provider."""
    staff = staff_of(actor, SESSION)
    _aware(at, "at")
    appointment, client = _writer(actor, appointment_id, "adverse_event")
    action = clean_text(action, "action")
    if not action:
        raise FieldError("action", "Say what was done (or 'none').")
    with transaction.atomic():
        session, _ = _session_for_change(appointment, now)
        problems = _not_locked(session) + _record_time(
            at,
            appointment,
            now,
            "adverse_event",
            future=True,
            policy=policy_for(client.practice_id),
        )
        if not problems:
            event = AdverseEvent.objects.create(
                session=_saved(session),
                at=at,
                kind=kind.value,
                severity=severity.value,
                action=action,
                provider_notified=provider_notified,
                recorded_by=staff,
                recorded_at=now,
            )
            _audit(
                actor, client.pk, AuditAction.CREATE,
                f"medicine:{appointment.pk}:adverse_event:{event.pk}:{severity.value}",
            )  # fmt: skip
            if event.serious:
                recipients = [m.user.email for m in _medical_providers(appointment)]
                _audit(
                    actor,
                    client.pk,
                    AuditAction.CREATE,
                    f"medicine:{appointment.pk}:serious_flag:{event.pk}",
                    category=Category.SAFETY,
                )
                transaction.on_commit(lambda: _notify_serious(event.pk, appointment.pk, recipients))
    if problems:
        raise _refused(actor, client.pk, AuditAction.CREATE, "adverse_event", problems)
    return event


# --- discharge, signatures, addenda ---------------------------------------------------


def record_discharge(
    *,
    actor: Actor,
    appointment_id: int,
    at: dt.datetime,
    alert_oriented: bool,
    steady_gait: bool,
    escort_present: bool,
    now: dt.datetime,
) -> RecordView:
    """Let the client go, when every discharge rule says yes; else every reason."""
    staff = staff_of(actor, SESSION)
    _aware(at, "at")
    appointment, client = _writer(actor, appointment_id, "discharge")
    with transaction.atomic():
        session, rows = _session_for_change(appointment, now)
        problems = _not_locked(session)
        if session.discharged_at is not None:
            problems.append(
                Violation(rule=DISCHARGE_ALREADY, message="The discharge is already recorded.")
            )
        problems += _record_time(
            at, appointment, now, "discharge", future=False, policy=policy_for(client.practice_id)
        )
        problems += session_rules.check_discharge(
            DischargeAssessment(
                at=at,
                alert_oriented=alert_oriented,
                steady_gait=steady_gait,
                escort_present=escort_present,
            ),
            doses=rows.given,
            readings=rows.readings,
            now=now,
            policy=policy_for(client.practice_id).session,
        )
        if not problems:
            session.discharged_at = at
            session.discharge_alert_oriented = alert_oriented
            session.discharge_steady_gait = steady_gait
            session.discharge_escort_present = escort_present
            session.discharged_by = staff
            session.save()
            _audit(actor, client.pk, AuditAction.UPDATE, f"medicine:{appointment.pk}:discharge")
    if problems:
        raise _refused(actor, client.pk, AuditAction.UPDATE, "discharge", problems)
    return _view(appointment, client, session, now)


def _signing_role(actor: Actor, role: SignerRole | None, signed: set[str]) -> SignerRole:
    held = [r for r, needed in SIGNER_ROLES.items() if needed in actor.roles]
    if role is not None:
        return role
    open_roles = [r for r in held if r.value not in signed]
    if len(open_roles) == 1:
        return open_roles[0]
    if not held:
        raise FieldError("role", "Sign as monitor, therapist or medical provider.")
    return open_roles[0] if open_roles else held[0]


def sign_record(
    *, actor: Actor, appointment_id: int, now: dt.datetime, role: SignerRole | None = None
) -> RecordView:
    """Sign the record in one of the actor's roles; the first signature locks it.

    Monitor and therapist always sign; the medical provider co-signs when a dose
    (so a dose order) or an adverse event is recorded. Two roles need two people.
    """
    staff = staff_of(actor, SESSION)
    appointment, client = _writer(actor, appointment_id, "sign")
    with transaction.atomic():
        session, rows = _session_for_change(appointment, now)
        signed = {s.role for s in rows.signatures}
        chosen = _signing_role(actor, role, signed)
        if SIGNER_ROLES[chosen] not in actor.roles:
            raise refuse_change(
                actor, client_id=client.pk, category=SESSION, detail=f"sign:{chosen.value}"
            )
        problems: list[Violation] = []
        if session.discharged_at is None:
            problems.append(
                Violation(
                    rule=SIGN_NOT_DISCHARGED,
                    message="Record the discharge before signing: a signed record is locked.",
                )
            )
        if chosen.value in signed:
            problems.append(
                Violation(
                    rule=SIGN_ALREADY,
                    message=f"The record is already signed as {chosen.label.lower()}.",
                )
            )
        elif any(s.signed_by_id == staff.pk for s in rows.signatures):
            problems.append(
                Violation(
                    rule=SIGN_SAME_PERSON,
                    message=(
                        "You have already signed this record; another person signs the other role."
                    ),
                )
            )
        if not problems:
            Signature.objects.create(
                session=session, role=chosen.value, signed_by=staff, signed_at=now
            )
            required = {r.value for r in _required_signatures(rows)}
            session.locked_at = session.locked_at or now
            if required <= signed | {chosen.value}:
                session.completed_at = now
            session.save(update_fields=["locked_at", "completed_at"])
            _audit(
                actor,
                client.pk,
                AuditAction.UPDATE,
                f"medicine:{appointment.pk}:sign:{chosen.value}",
            )
    if problems:
        raise _refused(actor, client.pk, AuditAction.UPDATE, "sign", problems)
    return _view(appointment, client, session, now)


def add_addendum(*, actor: Actor, appointment_id: int, text: str, now: dt.datetime) -> Addendum:
    """Amend a signed record: the only change a locked record takes."""
    staff = staff_of(actor, SESSION)
    appointment, client = _writer(actor, appointment_id, "addendum")
    text = clean_text(text, "text")
    if not text:
        raise FieldError("text", "Write the addendum.")
    with transaction.atomic():
        session, _ = _session_for_change(appointment, now)
        problems: list[Violation] = []
        if session.locked_at is None:
            problems.append(
                Violation(
                    rule=ADDENDUM_NOT_SIGNED,
                    message="The record is not signed yet: change it directly instead.",
                )
            )
        else:
            addendum = Addendum.objects.create(
                session=session, text=text, written_by=staff, written_at=now
            )
            _audit(
                actor,
                client.pk,
                AuditAction.CREATE,
                f"medicine:{appointment.pk}:addendum:{addendum.pk}",
            )
    if problems:
        raise _refused(actor, client.pk, AuditAction.CREATE, "addendum", problems)
    return addendum


# --- the chart: list of sessions -------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    appointment: Appointment
    session: MedicineSession | None

    @property
    def state(self) -> str:
        s = self.session
        if s is None:
            return "Not started"
        if s.completed_at is not None:
            return "Signed and complete"
        if s.locked_at is not None:
            return "Signed, awaiting co-signature"
        if s.discharged_at is not None:
            return "Discharged, to sign"
        return "In progress"


def list_medicine_sessions(
    *, actor: Actor, client_id: int
) -> tuple[list[SessionRow], list[AdverseEvent]]:
    """The client's medicine appointments with their records, and serious adverse events."""
    client = access_client(actor, client_id, SESSION, detail="medicine:list")
    appointments = list(
        Appointment.objects.filter(client=client, kind=AppointmentKind.MEDICINE.value)
        .exclude(status=AppointmentStatus.CANCELLED.value)
        .select_related("location", "medicine_record")
        .order_by("-start", "-id")
    )
    serious = list(
        AdverseEvent.objects.filter(
            session__client=client, severity=AdverseEventSeverity.SERIOUS.value
        )
        .select_related("session")
        .order_by("-at")
    )
    rows = [SessionRow(a, getattr(a, "medicine_record", None)) for a in appointments]
    return rows, serious
