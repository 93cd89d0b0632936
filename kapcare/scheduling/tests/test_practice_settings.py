"""Practice overrides of the booking-rule defaults: validation, effect on a rule, API, page."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from hypothesis import given
from hypothesis import strategies as st

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.core.violations import Refused
from kapcare.pathway.models import Consent
from kapcare.pathway.vocabulary import PlanFormat
from kapcare.people.access import Actor
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling import services
from kapcare.scheduling.models import PracticeSchedulingSettings
from kapcare.scheduling.practice_settings import (
    SETTING_NAMES,
    OverrideError,
    apply_overrides,
    setting_rows,
    validate_overrides,
)
from kapcare.scheduling.tests import START, check, codes, proposed, ready_pathway, without
from kapcare.scheduling.thresholds import DEFAULT_POLICY, SpacingMeasure
from kapcare.scheduling.vocabulary import AppointmentKind, Modality

# --- pure ---------------------------------------------------------------------------------


def test_no_overrides_is_the_default_policy() -> None:
    assert apply_overrides({}) == DEFAULT_POLICY


def test_an_override_changes_a_rules_outcome() -> None:
    # Given a client with two completed preparations (enough by default)
    pathway = ready_pathway()
    assert "medicine.requires_preparation" not in codes(check(proposed(), pathway))
    # When the practice asks for three
    policy = apply_overrides(
        validate_overrides({"ongoing.preparation_sessions": 3}, source="Dr Raman: our standard")
    )
    # Then the same booking is refused, and the source is kept
    assert "medicine.requires_preparation" in codes(check(proposed(), pathway, policy=policy))
    assert policy.ongoing.preparation_sessions.source == "Dr Raman: our standard"
    assert policy.intensive == DEFAULT_POLICY.intensive


def test_spacing_days_and_measure_combine() -> None:
    stored = validate_overrides(
        {"intensive.medicine_spacing_days": 2, "intensive.medicine_spacing_measure": "wall_clock"},
        source="Approved by the medical director",
    )
    spacing = apply_overrides(stored).for_format(PlanFormat.INTENSIVE).medicine_spacing.value
    assert (spacing.days, spacing.measure) == (2, SpacingMeasure.WALL_CLOCK)


def test_telehealth_states_override_decides_the_telehealth_rule() -> None:
    policy = apply_overrides(validate_overrides({"telehealth_states": ["PA"]}, source="x"))
    booking = proposed(
        AppointmentKind.PREPARATION,
        modality=Modality.TELEHEALTH,
        location=None,
        room=None,
        client_location_state="NJ",
    )
    pathway = without(ready_pathway(), AppointmentKind.INTEGRATION)
    assert "telehealth.client_location_unlicensed" not in codes(check(booking, pathway))
    assert "telehealth.client_location_unlicensed" in codes(check(booking, pathway, policy=policy))


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"ongoing.preparation_sessions": -1}, "ongoing.preparation_sessions"),
        ({"ongoing.preparation_sessions": 21}, "ongoing.preparation_sessions"),
        ({"ongoing.preparation_sessions": "2"}, "ongoing.preparation_sessions"),
        ({"ongoing.preparation_sessions": True}, "ongoing.preparation_sessions"),
        ({"ongoing.integration_within_days": 61}, "ongoing.integration_within_days"),
        ({"intensive.medicine_spacing_measure": "weekly"}, "intensive.medicine_spacing_measure"),
        # make fuzz: an object or a list here was a 500 (unhashable in the set of measures).
        ({"ongoing.medicine_spacing_measure": {}}, "ongoing.medicine_spacing_measure"),
        (
            {"ongoing.medicine_spacing_measure": ["calendar_day"]},
            "ongoing.medicine_spacing_measure",
        ),
        ({"telehealth_states": ["PA", "XX"]}, "telehealth_states"),
        ({"telehealth_states": "PA"}, "telehealth_states"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"ongoing.dose_mg": 5}, "ongoing.dose_mg"),
    ],
)
def test_bad_values_name_the_setting(values: dict[str, object], field: str) -> None:
    with pytest.raises(OverrideError) as caught:
        validate_overrides(values, source="x")
    assert caught.value.field == field


def test_a_change_needs_a_reason() -> None:
    with pytest.raises(OverrideError) as caught:
        validate_overrides({"ongoing.preparation_sessions": 1}, source="  ")
    assert caught.value.field == "reason"


def test_none_returns_a_setting_to_its_default() -> None:
    stored = validate_overrides({"ongoing.preparation_sessions": 3}, source="x")
    assert (
        validate_overrides({"ongoing.preparation_sessions": None}, source="y", current=stored) == {}
    )


@given(
    prep=st.integers(0, 20),
    within=st.integers(0, 60),
    days=st.integers(0, 60),
    measure=st.sampled_from([m.value for m in SpacingMeasure]),
    states=st.lists(st.sampled_from(["PA", "NJ", "NY", "DE"]), max_size=4),
)
def test_every_valid_override_builds_a_policy_and_shows_in_the_rows(
    prep: int, within: int, days: int, measure: str, states: list[str]
) -> None:
    values: dict[str, object] = {
        "ongoing.preparation_sessions": prep,
        "ongoing.integration_within_days": within,
        "ongoing.medicine_spacing_days": days,
        "ongoing.medicine_spacing_measure": measure,
        "telehealth_states": states,
    }
    stored = validate_overrides(values, source="x")
    rows = {row.name: row for row in setting_rows(stored)}
    assert set(rows) == set(SETTING_NAMES)
    assert rows["ongoing.preparation_sessions"].value == prep
    assert rows["ongoing.medicine_spacing_measure"].value == measure
    assert rows["telehealth_states"].value == sorted(set(states))
    assert rows["intensive.preparation_sessions"].overridden is False


# --- the booking service uses the practice's settings ----------------------------------


def test_the_booking_service_applies_the_practices_override(
    practice: Practice,
    staff: dict[Role, StaffMember],
    team_client: Client,
    actor: Callable[[Role], Actor],
) -> None:
    # Given a telehealth session for a client who will be in NJ (offered by default)
    Consent.objects.create(
        client=team_client,
        kind="telehealth",
        version="1",
        signed_on=dt.date(2025, 1, 1),
        recorded_by=staff[Role.THERAPIST],
        recorded_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    start = dt.datetime(2030, 1, 7, 15, tzinfo=dt.UTC)
    request = services.AppointmentRequest(
        client_id=team_client.pk,
        kind=AppointmentKind.THERAPY,
        modality=Modality.TELEHEALTH,
        start=start,
        end=start + dt.timedelta(minutes=50),
        staff_ids=(staff[Role.THERAPIST].pk,),
        client_location_state="NJ",
    )
    front_desk = actor(Role.FRONT_DESK)
    rules_before = [
        v.rule for v in services.check_appointment_request(actor=front_desk, request=request)
    ]
    assert "telehealth.client_location_unlicensed" not in rules_before
    # When the practice offers virtual sessions in PA only
    PracticeSchedulingSettings.objects.create(
        practice=practice,
        overrides=validate_overrides({"telehealth_states": ["PA"]}, source="PA only from 2030"),
    )
    # Then the same request is refused by the booking service
    with pytest.raises(Refused) as caught:
        services.book_appointment(actor=front_desk, request=request, now=start)
    assert [v.rule for v in caught.value.violations] == ["telehealth.client_location_unlicensed"]


# --- API and page ---------------------------------------------------------------------------


def test_front_desk_changes_settings_through_the_api_and_it_is_audited(
    practice: Practice, signed_in: Callable[[Role], HttpClient]
) -> None:
    http = signed_in(Role.FRONT_DESK)
    response = http.put(
        "/api/v1/practice/scheduling-settings",
        {
            "overrides": {"ongoing.preparation_sessions": 3},
            "reminder_hours_before": 48,
            "reason": "Team decision",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    answer = response.json()
    row = next(r for r in answer["settings"] if r["name"] == "ongoing.preparation_sessions")
    assert (row["value"], row["default"], row["overridden"]) == (3, 2, True)
    assert "Team decision" in row["source"]
    assert answer["reminder_hours_before"] == 48
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).latest("seq")
    assert event.detail == "scheduling_settings:ongoing.preparation_sessions,reminder_hours_before"

    # Back to the default with null
    again = http.put(
        "/api/v1/practice/scheduling-settings",
        {"overrides": {"ongoing.preparation_sessions": None}, "reason": "Undo"},
        content_type="application/json",
    ).json()
    row = next(r for r in again["settings"] if r["name"] == "ongoing.preparation_sessions")
    assert (row["value"], row["overridden"]) == (2, False)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"overrides": {"ongoing.preparation_sessions": 99}, "reason": "x"},
            "ongoing.preparation_sessions",
        ),
        ({"overrides": {"nonsense": 1}, "reason": "x"}, "nonsense"),
        ({"overrides": {}, "reminder_hours_before": 0, "reason": "x"}, "reminder_hours_before"),
        ({"overrides": {}}, "reason"),
    ],
)
def test_bad_settings_are_a_precise_422(
    practice: Practice, signed_in: Callable[[Role], HttpClient], body: dict[str, Any], field: str
) -> None:
    response = signed_in(Role.FRONT_DESK).put(
        "/api/v1/practice/scheduling-settings", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not PracticeSchedulingSettings.objects.exists()


def test_others_may_read_but_not_change(signed_in: Callable[[Role], HttpClient]) -> None:
    http = signed_in(Role.THERAPIST)
    assert http.get("/api/v1/practice/scheduling-settings").json()["may_change"] is False
    response = http.put(
        "/api/v1/practice/scheduling-settings",
        {"overrides": {"ongoing.preparation_sessions": 0}, "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not PracticeSchedulingSettings.objects.exists()
    page = http.get("/schedule/settings/").content.decode()
    assert "Front desk changes these settings." in page
    assert http.post("/schedule/settings/", {"reason": "x"}).status_code == 404


def test_the_settings_page_saves_a_change(
    practice: Practice, signed_in: Callable[[Role], HttpClient]
) -> None:
    http = signed_in(Role.FRONT_DESK)
    form: dict[str, Any] = {"reminder_hours_before": "24", "reason": "Longer integration window"}
    for row in setting_rows({}):
        value = row.value
        form[row.name.replace(".", "__")] = ", ".join(value) if isinstance(value, list) else value
    form["intensive__integration_within_days"] = "3"
    assert http.post("/schedule/settings/", form).status_code == 302
    stored = PracticeSchedulingSettings.objects.get(practice=practice)
    assert list(stored.overrides) == ["intensive.integration_within_days"]
    assert stored.overrides["intensive.integration_within_days"]["value"] == 3
    form["time_zone"] = "Nowhere/Here"
    bad = http.post("/schedule/settings/", form)
    assert bad.status_code == 422
    assert "from the list." in bad.content.decode()  # a zone is chosen by name


def test_start_is_a_tuesday() -> None:  # the rule fixtures above rely on it
    assert START.weekday() == 1
