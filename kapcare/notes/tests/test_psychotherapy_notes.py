"""Psychotherapy notes: the author alone reads them (everyone else 404, audited), only
ciphertext reaches the database, and a key rotation re-encrypts and reads back."""

import secrets
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.core.keys import decode_key
from kapcare.notes.crypto import KEY_ENV, PREVIOUS_KEYS_ENV, KeyRing, UnreadableNote
from kapcare.notes.models import PsychotherapyNote
from kapcare.notes.psychotherapy import sealed_of as _sealed
from kapcare.notes.tests.api_helpers import send
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_care_team_member, make_staff

SignIn = Callable[[Role], HttpClient]
SECRET_TEXT = "Countertransference: I felt the pull to rescue her again."


def _key() -> str:
    return secrets.token_urlsafe(32)


@pytest.fixture(autouse=True)
def notes_key(monkeypatch: pytest.MonkeyPatch) -> str:
    key = _key()
    monkeypatch.setenv(KEY_ENV, key)
    monkeypatch.delenv(PREVIOUS_KEYS_ENV, raising=False)
    return key


def _write(http: HttpClient, client: Client, text: str = SECRET_TEXT) -> dict[str, object]:
    response = send(http, "POST", f"/api/v1/clients/{client.pk}/psychotherapy-notes",
                    {"text": text})  # fmt: skip
    assert response.status_code == 201, response.content
    return response.json()  # type: ignore[no-any-return]


def test_the_author_writes_and_reads_and_the_database_holds_only_ciphertext(
    signed_in: SignIn, team_client: Client
) -> None:
    therapist = signed_in(Role.THERAPIST)
    written = _write(therapist, team_client)

    listed = send(therapist, "GET", f"/api/v1/clients/{team_client.pk}/psychotherapy-notes")
    assert [n["text"] for n in listed.json()["items"]] == [SECRET_TEXT]
    one = send(therapist, "GET", f"/api/v1/psychotherapy-notes/{written['id']}")
    assert one.json()["text"] == SECRET_TEXT

    # The raw row, as the database stores it
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM notes_psychotherapynote")
        row = cursor.fetchone()
    raw = b"".join(bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row)
    assert SECRET_TEXT.encode() not in raw
    assert b"rescue" not in raw
    # and every read was audited, with no text in the trail
    reads = AuditEvent.objects.filter(category="psychotherapy_notes", action=AuditAction.READ)
    assert reads.count() == 2
    assert not AuditEvent.objects.filter(detail__contains="rescue").exists()


@pytest.mark.parametrize(
    "role", [Role.MEDICAL_PROVIDER, Role.MONITOR, Role.FRONT_DESK, Role.PRIVACY_OFFICER]
)
def test_nobody_else_reads_or_writes_them(
    signed_in: SignIn, team_client: Client, role: Role
) -> None:
    written = _write(signed_in(Role.THERAPIST), team_client)
    http = signed_in(role)
    url = f"/api/v1/clients/{team_client.pk}/psychotherapy-notes"
    assert send(http, "GET", url).status_code == 404
    assert send(http, "GET", f"/api/v1/psychotherapy-notes/{written['id']}").status_code == 404
    assert send(http, "POST", url, {"text": "mine"}).status_code == 404
    assert PsychotherapyNote.objects.count() == 1
    assert AuditEvent.objects.filter(outcome=AuditOutcome.DENIED).count() == 3


def test_another_therapist_on_the_team_sees_only_their_own(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    written = _write(signed_in(Role.THERAPIST), team_client)
    colleague = make_staff(practice=team_client.practice, roles=[Role.THERAPIST],
                           user__email="colleague@example.org")  # fmt: skip
    make_care_team_member(client=team_client, staff=colleague, role=Role.THERAPIST)
    http = signed_in(Role.THERAPIST)
    http.force_login(colleague.user)

    listed = send(http, "GET", f"/api/v1/clients/{team_client.pk}/psychotherapy-notes")
    assert listed.json() == {"items": [], "count": 0}
    one = send(http, "GET", f"/api/v1/psychotherapy-notes/{written['id']}")
    assert one.status_code == 404
    assert SECRET_TEXT not in one.content.decode()
    denied = AuditEvent.objects.get(outcome=AuditOutcome.DENIED)
    assert (denied.actor_id, denied.client_id) == (colleague.user_id, team_client.pk)


def test_a_ciphertext_copied_to_another_client_does_not_open(
    signed_in: SignIn, team_client: Client, other_client: Client
) -> None:
    _write(signed_in(Role.THERAPIST), team_client)
    note = PsychotherapyNote.objects.get()
    ring = KeyRing.from_environment()
    sealed_for = {"author_id": note.author_id}
    assert ring.open(_sealed(note), client_id=team_client.pk, **sealed_for) == SECRET_TEXT
    with pytest.raises(UnreadableNote):
        ring.open(_sealed(note), client_id=other_client.pk, **sealed_for)


def test_production_needs_the_key(settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setattr(settings, "PRODUCTION", True)
    with pytest.raises(ImproperlyConfigured, match=KEY_ENV):
        KeyRing.from_environment()


def test_rotation_re_encrypts_every_note_and_reads_it_back(
    signed_in: SignIn, team_client: Client, notes_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    therapist = signed_in(Role.THERAPIST)
    for text in (SECRET_TEXT, "Second note", "Third note"):
        _write(therapist, team_client, text)
    old_id = KeyRing.from_environment().current_id

    # When the key is rotated: a new current key, the old one listed as previous
    new_key = _key()
    monkeypatch.setenv(KEY_ENV, new_key)
    monkeypatch.setenv(PREVIOUS_KEYS_ENV, notes_key)
    out = StringIO()
    call_command("rotate_notes_key", stdout=out)

    # Then every note is under the new key and opens with the new key alone
    assert "Re-encrypted 3 of 3" in out.getvalue()
    assert "all 3 read back" in out.getvalue()
    assert SECRET_TEXT not in out.getvalue()
    only_new = KeyRing.of(decode_key(KEY_ENV, new_key))
    notes = list(PsychotherapyNote.objects.order_by("pk"))
    assert {n.key_id for n in notes} == {only_new.current_id} != {old_id}
    assert [
        only_new.open(_sealed(n), client_id=n.client_id, author_id=n.author_id) for n in notes
    ] == [SECRET_TEXT, "Second note", "Third note"]
    monkeypatch.delenv(PREVIOUS_KEYS_ENV)
    listed = send(therapist, "GET", f"/api/v1/clients/{team_client.pk}/psychotherapy-notes")
    assert sorted(n["text"] for n in listed.json()["items"]) == sorted(
        [SECRET_TEXT, "Second note", "Third note"]
    )

    # and running it again changes nothing
    out = StringIO()
    call_command("rotate_notes_key", stdout=out)
    assert "Re-encrypted 0 of 3" in out.getvalue()


def test_rotation_without_the_old_key_stops_and_changes_nothing(
    signed_in: SignIn, team_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(signed_in(Role.THERAPIST), team_client)
    before = list(PsychotherapyNote.objects.values_list("key_id", "nonce", "ciphertext"))
    monkeypatch.setenv(KEY_ENV, _key())
    with pytest.raises(CommandError, match="Rotation stopped"):
        call_command("rotate_notes_key", stdout=StringIO())
    after = list(PsychotherapyNote.objects.values_list("key_id", "nonce", "ciphertext"))
    assert [(k, bytes(n), bytes(c)) for k, n, c in after] == [
        (k, bytes(n), bytes(c)) for k, n, c in before
    ]
