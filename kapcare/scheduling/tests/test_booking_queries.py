"""A booking check and a booking cost the same few queries for a client of years as for
a new one: the facts are loaded once per kind (``scheduling.facts``), not per rule, and
an API token's last use is written at most once an hour (``accounts.tokens``).

The practice is a generated one (``kapcare.synthetic``), the request the load
benchmark's (``benchmarks/load``): the front desk books a telehealth therapy session
with a token.

What they cost at most (2026-12-06, a check 11, a booking 16 and a cancellation 14,
these two with the test's two savepoints): the token (1), the staff member and roles
(1), the client and "on the care team" (2; the client's read now asks both), the audit
append (3; on PostgreSQL 2, ADR 0031), then the booking's facts in
four: the staff asked for with their roles, licences and working hours (1), their time
off around the time (1), the client's pathway records, appointments and practice policy
(1), the other appointments of those staff or rooms around the time (1); a session at
an office adds its location and room (1). A booking adds the client's lock and the two
inserts, and answers from what it saved (nothing read back); a cancellation reads the
appointment, its client and "on the care team" (3), locks and reads it again with its
staff for the answer (2), writes it and its staff's copies (2) and appends to the audit
trail (3).
"""

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from kapcare.accounts.tokens import issue_token
from kapcare.core import clock
from kapcare.people.models import CareTeamMember, Client, Location, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from kapcare.synthetic.generate import generate_practice
from kapcare.synthetic.layout import Shape

CHECK_QUERIES = 11
BOOKING_QUERIES = 16
CANCEL_QUERIES = 14


@pytest.fixture
def generated(db: None) -> int:
    shape = Shape(clients_per_therapist=20, medicine_rooms_per_location=1)
    return generate_practice(clients=20, seed=5, now=clock.now(), shape=shape).practice_id


def _body(record: Client, therapist: StaffMember, zone: zoneinfo.ZoneInfo, day: int) -> str:
    today = clock.now().astimezone(zone).date()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=3)
    start = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(16), tzinfo=zone)
    return json.dumps(
        {
            "client": record.pk,
            "kind": "therapy",
            "modality": "telehealth",
            "start": start.isoformat(),
            "end": (start + dt.timedelta(minutes=50)).isoformat(),
            "staff": [therapist.pk],
            "client_location_state": record.home_state,
        }
    )


def _queries(http: HttpClient, path: str, body: str, token: str, expect: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.post(
            path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
    assert response.status_code == expect, response.content
    return len(queries)


def test_a_booking_check_and_a_booking_take_the_same_few_queries_whatever_the_history(
    generated: int, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    # given one therapist's active clients with the longest and the shortest history
    therapist = (
        StaffMember.objects.filter(practice_id=generated, roles__role=Role.THERAPIST)
        .order_by("id")
        .first()
    )
    desk = StaffMember.objects.filter(practice_id=generated, roles__role=Role.FRONT_DESK).first()
    assert therapist is not None
    assert desk is not None
    team = CareTeamMember.objects.filter(staff=therapist).values("client_id")
    by_size = (
        Client.objects.filter(pk__in=team, status="active")
        .exclude(treatment_plan__status="paused")
        .annotate(n=Count("appointments"))
    )
    longest = by_size.order_by("-n", "id").first()
    shortest = by_size.order_by("n", "id").first()
    assert longest is not None
    assert shortest is not None
    assert longest.n > shortest.n
    location = Location.objects.filter(practice_id=generated).order_by("id").first()
    assert location is not None
    zone = zoneinfo.ZoneInfo(location.time_zone)
    token = issue_token(user=desk.user, name="test").secret
    http = HttpClient()
    # (the token's first use notes when it was used: later ones within the hour do not)
    _queries(http, "/api/v1/appointments/check", _body(longest, therapist, zone, 0), token, 200)

    # when the front desk checks, then books, a session for each
    with django_assert_max_num_queries(CHECK_QUERIES):
        long_check = _queries(
            http, "/api/v1/appointments/check", _body(longest, therapist, zone, 0), token, 200
        )
    short_check = _queries(
        http, "/api/v1/appointments/check", _body(shortest, therapist, zone, 1), token, 200
    )
    with django_assert_max_num_queries(BOOKING_QUERIES):
        long_booking = _queries(
            http, "/api/v1/appointments", _body(longest, therapist, zone, 0), token, 201
        )
    short_booking = _queries(
        http, "/api/v1/appointments", _body(shortest, therapist, zone, 1), token, 201
    )

    # then each costs the same whatever the client's history, and both were booked
    assert long_check == short_check
    assert long_booking == short_booking
    assert (
        Appointment.objects.filter(client__in=[longest, shortest], start__gt=clock.now())
        .filter(modality="telehealth", kind="therapy", status="booked")
        .count()
        >= 2
    )

    # and when the front desk cancels the session just booked, it costs as few
    booked = Appointment.objects.filter(client=longest, start__gt=clock.now(), status="booked")
    latest = booked.order_by("-id").first()
    assert latest is not None
    with django_assert_max_num_queries(CANCEL_QUERIES):
        _queries(
            http,
            f"/api/v1/appointments/{latest.pk}/status",
            json.dumps({"status": "cancelled", "reason": "test"}),
            token,
            200,
        )

    latest.refresh_from_db()
    assert latest.status == "cancelled"


def test_a_session_at_an_office_adds_one_query_for_its_location_and_room(generated: int) -> None:
    # given a therapist, a client on their team and a room at the therapist's office
    therapist = (
        StaffMember.objects.filter(practice_id=generated, roles__role=Role.THERAPIST)
        .order_by("id")
        .first()
    )
    desk = StaffMember.objects.filter(practice_id=generated, roles__role=Role.FRONT_DESK).first()
    assert therapist is not None
    assert desk is not None
    record = Client.objects.filter(care_team__staff=therapist).order_by("id").first()
    room = Room.objects.filter(location__practice_id=generated).order_by("id").first()
    assert record is not None
    assert room is not None
    zone = zoneinfo.ZoneInfo(room.location.time_zone)
    telehealth = _body(record, therapist, zone, 2)
    at_the_office = json.loads(telehealth) | {
        "modality": "in_person",
        "location": room.location_id,
        "room": room.pk,
    }
    token = issue_token(user=desk.user, name="test").secret
    http = HttpClient()
    _queries(http, "/api/v1/appointments/check", telehealth, token, 200)

    # when the front desk checks the session virtual, then at the office
    virtual = _queries(http, "/api/v1/appointments/check", telehealth, token, 200)
    in_person = _queries(http, "/api/v1/appointments/check", json.dumps(at_the_office), token, 200)

    # then the location and its room cost one query together
    assert virtual <= CHECK_QUERIES
    assert in_person == virtual + 1
