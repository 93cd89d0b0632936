"""A practice's own medicine-session thresholds: validation (pure), the service using them
for dosing, alerts and discharge, the API and page, who may change them, and the audit."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from kapcare.audit.models import AuditEvent
from kapcare.core.practice_overrides import OverrideError
from kapcare.medicine.models import DoseAdministration, PracticeMedicineSettings
from kapcare.medicine.practice_settings import (
    DEFAULT_POLICY,
    SETTING_NAMES,
    apply_overrides,
    setting_rows,
    validate_overrides,
)
from kapcare.medicine.services import settings as settings_services
from kapcare.medicine.tests.test_api import (
    CHECKLIST,
    MINUTE,
    SignIn,
    _discharge,
    _dose,
    _dosed,
    _rules,
    _send,
    _url,
    _vitals,
)
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment

API = "/api/v1/practice/medicine-settings"
PAGE = "/practice/medicine-settings/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def now() -> dt.datetime:
    from kapcare.core import clock

    return clock.now().replace(microsecond=0)


@pytest.fixture
def appointment(
    team_client: Client, staff: dict[Role, StaffMember], now: dt.datetime
) -> Appointment:
    from kapcare.medicine.tests.fixtures import ready_medicine_appointment

    return ready_medicine_appointment(team_client, staff, start=now - 150 * MINUTE)


def _put(http: Any, overrides: dict[str, object], reason: str = "Our medical director") -> Any:
    return _send(http, "PUT", API, {"overrides": overrides, "reason": reason})


# --- pure -----------------------------------------------------------------------------


def test_no_overrides_is_the_default_policy_with_the_defaults_sources() -> None:
    assert apply_overrides({}) == DEFAULT_POLICY
    rows = setting_rows({})
    assert [r.name for r in rows] == list(SETTING_NAMES)
    assert all(r.value == r.default and r.source and not r.overridden for r in rows)


def test_an_override_changes_the_policy_and_carries_its_source() -> None:
    stored = validate_overrides(
        {"hold_systolic_at_or_above": 150, "min_monitoring_minutes": 90, "fasting_food_hours": 6},
        source="Dr A on 2026-11-28: local protocol",
    )
    policy = apply_overrides(stored)
    assert policy.session.hold_systolic_at_or_above == 150
    assert policy.session.min_monitoring == dt.timedelta(minutes=90)
    assert policy.session.fasting_food == dt.timedelta(hours=6)
    row = {r.name: r for r in setting_rows(stored)}["hold_systolic_at_or_above"]
    assert (row.value, row.default, row.overridden) == (150, 160, True)
    assert row.source == "Dr A on 2026-11-28: local protocol"


def test_null_goes_back_to_the_default_and_others_keep_their_source() -> None:
    first = validate_overrides(
        {"alert_spo2_below": 90, "alert_heart_rate_above": 130}, source="first"
    )
    second = validate_overrides({"alert_spo2_below": None}, source="second", current=first)
    assert second == {"alert_heart_rate_above": {"value": 130, "source": "first"}}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"hold_systolic_at_or_above": "150"}, "hold_systolic_at_or_above"),
        ({"hold_systolic_at_or_above": 150.5}, "hold_systolic_at_or_above"),
        ({"alert_spo2_below": True}, "alert_spo2_below"),
        ({"alert_spo2_below": 101}, "alert_spo2_below"),
        ({"min_monitoring_minutes": 0}, "min_monitoring_minutes"),
        ({"fasting_food_hours": -1}, "fasting_food_hours"),
        ({"hold_systolic_at_or_above": 130}, "hold_systolic_at_or_above"),  # below ack 140
        ({"ack_diastolic_at_or_above": 105}, "ack_diastolic_at_or_above"),  # above hold 100
        ({"alert_heart_rate_below": 120}, "alert_heart_rate_below"),  # not below high
        ({"no_such_setting": 1}, "no_such_setting"),
    ],
)
def test_bad_values_name_the_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(OverrideError) as error:
        validate_overrides(values, source="why")
    assert error.value.field == field


def test_a_change_needs_a_reason() -> None:
    with pytest.raises(OverrideError) as error:
        validate_overrides({"alert_spo2_below": 90}, source="  ")
    assert error.value.field == "reason"


@given(hold=st.integers(100, 250), ack=st.integers(100, 250))
def test_hold_below_acknowledgement_is_always_refused(hold: int, ack: int) -> None:
    values = {"hold_systolic_at_or_above": hold, "ack_systolic_at_or_above": ack}
    if hold >= ack:
        policy = apply_overrides(validate_overrides(values, source="why"))
        assert policy.session.hold_systolic_at_or_above == hold
    else:
        with pytest.raises(OverrideError):
            validate_overrides(values, source="why")


# --- through the service and the API -----------------------------------------------------


def test_a_lower_hold_refuses_a_dose_the_default_allows(
    signed_in: SignIn, appointment: Appointment, now: dt.datetime
) -> None:
    # signed_in reuses one browser: signing in again switches the person.
    monitor = signed_in(Role.MONITOR)
    _send(monitor, "PUT", _url(appointment, "/checklist"), CHECKLIST)
    _vitals(monitor, appointment, now - MINUTE, (150, 80))
    # The default (hold at 160) only asks for a medical provider's acknowledgement at 150.
    assert _rules(_dose(monitor, appointment, now, "100")) == ["dose.predose_vitals_ack_required"]

    provider = signed_in(Role.MEDICAL_PROVIDER)
    assert _put(provider, {"hold_systolic_at_or_above": 150}).status_code == 200

    monitor = signed_in(Role.MONITOR)
    assert _rules(_dose(monitor, appointment, now, "100")) == ["dose.predose_vitals_hold"]
    assert not DoseAdministration.objects.exists()


def test_a_shorter_minimum_monitoring_allows_an_earlier_discharge(
    signed_in: SignIn, appointment: Appointment, now: dt.datetime
) -> None:
    monitor = signed_in(Role.MONITOR)
    _dosed(monitor, appointment, now - 95 * MINUTE)
    _vitals(monitor, appointment, now - MINUTE, (130, 85))
    assert _rules(_discharge(monitor, appointment, now)) == ["discharge.min_monitoring"]

    assert _put(signed_in(Role.MEDICAL_PROVIDER), {"min_monitoring_minutes": 90}).status_code == 200

    monitor = signed_in(Role.MONITOR)
    assert _discharge(monitor, appointment, now).status_code == 200


def test_a_lower_alert_threshold_raises_an_alert(
    signed_in: SignIn, appointment: Appointment, now: dt.datetime
) -> None:
    _put(signed_in(Role.MEDICAL_PROVIDER), {"alert_systolic_at_or_above": 170})
    response = _vitals(signed_in(Role.MONITOR), appointment, now, (172, 90))
    assert [a["rule"] for a in response.json()["alerts"]] == ["vitals.systolic_high"]


def test_the_api_shows_values_defaults_sources_and_audits_the_change(
    signed_in: SignIn, staff: dict[Role, StaffMember]
) -> None:
    provider = signed_in(Role.MEDICAL_PROVIDER)
    response = _put(provider, {"alert_spo2_below": 90}, reason="Altitude clinic")
    assert response.status_code == 200
    body = response.json()
    assert body["may_change"] is True
    row = next(s for s in body["settings"] if s["name"] == "alert_spo2_below")
    assert (row["value"], row["default"], row["overridden"]) == (90, 92, True)
    assert row["source"].endswith("Altitude clinic")
    assert staff[Role.MEDICAL_PROVIDER].name in row["source"]
    assert AuditEvent.objects.filter(detail="medicine_settings:alert_spo2_below").exists()
    read = signed_in(Role.FRONT_DESK).get(API)
    assert read.status_code == 200
    assert read.json()["may_change"] is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hold_systolic_at_or_above": "high"}, "hold_systolic_at_or_above"),
        ({"alert_spo2_below": 300}, "alert_spo2_below"),
        ({"hold_diastolic_at_or_above": 80}, "hold_diastolic_at_or_above"),
        ({"made_up": 1}, "made_up"),
    ],
)
def test_bad_values_are_422_naming_the_field_and_nothing_is_saved(
    signed_in: SignIn, overrides: dict[str, object], field: str
) -> None:
    provider = signed_in(Role.MEDICAL_PROVIDER)
    assert _put(provider, {"alert_spo2_below": 90}).status_code == 200
    before = PracticeMedicineSettings.objects.get().overrides
    events = AuditEvent.objects.count()

    response = _put(provider, {"alert_heart_rate_above": 130, **overrides})

    assert response.status_code == 422
    assert field in str(response.json())
    assert PracticeMedicineSettings.objects.get().overrides == before
    assert AuditEvent.objects.filter(detail__startswith="medicine_settings:").count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", [Role.MONITOR, Role.THERAPIST, Role.FRONT_DESK])
def test_only_medical_providers_change_settings(signed_in: SignIn, role: Role) -> None:
    response = _put(signed_in(role), {"alert_spo2_below": 90})
    assert response.status_code == 403
    assert not PracticeMedicineSettings.objects.exists()
    assert AuditEvent.objects.filter(detail="update:medicine_settings").exists()


def test_settings_belong_to_one_practice(signed_in: SignIn, staff: dict[Role, StaffMember]) -> None:
    from tests.factories import make_practice

    _put(signed_in(Role.MEDICAL_PROVIDER), {"alert_spo2_below": 90})
    other = make_practice(name="Another practice")
    assert settings_services.policy_for(other.pk).session.alert_spo2_below == 92
    assert (
        settings_services.policy_for(staff[Role.MONITOR].practice_id).session.alert_spo2_below == 90
    )


def test_query_counts_do_not_grow_with_overrides(signed_in: SignIn) -> None:
    provider = signed_in(Role.MEDICAL_PROVIDER)

    def cost(overrides: dict[str, object]) -> tuple[int, int]:
        _put(provider, overrides)
        with CaptureQueriesContext(connection) as api:
            assert provider.get(API).status_code == 200
        with CaptureQueriesContext(connection) as page:
            assert provider.get(PAGE).status_code == 200
        return len(api), len(page)

    few = cost({"alert_spo2_below": 90})
    many = cost({name: None for name in SETTING_NAMES} | {
        "alert_spo2_below": 91, "alert_heart_rate_above": 130, "fasting_food_hours": 6,
        "min_monitoring_minutes": 100, "hold_systolic_at_or_above": 170,
    })  # fmt: skip
    assert few == many
    assert many[0] <= 8
    assert many[1] <= 12


# --- the page -------------------------------------------------------------------------


def test_the_page_changes_a_setting_and_shows_field_errors(signed_in: SignIn) -> None:
    provider = signed_in(Role.MEDICAL_PROVIDER)
    form = {row.name: row.value for row in setting_rows({})}
    bad = provider.post(PAGE, {**form, "hold_systolic_at_or_above": 130, "reason": "Protocol"})
    assert bad.status_code == 422
    assert "The hold must be at or above" in bad.content.decode()
    assert not PracticeMedicineSettings.objects.exists()

    good = provider.post(PAGE, {**form, "hold_systolic_at_or_above": 150, "reason": "Protocol"})
    assert good.status_code == 302
    stored = PracticeMedicineSettings.objects.get().overrides
    assert list(stored) == ["hold_systolic_at_or_above"]
    assert stored["hold_systolic_at_or_above"]["value"] == 150


def test_every_staff_member_reads_the_page_only_providers_get_the_form(
    signed_in: SignIn,
) -> None:
    monitor = signed_in(Role.MONITOR)
    page = monitor.get(PAGE)
    assert page.status_code == 200
    assert "Save settings" not in page.content.decode()
    assert monitor.post(PAGE, {"reason": "x"}).status_code == 404
    assert "Save settings" in signed_in(Role.MEDICAL_PROVIDER).get(PAGE).content.decode()


def test_the_console_shows_the_practices_fasting_window(
    signed_in: SignIn, appointment: Appointment
) -> None:
    console = f"/appointments/{appointment.pk}/medicine/"
    assert "Nothing to eat for 4 hours" in signed_in(Role.MONITOR).get(console).content.decode()

    _put(signed_in(Role.MEDICAL_PROVIDER), {"fasting_food_hours": 6})

    page = signed_in(Role.MONITOR).get(console).content.decode()
    assert "Nothing to eat for 6 hours" in page


def test_the_dose_uses_the_practices_scheduling_preparation_count(
    signed_in: SignIn, appointment: Appointment, now: dt.datetime
) -> None:
    front_desk = signed_in(Role.FRONT_DESK)
    body = {"overrides": {"ongoing.preparation_sessions": 3}, "reason": "Our protocol"}
    assert _send(front_desk, "PUT", "/api/v1/practice/scheduling-settings", body).status_code == 200
    monitor = signed_in(Role.MONITOR)
    _send(monitor, "PUT", _url(appointment, "/checklist"), CHECKLIST)
    _vitals(monitor, appointment, now - MINUTE, (120, 80))

    assert _rules(_dose(monitor, appointment, now, "100")) == ["dose.preparation_incomplete"]
