"""Emergency access through ``people.access`` and ``people.emergency.services``: who may
ask, what it opens (that client, that person, until it ends), how every read under it is
audited, the privacy officers' e-mail, and the review."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.people.access import (
    Actor,
    NotFound,
    access_client,
    actor_for_user,
    allowed_categories,
    may_edit_demographics,
    one_page_view,
    visible_clients,
)
from kapcare.people.emergency import services, tasks
from kapcare.people.emergency.rules import ReviewState
from kapcare.people.models import Client, EmergencyAccess, Practice, StaffMember
from kapcare.people.policy import Category, Role
from tests.factories import make_client, make_practice, make_staff

pytestmark = pytest.mark.django_db

ActorFor = Callable[[Role], Actor]
NOW = dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC)
SITE = "https://care.example.org"
REASON = "Client called in crisis; their therapist is away."


@pytest.fixture(autouse=True)
def _held_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kapcare.core.clock.now", lambda: NOW)


def _move_clock(monkeypatch: pytest.MonkeyPatch, to: dt.datetime) -> None:
    monkeypatch.setattr("kapcare.core.clock.now", lambda: to)


def _ask(actor: Actor, client: Client, reason: str = REASON) -> services.Asked:
    return services.request_emergency_access(
        actor=actor, client_id=client.pk, reason=reason, detail="test"
    )


def _fresh(member: StaffMember) -> Actor:
    """A new request's actor (an actor caches what it looked up within one request)."""
    return actor_for_user(member.user, source_ip="127.0.0.1")


# ---------------------------------------------------------------- what a grant opens


def test_an_off_team_therapist_opens_the_record_for_the_practice_time_box(
    actor: ActorFor, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = actor(Role.THERAPIST)
    with pytest.raises(NotFound):
        access_client(therapist, other_client.pk, Category.CLINICAL)

    asked = _ask(therapist, other_client)

    assert asked.opened
    access = EmergencyAccess.objects.get()
    assert (access.staff, access.client, access.reason) == (
        staff[Role.THERAPIST],
        other_client,
        REASON,
    )
    assert (access.starts_at, access.ends_at) == (NOW, NOW + dt.timedelta(hours=4))
    later = _fresh(staff[Role.THERAPIST])
    for category in (Category.CLINICAL, Category.MEDICAL, Category.SAFETY, Category.DEMOGRAPHICS):
        assert access_client(later, other_client.pk, category) == other_client
    assert may_edit_demographics(later, other_client.pk)


def test_the_time_box_is_the_practice_setting(
    actor: ActorFor, other_client: Client, practice: Practice
) -> None:
    Practice.objects.filter(pk=practice.pk).update(emergency_access_hours=1)
    access = _ask(actor(Role.THERAPIST), other_client).access
    assert access.ends_at - access.starts_at == dt.timedelta(hours=1)


def test_the_grant_covers_that_client_only(
    actor: ActorFor, other_client: Client, practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    third = make_client(practice=practice)
    _ask(actor(Role.THERAPIST), other_client)
    later = _fresh(staff[Role.THERAPIST])
    with pytest.raises(NotFound):
        access_client(later, third.pk, Category.CLINICAL)
    assert Category.CLINICAL not in allowed_categories(later, third.pk)


def test_the_grant_covers_that_person_only(
    actor: ActorFor, other_client: Client, practice: Practice
) -> None:
    _ask(actor(Role.THERAPIST), other_client)
    colleague = make_staff(practice=practice, roles=[Role.THERAPIST])
    with pytest.raises(NotFound):
        access_client(_fresh(colleague), other_client.pk, Category.CLINICAL)


def test_the_grant_ends_by_itself(
    actor: ActorFor,
    other_client: Client,
    staff: dict[Role, StaffMember],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _ask(actor(Role.THERAPIST), other_client)
    _move_clock(monkeypatch, NOW + dt.timedelta(hours=4) - dt.timedelta(seconds=1))
    access_client(_fresh(staff[Role.THERAPIST]), other_client.pk, Category.CLINICAL)
    _move_clock(monkeypatch, NOW + dt.timedelta(hours=4))
    ended = _fresh(staff[Role.THERAPIST])
    with pytest.raises(NotFound):
        access_client(ended, other_client.pk, Category.CLINICAL)
    assert not may_edit_demographics(ended, other_client.pk)
    denied = AuditEvent.objects.order_by("-seq").first()
    assert denied is not None
    assert denied.action == AuditAction.DENIED


def test_a_monitor_gets_what_a_monitor_gets_on_the_team_and_no_more(
    actor: ActorFor, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    _ask(actor(Role.MONITOR), other_client)
    monitor = _fresh(staff[Role.MONITOR])
    access_client(monitor, other_client.pk, Category.MEDICINE_SESSION)
    with pytest.raises(NotFound):
        access_client(monitor, other_client.pk, Category.MEDICAL)


@pytest.mark.parametrize("role", [Role.PRIVACY_OFFICER, Role.FRONT_DESK])
def test_the_privacy_officer_and_front_desk_cannot_ask(
    actor: ActorFor, other_client: Client, role: Role
) -> None:
    with pytest.raises(PermissionDenied):
        _ask(actor(role), other_client)
    assert not EmergencyAccess.objects.exists()
    refused = AuditEvent.objects.get(outcome=AuditOutcome.DENIED)
    assert (refused.client_id, refused.category) == (other_client.pk, "emergency_access")


@pytest.mark.parametrize("role", [Role.PRIVACY_OFFICER, Role.FRONT_DESK])
def test_a_grant_row_gives_the_privacy_officer_and_front_desk_no_clinical_data(
    staff: dict[Role, StaffMember], other_client: Client, role: Role
) -> None:
    # Even a grant written straight into the table (no service would) opens nothing clinical.
    EmergencyAccess.objects.create(
        practice=other_client.practice,
        client=other_client,
        staff=staff[role],
        reason=REASON,
        starts_at=NOW,
        ends_at=NOW + dt.timedelta(hours=4),
    )
    officer = _fresh(staff[role])
    for category in (Category.CLINICAL, Category.MEDICAL, Category.SAFETY):
        with pytest.raises(NotFound):
            access_client(officer, other_client.pk, category)


def test_a_grant_opens_no_lists(
    actor: ActorFor, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    """The caseload lists and bulk exports stay the care team's: the grant opens the one
    record, each of whose reads is audited as an emergency read."""
    _ask(actor(Role.THERAPIST), other_client)
    later = _fresh(staff[Role.THERAPIST])
    assert other_client not in visible_clients(later, Category.CLINICAL)


def test_someone_on_the_care_team_needs_none(actor: ActorFor, team_client: Client) -> None:
    with pytest.raises(FieldError) as refused:
        _ask(actor(Role.THERAPIST), team_client)
    assert refused.value.field == "reason"
    assert not EmergencyAccess.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "crisis\x00", "crisis\x1b[0m"])
def test_a_missing_or_unclean_reason_opens_nothing(
    actor: ActorFor, other_client: Client, reason: str
) -> None:
    with pytest.raises(FieldError) as refused:
        _ask(actor(Role.THERAPIST), other_client, reason)
    assert refused.value.field == "reason"
    assert not EmergencyAccess.objects.exists()


def test_a_client_of_another_practice_or_none_is_not_found(actor: ActorFor) -> None:
    elsewhere = make_client(practice=make_practice(name="Another Practice"))
    therapist = actor(Role.THERAPIST)
    with pytest.raises(NotFound):
        _ask(therapist, elsewhere)
    with pytest.raises(NotFound):
        services.request_emergency_access(
            actor=therapist, client_id=10**12, reason=REASON, detail="test"
        )
    assert not EmergencyAccess.objects.exists()


def test_asking_again_while_open_answers_the_open_one(
    actor: ActorFor, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    first = _ask(actor(Role.THERAPIST), other_client)
    again = _ask(_fresh(staff[Role.THERAPIST]), other_client, "Another reason")
    assert not again.opened
    assert again.access.pk == first.access.pk
    assert EmergencyAccess.objects.count() == 1


# ---------------------------------------------------------------- the audit trail


def test_the_grant_and_every_read_under_it_are_audited_as_emergency(
    actor: ActorFor, other_client: Client, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    access = _ask(actor(Role.THERAPIST), other_client).access
    opened = AuditEvent.objects.get(category="emergency_access")
    assert (opened.action, opened.client_id, opened.detail) == (
        AuditAction.CREATE,
        other_client.pk,
        f"test:{access.pk}",
    )
    later = _fresh(staff[Role.THERAPIST])
    access_client(later, other_client.pk, Category.CLINICAL, detail="api:get_plan")
    with one_page_view(later):  # a chart's panels: written together, each an emergency read
        access_client(later, other_client.pk, Category.SAFETY, detail="page:chart")
        access_client(later, other_client.pk, Category.MEDICAL, detail="chart:medical")
    access_client(later, team_client.pk, Category.CLINICAL, detail="api:get_plan")
    reads = list(
        AuditEvent.objects.filter(seq__gt=opened.seq)
        .order_by("seq")
        .values_list("action", "client_id", "category", "detail")
    )
    assert reads == [
        (AuditAction.EMERGENCY, other_client.pk, "clinical", "api:get_plan"),
        (AuditAction.EMERGENCY, other_client.pk, "safety", "page:chart"),
        (AuditAction.EMERGENCY, other_client.pk, "medical", "chart:medical"),
        # the therapist's own client: an ordinary read
        (AuditAction.READ, team_client.pk, "clinical", "api:get_plan"),
    ]
    assert later.emergency_reads == {other_client.pk: access}


# ---------------------------------------------------------------- telling the officer


def test_the_privacy_officers_are_e_mailed_from_the_task_queue(
    actor: ActorFor,
    other_client: Client,
    staff: dict[Role, StaffMember],
    practice: Practice,
    django_capture_on_commit_callbacks: Any,
) -> None:
    second_officer = make_staff(
        practice=practice, roles=[Role.PRIVACY_OFFICER], user__email="po2@example.org"
    )
    make_staff(  # another practice's officer hears nothing
        practice=make_practice(name="Another Practice"),
        roles=[Role.PRIVACY_OFFICER],
        user__email="elsewhere@example.org",
    )
    with django_capture_on_commit_callbacks(execute=True):
        access = services.request_emergency_access(
            actor=actor(Role.THERAPIST),
            client_id=other_client.pk,
            reason=REASON,
            detail="test",
            on_open=tasks.queue_notice(SITE),
        ).access
    queued = DBTaskResult.objects.get(
        task_path="kapcare.people.emergency.tasks.notify_privacy_officers"
    )
    assert queued.args_kwargs["args"][0] == access.pk

    assert tasks.notify_privacy_officers.call(access.pk, SITE) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [staff[Role.PRIVACY_OFFICER].user.email, second_officer.user.email]
    )
    message = mail.outbox[0]
    assert message.subject == tasks.EMAIL_SUBJECT
    assert staff[Role.THERAPIST].user.full_name in message.body
    assert f"{SITE}/emergency-access/" in message.body
    # No client and no reason in an e-mail.
    for secret in (other_client.legal_given_name, other_client.legal_family_name, "crisis"):
        assert secret not in message.body


def test_a_failed_e_mail_is_tried_again_later(
    actor: ActorFor, other_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    access = _ask(actor(Role.THERAPIST), other_client).access

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert tasks.notify_privacy_officers.call(access.pk, SITE) == 0
    retry = DBTaskResult.objects.get(
        task_path="kapcare.people.emergency.tasks.notify_privacy_officers"
    )
    assert retry.args_kwargs["args"] == [access.pk, SITE, 2]


# ---------------------------------------------------------------- the review


def test_the_review_list_shows_what_was_read_under_each_access(
    actor: ActorFor,
    other_client: Client,
    team_client: Client,
    staff: dict[Role, StaffMember],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    access = _ask(actor(Role.THERAPIST), other_client).access
    later = _fresh(staff[Role.THERAPIST])
    access_client(later, other_client.pk, Category.CLINICAL, detail="page:plan")
    _move_clock(monkeypatch, NOW + dt.timedelta(minutes=30))
    access_client(
        _fresh(staff[Role.THERAPIST]), other_client.pk, Category.CLINICAL, detail="page:plan"
    )
    access_client(
        _fresh(staff[Role.THERAPIST]), team_client.pk, Category.CLINICAL, detail="page:plan"
    )

    officer = actor(Role.PRIVACY_OFFICER)
    [row] = services.reads_of(list(services.accesses_for_review(officer, detail="test")))
    assert row.access == access
    assert row.state == ReviewState.OPEN
    assert [(r.category, r.detail, r.times) for r in row.reads] == [("clinical", "page:plan", 2)]
    assert (row.reads[0].first_at, row.reads[0].last_at) == (NOW, NOW + dt.timedelta(minutes=30))
    listed = AuditEvent.objects.order_by("-seq").first()
    assert listed is not None
    assert (listed.action, listed.category) == (AuditAction.READ, "audit")

    _move_clock(monkeypatch, NOW + dt.timedelta(hours=5))
    [row] = services.reads_of(list(services.accesses_for_review(officer, detail="test")))
    assert row.state == ReviewState.TO_REVIEW


def test_the_review_list_is_the_practice_privacy_officers_only(
    actor: ActorFor, other_client: Client
) -> None:
    _ask(actor(Role.THERAPIST), other_client)
    for role in (Role.THERAPIST, Role.FRONT_DESK, Role.MEDICAL_PROVIDER):
        with pytest.raises(NotFound):
            services.accesses_for_review(actor(role), detail="test")
    elsewhere = make_staff(
        practice=make_practice(name="Another Practice"), roles=[Role.PRIVACY_OFFICER]
    )
    assert not services.accesses_for_review(_fresh(elsewhere), detail="test").exists()


def test_the_privacy_officer_marks_an_access_reviewed_once(
    actor: ActorFor, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    access = _ask(actor(Role.THERAPIST), other_client).access
    officer = actor(Role.PRIVACY_OFFICER)
    services.review_emergency_access(
        actor=officer,
        access_id=access.pk,
        note="Confirmed with the client's therapist.",
        detail="t",
    )
    access.refresh_from_db()
    assert (access.reviewed_at, access.reviewed_by, access.review_note) == (
        NOW,
        staff[Role.PRIVACY_OFFICER],
        "Confirmed with the client's therapist.",
    )
    reviewed = AuditEvent.objects.order_by("-seq").first()
    assert reviewed is not None
    assert (reviewed.action, reviewed.category, reviewed.client_id) == (
        AuditAction.UPDATE,
        "emergency_access",
        other_client.pk,
    )
    with pytest.raises(FieldError, match="reviewed already"):
        services.review_emergency_access(
            actor=officer, access_id=access.pk, note="again", detail="t"
        )
    assert services.accesses_for_review(officer, to_review_only=True, detail="t").count() == 0


def test_no_one_else_marks_one_reviewed(actor: ActorFor, other_client: Client) -> None:
    access = _ask(actor(Role.THERAPIST), other_client).access
    elsewhere = make_staff(
        practice=make_practice(name="Another Practice"), roles=[Role.PRIVACY_OFFICER]
    )
    for reviewer in (actor(Role.THERAPIST), actor(Role.FRONT_DESK), _fresh(elsewhere)):
        with pytest.raises(NotFound):
            services.review_emergency_access(
                actor=reviewer, access_id=access.pk, note="", detail="t"
            )
    access.refresh_from_db()
    assert access.reviewed_at is None
