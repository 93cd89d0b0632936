"""The appointments list answers its rows as ``AppointmentOut`` would, byte for byte.

``scheduling.api.listing`` builds the rows from database values rather than through the
schema (issue 14); these tests hold it to the schema: the body is what ninja renders for
``Page[AppointmentOut]`` made of ``AppointmentOut.of`` of the same records, for rows with
several staff, none, a telehealth state, a status reason and a follow-up.
"""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from ninja.responses import NinjaJSONEncoder

from kapcare.core.pagination import Page
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.schemas import AppointmentOut
from tests.world import World

pytestmark = pytest.mark.django_db

SignIn = Callable[[Role], HttpClient]
EST = dt.timezone(dt.timedelta(hours=-5))


def _when(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2030, 1, day, hour, tzinfo=EST)


def _appointment(world: World, day: int, staff: tuple[int, ...], **fields: Any) -> Appointment:
    room = world.therapy_room
    values: dict[str, Any] = {
        "client": world.client,
        "kind": "therapy",
        "modality": "in_person",
        "start": _when(day, 10),
        "end": _when(day, 11),
        "location": room.location,
        "room": room,
        "created_by": world.staff[Role.FRONT_DESK],
        "created_at": dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC),
        **fields,
    }
    appointment = Appointment.objects.create(**values)
    for staff_id in staff:
        AppointmentStaff.objects.create(
            appointment=appointment,
            staff_id=staff_id,
            start=appointment.start,
            end=appointment.end,
            status=appointment.status,
        )
    return appointment


def _as_ninja_renders(appointments: list[Appointment], count: int) -> bytes:
    """The body ninja answers for these records through the declared schema."""
    records = Appointment.objects.filter(pk__in=[a.pk for a in appointments]).prefetch_related(
        "staff_links"
    )
    by_id = {a.pk: a for a in records}
    page = Page[AppointmentOut](
        items=[AppointmentOut.of(by_id[a.pk]) for a in appointments], count=count
    )
    return json.dumps(page.model_dump(), cls=NinjaJSONEncoder).encode()


@pytest.fixture
def listed(world: World) -> list[Appointment]:
    """Four appointments in start order: two staff (saved highest id first), a cancelled
    one with a reason, a telehealth one with the client's state and no staff, a follow-up."""
    therapist, monitor = world.staff_id(Role.THERAPIST), world.staff_id(Role.MONITOR)
    first = _appointment(world, 21, (max(therapist, monitor), min(therapist, monitor)))
    cancelled = _appointment(
        world,
        22,
        (therapist,),
        status="cancelled",
        status_reason="Client asked to move it",
        status_changed_by=world.staff[Role.FRONT_DESK],
    )
    telehealth = _appointment(
        world,
        23,
        (),
        modality="telehealth",
        location=None,
        room=None,
        client_location_state="PA",
    )
    follow_up = _appointment(world, 24, (therapist,), kind="integration", follow_up_of=first)
    return [first, cancelled, telehealth, follow_up]


def test_the_list_answers_what_the_schema_would(
    signed_in: SignIn, listed: list[Appointment]
) -> None:
    # when the front desk lists them, whole and in pages
    front_desk = signed_in(Role.FRONT_DESK)
    whole = front_desk.get("/api/v1/appointments", {"limit": 200})
    first_two = front_desk.get("/api/v1/appointments", {"limit": 2})
    last_one = front_desk.get("/api/v1/appointments", {"limit": 2, "offset": 3})
    # then each body is, byte for byte, the schema's rendering of the same records
    assert whole.status_code == 200
    assert whole["Content-Type"] == "application/json; charset=utf-8"
    assert whole.content == _as_ninja_renders(listed, 4)
    assert first_two.content == _as_ninja_renders(listed[:2], 4)
    assert last_one.content == _as_ninja_renders(listed[3:], 4)


def test_an_empty_list_answers_the_schema_shape(signed_in: SignIn, world: World) -> None:
    response = signed_in(Role.FRONT_DESK).get("/api/v1/appointments", {"client": world.client.pk})

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}
