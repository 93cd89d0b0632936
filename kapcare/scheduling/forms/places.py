"""The practice's places and staff as form choices, and the zone a time is shown in.

Read as plain values: at 100,000 clients a practice has ~650 staff and as many rooms, and
building a model instance for each (a staff member with their user, a room with its
location) cost the calendar page more than all its other reads together. The choices are
handed to the forms already in Django's normalised shape (``core.long_select.PreparedChoices``),
so a form does not walk every choice again each time it is built.
"""

import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kapcare.people.models import Location, Room, StaffRole
from kapcare.people.policy import CARE_TEAM_ROLES, ROLE_LABELS
from kapcare.scheduling.facts import policy_for_practice

__all__ = [
    "PlaceFields",
    "PlaceLocation",
    "PlaceRoom",
    "PlaceStaff",
    "Zoned",
    "load_places",
    "practice_zone",
    "staff_label",
    "zone_of",
]


class Zoned(Protocol):
    """A location as a page reads it: a model, or the plain values of ``PlaceLocation``."""

    @property
    def name(self) -> str: ...

    @property
    def time_zone(self) -> str: ...


def practice_zone(practice_id: int) -> zoneinfo.ZoneInfo:
    """The practice's zone (its scheduling settings), for sessions without a location."""
    return zoneinfo.ZoneInfo(policy_for_practice(practice_id).time_zone.value)


def zone_of(location: Zoned | None, default: zoneinfo.ZoneInfo) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(location.time_zone) if location is not None else default


@dataclass(frozen=True)
class PlaceLocation:
    pk: int
    name: str
    time_zone: str


@dataclass(frozen=True)
class PlaceRoom:
    pk: int
    name: str
    location_id: int
    location_name: str


@dataclass(frozen=True)
class PlaceStaff:
    pk: int
    display_name: str
    """As ``StaffMember.display_name`` says it: name, then credentials if any."""


_ROLE_LABELS = {role.value: label for role, label in ROLE_LABELS.items()}
"""By plain code: a role code made a ``Role`` for each member cost what all else did."""


def staff_label(display_name: str, roles: Iterable[str]) -> str:
    """The member's name and role codes ``roles`` as a choice reads them."""
    held = ", ".join(sorted(_ROLE_LABELS[code] for code in roles))
    return f"{display_name} ({held})" if held else display_name


class PlaceFields:
    """Location, room and staff choices of one practice, loaded once per form."""

    def __init__(
        self,
        locations: Sequence[PlaceLocation],
        rooms: Sequence[tuple[PlaceRoom, str, bool]],
        staff: Sequence[PlaceStaff],
        roles: Mapping[int, Sequence[str]],
        zone: zoneinfo.ZoneInfo,
    ) -> None:
        """``rooms``: every room, its kind and whether it is active, by location name then
        room name."""
        self.zone = zone
        """The practice's zone, for sessions without a location."""
        self.locations = {loc.pk: loc for loc in locations}
        self.room_names = {room.pk: room.name for room, _kind, _active in rooms}
        """Every room's name, inactive ones too (a past session was held there)."""
        active = [(room, kind) for room, kind, is_active in rooms if is_active]
        self.rooms = [room for room, _kind in active]
        """Active rooms, by location name then room name (the calendar's room columns)."""
        self.rooms_by_id = {room.pk: room for room in self.rooms}
        self.staff = list(staff)
        """Staff who take part in sessions, by name (the calendar's clinician columns)."""
        self.staff_by_id = {s.pk: s for s in self.staff}
        self.location_choices = [("", "No location (telehealth)")] + [
            (str(loc.pk), loc.name) for loc in locations
        ]
        grouped: dict[str, list[tuple[str, str]]] = {}
        for room, kind in active:
            label = "medicine room" if kind == Room.Kind.MEDICINE else "therapy room"
            grouped.setdefault(room.location_name, []).append(
                (str(room.pk), f"{room.name} ({label})")
            )
        self.room_choices: list[Any] = [("", "No room (telehealth)"), *grouped.items()]
        self.staff_choices = [
            (str(s.pk), staff_label(s.display_name, roles.get(s.pk, ()))) for s in staff
        ]


def load_places(practice_id: int) -> PlaceFields:
    # The staff with their roles in one query of plain values, ordered by name in the
    # database (its collation, as the calendar always listed them).
    care_team = {r.value for r in CARE_TEAM_ROLES}
    roles: dict[int, list[str]] = {}
    staff: list[PlaceStaff] = []
    for staff_id, code, full_name, credentials, active in (
        StaffRole.objects.filter(staff__practice_id=practice_id)
        .order_by("staff__user__full_name", "staff_id", "role")
        .values_list(
            "staff_id", "role", "staff__user__full_name", "staff__credentials", "staff__is_active"
        )
    ):
        held = roles.setdefault(staff_id, [])
        held.append(code)
        # Only people who take part in sessions can be booked (not front desk).
        # A member's rows are together (ordered by id under the name): one entry each.
        if active and code in care_team and (not staff or staff[-1].pk != staff_id):
            name = f"{full_name}, {credentials}" if credentials else full_name
            staff.append(PlaceStaff(staff_id, name))
    locations = [
        PlaceLocation(*row)
        for row in Location.objects.filter(practice_id=practice_id)
        .order_by("name")
        .values_list("pk", "name", "time_zone")
    ]
    rooms = [
        (PlaceRoom(pk, name, location_id, location_name), kind, active)
        for pk, name, location_id, location_name, kind, active in Room.objects.filter(
            location__practice_id=practice_id
        )
        .order_by("location__name", "name")
        .values_list("pk", "name", "location_id", "location__name", "kind", "is_active")
    ]
    return PlaceFields(locations, rooms, staff, roles, practice_zone(practice_id))
