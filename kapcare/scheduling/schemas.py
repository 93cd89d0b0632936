"""API shapes for appointments.

A stable contract (issue 3): keep these names, add freely. Times are ISO-8601 with an
offset (a time without one is refused with 422); dates are ``YYYY-MM-DD``.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Annotated

from ninja import Field
from pydantic import AfterValidator

from kapcare.core.api_errors import ViolationOut
from kapcare.core.api_fields import Instant, RecordId, Text
from kapcare.core.api_schema import Schema
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality


def _upper(value: str) -> str:
    return value.strip().upper()


# Checked by the rules (``appointment.client_location_state_invalid``), not here, so the
# person booking gets the same plain explanation everywhere.
StateAttested = Annotated[Text, Field(max_length=2), AfterValidator(_upper)]


class FollowUpIn(Schema):
    """The integration session booked with a medicine session (no client: the same one)."""

    kind: AppointmentKind
    modality: Modality
    start: Instant
    end: Instant
    location: RecordId | None = None
    room: RecordId | None = None
    staff: list[RecordId] = Field(max_length=10)
    client_location_state: StateAttested | None = None


class AppointmentIn(FollowUpIn):
    client: RecordId
    follow_up: FollowUpIn | None = None


class CheckOut(Schema):
    ok: bool
    violations: list[ViolationOut]


class AppointmentOut(Schema):
    id: int
    client: int
    kind: AppointmentKind
    modality: Modality
    start: dt.datetime
    end: dt.datetime
    location: int | None
    room: int | None
    staff: list[int]
    status: AppointmentStatus
    status_reason: str
    client_location_state: str | None
    follow_up_of: int | None

    @staticmethod
    def of(appointment: Appointment, *, staff_ids: Iterable[int] | None = None) -> "AppointmentOut":
        """Needs ``staff_links`` prefetched (or it costs a query per appointment), unless
        ``staff_ids`` names them (an appointment just saved, answered without reading it
        back: its times in UTC, as the database gives them)."""
        if staff_ids is None:
            staff_ids = (link.staff_id for link in appointment.staff_links.all())
        return AppointmentOut(
            id=appointment.pk,
            client=appointment.client_id,
            kind=AppointmentKind(appointment.kind),
            modality=Modality(appointment.modality),
            start=appointment.start.astimezone(dt.UTC),
            end=appointment.end.astimezone(dt.UTC),
            location=appointment.location_id,
            room=appointment.room_id,
            staff=sorted(set(staff_ids)),
            status=AppointmentStatus(appointment.status),
            status_reason=appointment.status_reason,
            client_location_state=appointment.client_location_state or None,
            follow_up_of=appointment.follow_up_of_id,
        )


class BookedOut(Schema):
    appointment: AppointmentOut
    follow_up: AppointmentOut | None


class RescheduleIn(Schema):
    """Where and when to move a booked appointment; a field left out keeps its value.

    ``location`` and ``room`` may be sent as null (no location, no room: telehealth).
    """

    start: Instant | None = None
    end: Instant | None = None
    location: RecordId | None = None
    room: RecordId | None = None
    staff: list[RecordId] | None = Field(None, max_length=10)


class StatusIn(Schema):
    status: AppointmentStatus
    reason: Text = Field("", max_length=200)
