"""Medicine-session thresholds: every default has a source, the defaults are the
documented ones, and an incoherent policy is refused when it is built."""

import datetime as dt
from dataclasses import FrozenInstanceError, fields, replace
from decimal import Decimal
from typing import Any

import pytest

from kapcare.core.sources import setting_sources
from kapcare.medicine.thresholds import BillingPolicy, MedicinePolicy, SessionPolicy, UnitRule


@pytest.mark.parametrize("policy_class", [SessionPolicy, BillingPolicy, MedicinePolicy])
def test_every_setting_names_the_source_of_its_default(policy_class: type) -> None:
    sources = setting_sources(policy_class)

    assert set(sources) == {f.name for f in fields(policy_class)}
    assert all(source.strip() for source in sources.values())


def test_session_defaults_are_the_documented_ones() -> None:
    policy = SessionPolicy()

    assert (policy.hold_systolic_at_or_above, policy.hold_diastolic_at_or_above) == (160, 100)
    assert (policy.ack_systolic_at_or_above, policy.ack_diastolic_at_or_above) == (140, 90)
    assert policy.hold_spo2_below == 92
    assert policy.vitals_schedule_minutes == (15, 30, 40, 60, 90, 120)
    assert (policy.alert_systolic_at_or_above, policy.alert_diastolic_at_or_above) == (180, 110)
    assert (policy.alert_heart_rate_below, policy.alert_heart_rate_above) == (50, 120)
    assert policy.alert_spo2_below == 92
    assert policy.min_monitoring == dt.timedelta(minutes=120)
    assert (policy.discharge_systolic_below, policy.discharge_diastolic_below) == (140, 90)
    assert policy.discharge_predose_margin == Decimal("0.10")
    assert (policy.fasting_food, policy.fasting_liquids) == (
        dt.timedelta(hours=4),
        dt.timedelta(hours=2),
    )
    assert policy.future_tolerance == dt.timedelta(0)


def test_billing_defaults_are_the_documented_ones() -> None:
    assert BillingPolicy().unit_minutes == 60
    assert BillingPolicy().unit_rule is UnitRule.MIDPOINT


def test_policies_are_immutable_and_changed_by_replacing() -> None:
    policy = SessionPolicy()

    with pytest.raises(FrozenInstanceError):
        policy.hold_systolic_at_or_above = 170  # type: ignore[misc]
    assert replace(policy, hold_systolic_at_or_above=170).hold_systolic_at_or_above == 170


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"vitals_schedule_minutes": ()}, "increasing order"),
        ({"vitals_schedule_minutes": (0, 15)}, "increasing order"),
        ({"vitals_schedule_minutes": (15, 15, 30)}, "increasing order"),
        ({"vitals_schedule_minutes": (30, 15)}, "increasing order"),
        ({"vitals_early_window": dt.timedelta(minutes=-1)}, "early window"),
        ({"vitals_overdue_after": dt.timedelta(minutes=-1)}, "overdue grace"),
        ({"hold_systolic_at_or_above": 139}, "acknowledgement thresholds"),
        ({"hold_diastolic_at_or_above": 89}, "acknowledgement thresholds"),
        ({"discharge_predose_margin": Decimal("-0.01")}, "margin"),
        ({"future_tolerance": dt.timedelta(seconds=-1)}, "future tolerance"),
        ({"predose_vitals_max_age": dt.timedelta(0)}, "must be positive"),
        ({"discharge_vitals_max_age": dt.timedelta(0)}, "must be positive"),
        ({"min_monitoring": dt.timedelta(minutes=-1)}, "must be positive"),
    ],
)
def test_incoherent_session_policy_is_refused(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        replace(SessionPolicy(), **changes)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"unit_minutes": 0}, "positive number of minutes"),
        ({"max_people_per_addon_code": -1}, "cannot be negative"),
    ],
)
def test_incoherent_billing_policy_is_refused(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        replace(BillingPolicy(), **changes)
