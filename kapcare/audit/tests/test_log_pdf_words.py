"""The audit log PDF reads as the audit page does: actions, outcomes and data in words and
each event as a sentence, never the codes it is stored with (those stay in the CSV and API)."""

from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import AuditSource, record_event
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

pytestmark = pytest.mark.django_db


def test_the_audit_pdf_prints_words_not_codes(
    signed_in: Callable[[Role], HttpClient],
    staff: dict[Role, StaffMember],
    team_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given: events stored with codes
    source = AuditSource(user=staff[Role.THERAPIST].user, source_ip="127.0.0.1")
    record_event(
        source=source,
        action=AuditAction.READ,
        client_id=team_client.pk,
        category="medicine_session",
        detail="page:console",
    )
    record_event(
        source=source,
        action=AuditAction.DENIED,
        outcome=AuditOutcome.DENIED,
        client_id=team_client.pk,
        category="psychotherapy_notes",
        detail="read:api:get_note",
    )
    printed: list[str] = []

    def capture(html: str) -> bytes:
        printed.append(html)
        return b"%PDF-1.7"

    monkeypatch.setattr("kapcare.audit.exports.html_to_pdf", capture)

    # When
    response = signed_in(Role.PRIVACY_OFFICER).get("/audit/?format=pdf")

    # Then
    assert response.status_code == 200
    (html,) = printed
    assert "Opened: the client&#x27;s medicine-session record, on the console page" in html
    assert "Was refused: the client&#x27;s psychotherapy notes, through the API (get note)" in html
    assert "medicine session" in html  # the data column, in words
    for code in ("medicine_session", "psychotherapy_notes", "page:console", "read:api:get_note"):
        assert code not in html, code
