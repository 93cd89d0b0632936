"""A practice's changes to the medicine-session thresholds, validated against the policy.

Pure Python (no Django), the medicine twin of ``kapcare.scheduling.practice_settings``:
the stored overrides map a setting name to ``{"value": ..., "source": "..."}``
(shape and merge in :mod:`kapcare.core.practice_overrides`); :func:`apply_overrides` builds
the practice's :class:`~kapcare.medicine.policy.MedicinePolicy`. A setting that is not
overridden keeps its default and the default's source (``policy.setting_sources``).
"""

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from kapcare.core.practice_overrides import OverrideError, SettingRow, merge_overrides, whole_number
from kapcare.core.sources import setting_sources
from kapcare.medicine.thresholds import MedicinePolicy, SessionPolicy

__all__ = [
    "DEFAULT_POLICY",
    "SETTING_NAMES",
    "SETTING_SCHEMAS",
    "apply_overrides",
    "setting_rows",
    "validate_overrides",
]

DEFAULT_POLICY = MedicinePolicy()

# name -> (label, lowest, highest, SessionPolicy field, unit). The ranges are typo
# guards (a value no practice means), not clinical advice; the defaults carry that.
_SETTINGS: dict[str, tuple[str, int, int, str, str]] = {
    "hold_systolic_at_or_above": (
        "Pre-dose hold: systolic at or above (mmHg)",
        100,
        250,
        "hold_systolic_at_or_above",
        "",
    ),
    "hold_diastolic_at_or_above": (
        "Pre-dose hold: diastolic at or above (mmHg)",
        50,
        150,
        "hold_diastolic_at_or_above",
        "",
    ),
    "ack_systolic_at_or_above": (
        "Medical provider's acknowledgement: systolic at or above (mmHg)",
        100,
        250,
        "ack_systolic_at_or_above",
        "",
    ),
    "ack_diastolic_at_or_above": (
        "Medical provider's acknowledgement: diastolic at or above (mmHg)",
        50,
        150,
        "ack_diastolic_at_or_above",
        "",
    ),
    "hold_spo2_below": ("Pre-dose hold: SpO2 below (%)", 70, 100, "hold_spo2_below", ""),
    "alert_systolic_at_or_above": (
        "Alert: systolic at or above (mmHg)",
        100,
        280,
        "alert_systolic_at_or_above",
        "",
    ),
    "alert_diastolic_at_or_above": (
        "Alert: diastolic at or above (mmHg)",
        50,
        180,
        "alert_diastolic_at_or_above",
        "",
    ),
    "alert_heart_rate_below": (
        "Alert: heart rate below (beats/min)",
        20,
        100,
        "alert_heart_rate_below",
        "",
    ),
    "alert_heart_rate_above": (
        "Alert: heart rate above (beats/min)",
        60,
        250,
        "alert_heart_rate_above",
        "",
    ),
    "alert_spo2_below": ("Alert: SpO2 below (%)", 70, 100, "alert_spo2_below", ""),
    "discharge_systolic_below": (
        "Discharge: systolic below (mmHg)",
        90,
        250,
        "discharge_systolic_below",
        "",
    ),
    "discharge_diastolic_below": (
        "Discharge: diastolic below (mmHg)",
        50,
        150,
        "discharge_diastolic_below",
        "",
    ),
    "min_monitoring_minutes": (
        "Discharge: minimum monitoring after the first dose (minutes)",
        30,
        480,
        "min_monitoring",
        "minutes",
    ),
    "fasting_food_hours": ("Fasting from food (hours)", 0, 24, "fasting_food", "hours"),
    "fasting_liquids_hours": ("Fasting from liquids (hours)", 0, 24, "fasting_liquids", "hours"),
}

SETTING_NAMES: tuple[str, ...] = tuple(_SETTINGS)
"""Every setting a practice may change, as the API and the settings page name them."""

SETTING_SCHEMAS: dict[str, dict[str, object]] = {
    name: {"type": "integer", "minimum": low, "maximum": high}
    for name, (_label, low, high, _field, _unit) in _SETTINGS.items()
}
"""Each setting's value as JSON Schema, for the API's document (what ``_clean`` takes)."""

# (higher, lower, message): pairs the policy itself also refuses, checked here first so
# the error names the field a person can fix.
_ORDERED = (
    (
        "hold_systolic_at_or_above",
        "ack_systolic_at_or_above",
        "The hold must be at or above the acknowledgement threshold.",
    ),
    (
        "hold_diastolic_at_or_above",
        "ack_diastolic_at_or_above",
        "The hold must be at or above the acknowledgement threshold.",
    ),
    (
        "alert_heart_rate_above",
        "alert_heart_rate_below",
        "The high heart-rate alert must be above the low one.",
    ),
)


def _to_policy_value(name: str, value: int) -> object:
    unit = _SETTINGS[name][4]
    if unit == "minutes":
        return dt.timedelta(minutes=value)
    if unit == "hours":
        return dt.timedelta(hours=value)
    return value


def _from_policy_value(name: str, value: object) -> int:
    unit = _SETTINGS[name][4]
    if isinstance(value, dt.timedelta):
        seconds = 60 if unit == "minutes" else 3600
        return int(value.total_seconds() // seconds)
    return int(str(value))


def _clean(name: str, value: object) -> object:
    _label, low, high, _field, _unit = _SETTINGS[name]
    return whole_number(name, value, low, high)


def _values(policy: MedicinePolicy) -> dict[str, int]:
    return {
        name: _from_policy_value(name, getattr(policy.session, spec[3]))
        for name, spec in _SETTINGS.items()
    }


def apply_overrides(
    overrides: Mapping[str, Any], base: MedicinePolicy = DEFAULT_POLICY
) -> MedicinePolicy:
    """The policy a practice's medicine sessions run on: ``base`` with its overrides."""
    changes = {
        _SETTINGS[name][3]: _to_policy_value(name, int(entry["value"]))
        for name, entry in overrides.items()
        if name in _SETTINGS
    }
    values = {
        **_values(base),
        **{n: int(e["value"]) for n, e in overrides.items() if n in _SETTINGS},
    }
    for higher, lower, message in _ORDERED:
        if values[higher] < values[lower] or (
            higher == "alert_heart_rate_above" and values[higher] == values[lower]
        ):
            field = higher if higher in overrides else lower
            raise OverrideError(field, message)
    session: SessionPolicy = dataclasses.replace(base.session, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(base, session=session)


def validate_overrides(
    values: Mapping[str, object], *, source: str, current: Mapping[str, Any] | None = None
) -> dict[str, dict[str, object]]:
    """The new stored overrides (see :func:`kapcare.core.practice_overrides.merge_overrides`)."""
    return merge_overrides(
        values,
        source=source,
        current=current,
        names=SETTING_NAMES,
        clean=_clean,
        build=apply_overrides,
    )


def setting_rows(overrides: Mapping[str, Any]) -> list[SettingRow]:
    """Every setting with its value in force, the default, and where the value comes from."""
    in_force = _values(apply_overrides(overrides))
    defaults = _values(DEFAULT_POLICY)
    sources = setting_sources(SessionPolicy)
    rows = []
    for name, (label, _low, _high, field, _unit) in _SETTINGS.items():
        entry = overrides.get(name)
        source = str(entry["source"]) if entry is not None else sources[field]
        rows.append(
            SettingRow(name, label, in_force[name], defaults[name], source, entry is not None)
        )
    return rows
