"""The pages the load benchmark times cost a fixed, small number of queries, the same for a
practice of a dozen clients as for one of many times that (issue 14).

Two generated practices (``kapcare.synthetic``) of different sizes in one database; in
each, the load benchmark's own targets (``benchmarks.load.targets``): a location's week,
a clinician's day, a search by family name, a location's day of appointments (API) and
the outcomes report. Each page is asked for twice (the first request of a session is not
typical: it signs the session in) and the second is counted. A live PostgreSQL server
counts two more for each page that appends to the audit trail (its BEGIN and COMMIT).

The outcomes report's count is constant but not its work: it reads the practice's
medicine sessions with their staff (14,000 rows at 10,000 clients) to count monitoring
months, which an aggregate in SQL would not need (benchmarks/RESULTS.md).
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from benchmarks.load.targets import Targets, find_targets
from kapcare.accounts.models import User
from kapcare.core import clock
from kapcare.synthetic.generate import generate_practice
from kapcare.synthetic.layout import Shape

# As counted on SQLite and PostgreSQL alike: the request's session and actor (4; an API
# request: its token), the page's own reads, the audit append (up to 5).
CAPS = {
    "week calendar": 13,
    "day calendar": 13,
    "client search (API)": 8,
    "appointments list (API)": 8,
    "outcomes report": 22,
}


def _requests(t: Targets) -> dict[str, tuple[str, str, dict[str, str]]]:
    """(who asks, URL, query) of each page."""
    zone = zoneinfo.ZoneInfo(t.zone)
    start = dt.datetime.combine(t.day, dt.time(0), tzinfo=zone)
    return {
        "week calendar": (
            "therapist",
            "/calendar/",
            {"view": "week", "location": str(t.location_id), "date": t.week.isoformat()},
        ),
        "day calendar": (
            "therapist",
            "/calendar/",
            {"view": "day", "staff": str(t.therapist_id), "date": t.day.isoformat()},
        ),
        "client search (API)": ("desk", "/api/v1/clients", {"q": t.family_name, "limit": "20"}),
        "appointments list (API)": (
            "desk",
            "/api/v1/appointments",
            {
                "location": str(t.location_id),
                "limit": "50",
                "start": start.isoformat(),
                "end": (start + dt.timedelta(days=1)).isoformat(),
            },
        ),
        "outcomes report": ("therapist", "/reports/outcomes/", {}),
    }


def _count(t: Targets, page: str, cap: Callable[..., Any]) -> tuple[int, bytes]:
    who, url, query = _requests(t)[page]
    http = HttpClient()
    headers: dict[str, str] = {}
    if who == "therapist":
        http.force_login(User.objects.get(email=t.therapist_email))
    else:
        headers = {"Authorization": f"Bearer {t.desk_token}"}
    http.get(url, query, headers=headers)
    with cap(CAPS[page]), CaptureQueriesContext(connection) as queries:
        response = http.get(url, query, headers=headers)
    assert response.status_code == 200, (page, response.status_code)
    return len(queries), response.content


@pytest.fixture
def practices(db: None) -> tuple[Targets, Targets]:
    """A small practice and one six times its size, each one location and one therapist."""
    now = clock.now()
    small = generate_practice(
        clients=10,
        seed=3,
        now=now,
        shape=Shape(clients_per_therapist=10, medicine_rooms_per_location=1),
    )
    large = generate_practice(
        clients=60,
        seed=4,
        now=now,
        shape=Shape(clients_per_therapist=60, medicine_rooms_per_location=1),
    )
    return find_targets(small.practice_id), find_targets(large.practice_id)


@pytest.mark.parametrize("page", list(CAPS))
def test_a_page_costs_the_same_few_queries_whatever_the_practice_holds(
    practices: tuple[Targets, Targets],
    page: str,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    small, large = practices
    assert large.appointments >= 4 * small.appointments
    # when each practice's page is asked for
    few, _ = _count(small, page, django_assert_max_num_queries)
    many, body = _count(large, page, django_assert_max_num_queries)
    # then the large practice's costs no more than the small one's, however much it shows
    assert many == few <= CAPS[page]
    assert body
