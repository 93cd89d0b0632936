"""The admin: client and audit-event pages are read-only, superuser-only and audited."""

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client as HttpClient
from django.test import RequestFactory

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.audit.services import AuditSource, record_event
from kapcare.audit.verify import verify_chain
from kapcare.people.models import Client
from kapcare.people.policy import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ADDRESS = "192.0.2.55"


@pytest.fixture
def superuser() -> User:
    return make_user(email="root@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def http(superuser: User) -> HttpClient:
    http = HttpClient(REMOTE_ADDR=ADDRESS)
    http.force_login(superuser)
    return http


def _new_events(after: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=after).order_by("seq"))


def _last_seq() -> int:
    last = AuditEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


def test_viewing_the_client_changelist_records_a_read_per_client(
    http: HttpClient, superuser: User, team_client: Client, other_client: Client
) -> None:
    seq = _last_seq()

    response = http.get("/admin/people/client/")

    assert response.status_code == 200
    assert team_client.legal_family_name.encode() in response.content
    events = _new_events(seq)
    assert sorted(
        (e.client_id, e.action, e.outcome, e.actor_id, e.source_ip, e.category, e.detail)
        for e in events
    ) == sorted(
        (c.pk, "read", "success", superuser.pk, ADDRESS, "demographics", "admin:client_list")
        for c in (team_client, other_client)
    )


def test_viewing_a_client_page_records_a_read(
    http: HttpClient, superuser: User, team_client: Client
) -> None:
    seq = _last_seq()

    response = http.get(f"/admin/people/client/{team_client.pk}/change/")

    assert response.status_code == 200
    assert [
        (e.client_id, e.action, e.outcome, e.actor_id, e.source_ip, e.detail)
        for e in _new_events(seq)
    ] == [(team_client.pk, "read", "success", superuser.pk, ADDRESS, "admin:client")]
    assert verify_chain() is None


def test_viewing_a_client_history_records_a_read(
    http: HttpClient, superuser: User, team_client: Client
) -> None:
    seq = _last_seq()
    response = http.get(f"/admin/people/client/{team_client.pk}/history/")
    assert response.status_code == 200
    assert [(e.client_id, e.action, e.detail) for e in _new_events(seq)] == [
        (team_client.pk, "read", "admin:client_history")
    ]


def test_a_missing_client_page_records_no_read(http: HttpClient, practice: object) -> None:
    seq = _last_seq()
    response = http.get("/admin/people/client/987654/change/")
    assert response.status_code == 302  # the admin's "no such record" redirect
    assert _new_events(seq) == []


def test_client_add_change_and_delete_are_refused(
    http: HttpClient, superuser: User, team_client: Client
) -> None:
    # Given
    before = Client.objects.values().get(pk=team_client.pk)
    count = Client.objects.count()
    seq = _last_seq()

    # When
    add = http.post("/admin/people/client/add/", {"legal_given_name": "New"})
    change = http.post(
        f"/admin/people/client/{team_client.pk}/change/", {"legal_given_name": "Changed"}
    )
    delete = http.post(f"/admin/people/client/{team_client.pk}/delete/", {"post": "yes"})

    # Then
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert Client.objects.count() == count
    assert Client.objects.values().get(pk=team_client.pk) == before
    # The refused change and delete of a named client are audited as denied.
    assert [
        (e.client_id, e.action, e.outcome, e.actor_id, e.detail)
        for e in _new_events(seq)
        if e.client_id is not None
    ] == [
        (team_client.pk, "denied", "denied", superuser.pk, "admin:client"),
        (team_client.pk, "denied", "denied", superuser.pk, "admin:client_delete"),
    ]


def test_client_admin_permissions() -> None:
    client_admin = admin.site._registry[Client]
    request = RequestFactory().get("/admin/")
    request.user = make_user(is_superuser=True, is_staff=True)
    assert client_admin.has_view_permission(request) is True
    assert client_admin.has_add_permission(request) is False
    assert client_admin.has_change_permission(request) is False
    assert client_admin.has_delete_permission(request) is False


def test_an_admin_user_who_is_not_a_superuser_cannot_read_clients(
    team_client: Client,
) -> None:
    # Given an admin user with Django's "view client" permission
    clerk = make_user(is_staff=True)
    clerk.user_permissions.add(
        Permission.objects.get(codename="view_client", content_type__app_label="people")
    )
    http = HttpClient()
    http.force_login(clerk)
    seq = _last_seq()

    # When
    listing = http.get("/admin/people/client/")
    page = http.get(f"/admin/people/client/{team_client.pk}/change/")

    # Then the admin, which knows no care teams, shows them nothing, and says so in the trail
    assert (listing.status_code, page.status_code) == (403, 403)
    assert team_client.legal_family_name.encode() not in listing.content + page.content
    assert [(e.client_id, e.action, e.outcome) for e in _new_events(seq)] == [
        (None, "denied", "denied"),
        (team_client.pk, "denied", "denied"),
    ]


# ---------------------------------------------------------------- the audit-event admin


@pytest.fixture
def event() -> AuditEvent:
    return record_event(
        source=AuditSource(user=None, source_ip="192.0.2.1"),
        action=AuditAction.READ,
        client_id=7,
        detail="page:chart",
    )


def test_audit_event_admin_refuses_add_change_and_delete(
    http: HttpClient, event: AuditEvent
) -> None:
    before = AuditEvent.objects.values().get(pk=event.pk)

    add = http.post("/admin/audit/auditevent/add/", {"detail": "forged"})
    change = http.post(f"/admin/audit/auditevent/{event.pk}/change/", {"detail": "forged"})
    delete = http.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    bulk = http.post(
        "/admin/audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert bulk.status_code in {200, 302}  # no delete action is offered
    assert AuditEvent.objects.values().get(pk=event.pk) == before
    assert verify_chain() is None


def test_audit_event_admin_permissions() -> None:
    event_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/")
    request.user = make_user(is_superuser=True, is_staff=True)
    assert event_admin.has_view_permission(request) is True
    assert event_admin.has_add_permission(request) is False
    assert event_admin.has_change_permission(request) is False
    assert event_admin.has_delete_permission(request) is False
    assert "delete_selected" not in event_admin.get_actions(request)


def test_reading_the_trail_in_the_admin_is_audited(
    http: HttpClient, superuser: User, event: AuditEvent
) -> None:
    seq = _last_seq()

    listing = http.get("/admin/audit/auditevent/")
    page = http.get(f"/admin/audit/auditevent/{event.pk}/change/")

    assert (listing.status_code, page.status_code) == (200, 200)
    assert [(e.action, e.outcome, e.category, e.actor_id, e.detail) for e in _new_events(seq)] == [
        ("read", "success", "audit", superuser.pk, "admin:audit_list"),
        ("read", "success", "audit", superuser.pk, f"admin:audit_event:{event.pk}"),
    ]


def test_staff_who_are_not_admin_users_are_sent_to_the_admin_sign_in(
    signed_in: Callable[[Role], HttpClient], team_client: Client
) -> None:
    # Every role is covered by the permission matrix; one spot check here.
    response = signed_in(Role.PRIVACY_OFFICER).get("/admin/audit/auditevent/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not AuditEvent.objects.filter(outcome=AuditOutcome.SUCCESS, category="audit").exists()
