"""The read model of a medicine-session record: everything the rules say about it now,
for the console, the API and the PDF.
"""

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min

from kapcare.audit.models import AuditAction
from kapcare.core.violations import Violation
from kapcare.medicine import billing
from kapcare.medicine import rules as session_rules
from kapcare.medicine.access import (
    access_medicine_record,
)
from kapcare.medicine.models import (
    AdverseEvent,
    MedicineSession,
)
from kapcare.medicine.rules import (
    DischargeAssessment,
    PreDoseChecklist,
    ScheduledCheck,
)
from kapcare.medicine.services.settings import policy_for
from kapcare.medicine.services.state import (
    ClientFacts,
    SessionRows,
    audit_event,
    checklist_of,
    client_facts,
    latest_at_or_before,
    order_active_at,
    orders_of,
    rows_of,
    session_of,
    zone_of,
)
from kapcare.medicine.thresholds import MedicinePolicy
from kapcare.medicine.vocabulary import SignerRole
from kapcare.pathway.models import DoseOrder
from kapcare.people.access import Actor
from kapcare.people.models import Client, StaffMember, StaffRole
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment, AppointmentStaff


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


def required_signatures(rows: SessionRows) -> tuple[SignerRole, ...]:
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
    people = [(m.pk, [r.role for r in m.roles.all()]) for m in staff]
    intervals = _intervals(people, start, end)
    billed = {i.person_id for i in intervals}
    names = {str(m.pk): m.display_name for m in staff if str(m.pk) in billed}
    bill = billing.billable_monitoring(intervals, policy=policy.billing)
    return BillingView(bill=bill, provisional=session.discharged_at is None, names=names)


def _intervals(
    people: Sequence[tuple[int, Sequence[str]]], start: dt.datetime, end: dt.datetime
) -> list[billing.MonitoringInterval]:
    """Each booked clinician, given as (staff id, role codes), monitoring from start to end
    by their billing role: QHP (therapist, medical provider) or clinical staff (monitor)."""
    intervals: list[billing.MonitoringInterval] = []
    for staff_id, codes in people:
        roles = {Role(code) for code in codes}
        if roles & {Role.THERAPIST, Role.MEDICAL_PROVIDER}:
            role = billing.BillingRole.QHP
        elif Role.MONITOR in roles:
            role = billing.BillingRole.CLINICAL_STAFF
        else:
            continue
        intervals.append(billing.MonitoringInterval(str(staff_id), role, start, end))
    return intervals


def monitoring_units(practice_id: int) -> list[tuple[dt.datetime, dict[str, int]]]:
    """Every discharged, dosed medicine session of the practice: its first dose's time and
    the units of each 0820T-0822T code its record supports, computed as for a superbill
    (one session's :func:`monitoring_bill`). Codes and times only. Five queries, whatever
    the count."""
    policy = policy_for(practice_id)
    discharged = MedicineSession.objects.filter(
        client__practice_id=practice_id, discharged_at__isnull=False
    )
    sessions = list(
        discharged.annotate(first_dose=Min("doses__at"))
        .filter(first_dose__isnull=False)
        .values_list("appointment_id", "first_dose", "discharged_at")
    )
    # The practice's staff are few and its sessions many: each one's roles read once.
    roles: dict[int, list[str]] = {}
    for staff_id, code in StaffRole.objects.filter(staff__practice_id=practice_id).values_list(
        "staff_id", "role"
    ):
        roles.setdefault(staff_id, []).append(code)
    staff: dict[int, list[tuple[int, Sequence[str]]]] = {}
    links = (
        # A subquery, not the sessions' ids: thousands of parameters cost more than a join.
        AppointmentStaff.objects.filter(appointment_id__in=discharged.values("appointment_id"))
        .order_by("appointment_id", "staff_id")
        .values_list("appointment_id", "staff_id")
    )
    for appointment_id, staff_id in links:
        staff.setdefault(appointment_id, []).append((staff_id, roles.get(staff_id, [])))
    out = []
    # Every booked clinician monitors the whole session (``_intervals``), so its units
    # follow from its whole minutes and the roles booked: sessions alike are billed once.
    units: dict[tuple[int, tuple[tuple[str, ...], ...]], dict[str, int]] = {}
    for appointment_id, first_dose, discharged_at in sessions:
        if discharged_at is None or discharged_at <= first_dose:  # filtered; for the type
            continue
        booked = staff.get(appointment_id, [])
        minutes = int((discharged_at - first_dose).total_seconds() // 60)
        key = (minutes, tuple(sorted(tuple(sorted(codes)) for _, codes in booked)))
        if key not in units:
            intervals = _intervals(booked, first_dose, discharged_at)
            bill = billing.billable_monitoring(intervals, policy=policy.billing)
            units[key] = {line.code: bill.units(line.code) for line in bill.lines}
        out.append((first_dose, units[key]))
    return out


def view_of(
    appointment: Appointment, client: Client, session: MedicineSession | None, now: dt.datetime
) -> RecordView:
    rows = rows_of(session)
    zone = zone_of(appointment)
    facts = client_facts(appointment, client.practice_id)
    checklist = checklist_of(session, facts)
    readings = rows.readings
    latest = latest_at_or_before(rows.vitals, now)
    latest_pure = next((r for r in readings if latest is not None and r.at == latest.at), None)
    practice_policy = policy_for(client.practice_id)
    policy = practice_policy.session
    missing = list(facts.pathway) + session_rules.check_checklist(
        checklist, predose_vitals=latest_pure, dose_at=now, policy=policy
    )
    hold: list[Violation] = []
    if latest_pure is not None and not rows.doses:
        acknowledged = session is not None and session.predose_ack_reading_id == latest.pk  # type: ignore[union-attr]
        hold = session_rules.check_predose_vitals(
            latest_pure, acknowledged=acknowledged, policy=policy
        )
    active = order_active_at(orders_of(client.pk), now, zone)
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
        required_signatures=required_signatures(rows),
        billing=_billing_view(session, rows, staff, now, practice_policy),
        booked_staff=staff,
        policy=practice_policy,
    )


def get_record(
    *, actor: Actor, appointment_id: int, now: dt.datetime, detail: str = "read"
) -> RecordView:
    """The record of a medicine appointment (empty before its first entry); audited read."""
    appointment, client = access_medicine_record(
        actor, appointment_id, action=AuditAction.READ, detail=detail
    )
    return view_of(appointment, client, session_of(appointment), now)


def print_record(*, actor: Actor, appointment_id: int, now: dt.datetime) -> RecordView:
    """The record for printing (PDF): audited as PRINT."""
    appointment, client = access_medicine_record(
        actor, appointment_id, action=AuditAction.PRINT, detail="print"
    )
    audit_event(actor, client.pk, AuditAction.PRINT, f"medicine:{appointment.pk}:pdf")
    return view_of(appointment, client, session_of(appointment), now)


def monitoring_bill(appointment: Appointment, now: dt.datetime) -> billing.MonitoringBill | None:
    """The 0820T-0822T lines a discharged session's record supports, for superbills.

    Codes and minutes only, none of the record's content: the caller has checked the
    client's ``schedule`` category (billing codes are front desk's, DESIGN.md). None
    before discharge (the time is still running) or without a dose.
    """
    session = session_of(appointment)
    if session is None or session.discharged_at is None:
        return None
    staff = list(
        StaffMember.objects.filter(bookings__appointment=appointment)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("pk")
    )
    view = _billing_view(
        session, rows_of(session), staff, now, policy_for(appointment.client.practice_id)
    )
    return view.bill if view is not None else None
