"""The demo practice's medicine-session record.

Loaded after the schedule, the measures and the screenings of the demo practice
(``load_demo``). All synthetic. The most recent medicine session that has already
happened gets a complete, signed record, written through ``medicine.services`` at the
times the session's steps happened, so it obeys every rule and leaves the same audit
trail.

Idempotent: the session record is made only when the practice has none, so running
``load_demo`` again (even days later) adds nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from kapcare.core import clock
from kapcare.core.violations import Refused, Violation
from kapcare.medicine import services
from kapcare.medicine.models import MedicineSession
from kapcare.medicine.vocabulary import AdverseEventKind, AdverseEventSeverity, SignerRole
from kapcare.pathway.models import DoseOrder
from kapcare.pathway.vocabulary import Route
from kapcare.people.access import Actor, actor_for_user
from kapcare.people.demo import DEMO_PASSWORD, PRACTICE_NAME
from kapcare.people.models import CareTeamMember, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment

__all__ = ["MedicineLoadResult", "load_demo_medicine"]

MINUTE = dt.timedelta(minutes=1)


@dataclass
class MedicineLoadResult:
    created_sessions: int = 0
    refused: list[str] = field(default_factory=list)


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
    for signer, role, minute in (
        (monitor, SignerRole.MONITOR, 140),
        (therapist, SignerRole.THERAPIST, 145),
        (doctor, SignerRole.MEDICAL_PROVIDER, 240),
    ):
        services.sign_record(
            actor=signer, appointment_id=pk, password=DEMO_PASSWORD, role=role, now=at(minute)
        )
    services.add_addendum(
        actor=therapist,
        appointment_id=pk,
        text="Demo: next-day call, slept well, no nausea; integration booked.",
        now=at(24 * 60),
    )


def load_demo_medicine(practice_name: str = PRACTICE_NAME) -> MedicineLoadResult:
    result = MedicineLoadResult()
    now = clock.now()
    past = (
        Appointment.objects.filter(
            client__practice__name=practice_name,
            kind="medicine",
            end__lte=now - dt.timedelta(days=1),
            # One already held: signing completes a session, and this week's booked ones
            # stay booked so the demo's stages do not depend on the weekday.
            status="completed",
        )
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
