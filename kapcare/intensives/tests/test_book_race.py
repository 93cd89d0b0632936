"""Two front desks book the same intensive plan at once through POST
/api/v1/intensives/book: one books it all, the others book nothing and are told why (409
or 422, never 500), and the calendar holds one plan's appointments, no double booking.

Threads, each with its own connection as web workers, share PostgreSQL; SQLite's test
database is in memory, where threads cannot share it (the booking service's own
concurrency test covers SQLite in a file: scheduling/tests/test_concurrency.py).
"""

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient

from kapcare.intensives.tests.records import MONDAY, office, ready_for_intensive
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment, AppointmentStaff
from tests.at_once import at_once

THREADS = 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads share PostgreSQL only")
def test_the_same_plan_booked_at_once_is_booked_once(
    transactional_db: None, practice: Practice, staff: dict[Role, StaffMember],
    team_client: Client, settings: Any,
) -> None:  # fmt: skip
    settings.INTENSIVE_SOLVER_WORKERS = 1
    office(practice, staff)
    ready_for_intensive(team_client, staff)
    desks = [HttpClient() for _ in range(THREADS)]
    for desk in desks:
        desk.force_login(staff[Role.FRONT_DESK].user)
    planned = desks[0].post(
        "/api/v1/intensives/plan",
        {"clients": [team_client.pk], "days": 3, "earliest_start": MONDAY.isoformat()},
        content_type="application/json",
    )
    assert planned.status_code == 200, planned.json()
    proposal = {"appointments": planned.json()["appointments"]}
    answers: list[int] = []
    lock = threading.Lock()

    def book(index: int) -> None:
        answer = desks[index].post(
            "/api/v1/intensives/book", proposal, content_type="application/json"
        )
        with lock:
            answers.append(answer.status_code)

    at_once(book, THREADS)

    assert sorted(answers)[0] == 201
    assert answers.count(201) == 1, answers
    assert set(answers) - {201} <= {409, 422}, answers
    assert Appointment.objects.filter(client=team_client).count() == 9
    # Nobody is booked twice at one time.
    rows = list(AppointmentStaff.objects.values_list("staff_id", "start", "end"))
    for staff_id, start, end in rows:
        overlapping = [r for r in rows if r[0] == staff_id and r[1] < end and start < r[2]]
        assert len(overlapping) == 1, (staff_id, start)
