"""The audit log page: privacy officer only, filters, pages, fixed query count."""

import datetime as dt
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.audit.services import AuditSource, record_event
from kapcare.audit.views import PAGE_SIZE
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import TEST_PASSWORD

SignedIn = Callable[[Role], HttpClient]
LOG = "/audit/"
NEW_YORK = ZoneInfo("America/New_York")


def _seqs(html: str) -> list[int]:
    return [int(s) for s in re.findall(r"<tr[^>]*>\s*<td>(\d+)</td>", html)]


def _add_events(n: int, *, client_id: int | None = None) -> None:
    for _ in range(n):
        record_event(
            source=AuditSource(user=None, source_ip="10.0.0.1"),
            action=AuditAction.READ,
            client_id=client_id,
            category="demographics",
            detail="test",
        )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PRIVACY_OFFICER, 200),
        (Role.THERAPIST, 404),
        (Role.MEDICAL_PROVIDER, 404),
        (Role.MONITOR, 404),
        (Role.FRONT_DESK, 404),
    ],
)
def test_only_the_privacy_officer_reads_the_log(
    role: Role, status: int, signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    response = signed_in(role).get(LOG)
    assert response.status_code == status
    [event] = AuditEvent.objects.filter(category="audit")
    expected = (
        (AuditAction.READ, AuditOutcome.SUCCESS)
        if status == 200
        else (AuditAction.DENIED, AuditOutcome.DENIED)
    )
    assert (event.action, event.outcome, event.actor_id) == (*expected, staff[role].user_id)


def test_anonymous_is_sent_to_sign_in(client: HttpClient, db: None) -> None:
    response = client.get(LOG)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/audit/"


def test_the_log_link_is_in_the_privacy_officers_menu_only(signed_in: SignedIn) -> None:
    assert 'href="/audit/"' in signed_in(Role.PRIVACY_OFFICER).get("/").content.decode()
    assert 'href="/audit/"' not in signed_in(Role.THERAPIST).get("/").content.decode()


def test_sign_ins_and_failures_appear_newest_first(
    client: HttpClient, staff: dict[Role, StaffMember]
) -> None:
    therapist = staff[Role.THERAPIST].user
    officer = staff[Role.PRIVACY_OFFICER].user
    sign_in = "/accounts/sign-in/"
    client.post(sign_in, {"username": therapist.email, "password": "wrong-password"})
    client.post(sign_in, {"username": officer.email, "password": TEST_PASSWORD})

    html = client.get(LOG + "?action=login").content.decode()

    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)[1:]
    assert len(rows) == 2
    assert officer.email in rows[0]
    assert "Success" in rows[0]
    assert therapist.email in rows[1]
    assert "Failure" in rows[1]
    assert "sign-in failed" in rows[1]


def test_reading_the_log_is_itself_recorded(
    signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    signed_in(Role.PRIVACY_OFFICER).get(LOG + "?client=7")
    [read] = AuditEvent.objects.filter(category="audit")
    assert (read.action, read.client_id, read.detail) == (AuditAction.READ, 7, "page:audit_log")


def test_filter_by_client(signed_in: SignedIn, team_client: Client, other_client: Client) -> None:
    _add_events(2, client_id=team_client.pk)
    _add_events(3, client_id=other_client.pk)
    html = signed_in(Role.PRIVACY_OFFICER).get(f"{LOG}?client={team_client.pk}").content.decode()
    # The two events, and the newest: this reading of the client's trail.
    assert "Events, filtered: 3" in html
    assert html.count(f'href="/clients/{team_client.pk}/profile/"') == 3
    assert f'href="/clients/{other_client.pk}/profile/"' not in html
    assert _seqs(html) == [7, 2, 1]  # 6 is the officer's sign-in


def test_filter_by_day_uses_the_practice_time_zone(
    signed_in: SignedIn,
    staff: dict[Role, StaffMember],
    team_client: Client,
    other_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 23:30 in New York on March 3 is already March 4 in UTC.
    late = dt.datetime(2026, 3, 3, 23, 30, tzinfo=NEW_YORK)
    monkeypatch.setattr("kapcare.core.clock.now", lambda: late)
    _add_events(1, client_id=team_client.pk)
    monkeypatch.setattr("kapcare.core.clock.now", lambda: late + dt.timedelta(hours=1))
    _add_events(1, client_id=other_client.pk)
    monkeypatch.undo()

    http = signed_in(Role.PRIVACY_OFFICER)
    march_3 = http.get(LOG + "?on=2026-03-03").content.decode()
    march_4 = http.get(LOG + "?on=2026-03-04").content.decode()

    assert "Events, filtered: 1" in march_3
    assert f"/clients/{team_client.pk}/profile/" in march_3
    assert "Tue 3 Mar 2026, 11:30 pm" in march_3
    assert f"/clients/{other_client.pk}/profile/" in march_4
    assert "Wed 4 Mar 2026, 12:30 am" in march_4


@pytest.mark.parametrize(
    "query",
    ["?client=abc", "?client=0", "?action=explode", "?on=2026-02-31", "?client=" + "9" * 30],
)
def test_a_bad_filter_answers_422_and_shows_nothing(query: str, signed_in: SignedIn) -> None:
    _add_events(3)
    response = signed_in(Role.PRIVACY_OFFICER).get(LOG + query)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="field-error"' in html
    assert "There is a problem" in html
    assert _seqs(html) == []


def test_pages_of_fifty_keep_the_filter_and_never_repeat(
    signed_in: SignedIn, team_client: Client
) -> None:
    _add_events(PAGE_SIZE + 5, client_id=team_client.pk)
    http = signed_in(Role.PRIVACY_OFFICER)

    first = http.get(f"{LOG}?client={team_client.pk}").content.decode()
    older = re.search(r'href="\?(client=\d+&amp;before=\d+)" rel="next">Older events', first)
    assert older is not None
    # New events arrive (here: the reading itself) while the officer pages on.
    _add_events(3, client_id=team_client.pk)
    second = http.get(LOG + "?" + older.group(1).replace("&amp;", "&")).content.decode()

    assert len(_seqs(first)) == PAGE_SIZE
    assert _seqs(first) == sorted(_seqs(first), reverse=True)
    # The rest of the original 55 and the first reading: no repeats, no gaps.
    assert _seqs(second) == list(range(min(_seqs(first)) - 1, 0, -1))
    assert "Older events" not in second
    assert f'href="?client={team_client.pk}">Newest events' in second


def test_a_bad_page_key_answers_422(signed_in: SignedIn) -> None:
    response = signed_in(Role.PRIVACY_OFFICER).get(LOG + "?before=-3")
    assert response.status_code == 422
    assert "opened with a value it cannot use" in response.content.decode()


def test_query_count_does_not_grow_with_events(
    signed_in: SignedIn,
    staff: dict[Role, StaffMember],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    http = signed_in(Role.PRIVACY_OFFICER)
    _add_events(3)
    with CaptureQueriesContext(connection) as few:
        assert http.get(LOG).status_code == 200
    for role in Role:
        record_event(
            source=AuditSource(user=staff[role].user, source_ip="10.0.0.2"),
            action=AuditAction.LOGIN,
        )
    _add_events(80)
    with django_assert_max_num_queries(len(few)):
        response = http.get(LOG)
    assert len(_seqs(response.content.decode())) == PAGE_SIZE
