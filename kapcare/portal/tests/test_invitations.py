"""Portal invitations: staff invite (API and chart), the task queue mails a single-use
link, the client chooses a password and lands in the portal; sign out everywhere and
ending access."""

import datetime as dt
import re
import smtplib
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django_tasks_db.models import DBTaskResult

from kapcare.accounts.models import User
from kapcare.audit.models import AuditEvent, AuditOutcome
from kapcare.core import clock, mail_retry
from kapcare.people.access import actor_for_user
from kapcare.people.models import Client, ClientAccount, StaffMember
from kapcare.people.policy import Role
from kapcare.portal import tasks
from kapcare.portal.models import PortalInvitation
from kapcare.portal.services import invitations
from kapcare.portal.tests.fixtures import portal_user_of
from kapcare.portal.vocabulary import InvitationStatus
from tests.whole_chart import whole_chart

Staff = dict[Role, StaffMember]
SITE = "http://testserver"
PASSWORD = "a calm river at dusk 7"
TASK_PATH = "kapcare.portal.tasks.send_portal_invitation"
NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _held_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def _as(http: HttpClient, member: StaffMember) -> HttpClient:
    http.force_login(member.user)
    return http


def _invite(staff: Staff, client: Client, role: Role = Role.FRONT_DESK) -> PortalInvitation:
    return invitations.invite_client(
        actor=actor_for_user(staff[role].user), client_id=client.pk, now=clock.now()
    )


def _send(invitation: PortalInvitation) -> str:
    """Run the mail task; the link's token from the mail."""
    mail.outbox.clear()
    assert tasks.send_portal_invitation.call(invitation.pk, SITE) is True
    (message,) = mail.outbox
    match = re.search(r"http://testserver/portal/welcome/(\S+)/", str(message.body))
    assert match is not None
    return match.group(1)


def _open_link(http: HttpClient, token: str) -> Any:
    return http.get(f"/portal/welcome/{token}/")


def _accept(http: HttpClient, token: str, password: str = PASSWORD) -> Any:
    opened = _open_link(http, token)
    assert opened.status_code == 302
    assert opened["Location"] == "/portal/welcome/"
    return http.post("/portal/welcome/", {"password1": password, "password2": password})


# --- inviting -------------------------------------------------------------------------------


def test_front_desk_invites_by_api_and_the_mail_is_queued_after_commit(
    client: HttpClient,
    staff: Staff,
    team_client: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _as(client, staff[Role.FRONT_DESK])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/clients/{team_client.pk}/portal-invitation")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["client"] == team_client.pk
    assert body["email"] == team_client.email.lower()
    assert body["status"] == "queued"
    assert body["expires_at"] is None  # the link is made when the mail goes
    queued = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert queued.args_kwargs["args"] == [body["id"], SITE]  # no token in the queue
    event = AuditEvent.objects.filter(detail="portal:invitation").get()
    assert event.client_id == team_client.pk


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.MEDICAL_PROVIDER])
def test_clinicians_on_the_care_team_may_invite(
    client: HttpClient, staff: Staff, team_client: Client, role: Role
) -> None:
    response = _as(client, staff[role]).post(f"/api/v1/clients/{team_client.pk}/portal-invitation")
    assert response.status_code == 201


def test_a_monitor_sees_the_client_but_may_not_invite(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    response = _as(client, staff[Role.MONITOR]).post(
        f"/api/v1/clients/{team_client.pk}/portal-invitation"
    )
    assert response.status_code == 403
    assert not PortalInvitation.objects.exists()
    assert AuditEvent.objects.filter(outcome=AuditOutcome.DENIED, detail="portal:invite").exists()


def test_a_clinician_off_the_care_team_finds_no_client(
    client: HttpClient, staff: Staff, other_client: Client
) -> None:
    response = _as(client, staff[Role.THERAPIST]).post(
        f"/api/v1/clients/{other_client.pk}/portal-invitation"
    )
    assert response.status_code == 404


def test_a_portal_client_cannot_invite(
    portal: HttpClient, team_client: Client, other_client: Client
) -> None:
    for target in (team_client, other_client):
        assert portal.post(f"/api/v1/clients/{target.pk}/portal-invitation").status_code == 404


def test_a_client_without_an_email_address_is_refused_on_the_field(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    Client.objects.filter(pk=team_client.pk).update(email="")
    response = _as(client, staff[Role.FRONT_DESK]).post(
        f"/api/v1/clients/{team_client.pk}/portal-invitation"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "email", "message": "Add the client's e-mail address to their details first."}
    ]


def test_a_staff_address_is_refused(client: HttpClient, staff: Staff, team_client: Client) -> None:
    Client.objects.filter(pk=team_client.pk).update(email=staff[Role.MONITOR].user.email.upper())
    response = _as(client, staff[Role.FRONT_DESK]).post(
        f"/api/v1/clients/{team_client.pk}/portal-invitation"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "email"


def test_a_client_who_signs_in_already_is_not_invited(
    client: HttpClient, staff: Staff, team_client: Client, portal_user: User
) -> None:
    response = _as(client, staff[Role.FRONT_DESK]).post(
        f"/api/v1/clients/{team_client.pk}/portal-invitation"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "client"


def test_inviting_again_revokes_the_open_invitation(staff: Staff, team_client: Client) -> None:
    first = _invite(staff, team_client)
    token = _send(first)
    second = _invite(staff, team_client)
    first.refresh_from_db()
    assert first.status(NOW) == InvitationStatus.REVOKED
    assert second.status(NOW) == InvitationStatus.QUEUED
    with pytest.raises(invitations.InvitationUnusable) as refused:
        invitations.usable_invitation(digest=invitations.invitation_digest(token), now=NOW)
    assert refused.value.reason == "revoked"


# --- the mail -------------------------------------------------------------------------------


def test_the_mail_holds_a_link_whose_token_is_stored_only_as_a_digest(
    staff: Staff, team_client: Client
) -> None:
    invitation = _invite(staff, team_client)
    token = _send(invitation)
    (message,) = mail.outbox
    assert message.to == [team_client.email.lower()]
    assert "72 hours" in message.body
    invitation.refresh_from_db()
    assert invitation.digest == invitations.invitation_digest(token)
    assert invitation.digest is not None
    assert token not in invitation.digest
    assert invitation.sent_at == NOW
    assert invitation.expires_at == NOW + dt.timedelta(hours=72)
    assert invitation.status(NOW) == InvitationStatus.SENT


def test_a_revoked_invitation_is_not_mailed(staff: Staff, team_client: Client) -> None:
    first = _invite(staff, team_client)
    _invite(staff, team_client)
    assert tasks.send_portal_invitation.call(first.pk, SITE) is False
    assert mail.outbox == []


def test_a_failed_mail_is_retried_later_then_given_up(
    staff: Staff, team_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", down)
    invitation = _invite(staff, team_client)
    assert tasks.send_portal_invitation.call(invitation.pk, SITE) is False
    retry = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert retry.args_kwargs["args"] == [invitation.pk, SITE, 2]
    assert retry.run_after == NOW + dt.timedelta(minutes=1)
    invitation.refresh_from_db()
    assert invitation.status(NOW) == InvitationStatus.QUEUED
    assert tasks.send_portal_invitation.call(invitation.pk, SITE, mail_retry.MAX_ATTEMPTS) is False
    invitation.refresh_from_db()
    assert invitation.status(NOW) == InvitationStatus.FAILED
    assert invitation.digest is None  # no link in any mail works
    failed = AuditEvent.objects.order_by("-seq").first()
    assert failed is not None
    assert (failed.action, failed.outcome, failed.client_id, failed.detail) == (
        "export",
        "failure",
        team_client.pk,
        f"portal:invitation:{invitation.pk}:mail-failed",
    )


# --- accepting -------------------------------------------------------------------------------


def test_the_client_chooses_a_password_and_lands_in_the_portal(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    token = _send(_invite(staff, team_client))
    opened = _open_link(client, token)
    assert opened.status_code == 302
    page = client.get("/portal/welcome/")
    assert page.status_code == 200
    assert team_client.email.lower() in page.content.decode()
    assert token not in page.content.decode()
    done = client.post("/portal/welcome/", {"password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/portal/"
    home = client.get("/portal/")
    assert home.status_code == 200
    account = ClientAccount.objects.get(client=team_client)
    assert account.is_open
    assert account.user.check_password(PASSWORD)
    assert account.user.email == team_client.email.lower()
    invitation = PortalInvitation.objects.get()
    assert invitation.status(NOW) == InvitationStatus.ACCEPTED
    assert AuditEvent.objects.filter(detail="portal:invitation-accepted").exists()


@pytest.mark.parametrize(
    ("password", "words"),
    [("short1!", "too short"), ("password1234", "too common"), ("", "required")],
)
def test_a_weak_password_is_refused_on_its_field(
    client: HttpClient, staff: Staff, team_client: Client, password: str, words: str
) -> None:
    token = _send(_invite(staff, team_client))
    response = _accept(client, token, password)
    assert response.status_code == 422
    assert words in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ClientAccount.objects.exists()
    assert client.get("/portal/welcome/").status_code == 200  # the link still works


def test_passwords_that_differ_are_refused(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    token = _send(_invite(staff, team_client))
    _open_link(client, token)
    response = client.post("/portal/welcome/", {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert response.status_code == 422
    assert not ClientAccount.objects.exists()


def test_a_used_link_gives_a_clear_page(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    token = _send(_invite(staff, team_client))
    _accept(client, token)
    other = HttpClient()
    response = _open_link(other, token)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_an_expired_link_gives_a_clear_page(
    client: HttpClient, staff: Staff, team_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _send(_invite(staff, team_client))
    monkeypatch.setattr(clock, "now", lambda: NOW + dt.timedelta(hours=72))
    response = _open_link(client, token)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_link_that_expires_while_the_page_is_open_is_refused(
    client: HttpClient, staff: Staff, team_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _send(_invite(staff, team_client))
    _open_link(client, token)
    monkeypatch.setattr(clock, "now", lambda: NOW + dt.timedelta(hours=73))
    response = client.post("/portal/welcome/", {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410
    assert not ClientAccount.objects.exists()


def test_a_replaced_link_gives_a_clear_page(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    token = _send(_invite(staff, team_client))
    _invite(staff, team_client)
    response = _open_link(client, token)
    assert response.status_code == 410
    assert "replaced" in response.content.decode()


@pytest.mark.parametrize("token", ["nonsense", "x" * 300, "abc.def"])
def test_an_unknown_link_is_not_found(client: HttpClient, token: str) -> None:
    response = _open_link(client, token)
    assert response.status_code == 404
    assert "does not work" in response.content.decode()


def test_the_form_without_a_link_in_the_session_is_not_found(client: HttpClient) -> None:
    assert client.get("/portal/welcome/").status_code == 404


def test_a_measures_completion_token_opens_no_invitation(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    from kapcare.measures import tokens as measure_tokens

    token, _ = measure_tokens.make_token()
    assert _open_link(client, token).status_code == 404


# --- signing out everywhere, ending access ------------------------------------------------


def test_sign_out_everywhere_ends_every_session_of_the_client(team_client: Client) -> None:
    user = portal_user_of(team_client)
    phone, laptop = HttpClient(), HttpClient()
    phone.force_login(user)
    laptop.force_login(user)
    assert laptop.get("/portal/").status_code == 200
    response = phone.post("/portal/account/sign-out-everywhere")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/"
    for device in (phone, laptop):
        assert device.get("/portal/").status_code == 302  # to the sign-in page
    assert AuditEvent.objects.filter(detail="portal:signed-out-everywhere").exists()
    again = HttpClient()
    again.force_login(User.objects.get(pk=user.pk))
    assert again.get("/portal/").status_code == 200  # signing in again works


def test_the_account_page_offers_password_second_step_and_sign_out_everywhere(
    portal: HttpClient,
) -> None:
    page = portal.get("/portal/account/").content.decode()
    assert "/accounts/password/" in page
    assert "/accounts/security/" in page
    assert "Sign out everywhere" in page


def test_staff_end_portal_access_and_can_invite_again(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    user = portal_user_of(team_client)
    device = HttpClient()
    device.force_login(user)
    _as(client, staff[Role.FRONT_DESK])
    ended = client.post(f"/api/v1/clients/{team_client.pk}/portal-access/end")
    assert ended.status_code == 200
    assert ended.json()["signs_in"] is False
    assert device.get("/portal/").status_code == 302
    invited = client.post(f"/api/v1/clients/{team_client.pk}/portal-invitation")
    assert invited.status_code == 201
    token = _send(PortalInvitation.objects.get(pk=invited.json()["id"]))
    assert _accept(HttpClient(), token).status_code == 302
    account = ClientAccount.objects.get(client=team_client)
    assert account.is_open
    assert account.user_id == user.pk


def test_the_portal_access_read(client: HttpClient, staff: Staff, team_client: Client) -> None:
    _invite(staff, team_client)
    body = _as(client, staff[Role.MONITOR]).get(f"/api/v1/clients/{team_client.pk}/portal-access")
    assert body.status_code == 200
    assert body.json()["signs_in"] is False
    assert body.json()["invitation"]["status"] == "queued"


def test_a_monitor_may_not_end_access(
    client: HttpClient, staff: Staff, team_client: Client, portal_user: User
) -> None:
    response = _as(client, staff[Role.MONITOR]).post(
        f"/api/v1/clients/{team_client.pk}/portal-access/end"
    )
    assert response.status_code == 403
    assert ClientAccount.objects.get(client=team_client).is_open


# --- the chart -----------------------------------------------------------------------------


def test_the_chart_invites_and_ends_access(
    client: HttpClient,
    staff: Staff,
    team_client: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _as(client, staff[Role.FRONT_DESK])
    profile = client.get(f"/clients/{team_client.pk}/profile/").content.decode()
    assert "Invite to the portal" in profile
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"/clients/{team_client.pk}/portal/invite", {"back": "profile"}, follow=True
        )
    assert sent.redirect_chain[-1][0] == f"/clients/{team_client.pk}/profile/#portal-h"
    assert "The invitation is on its way" in sent.content.decode()
    assert "Send a new invitation" in sent.content.decode()
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 1
    portal_user_of(team_client, email=team_client.email)
    _as(client, staff[Role.THERAPIST])
    chart = whole_chart(client, team_client.pk).content.decode()
    assert "End portal access" in chart
    ended = client.post(f"/clients/{team_client.pk}/portal/end", {"back": "chart"}, follow=True)
    assert ended.redirect_chain[-1][0] == f"/clients/{team_client.pk}/#portal-h"
    assert "Portal access ended" in ended.content.decode()


def test_the_chart_says_why_a_client_cannot_be_invited(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    Client.objects.filter(pk=team_client.pk).update(email="")
    chart = whole_chart(_as(client, staff[Role.THERAPIST]), team_client.pk).content.decode()
    assert "Add the client&#x27;s e-mail address to their details first." in chart
    assert "Invite to the portal" not in chart


def test_a_monitor_sees_the_panel_without_buttons(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    chart = whole_chart(_as(client, staff[Role.MONITOR]), team_client.pk).content.decode()
    assert 'id="portal-h"' in chart
    assert "Invite to the portal" not in chart
    assert client.post(f"/clients/{team_client.pk}/portal/invite").status_code == 404
