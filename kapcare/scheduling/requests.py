"""What someone asks to book, as plain data (ids, not objects): checked, never trusted."""

import datetime as dt
from dataclasses import dataclass

from kapcare.scheduling.vocabulary import AppointmentKind, Modality

__all__ = ["AppointmentRequest", "FollowUpRequest", "parts_of"]


@dataclass(frozen=True)
class FollowUpRequest:
    """The integration session booked together with a medicine session."""

    kind: AppointmentKind
    modality: Modality
    start: dt.datetime
    end: dt.datetime
    staff_ids: tuple[int, ...]
    location_id: int | None = None
    room_id: int | None = None
    client_location_state: str | None = None


@dataclass(frozen=True)
class AppointmentRequest:
    """What someone asks to book, as plain data (ids, not objects)."""

    client_id: int
    kind: AppointmentKind
    modality: Modality
    start: dt.datetime
    end: dt.datetime
    staff_ids: tuple[int, ...]
    location_id: int | None = None
    room_id: int | None = None
    client_location_state: str | None = None
    follow_up: FollowUpRequest | None = None


def parts_of(request: AppointmentRequest) -> list[AppointmentRequest | FollowUpRequest]:
    """The appointment asked for, and its follow-up when there is one."""
    return [request] if request.follow_up is None else [request, request.follow_up]
