"""POST /api/v1/intensives/plan and /book: a proposal every booking rule accepts, the
reason when none exists, and all-or-nothing booking."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.intensives.tests.records import MONDAY, office, ready_for_intensive
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment, TimeOff
from tests.factories import make_client

SignIn = Callable[[Role], HttpClient]


@pytest.fixture(autouse=True)
def _one_worker(settings: Any) -> None:
    settings.INTENSIVE_SOLVER_WORKERS = 1
    settings.INTENSIVE_SOLVER_SECONDS = 20


@pytest.fixture
def ready(practice: Practice, staff: dict[Role, StaffMember], team_client: Client) -> Client:
    office(practice, staff)
    ready_for_intensive(team_client, staff)
    return team_client


def plan(http: HttpClient, *clients: Client, days: int = 3) -> Any:
    return http.post(
        "/api/v1/intensives/plan",
        {"clients": [c.pk for c in clients], "days": days, "earliest_start": MONDAY.isoformat()},
        content_type="application/json",
    )


def post(http: HttpClient, path: str, body: object) -> Any:
    return http.post(path, body, content_type="application/json")


def test_every_proposed_appointment_passes_the_check_of_a_hand_booking(
    signed_in: SignIn, ready: Client
) -> None:
    http = signed_in(Role.FRONT_DESK)
    answer = plan(http, ready)
    assert answer.status_code == 200, answer.json()
    proposal = answer.json()["appointments"]
    assert len(proposal) == 8  # nine blocks: the day-2 integration rides with the dose
    assert not Appointment.objects.exists()  # planning writes nothing
    for item in proposal:
        checked = post(http, "/api/v1/appointments/check", item)
        assert checked.json() == {"ok": True, "violations": []}, item
        assert post(http, "/api/v1/appointments", item).status_code == 201
    assert Appointment.objects.filter(client=ready).count() == 9


def test_the_proposal_starts_on_the_earliest_date_with_the_medicine_session_on_day_two(
    signed_in: SignIn, ready: Client, staff: dict[Role, StaffMember]
) -> None:
    proposal = plan(signed_in(Role.FRONT_DESK), ready).json()["appointments"]
    first = dt.datetime.fromisoformat(proposal[0]["start"])
    assert first == dt.datetime(2030, 1, 7, 13, tzinfo=dt.UTC)  # 08:00 in Bryn Mawr
    medicine = [p for p in proposal if p["kind"] == "medicine"]
    assert len(medicine) == 1
    assert dt.datetime.fromisoformat(medicine[0]["start"]).date() == dt.date(2030, 1, 8)
    assert medicine[0]["staff"] == [staff[Role.THERAPIST].pk, staff[Role.MONITOR].pk]
    assert medicine[0]["follow_up"]["kind"] == "integration"


def test_a_proposal_books_atomically(signed_in: SignIn, ready: Client) -> None:
    http = signed_in(Role.FRONT_DESK)
    proposal = plan(http, ready).json()
    booked = post(http, "/api/v1/intensives/book", proposal)
    assert booked.status_code == 201, booked.json()
    assert len(booked.json()["appointments"]) == 9
    assert Appointment.objects.filter(client=ready).count() == 9


def test_a_booking_that_loses_a_race_books_nothing(
    signed_in: SignIn, ready: Client, staff: dict[Role, StaffMember], practice: Practice
) -> None:
    http = signed_in(Role.FRONT_DESK)
    proposal = plan(http, ready).json()["appointments"]
    # Between the proposal and its booking, someone books the therapist for another
    # client at the time of the intensive's last block.
    last = proposal[-1]
    other = make_client(practice=practice)
    taken = post(
        http,
        "/api/v1/appointments",
        {
            "client": other.pk,
            "kind": "therapy",
            "modality": "telehealth",
            "start": last["start"],
            "end": last["end"],
            "staff": [staff[Role.THERAPIST].pk],
            "client_location_state": "PA",
        },
    )
    assert taken.status_code == 201
    answer = post(http, "/api/v1/intensives/book", {"appointments": proposal})
    assert answer.status_code in (409, 422)
    assert "conflict.clinician" in [v["rule"] for v in answer.json()["violations"]]
    assert answer.json()["violations"][0]["subject"] == f"appointments[{len(proposal) - 1}]"
    assert not Appointment.objects.filter(client=ready).exists()


def test_no_free_monitor_is_the_reason_given(
    signed_in: SignIn, ready: Client, staff: dict[Role, StaffMember]
) -> None:
    TimeOff.objects.create(
        staff=staff[Role.MONITOR],
        start=dt.datetime(2029, 12, 1, tzinfo=dt.UTC),
        end=dt.datetime(2030, 6, 1, tzinfo=dt.UTC),
        created_by=staff[Role.FRONT_DESK],
        created_at=dt.datetime(2029, 11, 1, tzinfo=dt.UTC),
    )
    answer = plan(signed_in(Role.FRONT_DESK), ready)
    assert answer.status_code == 422
    violations = answer.json()["violations"]
    assert [v["rule"] for v in violations] == ["medicine.monitor_required"]
    assert violations[0]["message"].startswith(
        "No monitor is free for a 180-minute medicine session on any approved dosing day "
        "in the next 6 weeks"
    )
    assert violations[0]["subject"] == f"client:{ready.pk}"
    assert not Appointment.objects.exists()


def test_a_client_without_an_intensive_plan_or_of_another_length_is_named(
    signed_in: SignIn, ready: Client, other_client: Client
) -> None:
    http = signed_in(Role.FRONT_DESK)
    answer = plan(http, ready, other_client)
    assert answer.status_code == 422
    assert [(v["rule"], v["subject"]) for v in answer.json()["violations"]] == [
        ("intensive.no_plan", f"client:{other_client.pk}")
    ]
    answer = plan(http, ready, days=4)
    assert [v["rule"] for v in answer.json()["violations"]] == ["intensive.days_mismatch"]


def test_a_client_the_caller_may_not_see_is_not_found(
    signed_in: SignIn, ready: Client, other_client: Client
) -> None:
    answer = plan(signed_in(Role.THERAPIST), other_client)
    assert answer.status_code == 404


def test_two_intensives_in_one_week_are_planned_and_booked_together(
    signed_in: SignIn,
    ready: Client,
    practice: Practice,
    staff: dict[Role, StaffMember],
) -> None:
    second = make_client(practice=practice)
    ready_for_intensive(second, staff)
    http = signed_in(Role.FRONT_DESK)
    proposal = plan(http, ready, second).json()
    assert len(proposal["appointments"]) == 16
    starts = sorted(dt.datetime.fromisoformat(p["start"]) for p in proposal["appointments"])
    assert (starts[-1] - starts[0]).days < 7
    booked = post(http, "/api/v1/intensives/book", proposal)
    assert booked.status_code == 201, booked.json()
    assert Appointment.objects.count() == 18
