"""A client's hand-worked month of billable care (test data for superbills)."""

import datetime as dt

from kapcare.interop.models import PracticeBilling
from kapcare.interop.tests.records import START, FullRecord, full_record
from kapcare.medicine.models import MedicineSession
from kapcare.notes.models import SessionNote
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment, AppointmentStaff

FEES = {
    "90791": "250.00",
    "90837": "200.00",
    "90785": "25.00",
    "0820T": "150.00",
    "0821T": "100.00",
    "0822T": "60.00",
}


def held(
    client: Client,
    therapist: StaffMember,
    kind: str,
    day: dt.date,
    minutes: int,
    modality: str = "telehealth",
) -> Appointment:
    start = dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC)
    appointment = Appointment.objects.create(
        client=client,
        kind=kind,
        modality=modality,
        client_location_state="PA",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        status="completed",
        status_changed_by=therapist,
        status_changed_at=start,
        created_by=therapist,
        created_at=start - dt.timedelta(days=7),
    )
    AppointmentStaff.objects.create(
        appointment=appointment,
        staff=therapist,
        start=appointment.start,
        end=appointment.end,
        status="completed",
    )
    return appointment


def note(
    appointment: Appointment,
    author: StaffMember,
    kind: str,
    minutes: int,
    complexity: bool = False,
    signed: bool = True,
) -> SessionNote:
    return SessionNote.objects.create(
        client=appointment.client,
        appointment=appointment,
        kind=kind,
        author=author,
        held_minutes=minutes,
        interactive_complexity=complexity,
        created_at=appointment.end,
        updated_at=appointment.end,
        signed_at=appointment.end if signed else None,
    )


def billed_record(
    team_client: Client, staff: dict[Role, StaffMember], practice: Practice
) -> FullRecord:
    """Hand-worked: Feb 3 telehealth intake (90791, $250), Feb 10 telehealth 55 minutes
    with interactive complexity (90837 $200 + 90785 $25); the preparation sessions of
    Feb 16 and 23 and the integration of Mar 4 have no signed note (not billed, 3);
    Mar 2 the medicine session in the office: first dose 15:10, discharged 17:50, so 160
    minutes for each of the three booked (3 units each under the mid-point rule):
    0820T 3 x $150 + 0821T 3 x $100 + 0822T 3 x $60 = $930. Total $1,405.00."""
    therapist = staff[Role.THERAPIST]
    therapist.npi = "1234567893"
    therapist.save()
    record = full_record(team_client, staff)
    doctor = staff[Role.MEDICAL_PROVIDER]
    doctor.npi = "1245319599"
    doctor.save()
    intake = held(team_client, therapist, "consultation", dt.date(2026, 2, 3), 60)
    note(intake, therapist, "intake", 60)
    therapy = held(team_client, therapist, "therapy", dt.date(2026, 2, 10), 55)
    note(therapy, therapist, "therapy", 55, complexity=True)
    MedicineSession.objects.filter(appointment=record.medicine).update(
        discharged_at=START + dt.timedelta(hours=2, minutes=50),
        discharge_alert_oriented=True,
        discharge_steady_gait=True,
        discharge_escort_present=True,
        discharged_by=staff[Role.MONITOR],
    )
    PracticeBilling.objects.create(practice=practice, npi="1098765432", fees=FEES)
    return record
