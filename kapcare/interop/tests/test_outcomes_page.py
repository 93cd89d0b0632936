"""The practice outcomes page against a constructed cohort: its figures, who reads it,
no names on it, its audit, and a fixed number of queries however many clients."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.interop.reports.practice import practice_outcomes
from kapcare.interop.tests.records import SPACING, START, discharged_record
from kapcare.measures.models import MeasureResponse, ResponseSource
from kapcare.pathway.models import TreatmentPlan
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_client

SignIn = Callable[[Role], HttpClient]
AT = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)


def make_cohort(
    practice: Practice, therapist: StaffMember, plan: tuple[str, str], pre: int, post: int,
    n: int,
) -> list[Client]:  # fmt: skip
    made = []
    for _ in range(n):
        client = make_client(practice=practice, legal_family_name="Zephyrine")
        TreatmentPlan.objects.create(
            client=client, format=plan[0], status=plan[1], updated_by=therapist, updated_at=AT
        )
        for days, total in ((0, pre), (60, post)):
            MeasureResponse.objects.create(
                client=client, instrument_code="PHQ-9", instrument_version="1.0",
                answers=[0] * 9, source=ResponseSource.STAFF, entered_by=therapist,
                completed_at=AT + dt.timedelta(days=days), total=Decimal(total),
            )  # fmt: skip
        made.append(client)
    return made


@pytest.fixture
def cohort(practice: Practice, staff: dict[Role, StaffMember]) -> list[Client]:
    """PHQ-9 (reliable at 6 points, clinical from 10): 12 ongoing recovered (20 -> 5),
    11 intensive improved (18 -> 12, still clinical), 3 ongoing unchanged (12 -> 12)."""
    therapist = staff[Role.THERAPIST]
    return (
        make_cohort(practice, therapist, ("ongoing", "active"), 20, 5, 12)
        + make_cohort(practice, therapist, ("intensive", "closed"), 18, 12, 11)
        + make_cohort(practice, therapist, ("ongoing", "active"), 12, 12, 3)
    )


def _cells(row: Any) -> list[int | None]:
    return [cell.count for cell in row.cells]


def test_the_figures_of_a_constructed_cohort(signed_in: SignIn, cohort: list[Client]) -> None:
    response = signed_in(Role.THERAPIST).get("/reports/outcomes/")
    assert response.status_code == 200
    outcomes = response.context["outcomes"]
    (phq9,) = outcomes.instruments
    rows = {row.label: row for row in phq9.rows}
    # All 26: 12 recovered, 11 improved, 3 unchanged; the 3 is hidden, and the 11 with it.
    assert (rows["All clients"].total, _cells(rows["All clients"])) == (26, [12, None, None, 0])
    assert (rows["Ongoing format"].total, _cells(rows["Ongoing format"])) == (
        15, [None, 0, None, 0]
    )  # fmt: skip
    assert (rows["Intensive format"].total, _cells(rows["Intensive format"])) == (
        11, [0, 11, 0, 0]
    )  # fmt: skip
    assert rows["No medicine session"].total == 26
    assert rows["1 or 2 medicine sessions"].suppressed
    retention = {row.label: (row.total, _cells(row)) for row in outcomes.retention}
    assert retention == {
        "Ongoing format": (15, [15, 0, 0, 0]),
        # Closed before any medicine session: stopped, not completed.
        "Intensive format": (11, [0, 0, 0, 11]),
    }
    page = response.content.decode()
    assert "Zephyrine" not in page
    assert "fewer than 11" in page
    assert "11 (100.0%)" in page


def test_a_change_runs_from_the_first_total_to_the_latest_by_time(
    practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    # Given 11 clients with three PHQ-9s each, saved newest first (20 -> 27 -> 5 in time),
    # and 5 more with one PHQ-9 only
    therapist = staff[Role.THERAPIST]
    for n in range(16):
        client = make_client(practice=practice)
        taken = ((120, 5), (60, 27), (0, 20)) if n < 11 else ((0, 20),)
        for days, total in taken:
            MeasureResponse.objects.create(
                client=client, instrument_code="PHQ-9", instrument_version="1.0",
                answers=[0] * 9, source=ResponseSource.STAFF, entered_by=therapist,
                completed_at=AT + dt.timedelta(days=days), total=Decimal(total),
            )  # fmt: skip

    # Then the 11 count as recovered (first 20, latest 5: not the middle 27, not by the
    # order saved) and a single measure is no change at all
    (phq9,) = practice_outcomes(practice.pk, now=AT + dt.timedelta(days=200)).instruments
    everyone = next(row for row in phq9.rows if row.label == "All clients")
    assert (everyone.total, _cells(everyone)) == (11, [11, 0, 0, 0])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.THERAPIST, 200),
        (Role.PRIVACY_OFFICER, 200),
        (Role.FRONT_DESK, 404),
        (Role.MONITOR, 404),
        (Role.MEDICAL_PROVIDER, 404),
    ],
)
def test_therapists_and_the_privacy_officer_read_it(
    signed_in: SignIn, role: Role, status: int
) -> None:
    assert signed_in(role).get("/reports/outcomes/").status_code == status


def test_the_read_is_audited_once_without_a_client(signed_in: SignIn, cohort: list[Client]) -> None:
    http = signed_in(Role.PRIVACY_OFFICER)
    before = AuditEvent.objects.count()
    http.get("/reports/outcomes/")
    events = AuditEvent.objects.order_by("seq")[before:]
    assert [(e.action, e.category, e.detail, e.client_id) for e in events] == [
        ("read", "practice", "outcomes", None)
    ]


def test_the_page_runs_the_same_queries_for_a_small_and_a_large_practice(
    signed_in: SignIn, cohort: list[Client], practice: Practice,
    staff: dict[Role, StaffMember], django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    # Given a small practice: the cohort, one discharged medicine session
    http = signed_in(Role.THERAPIST)
    discharged_record(make_client(practice=practice), staff, START)
    http.get("/reports/outcomes/")  # the instruments' definitions, cached per process
    with django_assert_max_num_queries(QUERY_BOUND) as small:
        assert http.get("/reports/outcomes/").status_code == 200

    # When it grows: 30 more measured clients, 12 more medicine sessions over two months
    make_cohort(practice, staff[Role.THERAPIST], ("intensive", "paused"), 20, 4, 30)
    for i in range(12):
        at = START + dt.timedelta(days=31) + i * SPACING
        discharged_record(make_client(practice=practice), staff, at)
    with django_assert_max_num_queries(QUERY_BOUND) as large:
        page = http.get("/reports/outcomes/").content.decode()

    # Then the page reads the same number of queries, and shows the larger figures (April's
    # 12 withheld with March's 1, which would follow from the 13 held)
    assert "(13 held)" in page
    assert '<th scope="row">Apr 2026</th><td colspan="4">fewer than 11</td>' in page
    assert len(large.captured_queries) == len(small.captured_queries)


# Measured 20 on SQLite and PostgreSQL alike: session, user, staff, roles (4);
# instruments, plans, medicine sessions per client, totals (4); the clients who completed
# the cycle, flags, adverse events, appointments (4); the monitoring months (both
# policies, sessions, their staff and roles: 5); the audit append (3).
QUERY_BOUND = 20
