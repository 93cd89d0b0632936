"""Test data for the medicine records: a medicine appointment ready for a session.

Rows are written directly (not through the booking service): these tests are about
what happens in the session, and the booking rules have their own tests.
"""

import datetime as dt
from decimal import Decimal

from kapcare.pathway.models import (
    Consent,
    DoseOrder,
    MedicalScreening,
    ScreeningAnswer,
    TreatmentPlan,
)
from kapcare.pathway.services.screening import QUESTION_CODES
from kapcare.pathway.vocabulary import PregnancyStatus
from kapcare.people.models import Client, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.models import Appointment, AppointmentStaff
from tests.factories import make_clearance, make_location, make_room


def medicine_room(client: Client) -> Room:
    room = Room.objects.filter(
        location__practice_id=client.practice_id, kind=RoomKind.MEDICINE
    ).first()
    if room is not None:
        return room
    location = make_location(practice=client.practice, offers_medicine_sessions=True)
    return make_room(location=location, kind=RoomKind.MEDICINE)


def _appointment(
    client: Client,
    kind: str,
    start: dt.datetime,
    minutes: int,
    staff: list[StaffMember],
    *,
    status: str = "booked",
    by: StaffMember,
) -> Appointment:
    room = medicine_room(client)
    appointment = Appointment.objects.create(
        client=client,
        kind=kind,
        modality="in_person",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        location=room.location,
        room=room,
        status=status,
        status_changed_by=by if status != "booked" else None,
        status_changed_at=start if status != "booked" else None,
        created_by=by,
        created_at=start - dt.timedelta(days=14),
    )
    for member in staff:
        AppointmentStaff.objects.create(
            appointment=appointment,
            staff=member,
            start=appointment.start,
            end=appointment.end,
            status=status,
        )
    return appointment


def ready_medicine_appointment(
    client: Client,
    staff: dict[Role, StaffMember],
    *,
    start: dt.datetime,
    max_dose_mg: Decimal = Decimal(200),
    preparations: int = 2,
    consent: bool = True,
    order: bool = True,
    booked: list[StaffMember] | None = None,
) -> Appointment:
    """A booked medicine session for ``client`` at ``start`` (3 hours long), with the
    pathway done: ongoing plan, KAP consent, ``preparations`` completed preparation
    sessions, a clearance and an active sublingual order (100 mg, max ``max_dose_mg``).
    ``booked``: the staff on the session (default monitor, therapist, medical provider)."""
    doctor = staff[Role.MEDICAL_PROVIDER]
    therapist = staff[Role.THERAPIST]
    day = start.date()
    TreatmentPlan.objects.get_or_create(
        client=client,
        defaults={
            "format": "ongoing",
            "status": "active",
            "updated_by": therapist,
            "updated_at": start - dt.timedelta(days=30),
        },
    )
    if consent:
        Consent.objects.create(
            client=client,
            kind="kap_informed_consent",
            version="1",
            signed_on=day - dt.timedelta(days=20),
            recorded_by=therapist,
            recorded_at=start - dt.timedelta(days=20),
        )
    make_clearance(
        client=client,
        status="cleared",
        valid_until=day + dt.timedelta(days=90),
        recorded_by=doctor,
        recorded_at=start - dt.timedelta(days=21),
    )
    if order:
        DoseOrder.objects.create(
            client=client,
            route="sublingual",
            dose_mg=Decimal(100),
            max_dose_mg=max_dose_mg,
            active_from=day - dt.timedelta(days=21),
            ordered_by=doctor,
            ordered_at=start - dt.timedelta(days=21),
        )
    for week in range(preparations):
        _appointment(
            client,
            "preparation",
            start - dt.timedelta(days=7 * (week + 1)),
            50,
            [therapist],
            status="completed",
            by=therapist,
        )
    return _appointment(
        client,
        "medicine",
        start,
        180,
        booked if booked is not None else [staff[Role.MONITOR], therapist, doctor],
        by=staff[Role.FRONT_DESK],
    )


def screening_all_no(
    client: Client, doctor: StaffMember, at: dt.datetime, *, des: Decimal | None = Decimal(12)
) -> MedicalScreening:
    """A screening with every item answered no, normal baseline vitals and a low DES-II."""
    record = MedicalScreening.objects.create(
        client=client,
        version=(MedicalScreening.objects.filter(client=client).count() + 1),
        pregnancy_status=PregnancyStatus.NOT_PREGNANT,
        baseline_systolic=122,
        baseline_diastolic=78,
        baseline_heart_rate=70,
        baseline_spo2=98,
        des_ii_total=des,
        unreviewed_suicide_flag=False,
        recorded_by=doctor,
        recorded_at=at,
    )
    ScreeningAnswer.objects.bulk_create(
        [ScreeningAnswer(screening=record, code=code, answer="no") for code in QUESTION_CODES]
        + [ScreeningAnswer(screening=record, code="contraindication.pregnancy", answer="no")]
    )
    return record


# The medical page's screening questions, as its form names them.
SCREENING_FORM_QUESTIONS = (
    "psychosis",
    "mania",
    "aneurysm_or_avm",
    "intracerebral_haemorrhage",
    "ketamine_hypersensitivity",
    "recent_cardiac_event_or_stroke",
    "substance_use_disorder",
    "hepatic_impairment",
    "cystitis",
    "uncontrolled_hypertension",
)


def screening_form(*, yes: str = "hepatic_impairment") -> dict[str, object]:
    """The medical page's screening form: every question no but ``yes``, normal baseline."""
    form: dict[str, object] = {"form": "screening", "screening-pregnancy_status": "not_pregnant"}
    for code in SCREENING_FORM_QUESTIONS:
        form[f"screening-answer_{code}"] = "yes" if code == yes else "no"
    form.update({"screening-baseline_systolic": "118", "screening-baseline_diastolic": "76"})
    return form
