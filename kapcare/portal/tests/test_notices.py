"""The care team is told what a client did in the portal, on the staff home page."""

from collections.abc import Callable

from django.test import Client as HttpClient

from kapcare.core import clock
from kapcare.people.access import Actor
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.models import CareTeamNotice
from kapcare.portal.services.notices import tell_care_team
from kapcare.portal.vocabulary import NoticeKind


def _notice(actor: Actor, client: Client) -> CareTeamNotice:
    return tell_care_team(
        actor=actor,
        client=client,
        kind=NoticeKind.PAUSE_REQUESTED,
        now=clock.now(),
        detail="I need some time.",
    )


def test_the_care_teams_clinicians_see_the_notice_on_their_home_page(
    portal_actor: Actor,
    team_client: Client,
    signed_in: Callable[[Role], HttpClient],
) -> None:
    _notice(portal_actor, team_client)
    body = signed_in(Role.THERAPIST).get("/").content.decode()
    assert "From the portal" in body
    assert "asked to pause the KAP plan" in body
    assert "I need some time." in body


def test_roles_without_clinical_access_do_not(
    portal_actor: Actor, team_client: Client, client: HttpClient, staff: dict[Role, StaffMember]
) -> None:
    _notice(portal_actor, team_client)
    for role in (Role.MONITOR, Role.FRONT_DESK, Role.PRIVACY_OFFICER):
        client.force_login(staff[role].user)
        assert "From the portal" not in client.get("/").content.decode(), role


def test_marking_seen_takes_it_off_everyones_list(
    portal_actor: Actor,
    team_client: Client,
    signed_in: Callable[[Role], HttpClient],
    staff: dict[Role, StaffMember],
) -> None:
    notice = _notice(portal_actor, team_client)
    http = signed_in(Role.MEDICAL_PROVIDER)
    response = http.post(f"/portal-notices/{notice.pk}/seen")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.seen_by == staff[Role.MEDICAL_PROVIDER]
    assert "From the portal" not in http.get("/").content.decode()
