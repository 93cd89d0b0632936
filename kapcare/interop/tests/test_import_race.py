"""Two imports of the same person at once: one adds the client, the other lists the line
as already on file (422); never two records, never an error page.

The threads run on PostgreSQL (each thread its own connection, as web workers); SQLite's
test database is in memory, where threads cannot share it, so there the same turn is
shown by the other import committing between the first check and the turn.
"""

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from kapcare.interop.imports import service
from kapcare.interop.imports.service import ImportResult, import_clients
from kapcare.people.access import Actor
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from tests.at_once import at_once
from tests.factories import make_client

TODAY = dt.date(2026, 3, 1)
CSV = "legal_given_name,legal_family_name,date_of_birth,home_state\nRowan,Racer,1990-01-01,PA\n"
THREADS = 4
ON_FILE = "A client with this legal name and date of birth is already on file."


def _import(actor: Actor) -> ImportResult:
    return import_clients(actor=actor, kind="csv", text=CSV, dry_run=False, today=TODAY)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads share PostgreSQL only")
def test_threads_import_the_same_person_and_one_adds_them(
    transactional_db: None, staff: dict[Role, StaffMember], actor: Callable[[Role], Actor]
) -> None:
    actors = [actor(Role.FRONT_DESK) for _ in range(THREADS)]
    results: list[ImportResult] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        result = _import(actors[index])
        with lock:
            results.append(result)

    at_once(run, THREADS)

    assert len(results) == THREADS
    assert sorted(len(r.created) for r in results) == [0] * (THREADS - 1) + [1]
    for lost in (r for r in results if not r.created):
        assert [(p.line, p.message) for p in lost.problems] == [(2, ON_FILE)]
    assert Client.objects.filter(legal_family_name="Racer").count() == 1


@pytest.fixture
def lose_the_race(practice: Practice, monkeypatch: Any) -> None:
    """The other import commits between this one's first check and its turn."""
    first_check = service.check_rows

    def check_then_lose_the_race(*args: Any, **kwargs: Any) -> Any:
        problems = first_check(*args, **kwargs)
        monkeypatch.setattr(service, "check_rows", first_check)  # the turn checks for real
        make_client(
            practice=practice, legal_given_name="Rowan", legal_family_name="Racer",
            date_of_birth=dt.date(1990, 1, 1),
        )  # fmt: skip
        return problems

    monkeypatch.setattr(service, "check_rows", check_then_lose_the_race)


def test_the_import_checks_again_in_its_turn(
    lose_the_race: None, actor: Callable[[Role], Actor]
) -> None:
    result = _import(actor(Role.FRONT_DESK))
    assert (result.created, [(p.line, p.message) for p in result.problems]) == ([], [(2, ON_FILE)])
    assert Client.objects.filter(legal_family_name="Racer").count() == 1


def test_the_api_answers_the_lost_race_with_422(lose_the_race: None, signed_in: Any) -> None:
    response = signed_in(Role.FRONT_DESK).post(
        "/api/v1/clients/import",
        {"format": "csv", "content": CSV, "dry_run": False},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert (body["created"], body["problems"]) == (
        [],
        [{"line": 2, "field": "", "message": ON_FILE}],
    )
