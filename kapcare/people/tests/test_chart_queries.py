"""The chart costs the same few queries for a client of years as for a new one.

The practice is a generated one (``kapcare.synthetic``): every panel has something to
show. Each panel reaches the client through ``access_client`` for its own category;
within the page view the client is read once and every panel's read is audited in one
write (``people.access.one_page_view``), which took the chart from 74 queries to 38;
new panels (notes, stage, diagnoses, portal access, journal, intake) brought it back to
51. Then the facts several panels show were read once per page view
(``people.access.page_fact``): the client with its stage, portal account and care team
(which also answers "is the actor on it"); the appointments with their staff and the
practice's policy (sessions, readiness, measures); the plan, consents, clearances, dose
orders and risk flags (plan, medical and safety panels, readiness); the notes map's
counts in one query; and the audit append without a savepoint: 34 (33 for a client
with no medical screening: its answers are a prefetch); the care team panel's latest
changes (one query), 35.
"""

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
from kapcare.people.models import CareTeamMember, Client
from kapcare.synthetic.generate import generate_practice
from kapcare.synthetic.layout import Shape

CHART_QUERIES = 35


@pytest.fixture
def generated(db: None) -> int:
    shape = Shape(clients_per_therapist=20, medicine_rooms_per_location=1)
    return generate_practice(clients=20, seed=5, now=clock.now(), shape=shape).practice_id


def _chart_of(client: HttpClient, record: Client) -> str:
    therapist = CareTeamMember.objects.get(client=record, role="therapist").staff
    client.force_login(therapist.user)
    return f"/clients/{record.pk}/"


def _count_chart(client: HttpClient, record: Client) -> int:
    url = _chart_of(client, record)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_chart_takes_the_same_few_queries_whatever_the_history(
    client: HttpClient,
    generated: int,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    # given the clients with the longest and the shortest history of the practice, each
    # with a medical screening (whose answers are a prefetch: one query more for a
    # client who has one at all, however many)
    by_size = (
        Client.objects.filter(practice_id=generated, medical_screenings__isnull=False)
        .distinct()
        .annotate(n=Count("appointments", distinct=True))
    )
    longest = by_size.order_by("-n", "id").first()
    shortest = by_size.order_by("n", "id").first()
    assert longest is not None
    assert shortest is not None
    assert longest.n > shortest.n
    # when their therapists open their charts
    url = _chart_of(client, longest)
    with django_assert_max_num_queries(CHART_QUERIES):
        client.get(url)
    # then both cost the same number of queries: none grows with the history
    assert _count_chart(client, longest) == _count_chart(client, shortest) <= CHART_QUERIES
    # and every panel's read is in the audit trail
    details = set(
        AuditEvent.objects.filter(client_id=longest.pk, detail__startswith="chart:").values_list(
            "detail", flat=True
        )
    )
    assert {"chart:plan", "chart:measures", "chart:sessions"} <= details


def test_one_page_view_audits_each_panel_read_in_one_write(
    client: HttpClient, generated: int
) -> None:
    record = Client.objects.filter(practice_id=generated, status="active").order_by("id").first()
    assert record is not None
    url = _chart_of(client, record)
    before = AuditEvent.objects.count()
    client.get(url)
    written = list(AuditEvent.objects.order_by("seq")[before:])
    # one event per panel read, all written at the same instant (one append)
    assert written[0].detail == "page:chart"
    assert len({e.at for e in written}) == 1
    assert len(written) == len({(e.category, e.detail) for e in written}) >= 4
    assert verify_chain() is None
