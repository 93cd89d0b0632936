"""The record and the client's facts as the rules see them, and the helpers every
medicine service shares (audit rows, refusals, locking, recorded times).
"""

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.violations import Refused, Violation
from kapcare.medicine import rules as session_rules
from kapcare.medicine.access import SESSION
from kapcare.medicine.measures_inputs import TODAYS_CODES, measures_done_between
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
from kapcare.medicine.rules import (
    PreDoseChecklist,
    VitalSigns,
)
from kapcare.medicine.thresholds import MedicinePolicy
from kapcare.pathway.models import DoseOrder
from kapcare.pathway.vocabulary import Route
from kapcare.people.access import Actor, lock_client
from kapcare.people.policy import Category
from kapcare.scheduling import rules as scheduling_rules
from kapcare.scheduling.facts import pathway_facts
from kapcare.scheduling.facts import policy_for_practice as scheduling_policy_for
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.rules.pathway import plan_format_of
from kapcare.scheduling.vocabulary import Rule

# Codes of the services' own rules (the pure ``medicine.rules`` hold the rest).
RECORD_LOCKED = "record.locked"
DOSE_AFTER_DISCHARGE = "dose.after_discharge"
DISCHARGE_ALREADY = "discharge.already_recorded"
ACK_NO_READING = "predose_ack.no_reading"
ACK_NOT_NEEDED = "predose_ack.not_needed"
SIGN_NOT_DISCHARGED = "sign.not_discharged"
SIGN_ALREADY = "sign.already_signed"
SIGN_SAME_PERSON = "sign.same_person"
ADDENDUM_NOT_SIGNED = "addendum.not_signed"


def audit_event(
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


def refuse(
    actor: Actor,
    client_id: int,
    action: AuditAction,
    what: str,
    violations: Sequence[Violation],
    *,
    category: Category = SESSION,
) -> Refused:
    codes = ",".join(sorted({v.rule for v in violations}))
    audit_event(
        actor, client_id, action, f"medicine:{what}:refused:{codes}",
        category=category, outcome=AuditOutcome.FAILURE,
    )  # fmt: skip
    # The reasons describe the record (its vitals, its doses): that is a read too.
    audit_event(actor, client_id, AuditAction.READ, f"medicine:{what}:reasons", category=category)
    return Refused(violations)


def zone_of(appointment: Appointment) -> zoneinfo.ZoneInfo:
    name = appointment.location.time_zone if appointment.location else settings.TIME_ZONE
    return zoneinfo.ZoneInfo(name)


def require_aware(value: dt.datetime, field_name: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise FieldError(field_name, "Give the time with its offset, e.g. 2026-05-01T10:15-04:00.")
    return value


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


def rows_of(session: MedicineSession | None) -> SessionRows:
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


def session_of(appointment: Appointment) -> MedicineSession | None:
    return (
        MedicineSession.objects.filter(appointment=appointment)
        .select_related(
            "checklist_by__user",
            "discharged_by__user",
            "predose_ack_by__user",
            "therapist_note_by__user",
        )
        .first()
    )


def session_for_change(
    appointment: Appointment, now: dt.datetime
) -> tuple[MedicineSession, SessionRows]:
    """The record, with the client's row locked; a new one is saved only with a change
    (``saved_session``), so a refused first entry leaves nothing behind."""
    lock_client(appointment.client_id)
    session = session_of(appointment) or MedicineSession(
        appointment=appointment, client_id=appointment.client_id, created_at=now
    )
    return session, rows_of(session)


def saved_session(session: MedicineSession) -> MedicineSession:
    if session.pk is None:
        session.save()
    return session


def latest_at_or_before(rows: Sequence[VitalsReading], at: dt.datetime) -> VitalsReading | None:
    earlier = [r for r in rows if r.at <= at]
    return max(earlier, key=lambda r: (r.at, r.pk)) if earlier else None


@dataclass(frozen=True)
class ClientFacts:
    """What a dose needs from the rest of the record, on the session day."""

    pathway: tuple[Violation, ...]
    """What the pathway's rules say stops a dose (plan paused or missing, no KAP consent
    in force, no clearance in force), from the one pathway facts loader."""
    preparation_completed: int
    preparation_required: int
    open_safety_flag: bool  # an unreviewed suicide-risk flag (measures)
    todays_measures: frozenset[str]  # PHQ-9 / ASQ completed in KAP Care on the session day

    @property
    def todays_measures_recorded(self) -> bool:
        return self.todays_measures >= TODAYS_CODES

    @property
    def consent_current(self) -> bool:
        return all(v.rule != Rule.MEDICINE_REQUIRES_CONSENT for v in self.pathway)

    @property
    def clearance_current(self) -> bool:
        return all(v.rule != Rule.MEDICINE_REQUIRES_CLEARANCE for v in self.pathway)


def client_facts(appointment: Appointment, practice_id: int) -> ClientFacts:
    """The client's pathway as the booking rules load it (``scheduling.facts``, which
    reads ``pathway.facts``), checked as it stands at the moment of the dose."""
    zone = zone_of(appointment)
    day = appointment.start.astimezone(zone).date()
    day_start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    pathway = pathway_facts(appointment.client_id)
    plan_format = plan_format_of(pathway)
    return ClientFacts(
        pathway=tuple(
            scheduling_rules.check_pathway_at_dosing(
                session_start=appointment.start, pathway=pathway, time_zone=zone.key
            )
        ),
        preparation_completed=scheduling_rules.count_preparations(
            pathway.appointments, appointment.start, completed_only=True
        ),
        # The practice's own preparation count (scheduling settings), as the booking used.
        preparation_required=scheduling_policy_for(practice_id)
        .for_format(plan_format)
        .preparation_sessions.value,
        open_safety_flag=pathway.unreviewed_risk_flags > 0,
        todays_measures=measures_done_between(
            appointment.client_id, day_start, day_start + dt.timedelta(days=1)
        ),
    )


def checklist_of(session: MedicineSession | None, facts: ClientFacts) -> PreDoseChecklist:
    return PreDoseChecklist(
        identity_confirmed=bool(session and session.identity_confirmed),
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


def orders_of(client_id: int) -> list[DoseOrder]:
    return list(DoseOrder.objects.filter(client_id=client_id).order_by("-ordered_at", "-id"))


def order_active_at(
    orders: Sequence[DoseOrder], at: dt.datetime, zone: zoneinfo.ZoneInfo
) -> tuple[DoseOrder, session_rules.DoseOrder] | None:
    """The most recent order active at ``at`` (its dates are days in the location's zone)."""
    for order in orders:
        pure = pure_order(order, zone)
        if pure.is_active_at(at):
            return order, pure
    return None


def pure_order(order: DoseOrder, zone: zoneinfo.ZoneInfo) -> session_rules.DoseOrder:
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


def not_locked(session: MedicineSession) -> list[Violation]:
    if session.locked_at is None:
        return []
    return [
        Violation(
            rule=RECORD_LOCKED,
            message="The record is signed and locked: add an addendum instead of changing it.",
        )
    ]


def before_session_day(appointment: Appointment, now: dt.datetime, what: str) -> list[Violation]:
    return session_rules.check_session_day(
        now=now, session_start=appointment.start, zone=zone_of(appointment), what=what
    )


def record_time_problems(
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
