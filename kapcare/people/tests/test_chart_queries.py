"""The chart costs the same few queries for a client of years as for a new one.

The practice is a generated one (``kapcare.synthetic``): every panel has something to
show. Each panel reaches the client through ``access_client`` for its own category;
within one page view the client is read once, the facts several panels show are read
once (``people.access.page_fact``) and every panel's read is audited in one write
(``people.access.one_page_view``): 74 queries went to 35 that way. The chart page itself
now holds the client's head, care team and safety flags in 10 queries, 3 of them the
request's session and actor and 3 the audit append (12 on a live PostgreSQL server, which
also counts the append's BEGIN and COMMIT); its other panels come in two parts, each its
own request, which the page's script loads (``CHART_PARTS``): the page shows at once,
however much the record holds.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from kapcare.audit.models import AuditEvent
from kapcare.audit.verify import verify_chain
from kapcare.core import clock
from kapcare.people.models import CareTeamMember, Client, StaffMember
from kapcare.people.views import PART_HEADER
from kapcare.synthetic.generate import generate_practice
from kapcare.synthetic.layout import Shape
from tests.factories import AppointmentFactory, MeasureResponseFactory, SessionNoteFactory

# Exactly what they take today, as caps: 3 of each are the request's sign-in and 3 its
# audit append (a live PostgreSQL server also counts the append's BEGIN and COMMIT).
CHART_QUERIES = 10
# The parts, each its own request.
TREATMENT_QUERIES = 25
NOTES_QUERIES = 16
PAGES = {
    "chart": ("/clients/{id}/", CHART_QUERIES),
    "treatment": ("/clients/{id}/chart/treatment/", TREATMENT_QUERIES),
    "notes": ("/clients/{id}/chart/notes/", NOTES_QUERIES),
}


@pytest.fixture
def generated(db: None) -> int:
    shape = Shape(clients_per_therapist=20, medicine_rooms_per_location=1)
    return generate_practice(clients=20, seed=5, now=clock.now(), shape=shape).practice_id


def _therapist(record: Client) -> StaffMember:
    return CareTeamMember.objects.get(client=record, role="therapist").staff


def _count(client: HttpClient, record: Client, page: str, *, sign_in: bool = True) -> int:
    url = PAGES[page][0].format(id=record.pk)
    headers = {PART_HEADER: "1"} if page != "chart" else {}
    if sign_in:
        client.force_login(_therapist(record).user)
        client.get(url, headers=headers)  # the first request of a session is not typical
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(queries)


def _lengthen(record: Client) -> None:
    """Years more of history: 50 sessions, 30 session notes on them, 20 measures."""
    therapist = _therapist(record)
    first = clock.now() - dt.timedelta(days=800)
    appointments = [
        AppointmentFactory.create(
            client=record,
            modality="telehealth",
            location=None,
            room=None,
            client_location_state=record.home_state,
            start=first + dt.timedelta(days=7 * i),
            status="completed",
            created_by=therapist,
            status_changed_by=therapist,
            status_changed_at=first + dt.timedelta(days=7 * i, hours=1),
        )
        for i in range(50)
    ]
    for appointment in appointments[:30]:
        SessionNoteFactory.create(appointment=appointment, client=record, author=therapist)
    for i in range(20):
        MeasureResponseFactory.create(
            client=record,
            instrument_code="GAD-7",
            answers={f"q{n}": 1 for n in range(1, 8)},
            entered_by=therapist,
            completed_at=first + dt.timedelta(days=7 * i, minutes=5),
        )


@pytest.mark.parametrize("page", list(PAGES))
def test_the_chart_takes_the_same_few_queries_whatever_the_history(
    client: HttpClient,
    generated: int,
    page: str,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    # given the clients with the longest and the shortest history of the practice, each
    # with a medical screening (whose answers are a prefetch: one query more for a
    # client who has one at all, however many), the longest given years more
    by_size = (
        Client.objects.filter(practice_id=generated, medical_screenings__isnull=False)
        .distinct()
        .annotate(n=Count("appointments", distinct=True))
    )
    longest = by_size.order_by("-n", "id").first()
    shortest = by_size.order_by("n", "id").first()
    assert longest is not None
    assert shortest is not None
    _lengthen(longest)
    assert longest.appointments.count() >= shortest.appointments.count() + 50
    # when their therapists open the chart (or one of its parts)
    _count(client, longest, page)
    with django_assert_max_num_queries(PAGES[page][1]):
        _count(client, longest, page, sign_in=False)
    # then both cost the same number of queries: none grows with the history
    assert _count(client, longest, page) == _count(client, shortest, page) <= PAGES[page][1]


def test_every_panel_read_is_audited_across_the_chart_and_its_parts(
    client: HttpClient, generated: int
) -> None:
    record = Client.objects.filter(practice_id=generated, status="active").order_by("id").first()
    assert record is not None
    client.force_login(_therapist(record).user)
    for page in PAGES:
        _count(client, record, page, sign_in=False)
    details = set(
        AuditEvent.objects.filter(client_id=record.pk, detail__startswith="chart:").values_list(
            "detail", flat=True
        )
    )
    assert {"chart:plan", "chart:measures", "chart:sessions", "chart:portal"} <= details


def test_one_page_view_audits_each_panel_read_in_one_write(
    client: HttpClient, generated: int
) -> None:
    record = Client.objects.filter(practice_id=generated, status="active").order_by("id").first()
    assert record is not None
    client.force_login(_therapist(record).user)
    for page, first in (
        ("chart", "page:chart"),
        ("treatment", "page:chart_treatment"),
        ("notes", "page:chart_notes"),
    ):
        before = AuditEvent.objects.count()
        _count(client, record, page, sign_in=False)
        written = list(AuditEvent.objects.order_by("seq")[before:])
        # one event per panel read, all written at the same instant (one append)
        assert written[0].detail == first
        assert len({e.at for e in written}) == 1
        assert len(written) == len({(e.category, e.detail) for e in written}) >= 2
    assert verify_chain() is None
