"""The portal's list pages cost the same few queries for many records as for one
(measured: 14 for the sessions page with ten sessions, 11 for the journal with fifteen
entries, with the sign-in and the audit writes)."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.test import Client as HttpClient

from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.tests.fixtures import book_video_therapy
from tests.factories import make_journal_entry

MaxQueries = Callable[[int], AbstractContextManager[Any]]
SESSIONS_QUERIES = 14
JOURNAL_QUERIES = 11


def test_the_sessions_page_is_bounded(
    portal: HttpClient,
    team_client: Client,
    staff: dict[Role, StaffMember],
    django_assert_max_num_queries: MaxQueries,
) -> None:
    for days in range(3, 13):
        book_video_therapy(team_client, staff, days=days)

    with django_assert_max_num_queries(SESSIONS_QUERIES):
        assert portal.get("/portal/sessions/").status_code == 200


def test_the_journal_page_is_bounded(
    portal: HttpClient, team_client: Client, django_assert_max_num_queries: MaxQueries
) -> None:
    for _ in range(15):
        make_journal_entry(client=team_client)

    with django_assert_max_num_queries(JOURNAL_QUERIES):
        assert portal.get("/portal/journal/").status_code == 200
