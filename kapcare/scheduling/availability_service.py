"""Availability search over the database: loads the facts once, asks ``availability``.

The same facts and the same policy the booking service uses (its loaders are reused),
so a slot found here is one ``book_appointment`` accepts (tested as a property). The
client is reached through ``people.access`` (schedule category, audited).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from kapcare.core.errors import FieldError
from kapcare.people.access import Actor, access_client
from kapcare.people.models import Location, Room
from kapcare.people.policy import Category
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling import rules, services
from kapcare.scheduling.availability import DEFAULT_COUNT, SlotRequest, SlotSearch, find_slots
from kapcare.scheduling.hours_services import load_schedule
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.settings_services import policy_for_practice
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality

__all__ = ["MAX_COUNT", "AvailabilityQuery", "search_availability"]

MAX_COUNT = 20
DEFAULT_DURATIONS = {
    AppointmentKind.CONSULTATION: 90,
    AppointmentKind.PREPARATION: 60,
    AppointmentKind.MEDICINE: 180,
    AppointmentKind.INTEGRATION: 60,
    AppointmentKind.THERAPY: 50,
}
"""Minutes, when the search does not say (a medicine session: 3 hours of monitoring)."""


@dataclass(frozen=True)
class AvailabilityQuery:
    client_id: int
    kind: AppointmentKind
    modality: Modality
    staff_ids: tuple[int, ...]
    after: dt.datetime
    location_id: int | None = None
    room_id: int | None = None
    duration_minutes: int | None = None
    count: int = DEFAULT_COUNT
    client_location_state: str | None = None
    step_minutes: int = 15
    horizon_days: int = 28


def _rooms(practice_id: int, query: AvailabilityQuery) -> tuple[rules.RoomInfo, ...]:
    if query.modality is Modality.TELEHEALTH or query.location_id is None:
        return ()
    rooms = Room.objects.filter(
        location_id=query.location_id, location__practice_id=practice_id, is_active=True
    )
    if query.room_id is not None:
        rooms = Room.objects.filter(pk=query.room_id, location__practice_id=practice_id)
    return tuple(
        rules.RoomInfo(
            id=r.pk,
            location_id=r.location_id,
            kind=RoomKind(r.kind),
            name=r.name,
            is_active=r.is_active,
        )
        for r in rooms
    )


def _calendar(
    client_id: int,
    staff_ids: Sequence[int],
    room_ids: Sequence[int],
    low: dt.datetime,
    high: dt.datetime,
) -> tuple[rules.Appointment, ...]:
    nearby = (
        Appointment.objects.filter(start__lt=high, end__gt=low)
        .filter(Q(room_id__in=room_ids) | Q(staff_links__staff_id__in=staff_ids))
        .exclude(client_id=client_id)
        .exclude(status=AppointmentStatus.CANCELLED.value)
        .distinct()
        .prefetch_related("staff_links")
    )
    return tuple(services._as_rule_appointment(a) for a in nearby)


def search_availability(*, actor: Actor, query: AvailabilityQuery) -> SlotSearch:
    """The next free slots for ``query`` (constant queries, whatever the calendar holds)."""
    client = access_client(actor, query.client_id, Category.SCHEDULE, detail="availability")
    if not query.staff_ids:
        raise FieldError("staff", "Choose at least one staff member.")
    if query.modality is Modality.IN_PERSON and query.location_id is None:
        raise FieldError("location", "An in-person search needs a location.")
    if (
        query.location_id is not None
        and not Location.objects.filter(
            pk=query.location_id, practice_id=client.practice_id
        ).exists()
    ):
        raise FieldError("location", "No location with that id.")
    staff, _ = services._load_staff(client.practice_id, [_as_request(query)])
    rooms = _rooms(client.practice_id, query)
    if query.room_id is not None and (
        not rooms or query.location_id is None or rooms[0].location_id != query.location_id
    ):
        raise FieldError("room", "No room with that id at this location.")
    location = None
    if query.location_id is not None:
        loc = Location.objects.get(pk=query.location_id)
        location = rules.LocationInfo(
            id=loc.pk,
            state=loc.state,
            time_zone=loc.time_zone,
            offers_medicine_sessions=loc.offers_medicine_sessions,
            name=loc.name,
        )
    minutes = query.duration_minutes or DEFAULT_DURATIONS[query.kind]
    horizon = dt.timedelta(days=query.horizon_days)
    high = query.after + horizon + dt.timedelta(minutes=minutes)
    request = SlotRequest(
        kind=query.kind,
        modality=query.modality,
        duration=dt.timedelta(minutes=minutes),
        staff=tuple(staff[i] for i in query.staff_ids),
        after=query.after,
        location=location if query.modality is Modality.IN_PERSON else None,
        rooms=rooms,
        client_location_state=query.client_location_state,
        count=query.count,
        step=dt.timedelta(minutes=query.step_minutes),
        horizon=horizon,
    )
    return find_slots(
        request,
        client=rules.ClientInfo(id=client.pk, home_state=client.home_state),
        pathway=services._pathway(client),
        calendar=_calendar(client.pk, query.staff_ids, [r.id for r in rooms], query.after, high),
        schedule=load_schedule(query.staff_ids, start=query.after, end=high),
        policy=policy_for_practice(client.practice_id),
    )


def _as_request(query: AvailabilityQuery) -> services.AppointmentRequest:
    # Only the staff ids are read (by the booking service's own staff loader).
    return services.AppointmentRequest(
        client_id=query.client_id,
        kind=query.kind,
        modality=query.modality,
        start=query.after,
        end=query.after,
        staff_ids=query.staff_ids,
    )
