"""An EMDR session named in the session note: linked from the note editor (or the API)
while the note is a draft, summarised on the note, and linked back from the target."""

from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.notes.models import EmdrSession, SessionNote
from kapcare.notes.tests.api_helpers import send
from kapcare.notes.tests.fixtures import held_appointment
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import EmdrSessionFactory, make_client

SignIn = Callable[[Role], HttpClient]


def _note(client: Client, author: StaffMember) -> SessionNote:
    appointment = held_appointment(client, author)
    return SessionNote.objects.create(
        client=client, appointment=appointment, kind="therapy", author=author,
        created_at=appointment.end, updated_at=appointment.end,
    )  # fmt: skip


def _emdr(client: Client, staff: StaffMember) -> EmdrSession:
    session: EmdrSession = EmdrSessionFactory.create(
        target__client=client, target__created_by=staff, recorded_by=staff
    )
    return session


@pytest.fixture
def note(team_client: Client, staff: dict[Role, StaffMember]) -> SessionNote:
    return _note(team_client, staff[Role.THERAPIST])


def test_the_note_editor_links_an_emdr_session_and_the_target_links_back(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember], note: SessionNote
) -> None:
    http = signed_in(Role.THERAPIST)
    emdr = _emdr(team_client, staff[Role.THERAPIST])
    # Given the editor offers the client's EMDR session
    page = http.get(f"/notes/{note.pk}/")
    assert b"EMDR session to add to this note" in page.content
    # When the therapist adds it
    done = http.post(f"/notes/{note.pk}/emdr/", {"emdr_session": emdr.pk})
    assert done.status_code == 302
    emdr.refresh_from_db()
    assert emdr.note_id == note.pk
    # Then the note summarises it and the target's page links back to the note
    page = http.get(f"/notes/{note.pk}/")
    assert "SUD 7 → 3, VOC 2 → 4".encode() in page.content
    target = http.get(f"/emdr-targets/{emdr.target_id}/")
    assert f'href="/notes/{note.pk}/"'.encode() in target.content
    assert send(http, "GET", f"/api/v1/session-notes/{note.pk}").json()["emdr_sessions"] == [
        emdr.pk
    ]


def test_the_api_refuses_another_clients_session_and_a_signed_note(
    signed_in: SignIn,
    team_client: Client,
    staff: dict[Role, StaffMember],
    note: SessionNote,
) -> None:
    http = signed_in(Role.THERAPIST)
    url = f"/api/v1/session-notes/{note.pk}/emdr-sessions"
    stranger = _emdr(make_client(practice=team_client.practice), staff[Role.THERAPIST])
    refused = send(http, "POST", url, {"emdr_session": stranger.pk})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "emdr_session"
    emdr = _emdr(team_client, staff[Role.THERAPIST])
    SessionNote.objects.filter(pk=note.pk).update(signed_at=note.created_at)
    locked = send(http, "POST", url, {"emdr_session": emdr.pk})
    assert locked.status_code == 422
    emdr.refresh_from_db()
    assert emdr.note_id is None


def test_only_the_author_links(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember], note: SessionNote
) -> None:
    emdr = _emdr(team_client, staff[Role.THERAPIST])
    url = f"/api/v1/session-notes/{note.pk}/emdr-sessions"
    assert (
        send(signed_in(Role.MEDICAL_PROVIDER), "POST", url, {"emdr_session": emdr.pk}).status_code
        == 422
    )
    assert (
        send(signed_in(Role.FRONT_DESK), "POST", url, {"emdr_session": emdr.pk}).status_code == 404
    )
    emdr.refresh_from_db()
    assert emdr.note_id is None


def _error_beside_select(content: bytes) -> str:
    """The EMDR section's HTML, where the refusal must be (not the messages at the top)."""
    html = content.decode()
    return html[html.index('id="emdr"') : html.index("</section>", html.index('id="emdr"'))]


def test_the_page_shows_a_refused_link_beside_the_emdr_select(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember], note: SessionNote
) -> None:
    http = signed_in(Role.THERAPIST)
    _emdr(team_client, staff[Role.THERAPIST])  # so the select is offered
    stranger = _emdr(make_client(practice=team_client.practice), staff[Role.THERAPIST])
    # Another client's EMDR session: refused beside the select, the select marked invalid
    refused = http.post(f"/notes/{note.pk}/emdr/", {"emdr_session": stranger.pk})
    assert refused.status_code == 422
    section = _error_beside_select(refused.content)
    assert 'class="field-error" id="id_emdr_session_error"' in section
    assert "Choose one of this client&#x27;s EMDR sessions not yet in a note." in section
    assert 'aria-describedby="id_emdr_session_error"' in section
    assert b"<title>Error: " in refused.content
    stranger.refresh_from_db()
    assert stranger.note_id is None
    # A signed note: the select is gone, the refusal stands where it was
    SessionNote.objects.filter(pk=note.pk).update(signed_at=note.created_at)
    mine = _emdr(team_client, staff[Role.THERAPIST])
    locked = http.post(f"/notes/{note.pk}/emdr/", {"emdr_session": mine.pk})
    assert locked.status_code == 422
    assert 'class="field-error" id="emdr-error"' in _error_beside_select(locked.content)
    mine.refresh_from_db()
    assert mine.note_id is None
