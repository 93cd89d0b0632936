"""Availability search over the database: loads the facts once, asks ``availability``.

The same facts and the same policy the booking service uses (``scheduling.facts``),
so a slot found here is one ``book_appointment`` accepts (tested as a property). The
client is reached through ``people.access`` (schedule category, audited).

A medicine search with a :class:`FollowUpQuery` offers each medicine slot with its
integration slot (``availability``: the pair is checked as one booking request). Left
out, the integration is held by the therapists among the medicine session's staff, in
person at the same office, for an hour.
"""

import datetime as dt
from dataclasses import dataclass

from kapcare.core.errors import FieldError
from kapcare.people.access import Actor, access_client
from kapcare.people.models import Location, Room
from kapcare.people.policy import Category, Role
from kapcare.scheduling import rules
from kapcare.scheduling.availability import (
    DEFAULT_COUNT,
    FollowUpSlotRequest,
    SlotRequest,
    SlotSearch,
    find_slots,
)
from kapcare.scheduling.facts import (
    load_calendar,
    load_schedule,
    load_staff,
    location_info,
    pathway_facts,
    policy_for_practice,
    room_info,
)
from kapcare.scheduling.rules.pathway import plan_format_of
from kapcare.scheduling.vocabulary import AppointmentKind, Modality

__all__ = ["MAX_COUNT", "AvailabilityQuery", "FollowUpQuery", "search_availability"]

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
class FollowUpQuery:
    """How to hold the integration session found with each medicine slot."""

    modality: Modality = Modality.IN_PERSON
    staff_ids: tuple[int, ...] = ()
    """Empty: the therapists among the medicine session's staff."""
    location_id: int | None = None
    """In person, None: the medicine session's office."""
    duration_minutes: int | None = None


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
    follow_up: FollowUpQuery | None = None


def _active_rooms(practice_id: int, location_id: int) -> tuple[rules.RoomInfo, ...]:
    rooms = Room.objects.filter(
        location_id=location_id, location__practice_id=practice_id, is_active=True
    )
    return tuple(room_info(r) for r in rooms)


def _follow_up_request(
    practice_id: int, query: AvailabilityQuery, staff: dict[int, rules.StaffInfo]
) -> FollowUpSlotRequest | None:
    """The integration to pair with each medicine slot, its defaults filled in; checked."""
    follow = query.follow_up
    if follow is None:
        return None
    if query.kind is not AppointmentKind.MEDICINE:
        raise FieldError(
            "follow_up", "Only a medicine session is searched with its integration session."
        )
    ids = follow.staff_ids or tuple(i for i in query.staff_ids if Role.THERAPIST in staff[i].roles)
    if not ids:
        raise FieldError(
            "follow_up.staff",
            "Choose who holds the integration session: no therapist is among the staff of "
            "the medicine session.",
        )
    missing = [i for i in ids if i not in staff]
    if missing:
        raise FieldError("follow_up.staff", f"No active staff member with id {missing[0]}.")
    location = None
    rooms: tuple[rules.RoomInfo, ...] = ()
    if follow.modality is Modality.IN_PERSON:
        location_id = follow.location_id or query.location_id
        found = (
            Location.objects.filter(pk=location_id, practice_id=practice_id).first()
            if location_id is not None
            else None
        )
        if found is None:
            raise FieldError("follow_up.location", "No location with that id.")
        location, rooms = location_info(found), _active_rooms(practice_id, found.pk)
    minutes = follow.duration_minutes or DEFAULT_DURATIONS[AppointmentKind.INTEGRATION]
    return FollowUpSlotRequest(
        modality=follow.modality,
        duration=dt.timedelta(minutes=minutes),
        staff=tuple(staff[i] for i in ids),
        location=location,
        rooms=rooms,
        client_location_state=(
            query.client_location_state if follow.modality is Modality.TELEHEALTH else None
        ),
    )


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
    follow_up_staff = query.follow_up.staff_ids if query.follow_up is not None else ()
    staff = load_staff(client.practice_id, (*query.staff_ids, *follow_up_staff))
    missing = [i for i in query.staff_ids if i not in staff]
    if missing:
        raise FieldError("staff", f"No active staff member with id {missing[0]}.")
    follow_up = _follow_up_request(client.practice_id, query, staff)
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
    policy = policy_for_practice(client.practice_id)
    pathway = pathway_facts(client.pk)
    staff_ids = set(query.staff_ids)
    room_ids = {r.id for r in rooms}
    if follow_up is not None:
        # The integration window reaches past the last medicine time (a day to spare).
        days = policy.for_format(plan_format_of(pathway))
        high += dt.timedelta(days=days.integration_within_days.value + 1) + follow_up.duration
        staff_ids |= {s.id for s in follow_up.staff}
        room_ids |= {r.id for r in follow_up.rooms}
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
        follow_up=follow_up,
    )
    return find_slots(
        request,
        client=rules.ClientInfo(id=client.pk, home_state=client.home_state),
        pathway=pathway,
        calendar=load_calendar(client.pk, sorted(staff_ids), sorted(room_ids), query.after, high),
        schedule=load_schedule(staff_ids, start=query.after, end=high),
        policy=policy,
    )
