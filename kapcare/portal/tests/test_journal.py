"""Intentions and the integration journal: private to the client until shared; the care
team reads the shared ones on the chart and through the API, never the private ones."""

import datetime as dt
import json

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.people.access import Actor, NotFound
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.models import CareTeamNotice, JournalEntry
from kapcare.portal.services.journal import BODY_MAX, share_entry, write_entry
from kapcare.portal.tests.fixtures import portal_user_of
from kapcare.portal.vocabulary import EntryKind
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus
from tests.factories import make_appointment, make_journal_entry
from tests.whole_chart import whole_chart

INTENTION = "I would like to stay curious about the part that braces."
PRIVATE = "Only mine: the dream about the blue door."


def _medicine_session(client: Client, *, days: int) -> int:
    start = clock.now() + dt.timedelta(days=days)
    return make_appointment(
        client=client,
        kind=AppointmentKind.MEDICINE.value,
        start=start,
        end=start + dt.timedelta(hours=3),
    ).pk


def test_an_intention_is_private_and_belongs_to_the_next_medicine_session(
    portal_actor: Actor, team_client: Client
) -> None:
    # Given a past and two coming medicine sessions
    _medicine_session(team_client, days=-10)
    soonest = _medicine_session(team_client, days=3)
    _medicine_session(team_client, days=10)

    # When
    entry = write_entry(
        actor=portal_actor, kind=EntryKind.INTENTION, body=f"  {INTENTION} ", share=False,
        now=clock.now(),
    )  # fmt: skip

    # Then
    assert (entry.body, entry.appointment_id, entry.shared_at) == (INTENTION, soonest, None)
    assert not CareTeamNotice.objects.filter(client=team_client).exists()


def test_a_journal_entry_belongs_to_the_latest_session_that_has_started(
    portal_actor: Actor, team_client: Client
) -> None:
    _medicine_session(team_client, days=-20)
    latest = _medicine_session(team_client, days=-2)
    _medicine_session(team_client, days=5)

    entry = write_entry(
        actor=portal_actor, kind=EntryKind.JOURNAL, body="Softer.", share=False, now=clock.now()
    )

    assert entry.appointment_id == latest


def test_a_cancelled_session_is_not_the_one_an_entry_is_about(
    portal_actor: Actor, team_client: Client
) -> None:
    cancelled = _medicine_session(team_client, days=2)
    from kapcare.scheduling.models import Appointment

    Appointment.objects.filter(pk=cancelled).update(
        status=AppointmentStatus.CANCELLED.value,
        status_changed_by=Appointment.objects.get(pk=cancelled).created_by,
    )

    entry = write_entry(
        actor=portal_actor, kind=EntryKind.INTENTION, body="x", share=False, now=clock.now()
    )

    assert entry.appointment_id is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Write something first; even a few words are enough."),
        ("x" * (BODY_MAX + 1), "Keep one entry to 10,000 characters; start another."),
    ],
)
def test_an_empty_or_overlong_entry_is_refused_on_its_field(
    portal_actor: Actor, body: str, message: str
) -> None:
    with pytest.raises(FieldError) as refused:
        write_entry(
            actor=portal_actor, kind=EntryKind.JOURNAL, body=body, share=False, now=clock.now()
        )
    assert (refused.value.field, refused.value.message) == ("body", message)
    assert not JournalEntry.objects.exists()


def test_sharing_tells_the_care_team_once_without_copying_the_text(
    portal_actor: Actor, team_client: Client
) -> None:
    entry = write_entry(
        actor=portal_actor, kind=EntryKind.INTENTION, body=INTENTION, share=False, now=clock.now()
    )

    share_entry(actor=portal_actor, entry_id=entry.pk, now=clock.now())
    again = share_entry(actor=portal_actor, entry_id=entry.pk, now=clock.now() + dt.timedelta(1))

    assert again.shared_at is not None
    assert again.shared_at < clock.now() + dt.timedelta(hours=1)
    notices = list(CareTeamNotice.objects.filter(client=team_client))
    assert [(n.kind, n.detail) for n in notices] == [("intentions_shared", "")]


def test_a_client_cannot_share_another_clients_entry(
    portal_actor: Actor, other_client: Client
) -> None:
    theirs = make_journal_entry(client=other_client)

    with pytest.raises(NotFound):
        share_entry(actor=portal_actor, entry_id=theirs.pk, now=clock.now())

    theirs.refresh_from_db()
    assert theirs.shared_at is None


# --- pages ---------------------------------------------------------------------------


def test_the_client_writes_intentions_and_reads_them_back(
    portal: HttpClient, team_client: Client
) -> None:
    page = portal.get("/portal/journal/intentions/").content.decode()
    assert "Which parts of you might show up" in page

    response = portal.post("/portal/journal/intentions/", {"body": INTENTION})

    assert response.status_code == 302
    assert response["Location"] == "/portal/journal/"
    listing = portal.get("/portal/journal/").content.decode()
    assert INTENTION in listing
    assert "Private: only you can read this." in listing


def test_an_empty_entry_stays_on_the_page_with_the_error_by_its_field(portal: HttpClient) -> None:
    response = portal.post("/portal/journal/write/", {"body": "", "share": "on"})

    assert response.status_code == 422
    page = response.content.decode()
    assert "Write something first; even a few words are enough." in page
    assert 'id="id_body_error"' in page
    assert not JournalEntry.objects.exists()


def test_sharing_from_the_page_says_so(portal: HttpClient, team_client: Client) -> None:
    entry = make_journal_entry(client=team_client, body=PRIVATE)

    response = portal.post(f"/portal/journal/{entry.pk}/share", follow=True)

    assert "Shared. Your care team can read it now." in response.content.decode()
    entry.refresh_from_db()
    assert entry.shared_at is not None


def test_changing_the_id_finds_nothing_and_is_audited(
    portal: HttpClient, other_client: Client
) -> None:
    theirs = make_journal_entry(client=other_client)

    response = portal.post(f"/portal/journal/{theirs.pk}/share")

    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).exists()
    theirs.refresh_from_db()
    assert theirs.shared_at is None


def test_the_journal_page_shows_only_the_clients_own_entries(
    portal: HttpClient, team_client: Client, other_client: Client
) -> None:
    make_journal_entry(client=team_client, body="mine")
    make_journal_entry(client=other_client, body="someone else's")

    page = portal.get("/portal/journal/").content.decode()

    assert "mine" in page
    assert "someone else" not in page


# --- the API -------------------------------------------------------------------------


def test_the_api_writes_lists_and_shares(portal: HttpClient, team_client: Client) -> None:
    created = portal.post(
        "/api/v1/portal/journal",
        json.dumps({"kind": "journal", "body": PRIVATE}),
        content_type="application/json",
    )
    assert created.status_code == 201
    entry = created.json()
    assert (entry["kind"], entry["body"], entry["shared_at"]) == ("journal", PRIVATE, None)

    listed = portal.get("/api/v1/portal/journal").json()
    assert listed["count"] == 1
    assert [i["id"] for i in listed["items"]] == [entry["id"]]

    shared = portal.post(f"/api/v1/portal/journal/{entry['id']}/share").json()
    assert shared["shared_at"] is not None


def test_the_api_names_the_field_it_refuses(portal: HttpClient) -> None:
    response = portal.post(
        "/api/v1/portal/journal",
        json.dumps({"kind": "dream", "body": ""}),
        content_type="application/json",
    )

    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"kind", "body"} <= fields
    assert not JournalEntry.objects.exists()


# --- the care team -------------------------------------------------------------------


def test_the_care_team_reads_shared_entries_only(
    client: HttpClient, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    # Given one shared and one private entry
    make_journal_entry(client=team_client, body=INTENTION, kind="intention", shared_at=clock.now())
    make_journal_entry(client=team_client, body=PRIVATE)
    client.force_login(staff[Role.THERAPIST].user)

    # When the therapist opens the chart and the API
    chart = whole_chart(client, team_client.pk).content.decode()
    listed = client.get(f"/api/v1/clients/{team_client.pk}/shared-journal").json()

    # Then the shared one is there, the private one nowhere
    assert "Shared from the portal" in chart
    assert INTENTION in chart
    assert PRIVATE not in chart
    assert [i["body"] for i in listed["items"]] == [INTENTION]


def test_front_desk_does_not_see_the_journal(
    client: HttpClient, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    make_journal_entry(client=team_client, body=INTENTION, shared_at=clock.now())
    client.force_login(staff[Role.FRONT_DESK].user)

    chart = whole_chart(client, team_client.pk).content.decode()
    api = client.get(f"/api/v1/clients/{team_client.pk}/shared-journal")

    assert INTENTION not in chart
    assert api.status_code == 404


def test_a_second_portal_client_cannot_read_the_first_ones_entries(
    client: HttpClient, team_client: Client, other_client: Client
) -> None:
    make_journal_entry(client=team_client, body=PRIVATE)
    client.force_login(portal_user_of(other_client, email="second@example.com"))

    listed = client.get("/api/v1/portal/journal").json()

    assert listed == {"items": [], "count": 0}
