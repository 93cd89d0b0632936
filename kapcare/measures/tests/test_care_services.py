"""The measures services: what is stored, flagged, audited and emailed."""

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

import pytest
from django.core import mail

from kapcare.audit.models import AuditEvent
from kapcare.audit.services import AuditSource
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.measures import services
from kapcare.measures.models import (
    CompletionLink,
    MeasureAssignment,
    MeasureResponse,
    RiskFlag,
    Schedule,
)
from kapcare.measures.tests.care import (
    ASQ_ACUTE,
    DES_HIGH,
    DES_LOW,
    GAD7,
    PHQ9_CLEAR,
    PHQ9_FLAGGED,
)
from kapcare.people.access import Actor, NotFound
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from tests.factories import make_location, make_room

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
SOURCE = AuditSource(user=None, source_ip="203.0.113.9")


@pytest.fixture
def therapist(actor: Callable[[Role], Actor]) -> Actor:
    return actor(Role.THERAPIST)


def _record(
    actor: Actor, client: Client, code: str, answers: Sequence[object]
) -> services.Recorded:
    return services.record_response(
        actor=actor,
        client_id=client.pk,
        instrument_code=code,
        answers=answers,
        now=NOW,
        site_url="https://care.example.org",
    )


def _medicine_session(client: Client, staff: StaffMember, start: dt.datetime, **kw: object) -> None:
    room = make_room(location=make_location(practice=client.practice), kind="medicine")
    Appointment.objects.create(
        client=client,
        kind="medicine",
        modality="in_person",
        start=start,
        end=start + dt.timedelta(hours=3),
        location=room.location,
        room=room,
        created_by=staff,
        created_at=NOW,
        **kw,
    )


# ---------------------------------------------------------------- recording


def test_a_staff_entry_stores_answers_scores_and_who_entered_it(
    therapist: Actor, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    recorded = _record(therapist, team_client, "gad-7", GAD7)

    response = MeasureResponse.objects.get()
    assert recorded.response == response
    assert recorded.risk_flags == []
    assert (
        response.instrument_code,
        response.instrument_version,
        response.answers,
        response.total,
        response.severity,
        response.source,
        response.entered_by,
        response.completed_at,
    ) == ("GAD-7", "1.0", GAD7, Decimal("9"), "mild", "staff", staff[Role.THERAPIST], NOW)
    event = AuditEvent.objects.filter(detail__startswith="measure_response:").get()
    assert (event.action, event.category, event.client_id) == ("create", "clinical", team_client.pk)
    assert event.detail == f"measure_response:{response.pk}:GAD-7:staff"
    assert mail.outbox == []


def test_means_and_outcomes_are_stored_as_scored(therapist: Actor, team_client: Client) -> None:
    _record(therapist, team_client, "ECR-RS", [1, 2, 3, 4, 5, 6, 7, 7, 6])
    response = MeasureResponse.objects.get()
    # avoidance: items 1-4 reversed (7, 6, 5, 4) with 5, 6: mean 5.5; anxiety (7, 7, 6): 6.67
    assert response.total is None
    assert response.subscales == {"avoidance": 5.5, "anxiety": 6.67}
    _record(therapist, team_client, "ASQ", ASQ_ACUTE)
    assert MeasureResponse.objects.get(instrument_code="ASQ").outcomes == {"risk": "acute"}


def test_phq9_item_9_raises_a_suicidality_flag_and_emails_the_care_team(
    therapist: Actor,
    team_client: Client,
    staff: dict[Role, StaffMember],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        recorded = _record(therapist, team_client, "PHQ-9", PHQ9_FLAGGED)

    [flag] = recorded.risk_flags
    assert (flag.code, flag.client, flag.response, flag.raised_at, flag.is_open) == (
        "suicidality",
        team_client,
        recorded.response,
        NOW,
        True,
    )
    assert AuditEvent.objects.filter(
        category="safety",
        action="create",
        client_id=team_client.pk,
        detail=f"risk_flag:{flag.pk}:suicidality",
    ).exists()
    # One email per care-team member (therapist, medical provider, monitor), nothing clinical.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        staff[r].user.email for r in (Role.THERAPIST, Role.MEDICAL_PROVIDER, Role.MONITOR)
    )
    message = mail.outbox[0]
    assert message.subject == "KAP Care: a safety flag needs review"
    assert message.body == (
        "A safety flag needs review.\n\n"
        f"Open the chart (sign-in required): https://care.example.org/clients/{team_client.pk}/#safety\n\n"
        "This message is sent to the client's care team by KAP Care.\n"
    )
    for text in (team_client.legal_given_name, team_client.legal_family_name, "PHQ", "suicid"):
        assert text not in f"{message.subject}{message.body}"


def test_no_email_when_nothing_is_flagged(
    therapist: Actor, team_client: Client, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        _record(therapist, team_client, "PHQ-9", PHQ9_CLEAR)
    assert mail.outbox == []
    assert not RiskFlag.objects.exists()


def test_a_mail_server_that_is_down_leaves_the_flag_on_the_chart(
    team_client: Client, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    assert services.notify_care_team(client_id=team_client.pk, site_url="") == 0


def test_high_dissociation_is_a_risk_flag_only_with_a_medicine_session_ahead(
    therapist: Actor, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    _record(therapist, team_client, "DES-II", DES_HIGH)
    assert not RiskFlag.objects.exists()  # nothing booked: the screening reads it instead

    _medicine_session(team_client, staff[Role.FRONT_DESK], NOW + dt.timedelta(days=31))
    _record(therapist, team_client, "DES-II", DES_HIGH)
    assert not RiskFlag.objects.exists()  # beyond the 30 days ahead

    _medicine_session(
        team_client,
        staff[Role.FRONT_DESK],
        NOW + dt.timedelta(days=3),
        status="cancelled",
        status_changed_by=staff[Role.FRONT_DESK],
    )
    _record(therapist, team_client, "DES-II", DES_HIGH)
    assert not RiskFlag.objects.exists()  # a cancelled session is not ahead

    _medicine_session(team_client, staff[Role.FRONT_DESK], NOW + dt.timedelta(days=5))
    _record(therapist, team_client, "DES-II", DES_LOW)
    assert not RiskFlag.objects.exists()
    recorded = _record(therapist, team_client, "DES-II", DES_HIGH)
    assert [f.code for f in recorded.risk_flags] == ["high_dissociation"]


def test_a_wrong_answer_is_a_field_error_and_stores_nothing(
    therapist: Actor, team_client: Client
) -> None:
    with pytest.raises(FieldError) as error:
        _record(therapist, team_client, "PHQ-9", [0, 0, 0, 7, 0, 0, 0, 0, 0])
    assert (error.value.field, error.value.message) == (
        "answers.3",
        "PHQ-9 item 4 must be one of 0, 1, 2, 3 (got 7).",
    )
    with pytest.raises(FieldError) as unknown:
        _record(therapist, team_client, "NO-SUCH", [1])
    assert unknown.value.field == "instrument"
    assert not MeasureResponse.objects.exists()


@pytest.mark.parametrize("role", [Role.MONITOR, Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_only_clinicians_on_the_team_record_measures(
    actor: Callable[[Role], Actor], team_client: Client, other_client: Client, role: Role
) -> None:
    with pytest.raises(NotFound):
        _record(actor(role), team_client, "GAD-7", GAD7)
    with pytest.raises(NotFound):
        _record(actor(Role.THERAPIST), other_client, "GAD-7", GAD7)
    assert not MeasureResponse.objects.exists()


# ---------------------------------------------------------------- reviewing a flag


def test_a_clinician_reviews_a_flag_with_a_note(
    therapist: Actor,
    actor: Callable[[Role], Actor],
    team_client: Client,
    staff: dict[Role, StaffMember],
) -> None:
    [flag] = _record(therapist, team_client, "PHQ-9", PHQ9_FLAGGED).risk_flags
    later = NOW + dt.timedelta(hours=2)

    with pytest.raises(FieldError) as blank:
        services.review_flag(
            actor=therapist, client_id=team_client.pk, flag_id=flag.pk, note="  ", now=later
        )
    assert blank.value.field == "note"
    with pytest.raises(PermissionDenied):
        services.review_flag(
            actor=actor(Role.MONITOR),
            client_id=team_client.pk,
            flag_id=flag.pk,
            note="Seen.",
            now=later,
        )
    reviewed = services.review_flag(
        actor=actor(Role.MEDICAL_PROVIDER),
        client_id=team_client.pk,
        flag_id=flag.pk,
        note=" Assessed; no intent or plan. ",
        now=later,
    )

    assert (reviewed.reviewed_at, reviewed.reviewed_by, reviewed.review_note) == (
        later,
        staff[Role.MEDICAL_PROVIDER],
        "Assessed; no intent or plan.",
    )
    assert AuditEvent.objects.filter(
        action="update", category="safety", detail=f"risk_flag:{flag.pk}:reviewed"
    ).exists()
    with pytest.raises(FieldError) as again:
        services.review_flag(
            actor=therapist, client_id=team_client.pk, flag_id=flag.pk, note="x", now=later
        )
    assert again.value.message == "This flag has already been reviewed."


def test_a_flag_of_another_client_is_not_found(
    therapist: Actor, team_client: Client, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    from kapcare.measures.tests.records import open_flag_of

    other_flag = open_flag_of(other_client, staff[Role.THERAPIST])
    with pytest.raises(NotFound):
        services.review_flag(
            actor=therapist, client_id=team_client.pk, flag_id=other_flag, note="x", now=NOW
        )
    assert RiskFlag.objects.get(pk=other_flag).is_open


# ---------------------------------------------------------------- completion links


def test_a_link_is_used_once_and_stores_only_a_digest(
    therapist: Actor, team_client: Client
) -> None:
    issued = services.issue_link(
        actor=therapist, client_id=team_client.pk, instrument_code="phq-9", now=NOW
    )
    link = CompletionLink.objects.get()
    assert issued.token not in link.digest
    assert link.instrument_code == "PHQ-9"
    assert link.expires_at == NOW + dt.timedelta(days=7)

    recorded = services.record_link_response(
        digest=services.link_digest(issued.token),
        answers=PHQ9_FLAGGED,
        source=SOURCE,
        now=NOW + dt.timedelta(hours=1),
    )

    assert recorded.response.source == "link"
    assert recorded.response.entered_by is None
    assert recorded.response.link == link
    assert [f.code for f in recorded.risk_flags] == ["suicidality"]
    event = AuditEvent.objects.get(detail__startswith="measure_response:")
    assert (event.actor, event.source_ip, event.client_id) == (None, "203.0.113.9", team_client.pk)
    with pytest.raises(services.LinkUnusable) as used:
        services.record_link_response(
            digest=services.link_digest(issued.token), answers=PHQ9_CLEAR, source=SOURCE, now=NOW
        )
    assert used.value.reason == "used"
    assert MeasureResponse.objects.count() == 1


def test_an_expired_withdrawn_or_forged_link_is_refused(
    therapist: Actor, team_client: Client
) -> None:
    issued = services.issue_link(
        actor=therapist,
        client_id=team_client.pk,
        instrument_code="GAD-7",
        valid_for=dt.timedelta(hours=1),
        now=NOW,
    )
    for token, at, reason in (
        (issued.token, NOW + dt.timedelta(hours=1), "expired"),
        (issued.token[:-2], NOW, "unknown"),
        ("not-a-token", NOW, "unknown"),
    ):
        with pytest.raises(services.LinkUnusable) as refused:
            services.get_usable_link(digest=services.link_digest(token), now=at)
        assert refused.value.reason == reason
    CompletionLink.objects.update(revoked_at=NOW)
    with pytest.raises(services.LinkUnusable) as withdrawn:
        services.record_link_response(
            digest=services.link_digest(issued.token), answers=GAD7, source=SOURCE, now=NOW
        )
    assert withdrawn.value.reason == "withdrawn"


def test_bad_answers_by_link_keep_the_link_usable(therapist: Actor, team_client: Client) -> None:
    issued = services.issue_link(
        actor=therapist, client_id=team_client.pk, instrument_code="GAD-7", now=NOW
    )
    with pytest.raises(FieldError):
        services.record_link_response(
            digest=services.link_digest(issued.token), answers=[0], source=SOURCE, now=NOW
        )
    assert (
        services.get_usable_link(digest=services.link_digest(issued.token), now=NOW).used_at is None
    )


@pytest.mark.parametrize("hours", [0, 721])
def test_link_validity_is_one_hour_to_thirty_days(
    therapist: Actor, team_client: Client, hours: int
) -> None:
    with pytest.raises(FieldError):
        services.issue_link(
            actor=therapist,
            client_id=team_client.pk,
            instrument_code="GAD-7",
            valid_for=dt.timedelta(hours=hours),
            now=NOW,
        )
    assert not CompletionLink.objects.exists()


# ---------------------------------------------------------------- assignments


def test_assign_once_per_schedule_then_end(therapist: Actor, team_client: Client) -> None:
    assignment = services.assign_measure(
        actor=therapist,
        client_id=team_client.pk,
        instrument_code="pcl-5",
        schedule=Schedule.BEFORE_MEDICINE,
        due_on=NOW.date(),
        now=NOW,
        site_url="http://testserver",
    )
    assert (assignment.instrument_code, assignment.schedule) == ("PCL-5", "before_medicine")
    with pytest.raises(FieldError) as duplicate:
        services.assign_measure(
            actor=therapist,
            client_id=team_client.pk,
            instrument_code="PCL-5",
            schedule=Schedule.BEFORE_MEDICINE,
            due_on=NOW.date(),
            now=NOW,
            site_url="http://testserver",
        )
    assert duplicate.value.field == "schedule"
    services.end_assignment(
        actor=therapist, client_id=team_client.pk, assignment_id=assignment.pk, now=NOW
    )
    assert MeasureAssignment.objects.get().ended_at == NOW
    again = services.assign_measure(
        actor=therapist,
        client_id=team_client.pk,
        instrument_code="PCL-5",
        schedule=Schedule.BEFORE_MEDICINE,
        due_on=NOW.date(),
        now=NOW,
        site_url="http://testserver",
    )
    assert again.pk != assignment.pk


def test_a_response_completes_its_assignment(therapist: Actor, team_client: Client) -> None:
    from kapcare.measures.access import assignment_statuses

    assignment = services.assign_measure(
        actor=therapist,
        client_id=team_client.pk,
        instrument_code="GAD-7",
        schedule=Schedule.ONCE,
        due_on=NOW.date() + dt.timedelta(days=2),
        now=NOW,
        site_url="http://testserver",
    )
    [status] = assignment_statuses(team_client.pk, [assignment], now=NOW)
    assert (status.next_due, status.overdue) == (NOW.date() + dt.timedelta(days=2), False)
    services.record_response(
        actor=therapist,
        client_id=team_client.pk,
        instrument_code="GAD-7",
        answers=GAD7,
        assignment_id=assignment.pk,
        now=NOW + dt.timedelta(hours=1),
    )
    [status] = assignment_statuses(team_client.pk, [assignment], now=NOW + dt.timedelta(days=3))
    assert (status.next_due, status.overdue) == (None, False)
    assert MeasureResponse.objects.get().assignment == assignment
    with pytest.raises(FieldError):  # a PHQ-9 cannot complete a GAD-7 assignment
        _ = services.record_response(
            actor=therapist,
            client_id=team_client.pk,
            instrument_code="PHQ-9",
            answers=PHQ9_CLEAR,
            assignment_id=assignment.pk,
            now=NOW,
        )
