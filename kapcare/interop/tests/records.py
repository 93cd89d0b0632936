"""A client with something of every kind of record, written directly (test data)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.measures.models import MeasureResponse, ResponseSource, RiskFlag
from kapcare.medicine.models import AdverseEvent, DoseAdministration, MedicineSession, VitalsReading
from kapcare.medicine.tests.fixtures import ready_medicine_appointment
from kapcare.pathway.models import Diagnosis, DoseOrder
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment, AppointmentStaff

START = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class FullRecord:
    client: Client
    telehealth: Appointment
    medicine: Appointment
    reading: VitalsReading
    dose: DoseAdministration
    event: AdverseEvent
    phq9: MeasureResponse
    flag: RiskFlag
    diagnosis: Diagnosis


def full_record(
    client: Client, staff: dict[Role, StaffMember], *, start: dt.datetime = START
) -> FullRecord:
    therapist, monitor = staff[Role.THERAPIST], staff[Role.MONITOR]
    medicine = ready_medicine_appointment(client, staff, start=start)
    telehealth = Appointment.objects.create(
        client=client, kind="integration", modality="telehealth",
        start=start + dt.timedelta(days=2), end=start + dt.timedelta(days=2, minutes=53),
        status="completed", status_changed_by=therapist,
        status_changed_at=start + dt.timedelta(days=2),
        client_location_state="NJ", follow_up_of=medicine,
        created_by=therapist, created_at=start - dt.timedelta(days=3),
    )  # fmt: skip
    AppointmentStaff.objects.create(
        appointment=telehealth, staff=therapist, start=telehealth.start, end=telehealth.end,
        status="completed",
    )  # fmt: skip
    session = MedicineSession.objects.create(appointment=medicine, client=client, created_at=start)
    reading = VitalsReading.objects.create(
        session=session, at=start + dt.timedelta(minutes=5), systolic=128, diastolic=82,
        heart_rate=74, spo2=98, recorded_by=monitor, recorded_at=start + dt.timedelta(minutes=5),
    )  # fmt: skip
    order = DoseOrder.objects.filter(client=client).latest("id")
    dose = DoseAdministration.objects.create(
        session=session, order=order, at=start + dt.timedelta(minutes=10), route="sublingual",
        dose_mg=Decimal(100), lot="LOT-7", administered_by=staff[Role.MEDICAL_PROVIDER],
        recorded_at=start + dt.timedelta(minutes=10),
    )  # fmt: skip
    event = AdverseEvent.objects.create(
        session=session, at=start + dt.timedelta(minutes=50), kind="nausea_vomiting",
        severity="mild", action="Rested; resolved.", recorded_by=monitor,
        recorded_at=start + dt.timedelta(minutes=51),
    )  # fmt: skip
    phq9 = MeasureResponse.objects.create(
        client=client, instrument_code="PHQ-9", instrument_version="1.0",
        answers=[1, 2, 1, 2, 1, 1, 0, 1, 1], source=ResponseSource.STAFF, entered_by=therapist,
        completed_at=start - dt.timedelta(days=1), total=Decimal(10), severity="moderate",
        flags=["suicidality"],
    )  # fmt: skip
    MeasureResponse.objects.create(
        client=client, instrument_code="PCL-5", instrument_version="1.0",
        answers=[2] * 20, source=ResponseSource.STAFF, entered_by=therapist,
        completed_at=start - dt.timedelta(days=1), total=Decimal(40),
    )  # fmt: skip
    flag = RiskFlag.objects.create(
        client=client, code="suicidality", response=phq9, raised_at=start - dt.timedelta(days=1)
    )
    diagnosis = Diagnosis.objects.create(
        client=client, code="F43.12", description="Post-traumatic stress disorder, chronic",
        noted_on=(start - dt.timedelta(days=30)).date(), recorded_by=therapist,
        recorded_at=start - dt.timedelta(days=30),
    )  # fmt: skip
    record_event(
        source=AuditSource(user=therapist.user, source_ip="127.0.0.1"),
        action=AuditAction.READ, client_id=client.pk, category="clinical", detail="test",
    )  # fmt: skip
    return FullRecord(client, telehealth, medicine, reading, dose, event, phq9, flag, diagnosis)


# Medicine sessions 29 hours apart: no clinician is booked twice at once (PostgreSQL
# refuses it), their preparations and integrations included.
SPACING = dt.timedelta(hours=29)


def discharged_record(
    client: Client, staff: dict[Role, StaffMember], start: dt.datetime
) -> FullRecord:
    """A medicine session with the therapist, the medical provider and the monitor booked:
    dosed 10 minutes in, discharged 3 hours after the dose; its integration held after."""
    record = full_record(client, staff, start=start)
    session = MedicineSession.objects.get(appointment=record.medicine)
    session.discharged_at = record.dose.at + dt.timedelta(hours=3)
    session.discharge_alert_oriented = session.discharge_steady_gait = True
    session.discharge_escort_present = True
    session.discharged_by = staff[Role.MEDICAL_PROVIDER]
    session.save()
    record.medicine.status = "completed"
    record.medicine.status_changed_by = staff[Role.THERAPIST]
    record.medicine.status_changed_at = session.discharged_at
    record.medicine.save()
    AppointmentStaff.objects.filter(appointment=record.medicine).update(status="completed")
    return record
