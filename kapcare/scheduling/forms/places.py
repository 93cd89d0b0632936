"""The practice's places and staff as form choices, and the zone a time is shown in."""

import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kapcare.people.models import Location, Room, StaffMember, StaffRole
from kapcare.people.policy import CARE_TEAM_ROLES, Role
from kapcare.scheduling.facts import policy_for_practice


def practice_zone(practice_id: int) -> zoneinfo.ZoneInfo:
    """The practice's zone (its scheduling settings), for sessions without a location."""
    return zoneinfo.ZoneInfo(policy_for_practice(practice_id).time_zone.value)


def zone_of(location: Location | None, default: zoneinfo.ZoneInfo) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(location.time_zone) if location is not None else default


def staff_label(member: StaffMember, roles: Iterable[str]) -> str:
    """The member's name and role codes ``roles`` as a choice reads them."""
    held = ", ".join(sorted(Role(code).label for code in roles))
    return f"{member.display_name} ({held})" if held else member.display_name


class PlaceFields:
    """Location, room and staff choices of one practice, loaded once per form."""

    def __init__(
        self,
        locations: Sequence[Location],
        rooms: Sequence[Room],
        staff: Sequence[StaffMember],
        roles: Mapping[int, Sequence[str]],
        zone: zoneinfo.ZoneInfo,
    ) -> None:
        self.zone = zone
        """The practice's zone, for sessions without a location."""
        self.locations = {loc.pk: loc for loc in locations}
        self.rooms = [room for room in rooms if room.is_active]
        """Active rooms, by location name then room name (the calendar's room columns)."""
        self.staff = list(staff)
        """Staff who take part in sessions, by name (the calendar's clinician columns)."""
        self.location_choices = [("", "No location (telehealth)")] + [
            (str(loc.pk), loc.name) for loc in locations
        ]
        grouped: dict[str, list[tuple[str, str]]] = {}
        for room in rooms:
            if room.is_active:
                kind = "medicine room" if room.kind == Room.Kind.MEDICINE else "therapy room"
                grouped.setdefault(room.location.name, []).append(
                    (str(room.pk), f"{room.name} ({kind})")
                )
        self.room_choices: list[Any] = [("", "No room (telehealth)"), *grouped.items()]
        self.staff_choices = [(str(s.pk), staff_label(s, roles.get(s.pk, ()))) for s in staff]


def load_places(practice_id: int) -> PlaceFields:
    # The roles as plain values in one query: a large practice has thousands of staff,
    # and a prefetch built a related manager for each on every calendar page.
    roles: dict[int, list[str]] = {}
    for staff_id, code in StaffRole.objects.filter(staff__practice_id=practice_id).values_list(
        "staff_id", "role"
    ):
        roles.setdefault(staff_id, []).append(code)
    return PlaceFields(
        list(Location.objects.filter(practice_id=practice_id).order_by("name")),
        list(
            Room.objects.filter(location__practice_id=practice_id)
            .select_related("location")
            .order_by("location__name", "name")
        ),
        list(
            # Only people who take part in sessions can be booked (not front desk).
            StaffMember.objects.filter(
                practice_id=practice_id,
                is_active=True,
                roles__role__in=[r.value for r in CARE_TEAM_ROLES],
            )
            .distinct()
            .select_related("user")
            .order_by("user__full_name")
        ),
        roles,
        practice_zone(practice_id),
    )
