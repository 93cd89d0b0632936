"""The plain data the scheduling rules read: places, staff, the client, appointments.

Callers (``scheduling.facts``) load these once per request; nothing here touches the
database. Every time is aware.
"""

import datetime as dt
from dataclasses import dataclass

from kapcare.pathway.rules import Clearance, Consent, DoseOrder, TreatmentPlan
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality

__all__ = [
    "Appointment",
    "ClientInfo",
    "LocationInfo",
    "PathwayFacts",
    "ProposedAppointment",
    "ReadinessItem",
    "RoomInfo",
    "StaffInfo",
    "is_aware",
]


def is_aware(moment: dt.datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() is not None


@dataclass(frozen=True)
class LocationInfo:
    id: int
    state: str
    time_zone: str
    offers_medicine_sessions: bool
    name: str = ""


@dataclass(frozen=True)
class RoomInfo:
    id: int
    location_id: int
    kind: RoomKind
    name: str = ""
    is_active: bool = True


@dataclass(frozen=True)
class StaffInfo:
    id: int
    roles: frozenset[Role]
    licensed_states: frozenset[str]
    name: str = ""
    """Display name for messages (staff names are not client data)."""


@dataclass(frozen=True)
class ClientInfo:
    """Only what the rules need: never the client's name."""

    id: int
    home_state: str


@dataclass(frozen=True)
class ProposedAppointment:
    """What someone asks to book, exactly as they asked: checked, never trusted."""

    kind: AppointmentKind
    modality: Modality
    start: dt.datetime
    end: dt.datetime
    staff: tuple[StaffInfo, ...]
    location: LocationInfo | None = None
    room: RoomInfo | None = None
    client_location_state: str | None = None
    """The state the client attests they will be in (telehealth)."""
    id: int | None = None
    """Set when rescheduling, so the appointment does not conflict with itself."""


@dataclass(frozen=True)
class Appointment:
    """An appointment already in the calendar."""

    id: int | None
    kind: AppointmentKind
    status: AppointmentStatus
    start: dt.datetime
    end: dt.datetime
    staff_ids: frozenset[int] = frozenset()
    room_id: int | None = None

    def __post_init__(self) -> None:
        if not (is_aware(self.start) and is_aware(self.end)):
            raise ValueError("Stored appointments have aware start and end times.")


@dataclass(frozen=True)
class PathwayFacts:
    """Where one client stands on the KAP pathway."""

    plan: TreatmentPlan | None
    consents: tuple[Consent, ...] = ()
    clearances: tuple[Clearance, ...] = ()
    dose_orders: tuple[DoseOrder, ...] = ()
    unreviewed_risk_flags: int = 0
    appointments: tuple[Appointment, ...] = ()
    """All of the client's appointments, any status."""


@dataclass(frozen=True)
class ReadinessItem:
    rule: str
    ok: bool
    message: str
