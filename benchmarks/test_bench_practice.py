"""Speed of the pages and API calls staff use all day, at a busy practice's size."""

from collections.abc import Callable

import pytest
from django.test import Client as HttpClient
from pytest_benchmark.fixture import BenchmarkFixture

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event, record_events
from kapcare.audit.verify import verify_chain
from kapcare.measures.registry import get_instrument
from kapcare.measures.scoring import score
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_care_team_member, make_client
from tests.whole_chart import whole_chart

CLIENTS = 300
EVENTS = 5_000


@pytest.fixture
def caseload(practice: object, staff: dict[Role, StaffMember]) -> list[Client]:
    clients = [make_client(practice=practice) for _ in range(CLIENTS)]
    for client in clients:
        make_care_team_member(client=client, staff=staff[Role.THERAPIST], role=Role.THERAPIST)
    return clients


def test_client_list_api(
    benchmark: BenchmarkFixture,
    caseload: list[Client],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    http = signed_in(Role.THERAPIST)
    response = benchmark(http.get, "/api/v1/clients?limit=200")
    assert response.status_code == 200


def test_home_page(
    benchmark: BenchmarkFixture,
    caseload: list[Client],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    http = signed_in(Role.THERAPIST)
    response = benchmark(http.get, "/")
    assert response.status_code == 200


def test_client_chart(
    benchmark: BenchmarkFixture,
    caseload: list[Client],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    http = signed_in(Role.THERAPIST)
    response = benchmark(http.get, f"/clients/{caseload[0].pk}/")
    assert response.status_code == 200


def test_client_chart_with_its_parts(
    benchmark: BenchmarkFixture,
    caseload: list[Client],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    # The page and the two parts its script loads after it: what a reader waits for.
    http = signed_in(Role.THERAPIST)
    response = benchmark(whole_chart, http, caseload[0].pk)
    assert response.status_code == 200


def test_append_one_audit_event(
    benchmark: BenchmarkFixture, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    source = AuditSource(user=staff[Role.THERAPIST].user, source_ip="127.0.0.1")
    benchmark(
        record_event,
        source=source,
        action=AuditAction.READ,
        client_id=team_client.pk,
        category="demographics",
    )


def test_verify_a_chain_of_5000_events(
    benchmark: BenchmarkFixture, staff: dict[Role, StaffMember], caseload: list[Client]
) -> None:
    source = AuditSource(user=staff[Role.THERAPIST].user, source_ip="127.0.0.1")
    ids = [c.pk for c in caseload]
    for _ in range(EVENTS // len(ids) + 1):
        record_events(source=source, action=AuditAction.READ, client_ids=ids, category="x")
    assert benchmark(verify_chain) is None


@pytest.mark.parametrize(("code", "answers"), [("phq-9", [2] * 9), ("pcl-5", [3] * 20)])
def test_score(benchmark: BenchmarkFixture, code: str, answers: list[int]) -> None:
    spec = get_instrument(code).scoring
    result = benchmark(score, spec, answers)
    assert result.total is not None
