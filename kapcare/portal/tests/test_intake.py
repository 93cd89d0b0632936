"""The intake in the portal: drafts are the client's alone, sending needs contact, an
emergency contact, goals and medicines (never the reflection), and the care team sees
what was sent on the chart and is told."""

import pytest
from django.test import Client as HttpClient

from kapcare.accounts.models import User
from kapcare.audit.models import AuditEvent
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.intake_rules import REQUIRED_TO_SEND, missing_to_send
from kapcare.portal.models import CareTeamNotice, Intake
from tests.whole_chart import whole_chart

Staff = dict[Role, StaffMember]

FILLED = {
    "phone": "215-555-0199",
    "emergency_contact_name": "Sam Lindell",
    "emergency_contact_relationship": "brother",
    "emergency_contact_phone": "215-555-0100",
    "history": "Two long relationships that ended the same way.",
    "goals": "To stay present when someone gets close.",
    "medications": "Sertraline 50 mg",
    "fit_stuck": "fits",
    "fit_fear": "not_sure",
}


def test_sending_needs_contact_goals_and_medicines_but_never_the_reflection() -> None:
    assert missing_to_send(FILLED) == {}
    assert list(missing_to_send({})) == list(REQUIRED_TO_SEND)
    assert missing_to_send({**FILLED, "goals": "   "}) == {"goals": REQUIRED_TO_SEND["goals"]}
    without_reflection = {k: v for k, v in FILLED.items() if not k.startswith("fit_")}
    assert missing_to_send(without_reflection) == {}


def test_a_draft_is_saved_and_not_shown_to_the_care_team(
    portal: HttpClient, client: HttpClient, team_client: Client, staff: Staff
) -> None:
    response = portal.post("/portal/intake/", {"history": "A start.", "action": "save"})
    assert response.status_code == 302
    intake = Intake.objects.get(client=team_client)
    assert intake.history == "A start."
    assert intake.submitted_at is None
    assert not CareTeamNotice.objects.exists()
    page = portal.get("/portal/intake/").content.decode()
    assert "A start." in page
    client.force_login(staff[Role.THERAPIST].user)
    chart = whole_chart(client, team_client.pk).content.decode()
    assert "A start." not in chart
    assert "has not sent an intake" in chart


def test_sending_with_something_missing_is_refused_on_its_field(
    portal: HttpClient, team_client: Client
) -> None:
    response = portal.post("/portal/intake/", {**FILLED, "medications": "", "action": "send"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "List the medicines you take, or write &quot;none&quot;." in body
    assert 'aria-invalid="true"' in body
    assert "Sertraline" not in body or "Two long relationships" in body  # nothing lost
    assert "Two long relationships" in body
    assert not Intake.objects.exists()


def test_sending_saves_contact_on_the_record_tells_the_team_and_shows_on_the_chart(
    portal: HttpClient, client: HttpClient, team_client: Client, staff: Staff, portal_user: User
) -> None:
    response = portal.post("/portal/intake/", {**FILLED, "action": "send"})
    assert response.status_code == 302
    team_client.refresh_from_db()
    assert team_client.phone == "215-555-0199"
    assert team_client.emergency_contact_name == "Sam Lindell"
    intake = Intake.objects.get(client=team_client)
    assert intake.sent
    assert intake.fit_stuck == "fits"
    assert intake.fit_harm == ""
    notice = CareTeamNotice.objects.get()
    assert notice.kind == "intake_submitted"
    assert AuditEvent.objects.filter(actor=portal_user, detail="portal:intake:sent").exists()
    client.force_login(staff[Role.THERAPIST].user)
    chart = whole_chart(client, team_client.pk).content.decode()
    assert "To stay present when someone gets close." in chart
    assert "Sertraline 50 mg" in chart
    assert "This fits me" in chart
    assert "not answered" in chart


def test_the_intake_read_by_api(portal: HttpClient, team_client: Client, staff: Staff) -> None:
    client = HttpClient()  # the therapist's, beside the client's own (``portal``)
    client.force_login(staff[Role.THERAPIST].user)
    nothing = client.get(f"/api/v1/clients/{team_client.pk}/intake").json()
    assert nothing["submitted_at"] is None
    assert nothing["goals"] == ""
    portal.post("/portal/intake/", {**FILLED, "action": "send"})
    body = client.get(f"/api/v1/clients/{team_client.pk}/intake").json()
    assert body["goals"] == "To stay present when someone gets close."
    assert body["reflection"][0] == {
        "statement": "You understand your relationship patterns but still feel emotionally stuck",
        "answer": "fits",
    }
    assert body["reflection"][2]["answer"] is None


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_the_intake_is_clinical(
    client: HttpClient, team_client: Client, staff: Staff, role: Role
) -> None:
    client.force_login(staff[role].user)
    assert client.get(f"/api/v1/clients/{team_client.pk}/intake").status_code == 404


def test_staff_cannot_open_the_portal_intake(client: HttpClient, staff: Staff) -> None:
    client.force_login(staff[Role.THERAPIST].user)
    assert client.get("/portal/intake/").status_code == 404
