"""Database records for the intensive tests: an office with a medicine room and a therapy
room, the therapist and monitor working there on weekdays 08:00-18:00, and clients ready
for a three-day intensive (intensive plan, KAP consent, clearance, dose order).

Rows are written directly: these tests are about planning and booking, and the pathway's
records have their own tests.
"""

import datetime as dt
from decimal import Decimal

from kapcare.intensives.models import IntensivePlan
from kapcare.pathway.models import Consent, DoseOrder, TreatmentPlan
from kapcare.people.models import Client, Location, Practice, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.models import WorkingHours
from tests.factories import make_clearance, make_location, make_room

MONDAY = dt.date(2030, 1, 7)
PATTERN = [
    [
        {"activity": "preparation", "minutes": 90, "modality": "in_person"},
        {"activity": "parts_work", "minutes": 60, "modality": "in_person"},
        {"activity": "closure", "minutes": 30, "modality": "in_person"},
    ],
    [
        {"activity": "medicine", "minutes": 180, "modality": "in_person"},
        {"activity": "integration", "minutes": 60, "modality": "in_person"},
        {"activity": "closure", "minutes": 30, "modality": "in_person"},
    ],
    [
        {"activity": "emdr", "minutes": 90, "modality": "telehealth"},
        {"activity": "integration", "minutes": 60, "modality": "in_person"},
        {"activity": "closure", "minutes": 30, "modality": "in_person"},
    ],
]


def office(practice: Practice, staff: dict[Role, StaffMember]) -> tuple[Location, Room, Room]:
    """Bryn Mawr with its rooms; the therapist and the monitor work there on weekdays."""
    location = make_location(
        practice=practice, name="Bryn Mawr office", state="PA", offers_medicine_sessions=True
    )
    medicine = make_room(location=location, name="Medicine", kind=RoomKind.MEDICINE.value)
    therapy = make_room(location=location, name="Willow", kind=RoomKind.THERAPY.value)
    for role in (Role.THERAPIST, Role.MONITOR):
        for weekday in range(5):
            WorkingHours.objects.create(
                staff=staff[role],
                location=location,
                weekday=weekday,
                start_time=dt.time(8),
                end_time=dt.time(18),
            )
    return location, medicine, therapy


def ready_for_intensive(
    client: Client,
    staff: dict[Role, StaffMember],
    *,
    earliest: dt.date = MONDAY,
    approved: tuple[int, ...] = (2,),
) -> IntensivePlan:
    therapist, doctor = staff[Role.THERAPIST], staff[Role.MEDICAL_PROVIDER]
    at = dt.datetime(2029, 12, 1, 12, tzinfo=dt.UTC)
    TreatmentPlan.objects.create(
        client=client, format="intensive", status="active", updated_by=therapist, updated_at=at
    )
    Consent.objects.create(
        client=client,
        kind="kap_informed_consent",
        version="1",
        signed_on=at.date(),
        recorded_by=therapist,
        recorded_at=at,
    )
    make_clearance(
        client=client,
        status="cleared",
        valid_until=earliest + dt.timedelta(days=120),
        recorded_by=doctor,
        recorded_at=at,
    )
    DoseOrder.objects.create(
        client=client,
        route="sublingual",
        dose_mg=Decimal(100),
        max_dose_mg=Decimal(200),
        active_from=at.date(),
        ordered_by=doctor,
        ordered_at=at,
    )
    return IntensivePlan.objects.create(
        client=client,
        pattern=PATTERN,
        approved_dosing_days=list(approved),
        dosing_approved_by=doctor,
        dosing_approved_at=at,
        earliest_start=earliest,
        updated_by=therapist,
        updated_at=at,
    )
