"""The medicine services through the database: every rule path, access and audit."""

import datetime as dt
import zoneinfo
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core import mail

from kapcare.audit.models import AuditEvent
from kapcare.core import clock
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.violations import Refused
from kapcare.measures.tests import records as measure_records
from kapcare.medicine import services
from kapcare.medicine.models import DoseAdministration, MedicineSession, VitalsAlert, VitalsReading
from kapcare.medicine.tests.fixtures import ready_medicine_appointment
from kapcare.medicine.vocabulary import AdverseEventKind, AdverseEventSeverity, SignerRole
from kapcare.pathway.vocabulary import Route
from kapcare.people.access import Actor, NotFound
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.people.stage_query import stage_of
from kapcare.people.vocabulary import PathwayStage
from kapcare.scheduling.models import Appointment
from tests.factories import TEST_PASSWORD, make_clearance

MakeActor = Callable[[Role], Actor]
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Mid-afternoon in the location's zone, and the clock held there: a session that began
    30 minutes ago, and steps recorded hours before now, all fall on the session's own day
    whatever the hour the suite runs (just after New York's midnight they did not)."""
    today = clock.now().astimezone(NEW_YORK).date()
    fixed = dt.datetime.combine(today, dt.time(15), tzinfo=NEW_YORK).astimezone(dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: fixed)
    return fixed


@pytest.fixture
def appointment(
    team_client: Client, staff: dict[Role, StaffMember], now: dt.datetime
) -> Appointment:
    return ready_medicine_appointment(team_client, staff, start=now - 30 * MINUTE)


def _checklist(**changes: object) -> services.ChecklistInput:
    values: dict[str, object] = {
        "identity_confirmed": True,
        "fasting_confirmed": True,
        "escort_name": "A. Friend",
        "no_driving_agreed": True,
        "intention": "To meet the frightened part with curiosity.",
        "todays_measures_done": True,
    }
    values.update(changes)
    return services.ChecklistInput(**values)  # type: ignore[arg-type]


def _vitals(
    actor: Actor, appointment: Appointment, at: dt.datetime, bp: tuple[int, int], *,
    hr: int = 72, spo2: int = 98, now: dt.datetime | None = None,
) -> tuple[VitalsReading, tuple[object, ...]]:  # fmt: skip
    return services.record_vitals(
        actor=actor,
        appointment_id=appointment.pk,
        at=at,
        systolic=bp[0],
        diastolic=bp[1],
        heart_rate=hr,
        spo2=spo2,
        now=now or at,
    )


def _dose(
    actor: Actor, appointment: Appointment, at: dt.datetime, mg: int | str, *, now: dt.datetime
) -> DoseAdministration:
    return services.record_dose(
        actor=actor,
        appointment_id=appointment.pk,
        at=at,
        route=Route.SUBLINGUAL,
        dose_mg=Decimal(mg),
        lot="LOT-42",
        now=now,
    )


def _rules(refused: pytest.ExceptionInfo[Refused]) -> list[str]:
    return [v.rule for v in refused.value.violations]


def _ready(actor: MakeActor, appointment: Appointment, now: dt.datetime) -> None:
    """Checklist complete and normal pre-dose vitals five minutes ago."""
    monitor = actor(Role.MONITOR)
    services.save_checklist(
        actor=monitor, appointment_id=appointment.pk, checklist=_checklist(), now=now
    )
    _vitals(monitor, appointment, now - 5 * MINUTE, (124, 80), now=now)


# --- checklist ------------------------------------------------------------------------


def test_an_empty_checklist_lists_every_missing_item(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    view = services.get_record(actor=actor(Role.MONITOR), appointment_id=appointment.pk, now=now)

    assert view.session is None
    assert [v.subject for v in view.checklist_missing] == [
        "identity_confirmed",
        "fasting_confirmed",
        "escort_name",
        "no_driving_agreed",
        "todays_measures_done",
        "intention",
        "predose_vitals",
    ]


def test_nothing_of_the_session_is_recorded_before_its_day(
    actor: MakeActor, team_client: Client, staff: dict[Role, StaffMember], now: dt.datetime
) -> None:
    # Given a medicine session tomorrow at 10:00 in New York
    local_now = now.astimezone(NEW_YORK)
    tomorrow = dt.datetime.combine(
        local_now.date() + dt.timedelta(days=1), dt.time(10), tzinfo=NEW_YORK
    )
    appointment = ready_medicine_appointment(team_client, staff, start=tomorrow)
    monitor = actor(Role.MONITOR)
    # When the monitor records its checklist, vitals or a dose today, Then each is refused
    with pytest.raises(Refused) as checklist:
        services.save_checklist(
            actor=monitor, appointment_id=appointment.pk, checklist=_checklist(), now=now
        )
    with pytest.raises(Refused) as vitals:
        _vitals(monitor, appointment, now, (120, 80), now=now)
    with pytest.raises(Refused) as dose:
        _dose(monitor, appointment, now, 100, now=now)
    assert _rules(checklist) == ["record.before_session_day"]
    assert "record.before_session_day" in _rules(vitals)
    assert "record.before_session_day" in _rules(dose)
    day = tomorrow.date()
    assert checklist.value.violations[0].message == (
        f"The session is on {day:%a} {day.day} {day:%b %Y}: record its checklist on that day."
    )
    assert (
        not MedicineSession.objects.filter(appointment=appointment)
        .exclude(checklist_at=None)
        .exists()
    )
    assert not VitalsReading.objects.exists()
    # and on the day itself (before the start) the checklist is taken
    on_the_day = tomorrow - dt.timedelta(hours=2)
    services.save_checklist(
        actor=monitor, appointment_id=appointment.pk, checklist=_checklist(), now=on_the_day
    )


def test_a_saved_checklist_and_fresh_vitals_leave_nothing_missing(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    _ready(actor, appointment, now)

    view = services.get_record(actor=actor(Role.THERAPIST), appointment_id=appointment.pk, now=now)

    assert view.checklist_missing == []
    assert view.facts.consent_current is True
    assert view.checklist.preparation_completed == 2


def test_preparation_must_be_completed_before_a_dose(
    actor: MakeActor,
    team_client: Client,
    staff: dict[Role, StaffMember],
    now: dt.datetime,
) -> None:
    appointment = ready_medicine_appointment(
        team_client, staff, start=now - 30 * MINUTE, preparations=1
    )
    _ready(actor, appointment, now)

    with pytest.raises(Refused) as refused:
        _dose(actor(Role.MONITOR), appointment, now, 100, now=now)

    assert _rules(refused) == ["dose.preparation_incomplete"]


def test_a_revoked_or_missing_consent_blocks_the_dose(
    actor: MakeActor,
    team_client: Client,
    staff: dict[Role, StaffMember],
    now: dt.datetime,
) -> None:
    appointment = ready_medicine_appointment(
        team_client, staff, start=now - 30 * MINUTE, consent=False
    )
    _ready(actor, appointment, now)

    with pytest.raises(Refused) as refused:
        _dose(actor(Role.MONITOR), appointment, now, 100, now=now)

    assert [(v.rule, v.subject) for v in refused.value.violations] == [
        ("medicine.requires_consent", "")
    ]


# --- vitals and alerts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("bp", "hr", "spo2", "codes"),
    [
        ((179, 109), 120, 92, []),
        ((180, 100), 72, 98, ["vitals.systolic_high"]),
        ((150, 110), 72, 98, ["vitals.diastolic_high"]),
        ((120, 80), 49, 98, ["vitals.heart_rate_low"]),
        ((120, 80), 121, 98, ["vitals.heart_rate_high"]),
        ((120, 80), 72, 91, ["vitals.spo2_low"]),
        ((185, 112), 130, 90, ["vitals.systolic_high", "vitals.diastolic_high",
                              "vitals.heart_rate_high", "vitals.spo2_low"]),
    ],
)  # fmt: skip
def test_out_of_range_vitals_are_recorded_as_alerts(
    actor: MakeActor,
    appointment: Appointment,
    now: dt.datetime,
    bp: tuple[int, int],
    hr: int,
    spo2: int,
    codes: list[str],
) -> None:
    reading, alerts = _vitals(actor(Role.MONITOR), appointment, now, bp, hr=hr, spo2=spo2)

    assert [a.code for a in alerts] == codes  # type: ignore[attr-defined]
    assert list(VitalsAlert.objects.filter(reading=reading).values_list("code", flat=True)) == codes
    details = set(
        AuditEvent.objects.filter(detail__contains=":alert:").values_list("detail", flat=True)
    )
    assert details == {f"medicine:{appointment.pk}:alert:{code}" for code in codes}
    view = services.get_record(actor=actor(Role.MONITOR), appointment_id=appointment.pk, now=now)
    assert [a.code for a in view.rows.alerts] == codes


def test_vitals_in_the_future_or_implausible_are_refused_with_every_reason(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    with pytest.raises(Refused) as refused:
        _vitals(actor(Role.MONITOR), appointment, now + MINUTE, (80, 90), spo2=101, now=now)

    assert _rules(refused) == ["vitals.time_in_future", "vitals.implausible", "vitals.implausible"]
    assert not VitalsReading.objects.exists()


def test_vitals_long_before_the_session_are_refused(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    before = appointment.start - dt.timedelta(hours=3, minutes=1)

    with pytest.raises(Refused) as refused:
        _vitals(actor(Role.MONITOR), appointment, before, (120, 80), now=now)

    assert _rules(refused) == ["vitals.time_before_session"]


def test_a_naive_time_is_a_field_error(actor: MakeActor, appointment: Appointment) -> None:
    with pytest.raises(FieldError) as error:
        _vitals(actor(Role.MONITOR), appointment, dt.datetime(2026, 1, 1, 10), (120, 80))  # noqa: DTZ001

    assert error.value.field == "at"


# --- doses ----------------------------------------------------------------------------


def test_no_dose_before_the_checklist_is_complete(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    with pytest.raises(Refused) as refused:
        _dose(actor(Role.MONITOR), appointment, now, 100, now=now)

    assert set(_rules(refused)) == {"dose.checklist_incomplete"}
    assert not DoseAdministration.objects.exists()


def test_no_dose_without_an_active_order(
    actor: MakeActor, team_client: Client, staff: dict[Role, StaffMember], now: dt.datetime
) -> None:
    appointment = ready_medicine_appointment(
        team_client, staff, start=now - 30 * MINUTE, order=False
    )
    _ready(actor, appointment, now)

    with pytest.raises(Refused) as refused:
        _dose(actor(Role.MONITOR), appointment, now, 100, now=now)

    assert _rules(refused) == ["dose.no_active_order"]


@pytest.mark.parametrize(("second", "allowed"), [("100", True), ("100.01", False)])
def test_a_supplemental_dose_counts_toward_the_orders_maximum(
    actor: MakeActor, appointment: Appointment, now: dt.datetime, second: str, allowed: bool
) -> None:
    _ready(actor, appointment, now - 20 * MINUTE)
    _dose(actor(Role.MONITOR), appointment, now - 20 * MINUTE, 100, now=now)
    _vitals(actor(Role.MONITOR), appointment, now - MINUTE, (130, 84), now=now)

    if allowed:
        _dose(actor(Role.MEDICAL_PROVIDER), appointment, now, second, now=now)
        assert DoseAdministration.objects.count() == 2
        assert "dose:" in AuditEvent.objects.filter(detail__endswith=":supplemental").get().detail
    else:
        with pytest.raises(Refused) as refused:
            _dose(actor(Role.MEDICAL_PROVIDER), appointment, now, second, now=now)
        assert _rules(refused) == ["dose.exceeds_order"]


@pytest.mark.parametrize(
    ("bp", "rules"),
    [
        ((139, 89), []),
        ((140, 80), ["dose.predose_vitals_ack_required"]),
        ((130, 90), ["dose.predose_vitals_ack_required"]),
        ((159, 99), ["dose.predose_vitals_ack_required"]),
        ((160, 90), ["dose.predose_vitals_hold"]),
        ((150, 100), ["dose.predose_vitals_hold"]),
    ],
)
def test_the_predose_hold_rule_at_its_thresholds(
    actor: MakeActor,
    appointment: Appointment,
    now: dt.datetime,
    bp: tuple[int, int],
    rules: list[str],
) -> None:
    monitor = actor(Role.MONITOR)
    services.save_checklist(
        actor=monitor, appointment_id=appointment.pk, checklist=_checklist(), now=now
    )
    _vitals(monitor, appointment, now - MINUTE, bp, now=now)

    if rules:
        with pytest.raises(Refused) as refused:
            _dose(monitor, appointment, now, 100, now=now)
        assert _rules(refused) == rules
    else:
        _dose(monitor, appointment, now, 100, now=now)


def test_a_medical_providers_acknowledgement_lifts_140_90_but_never_a_hold(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    monitor, doctor = actor(Role.MONITOR), actor(Role.MEDICAL_PROVIDER)
    services.save_checklist(
        actor=monitor, appointment_id=appointment.pk, checklist=_checklist(), now=now
    )
    _vitals(monitor, appointment, now - 3 * MINUTE, (165, 95), now=now)
    with pytest.raises(Refused) as refused:
        services.acknowledge_predose(actor=doctor, appointment_id=appointment.pk, now=now)
    assert _rules(refused) == ["predose_ack.not_needed"]

    _vitals(monitor, appointment, now - 2 * MINUTE, (148, 92), now=now)
    with pytest.raises(PermissionDenied):
        services.acknowledge_predose(actor=monitor, appointment_id=appointment.pk, now=now)
    services.acknowledge_predose(actor=doctor, appointment_id=appointment.pk, now=now)

    _dose(monitor, appointment, now, 100, now=now)
    assert DoseAdministration.objects.count() == 1


def test_an_acknowledgement_covers_only_the_reading_it_was_given_for(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    monitor, doctor = actor(Role.MONITOR), actor(Role.MEDICAL_PROVIDER)
    services.save_checklist(
        actor=monitor, appointment_id=appointment.pk, checklist=_checklist(), now=now
    )
    _vitals(monitor, appointment, now - 3 * MINUTE, (148, 92), now=now)
    services.acknowledge_predose(actor=doctor, appointment_id=appointment.pk, now=now)
    _vitals(monitor, appointment, now - MINUTE, (150, 93), now=now)

    with pytest.raises(Refused) as refused:
        _dose(monitor, appointment, now, 100, now=now)

    assert _rules(refused) == ["dose.predose_vitals_ack_required"]


def test_the_therapist_does_not_give_doses(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    _ready(actor, appointment, now)

    with pytest.raises(PermissionDenied):
        _dose(actor(Role.THERAPIST), appointment, now, 100, now=now)

    denied = AuditEvent.objects.filter(action="denied").get()
    assert denied.detail == "create:medicine:dose"


# --- discharge ------------------------------------------------------------------------


def _dosed(actor: MakeActor, appointment: Appointment, dose_at: dt.datetime) -> None:
    _ready(actor, appointment, dose_at)
    _dose(actor(Role.MONITOR), appointment, dose_at, 100, now=dose_at)


@pytest.mark.parametrize(("minutes", "allowed"), [(119, False), (120, True)])
def test_discharge_needs_the_minimum_monitoring_time(
    actor: MakeActor, appointment: Appointment, now: dt.datetime, minutes: int, allowed: bool
) -> None:
    _dosed(actor, appointment, now - minutes * MINUTE)
    monitor = actor(Role.MONITOR)
    _vitals(monitor, appointment, now - MINUTE, (128, 82), now=now)

    def discharge() -> object:
        return services.record_discharge(
            actor=monitor,
            appointment_id=appointment.pk,
            at=now,
            alert_oriented=True,
            steady_gait=True,
            escort_present=True,
            now=now,
        )

    if allowed:
        discharge()
        assert MedicineSession.objects.get().discharged_at == now
    else:
        with pytest.raises(Refused) as refused:
            discharge()
        assert _rules(refused) == ["discharge.min_monitoring"]


def test_a_refused_discharge_lists_every_reason_and_is_audited(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    _dosed(actor, appointment, now - 60 * MINUTE)
    monitor = actor(Role.MONITOR)
    _vitals(monitor, appointment, now - MINUTE, (150, 95), now=now)

    with pytest.raises(Refused) as refused:
        services.record_discharge(
            actor=monitor,
            appointment_id=appointment.pk,
            at=now,
            alert_oriented=False,
            steady_gait=False,
            escort_present=False,
            now=now,
        )

    assert _rules(refused) == [
        "discharge.min_monitoring",
        "discharge.vitals_out_of_range",
        "discharge.not_oriented",
        "discharge.unsteady_gait",
        "discharge.escort_missing",
    ]
    assert MedicineSession.objects.get().discharged_at is None
    failure = AuditEvent.objects.filter(outcome="failure").get()
    assert failure.detail == (
        "medicine:discharge:refused:discharge.escort_missing,discharge.min_monitoring,"
        "discharge.not_oriented,discharge.unsteady_gait,discharge.vitals_out_of_range"
    )


# --- signatures, lock, addenda --------------------------------------------------------


def _discharged(actor: MakeActor, appointment: Appointment, now: dt.datetime) -> None:
    _dosed(actor, appointment, now - 125 * MINUTE)
    monitor = actor(Role.MONITOR)
    _vitals(monitor, appointment, now - 2 * MINUTE, (126, 80), now=now)
    services.record_discharge(
        actor=monitor,
        appointment_id=appointment.pk,
        at=now - MINUTE,
        alert_oriented=True,
        steady_gait=True,
        escort_present=True,
        now=now,
    )


def test_signing_locks_the_record_and_the_medical_provider_cosigns_a_dosed_session(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    monitor, therapist, doctor = (
        actor(Role.MONITOR),
        actor(Role.THERAPIST),
        actor(Role.MEDICAL_PROVIDER),
    )
    with pytest.raises(Refused) as early:
        services.sign_record(
            actor=monitor, appointment_id=appointment.pk, password=TEST_PASSWORD, now=now
        )
    assert _rules(early) == ["sign.not_discharged"]
    _discharged(actor, appointment, now)

    assert Appointment.objects.get(pk=appointment.pk).status == "booked"
    view = services.sign_record(
        actor=monitor, appointment_id=appointment.pk, password=TEST_PASSWORD, now=now
    )
    assert view.locked
    assert not view.completed
    # the signed record is a held session: its appointment is completed, by the signer
    held = Appointment.objects.get(pk=appointment.pk)
    assert (held.status, held.status_changed_by, held.status_changed_at) == (
        "completed",
        monitor.staff,
        now,
    )
    assert stage_of(appointment.client_id) is PathwayStage.INTEGRATION
    assert view.missing_signatures == [SignerRole.THERAPIST, SignerRole.MEDICAL_PROVIDER]

    with pytest.raises(Refused) as locked:
        _vitals(monitor, appointment, now, (120, 80))
    assert _rules(locked) == ["record.locked"]
    with pytest.raises(Refused) as twice:
        services.sign_record(
            actor=monitor, appointment_id=appointment.pk, password=TEST_PASSWORD, now=now
        )
    assert _rules(twice) == ["sign.already_signed"]

    services.sign_record(
        actor=therapist, appointment_id=appointment.pk, password=TEST_PASSWORD, now=now
    )
    view = services.sign_record(
        actor=doctor, appointment_id=appointment.pk, password=TEST_PASSWORD, now=now
    )
    assert view.completed
    assert view.missing_signatures == []


def test_a_therapist_cannot_sign_as_the_monitor(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    _discharged(actor, appointment, now)

    with pytest.raises(PermissionDenied):
        services.sign_record(
            actor=actor(Role.THERAPIST),
            appointment_id=appointment.pk,
            password=TEST_PASSWORD,
            role=SignerRole.MONITOR,
            now=now,
        )


def test_addenda_only_after_signing(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    _discharged(actor, appointment, now)
    therapist = actor(Role.THERAPIST)
    with pytest.raises(Refused) as refused:
        services.add_addendum(actor=therapist, appointment_id=appointment.pk, text="x", now=now)
    assert _rules(refused) == ["addendum.not_signed"]

    services.sign_record(
        actor=actor(Role.MONITOR), appointment_id=appointment.pk, password=TEST_PASSWORD, now=now
    )
    services.add_addendum(
        actor=therapist, appointment_id=appointment.pk, text="Client called: slept well.", now=now
    )

    view = services.get_record(actor=therapist, appointment_id=appointment.pk, now=now)
    assert [a.text for a in view.rows.addenda] == ["Client called: slept well."]


# --- adverse events -------------------------------------------------------------------


def test_a_serious_adverse_event_notifies_the_medical_provider(
    actor: MakeActor,
    appointment: Appointment,
    now: dt.datetime,
    staff: dict[Role, StaffMember],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        event = services.record_adverse_event(
            actor=actor(Role.MONITOR),
            appointment_id=appointment.pk,
            at=now,
            kind=AdverseEventKind.RESPIRATORY,
            severity=AdverseEventSeverity.SERIOUS,
            action="Jaw thrust, oxygen; recovered in two minutes.",
            provider_notified=True,
            now=now,
        )

    assert [m.to for m in mail.outbox] == [[staff[Role.MEDICAL_PROVIDER].user.email]]
    assert str(appointment.client_id) not in mail.outbox[0].body.replace(
        f"/appointments/{appointment.pk}/", ""
    )
    event.refresh_from_db()
    assert event.notification_sent_at is not None
    flag = AuditEvent.objects.get(detail__contains=":serious_flag:")
    assert flag.category == "safety"
    rows, serious = services.list_medicine_sessions(
        actor=actor(Role.THERAPIST), client_id=appointment.client_id
    )
    assert [e.pk for e in serious] == [event.pk]
    assert [r.appointment.pk for r in rows] == [appointment.pk]


def test_a_mild_adverse_event_sends_no_mail(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    services.record_adverse_event(
        actor=actor(Role.MONITOR),
        appointment_id=appointment.pk,
        at=now,
        kind=AdverseEventKind.NAUSEA_VOMITING,
        severity=AdverseEventSeverity.MILD,
        action="Ondansetron per standing order.",
        provider_notified=False,
        now=now,
    )

    assert mail.outbox == []


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_front_desk_and_privacy_officer_never_see_the_record(
    actor: MakeActor, appointment: Appointment, now: dt.datetime, role: Role
) -> None:
    with pytest.raises(NotFound):
        services.get_record(actor=actor(role), appointment_id=appointment.pk, now=now)

    denied = AuditEvent.objects.get(action="denied")
    assert (denied.client_id, denied.category) == (appointment.client_id, "medicine_session")


def test_a_therapy_appointment_has_no_medicine_record(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    Appointment.objects.filter(pk=appointment.pk).update(kind="therapy")

    with pytest.raises(NotFound):
        services.get_record(
            actor=actor(Role.THERAPIST),
            appointment_id=appointment.pk,
            now=now,
        )


def test_the_audit_trail_shows_every_step_of_a_session(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    _discharged(actor, appointment, now)
    services.sign_record(
        actor=actor(Role.MONITOR), appointment_id=appointment.pk, password=TEST_PASSWORD, now=now
    )
    services.print_record(actor=actor(Role.THERAPIST), appointment_id=appointment.pk, now=now)

    details = list(
        AuditEvent.objects.filter(client_id=appointment.client_id)
        .order_by("seq")
        .values_list("action", "detail")
    )
    prefix = f"medicine:{appointment.pk}"
    assert [d for d in details if d[1].startswith(prefix)] == [
        ("update", f"{prefix}:checklist"),
        ("create", f"{prefix}:vitals:{VitalsReading.objects.order_by('pk')[0].pk}"),
        ("create", f"{prefix}:dose:{DoseAdministration.objects.get().pk}:first"),
        ("create", f"{prefix}:vitals:{VitalsReading.objects.order_by('pk')[1].pk}"),
        ("update", f"{prefix}:discharge"),
        ("update", f"{prefix}:sign:monitor"),
        ("print", f"{prefix}:pdf"),
    ]
    assert {e.category for e in AuditEvent.objects.filter(detail__startswith=prefix)} == {
        "medicine_session"
    }


# --- billing --------------------------------------------------------------------------


def test_billable_units_follow_the_monitored_time(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    _discharged(actor, appointment, now)

    view = services.get_record(actor=actor(Role.THERAPIST), appointment_id=appointment.pk, now=now)

    # 124 minutes from the dose to discharge: two CPT hours (the mid-point rule) for the
    # first clinician, two for the second, two for the monitor (clinical staff).
    assert view.billing is not None
    assert not view.billing.provisional
    assert (view.billing.units("0820T"), view.billing.units("0821T")) == (2, 2)
    assert view.billing.units("0822T") == 2
    assert {line.minutes for line in view.billing.bill.lines} == {124}


def test_an_expired_or_withdrawn_clearance_blocks_the_dose(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    _ready(actor, appointment, now)
    # the medical provider's latest decision: not cleared (it governs, whatever came before)
    make_clearance(
        client=appointment.client,
        status="not_cleared",
        valid_until=now.date(),
        recorded_by=appointment.created_by,
        recorded_at=now - MINUTE,
    )

    with pytest.raises(Refused) as refused:
        _dose(actor(Role.MONITOR), appointment, now, 100, now=now)

    assert [(v.rule, v.subject) for v in refused.value.violations] == [
        ("medicine.requires_clearance", "")
    ]


def test_todays_phq9_and_asq_recorded_in_kap_care_tick_the_checklist(
    actor: MakeActor, appointment: Appointment, now: dt.datetime, staff: dict[Role, StaffMember]
) -> None:
    monitor = actor(Role.MONITOR)
    services.save_checklist(
        actor=monitor,
        appointment_id=appointment.pk,
        checklist=_checklist(todays_measures_done=False),
        now=now,
    )
    client = appointment.client
    measure_records.response_of(client, staff[Role.THERAPIST], code="PHQ-9", at=now - MINUTE)
    half = services.get_record(actor=monitor, appointment_id=appointment.pk, now=now)
    measure_records.response_of(client, staff[Role.THERAPIST], code="ASQ", at=now - MINUTE)
    both = services.get_record(actor=monitor, appointment_id=appointment.pk, now=now)

    assert "todays_measures_done" in [v.subject for v in half.checklist_missing]
    assert both.checklist.todays_measures_done is True
    assert "todays_measures_done" not in [v.subject for v in both.checklist_missing]


def test_an_open_suicide_risk_flag_blocks_the_dose_whatever_was_attested(
    actor: MakeActor, appointment: Appointment, now: dt.datetime, staff: dict[Role, StaffMember]
) -> None:
    _ready(actor, appointment, now)
    measure_records.open_flag_of(appointment.client, staff[Role.THERAPIST])

    with pytest.raises(Refused) as refused:
        _dose(actor(Role.MONITOR), appointment, now, 100, now=now)

    assert [(v.rule, v.subject) for v in refused.value.violations] == [
        ("dose.checklist_incomplete", "unreviewed_risk_flag")
    ]


def test_a_dose_may_be_recorded_for_the_medical_provider_who_gave_it(
    actor: MakeActor, appointment: Appointment, now: dt.datetime, staff: dict[Role, StaffMember]
) -> None:
    _ready(actor, appointment, now)
    monitor = actor(Role.MONITOR)
    with pytest.raises(FieldError) as error:
        services.record_dose(
            actor=monitor, appointment_id=appointment.pk, at=now, route=Route.SUBLINGUAL,
            dose_mg=Decimal(100), lot="L", now=now, administered_by_id=staff[Role.THERAPIST].pk,
        )  # fmt: skip
    assert error.value.field == "administered_by"

    dose = services.record_dose(
        actor=monitor, appointment_id=appointment.pk, at=now, route=Route.SUBLINGUAL,
        dose_mg=Decimal(100), lot="L", now=now,
        administered_by_id=staff[Role.MEDICAL_PROVIDER].pk,
    )  # fmt: skip

    assert dose.administered_by_id == staff[Role.MEDICAL_PROVIDER].pk
