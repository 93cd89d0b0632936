"""Availability search over the database: loads the facts once, asks ``availability``.

The same facts and the same policy the booking service uses (``scheduling.facts``),
so a slot found here is one ``book_appointment`` accepts (tested as a property). The
client is reached through ``people.access`` (schedule category, audited).
"""

import datetime as dt
from dataclasses import dataclass

from kapcare.core.errors import FieldError
from kapcare.people.access import Actor, access_client
from kapcare.people.models import Location, Room
from kapcare.people.policy import Category
from kapcare.scheduling import rules
from kapcare.scheduling.availability import DEFAULT_COUNT, SlotRequest, SlotSearch, find_slots
from kapcare.scheduling.facts import (
    load_calendar,
    load_schedule,
    load_staff,
    location_info,
    pathway_facts,
    policy_for_practice,
    room_info,
)
from kapcare.scheduling.vocabulary import AppointmentKind, Modality

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
    per_day: int | None = None


def _rooms(practice_id: int, query: AvailabilityQuery) -> tuple[rules.RoomInfo, ...]:
    if query.modality is Modality.TELEHEALTH or query.location_id is None:
        return ()
    rooms = Room.objects.filter(
        location_id=query.location_id, location__practice_id=practice_id, is_active=True
    )
    if query.room_id is not None:
        rooms = Room.objects.filter(pk=query.room_id, location__practice_id=practice_id)
    return tuple(room_info(r) for r in rooms)


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
    staff, _ = load_staff(client.practice_id, query.staff_ids)
    missing = [i for i in query.staff_ids if i not in staff]
    if missing:
        raise FieldError("staff", f"No active staff member with id {missing[0]}.")
    rooms = _rooms(client.practice_id, query)
    if query.room_id is not None and (
        not rooms or query.location_id is None or rooms[0].location_id != query.location_id
    ):
        raise FieldError("room", "No room with that id at this location.")
    location = None
    if query.location_id is not None:
        location = location_info(Location.objects.get(pk=query.location_id))
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
        per_day=query.per_day,
    )
    return find_slots(
        request,
        client=rules.ClientInfo(id=client.pk, home_state=client.home_state),
        pathway=pathway_facts(client.pk),
        calendar=load_calendar(
            client.pk, query.staff_ids, [r.id for r in rooms], query.after, high
        ),
        schedule=load_schedule(query.staff_ids, start=query.after, end=high),
        policy=policy_for_practice(client.practice_id),
    )
