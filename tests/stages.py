"""Put a test client at a pathway stage by writing the records that stage derives from.

The stage is never stored (``people.stage``): a test that wants a client "in
preparation" gets a screening, a clearance, an active plan, a signed KAP consent and a
booked preparation session, as the real client would have. Rows are written directly
(synthetic, fast); the services that normally write them are tested on their own.
"""

import datetime as dt

from kapcare.pathway.models import Consent, MedicalScreening, TreatmentPlan
from kapcare.pathway.vocabulary import ConsentKind, PlanFormat, PlanStatus, PregnancyStatus
from kapcare.people.models import Client, Room, StaffMember
from kapcare.people.vocabulary import PathwayStage, RoomKind
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality
from tests.factories import make_clearance, make_room, make_staff

AT = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
"""When the records are dated (a Monday, 10:00 in New York)."""

_ORDER = list(PathwayStage)


def _reached(target: PathwayStage, stage: PathwayStage) -> bool:
    return _ORDER.index(target) >= _ORDER.index(stage)


def appointment(
    client: Client,
    kind: AppointmentKind,
    *,
    by: StaffMember,
    start: dt.datetime,
    status: AppointmentStatus = AppointmentStatus.BOOKED,
    room: Room | None = None,
    minutes: int = 50,
) -> Appointment:
    """One in-person appointment, written directly (no booking rules)."""
    room = room or make_room(
        location__practice=client.practice,
        kind=RoomKind.MEDICINE if kind is AppointmentKind.MEDICINE else RoomKind.THERAPY,
    )
    booked = status is AppointmentStatus.BOOKED
    return Appointment.objects.create(
        client=client,
        kind=kind.value,
        modality=Modality.IN_PERSON.value,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        location=room.location,
        room=room,
        status=status.value,
        status_changed_by=None if booked else by,
        status_changed_at=None if booked else start,
        created_by=by,
        created_at=start - dt.timedelta(days=7),
    )


def give_stage(client: Client, stage: PathwayStage, *, by: StaffMember | None = None) -> None:
    """Write the records that put ``client`` at ``stage`` (from a new client)."""
    if stage is PathwayStage.CONSULTATION:
        return
    by = by or make_staff(practice=client.practice)
    MedicalScreening.objects.create(
        client=client,
        version=1,
        pregnancy_status=PregnancyStatus.NOT_APPLICABLE.value,
        recorded_by=by,
        recorded_at=AT,
    )
    if not _reached(stage, PathwayStage.PLANNING):
        return
    make_clearance(client=client, recorded_by=by)
    if not _reached(stage, PathwayStage.PREPARATION):
        return
    TreatmentPlan.objects.create(
        client=client,
        format=PlanFormat.ONGOING.value,
        status=PlanStatus.ACTIVE.value,
        updated_by=by,
        updated_at=AT,
    )
    Consent.objects.create(
        client=client,
        kind=ConsentKind.KAP_INFORMED_CONSENT.value,
        version="1",
        signed_on=AT.date(),
        recorded_by=by,
        recorded_at=AT,
    )
    held = stage in {PathwayStage.INTEGRATION, PathwayStage.ONGOING}
    done = AppointmentStatus.COMPLETED if held else AppointmentStatus.BOOKED
    appointment(client, AppointmentKind.PREPARATION, by=by, start=AT, status=done)
    if stage is PathwayStage.MEDICINE:
        appointment(client, AppointmentKind.MEDICINE, by=by, start=AT + dt.timedelta(days=7))
    if held:
        appointment(
            client,
            AppointmentKind.MEDICINE,
            by=by,
            start=AT + dt.timedelta(days=7),
            status=AppointmentStatus.COMPLETED,
        )
    if stage is PathwayStage.ONGOING:
        appointment(
            client,
            AppointmentKind.INTEGRATION,
            by=by,
            start=AT + dt.timedelta(days=9),
            status=AppointmentStatus.COMPLETED,
        )
