"""Audit events read as sentences on the privacy officer's page."""

import pytest

from kapcare.audit.wording import describe_event


@pytest.mark.parametrize(
    ("action", "category", "detail", "about_client", "sentence"),
    [
        (
            "read",
            "medical",
            "chart:plan",
            True,
            "Opened: the client's medical record, on the chart's plan panel",
        ),
        (
            "read",
            "demographics",
            "read:api:get_client",
            True,
            "Opened: the client's details, through the API (get client)",
        ),
        ("read", "audit", "page:audit_log", False, "Opened: the audit log, on the audit log page"),
        ("login", "", "", False, "Signed in"),
        ("login", "", "sign-in failed", False, "Signed in, sign-in failed"),
        (
            "create",
            "demographics",
            "client:possible_duplicate",
            True,
            "Added: the client's details, client, possible duplicate",
        ),
        (
            "denied",
            "medicine_session",
            "medicine:32:sign:medical_provider",
            True,
            "Was refused: the client's medicine-session record, "
            "medicine, 32, sign, medical provider",
        ),
        ("update", "schedule", "", True, "Changed: the client's schedule"),
    ],
)
def test_an_event_reads_as_a_sentence(
    action: str, category: str, detail: str, about_client: bool, sentence: str
) -> None:
    assert (
        describe_event(action=action, category=category, detail=detail, about_client=about_client)
        == sentence
    )
