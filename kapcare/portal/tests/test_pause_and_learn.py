"""Pause ("I'd like to pause") and the Learn pages."""

import json

import pytest
from django.test import Client as HttpClient

from kapcare.core import clock
from kapcare.pathway.models import TreatmentPlan, TreatmentPlanVersion
from kapcare.pathway.services import record_plan
from kapcare.pathway.vocabulary import PlanFormat, PlanStatus, TreatmentModality
from kapcare.people.access import actor_for_user
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.models import CareTeamNotice
from kapcare.portal.views.learn import TOPICS

Staff = dict[Role, StaffMember]


def _plan(client: Client, staff: Staff, status: PlanStatus = PlanStatus.ACTIVE) -> None:
    record_plan(
        actor=actor_for_user(staff[Role.THERAPIST].user),
        client_id=client.pk,
        plan_format=PlanFormat.ONGOING,
        status=status,
        modalities=[TreatmentModality.KAP],
        now=clock.now(),
    )


def test_pausing_pauses_the_plan_keeps_its_history_and_tells_the_care_team(
    portal: HttpClient, team_client: Client, staff: Staff
) -> None:
    _plan(team_client, staff)
    page = portal.get("/portal/pause/").content.decode()
    assert "no pressure" in page

    response = portal.post("/portal/pause/", {"note": "I need some time."}, follow=True)

    body = response.content.decode()
    assert "Your KAP plan is paused" in body
    assert "There is no pressure" in body
    plan = TreatmentPlan.objects.get(client=team_client)
    assert (plan.status, plan.updated_by_id, plan.changed_by_client) == ("paused", None, True)
    latest = TreatmentPlanVersion.objects.filter(client=team_client).order_by("-id").first()
    assert latest is not None
    assert (latest.status, latest.changed_by_id, latest.changed_by_client) == (
        "paused",
        None,
        True,
    )
    notice = CareTeamNotice.objects.get(client=team_client)
    assert (notice.kind, notice.detail) == ("pause_requested", "I need some time.")


def test_without_a_plan_the_care_team_is_still_told(
    portal: HttpClient, team_client: Client
) -> None:
    response = portal.post("/portal/pause/", {"note": ""})

    assert response.status_code == 302
    assert not TreatmentPlan.objects.exists()
    assert CareTeamNotice.objects.get(client=team_client).kind == "pause_requested"


def test_a_closed_plan_stays_closed(portal: HttpClient, team_client: Client, staff: Staff) -> None:
    _plan(team_client, staff, PlanStatus.CLOSED)

    portal.post("/portal/pause/", {})

    assert TreatmentPlan.objects.get(client=team_client).status == "closed"


def test_an_overlong_note_stays_on_the_page(portal: HttpClient, team_client: Client) -> None:
    response = portal.post("/portal/pause/", {"note": "x" * 2001})

    assert response.status_code == 422
    assert "Keep the note to 2,000 characters." in response.content.decode()
    assert not CareTeamNotice.objects.exists()


def test_the_api_pauses(portal: HttpClient, team_client: Client, staff: Staff) -> None:
    _plan(team_client, staff)

    response = portal.post(
        "/api/v1/portal/pause", json.dumps({"note": ""}), content_type="application/json"
    )

    assert response.json() == {"plan_status": "paused"}


def test_staff_cannot_pause_through_the_portal(
    client: HttpClient, team_client: Client, staff: Staff
) -> None:
    _plan(team_client, staff)
    client.force_login(staff[Role.THERAPIST].user)

    assert client.post("/portal/pause/", {}).status_code == 404
    assert TreatmentPlan.objects.get(client=team_client).status == "active"


@pytest.mark.parametrize("slug", [slug for slug, _, _ in TOPICS])
def test_every_learn_page_reads(portal: HttpClient, slug: str) -> None:
    index = portal.get("/portal/learn/").content.decode()
    page = portal.get(f"/portal/learn/{slug}/")

    assert f"/portal/learn/{slug}/" in index
    assert page.status_code == 200
    assert "<h2>" in page.content.decode()


def test_an_unknown_learn_page_is_not_found(portal: HttpClient) -> None:
    assert portal.get("/portal/learn/nothing-here/").status_code == 404


def test_the_preparation_page_says_the_practical_things(portal: HttpClient) -> None:
    page = portal.get("/portal/learn/preparation/").content.decode()

    for words in ("no food for 4 hours", "no drinks for 2 hours", "A ride home", "No driving"):
        assert words in page
