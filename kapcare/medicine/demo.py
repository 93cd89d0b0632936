"""The demo practice's medicine records: screenings, clearance details and one session.

Loaded after the schedule and the measures of the demo practice (``load_demo``). All
synthetic. Every demo client the schedule cleared gets a medical screening (answered
"no" throughout, baseline vitals, DES-II and flags as measures hold them) and the
details of that clearance. The most recent medicine session that has already happened
gets a complete, signed record, written through ``medicine.services`` at the times the
session's steps happened, so it obeys every rule and leaves the same audit trail.

Idempotent: a client with a screening and a clearance with its detail are left alone,
and the session record is made only when the practice has none, so running
``load_demo`` again (even days later) adds nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from kapcare.core import clock
from kapcare.core.violations import Refused, Violation
from kapcare.medicine import services
from kapcare.medicine.measures_inputs import measures_inputs
from kapcare.medicine.models import (
    AdverseEventKind,
    AdverseEventSeverity,
    ClearanceDetail,
    MedicineSession,
    SignerRole,
)
from kapcare.pathway.models import Clearance, DoseOrder, MedicalScreening, ScreeningAnswer
from kapcare.pathway.vocabulary import PregnancyStatus, Route
from kapcare.people.access import Actor, actor_for_user
from kapcare.people.demo import PRACTICE_NAME
from kapcare.people.models import CareTeamMember, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment

__all__ = ["MedicineLoadResult", "load_demo_medicine"]

MINUTE = dt.timedelta(minutes=1)
# Written by the demo medical provider for a relative finding (synthetic).
JUSTIFICATION = "Demo: discussed with the therapist; grounding plan agreed and a lower first dose."


@dataclass
class MedicineLoadResult:
    created_screenings: int = 0
    created_clearance_details: int = 0
    created_sessions: int = 0
    refused: list[str] = field(default_factory=list)


def _screening(clearance: Clearance, doctor: StaffMember) -> MedicalScreening:
    inputs = measures_inputs(clearance.client_id)
    record = MedicalScreening.objects.create(
        client_id=clearance.client_id,
        version=1,
        history="Demo: no significant medical history (synthetic).",
        medications="Demo: none regularly; no benzodiazepines, stimulants, MAOIs or opioids.",
        pregnancy_status=PregnancyStatus.NOT_PREGNANT,
        baseline_systolic=122,
        baseline_diastolic=78,
        baseline_heart_rate=68,
        baseline_spo2=98,
        baseline_weight_kg=Decimal("68.0"),
        des_ii_total=inputs.des_ii_total,
        unreviewed_suicide_flag=inputs.open_suicide_flag,
        recorded_by=doctor,
        recorded_at=clearance.recorded_at - dt.timedelta(days=1),
    )
    ScreeningAnswer.objects.bulk_create(
        [
            ScreeningAnswer(screening=record, code=code, answer="no")
            for code in services.QUESTION_CODES
        ]
        + [ScreeningAnswer(screening=record, code=services.PREGNANCY_CODE, answer="no")]
    )
    return record


def _screenings(practice_name: str, result: MedicineLoadResult) -> None:
    clearances = Clearance.objects.filter(client__practice__name=practice_name).select_related(
        "recorded_by"
    )
    for clearance in clearances.order_by("client_id", "recorded_at"):
        screening = (
            MedicalScreening.objects.filter(client_id=clearance.client_id)
            .order_by("version")
            .first()
        )
        if screening is None:
            screening = _screening(clearance, clearance.recorded_by)
            result.created_screenings += 1
        if not ClearanceDetail.objects.filter(clearance=clearance).exists():
            relative = services.evaluation_of(screening).relative
            services.record_clearance_detail(
                clearance=clearance,
                screening_record=screening,
                justifications={f.code: JUSTIFICATION for f in relative},
            )
            result.created_clearance_details += 1


def _actor_with(appointment: Appointment, role: Role) -> Actor | None:
    member = (
        StaffMember.objects.filter(bookings__appointment=appointment, roles__role=role.value)
        .select_related("user")
        .first()
    ) or (
        StaffMember.objects.filter(
            pk__in=CareTeamMember.objects.filter(
                client_id=appointment.client_id, role=role.value
            ).values("staff_id")
        )
        .select_related("user")
        .first()
    )
    return actor_for_user(member.user) if member is not None else None


def _session(appointment: Appointment) -> None:
    """A complete record of a past session, entered step by step at its own times."""
    monitor = _actor_with(appointment, Role.MONITOR)
    therapist = _actor_with(appointment, Role.THERAPIST)
    doctor = _actor_with(appointment, Role.MEDICAL_PROVIDER)
    if monitor is None or therapist is None or doctor is None:
        missing = Violation(rule="demo.staff_missing", message="No monitor, therapist or doctor.")
        raise Refused([missing])
    order = (
        DoseOrder.objects.filter(client_id=appointment.client_id).order_by("-ordered_at").first()
    )
    dose_mg = order.dose_mg if order is not None else Decimal(100)
    s = appointment.start
    pk = appointment.pk

    def at(minutes: int) -> dt.datetime:
        return s + minutes * MINUTE

    services.save_checklist(
        actor=monitor,
        appointment_id=pk,
        checklist=services.ChecklistInput(
            identity_confirmed=True,
            fasting_confirmed=True,
            escort_name="Demo escort (partner)",
            no_driving_agreed=True,
            intention="Demo: to stay with the part that braces for conflict.",
            todays_measures_done=True,
        ),
        now=at(5),
    )
    readings = ((10, 128, 82, 74), (30, 134, 86, 80), (45, 142, 90, 84), (55, 184, 98, 88),
                (75, 150, 92, 82), (105, 136, 84, 76), (135, 128, 80, 72))  # fmt: skip
    for minute, systolic, diastolic, heart_rate in readings[:1]:
        services.record_vitals(
            actor=monitor, appointment_id=pk, at=at(minute), systolic=systolic,
            diastolic=diastolic, heart_rate=heart_rate, spo2=98, now=at(minute),
        )  # fmt: skip
    services.record_dose(
        actor=monitor, appointment_id=pk, at=at(15), route=Route.SUBLINGUAL,
        dose_mg=dose_mg, lot="DEMO-LOT-0426", now=at(15),
    )  # fmt: skip
    for minute, systolic, diastolic, heart_rate in readings[1:]:
        services.record_vitals(
            actor=monitor, appointment_id=pk, at=at(minute), systolic=systolic,
            diastolic=diastolic, heart_rate=heart_rate, spo2=97, now=at(minute),
        )  # fmt: skip
        if minute == 45:
            services.record_adverse_event(
                actor=monitor, appointment_id=pk, at=at(48), kind=AdverseEventKind.NAUSEA_VOMITING,
                severity=AdverseEventSeverity.MILD,
                action="Demo: ondansetron 4 mg ODT per standing order; settled in 15 minutes.",
                provider_notified=False, now=at(48),
            )  # fmt: skip
        if minute == 55:
            services.record_observation(
                actor=therapist, appointment_id=pk, at=at(56), dissociation=6, sedation=4,
                note="Demo: eyes closed, quiet; systolic alert noted, rechecked at +60.",
                emerged="", now=at(56),
            )  # fmt: skip
    services.record_observation(
        actor=therapist, appointment_id=pk, at=at(100), dissociation=2, sedation=5,
        note="Demo: talking, oriented.",
        emerged="Demo: a young protector who keeps watch at night; a memory of a shut door.",
        now=at(100),
    )  # fmt: skip
    services.record_discharge(
        actor=monitor, appointment_id=pk, at=at(138), alert_oriented=True, steady_gait=True,
        escort_present=True, now=at(138),
    )  # fmt: skip
    services.sign_record(actor=monitor, appointment_id=pk, role=SignerRole.MONITOR, now=at(140))
    services.sign_record(actor=therapist, appointment_id=pk, role=SignerRole.THERAPIST, now=at(145))
    services.sign_record(
        actor=doctor, appointment_id=pk, role=SignerRole.MEDICAL_PROVIDER, now=at(240)
    )
    services.add_addendum(
        actor=therapist,
        appointment_id=pk,
        text="Demo: next-day call, slept well, no nausea; integration booked.",
        now=at(24 * 60),
    )


def load_demo_medicine(practice_name: str = PRACTICE_NAME) -> MedicineLoadResult:
    result = MedicineLoadResult()
    with transaction.atomic():
        _screenings(practice_name, result)
    now = clock.now()
    past = (
        Appointment.objects.filter(
            client__practice__name=practice_name,
            kind="medicine",
            end__lte=now - dt.timedelta(days=1),
        )
        .exclude(status="cancelled")
        .order_by("-start")
        .first()
    )
    # One demo record in all: on a later day another session has passed, and loading
    # again must still add nothing.
    recorded = MedicineSession.objects.filter(client__practice__name=practice_name).exists()
    if past is not None and not recorded:
        try:
            with transaction.atomic():
                _session(past)
            result.created_sessions += 1
        except Refused as refused:
            result.refused = [f"{v.rule}: {v.message}" for v in refused.violations]
    return result
