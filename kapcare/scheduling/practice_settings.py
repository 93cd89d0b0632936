"""A practice's changes to the booking-rule defaults, validated against the policy.

Pure Python (no Django): the stored overrides are a mapping of setting name to
``{"value": ..., "source": "..."}``; :func:`validate_overrides` turns what someone sent
into that mapping (or field errors), :func:`apply_overrides` builds the practice's
:class:`~kapcare.scheduling.thresholds.SchedulingPolicy` from the defaults and the
overrides. A setting that is not overridden keeps its default and its default's source.
"""

import dataclasses
import zoneinfo
from collections.abc import Mapping
from typing import Any

from kapcare.core.practice_overrides import OverrideError, SettingRow, merge_overrides, whole_number
from kapcare.pathway.vocabulary import PlanFormat
from kapcare.people.states import US_STATES
from kapcare.scheduling.thresholds import (
    DEFAULT_POLICY,
    MedicineSpacing,
    PathwayParameters,
    SchedulingPolicy,
    Setting,
    SpacingMeasure,
)

__all__ = [
    "MAX_CANCEL_NOTICE_HOURS",
    "MAX_DAYS",
    "REMINDER_HOURS_RANGE",
    "SETTING_NAMES",
    "SETTING_SCHEMAS",
    "OverrideError",
    "SettingRow",
    "apply_overrides",
    "setting_rows",
    "validate_overrides",
    "validate_reminder_hours",
]

MAX_DAYS = 60
MAX_PREPARATIONS = 20
MAX_CANCEL_NOTICE_HOURS = 168  # a week
REMINDER_HOURS_RANGE = (1, 336)  # one hour to two weeks

_FORMATS = tuple(f.value for f in PlanFormat)
_INT_FIELDS = (
    "preparation_sessions",
    "integration_within_days",
    "medicine_spacing_days",
)
SETTING_NAMES: tuple[str, ...] = (
    *(f"{fmt}.{name}" for fmt in _FORMATS for name in (*_INT_FIELDS, "medicine_spacing_measure")),
    "telehealth_states",
    "time_zone",
    "client_cancel_notice_hours",
)
"""Every setting a practice may change, as the API and the settings page name them."""


def _setting_schema(name: str) -> dict[str, object]:
    field = name.split(".", 1)[-1]
    if field == "preparation_sessions":
        return {"type": "integer", "minimum": 0, "maximum": MAX_PREPARATIONS}
    if field in {"integration_within_days", "medicine_spacing_days"}:
        return {"type": "integer", "minimum": 0, "maximum": MAX_DAYS}
    if field == "medicine_spacing_measure":
        return {"type": "string", "enum": [m.value for m in SpacingMeasure]}
    if field == "telehealth_states":
        return {"type": "array", "items": {"type": "string", "enum": list(US_STATES)}}
    if field == "client_cancel_notice_hours":
        return {"type": "integer", "minimum": 0, "maximum": MAX_CANCEL_NOTICE_HOURS}
    return {"type": "string", "enum": sorted(zoneinfo.available_timezones())}  # time_zone


SETTING_SCHEMAS: dict[str, dict[str, object]] = {n: _setting_schema(n) for n in SETTING_NAMES}
"""Each setting's value as JSON Schema, for the API's document (what ``_clean`` takes)."""

_LABELS = {
    "preparation_sessions": "preparation sessions before a medicine session",
    "integration_within_days": "days within which integration follows a medicine session",
    "medicine_spacing_days": "days between medicine sessions",
    "medicine_spacing_measure": "how the days between medicine sessions are counted",
    "telehealth_states": "states where virtual sessions are offered",
    "time_zone": "practice time zone (for sessions without a location)",
    "client_cancel_notice_hours": "hours of notice a client gives to cancel in the portal",
}


def _int(name: str, value: object, high: int) -> int:
    return whole_number(name, value, 0, high)


def _clean(name: str, value: object) -> object:
    field = name.split(".", 1)[-1]
    if field == "preparation_sessions":
        return _int(name, value, MAX_PREPARATIONS)
    if field in {"integration_within_days", "medicine_spacing_days"}:
        return _int(name, value, MAX_DAYS)
    if field == "medicine_spacing_measure":
        # A list or an object sent here cannot be looked up in a set (make fuzz: a 500).
        if not isinstance(value, str) or value not in {m.value for m in SpacingMeasure}:
            raise OverrideError(name, "Choose wall_clock or calendar_day.")
        return value
    if field == "telehealth_states":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise OverrideError(name, "Send a list of two-letter state codes, such as PA.")
        unknown = [v for v in value if v not in US_STATES]
        if unknown:
            raise OverrideError(name, "Use two-letter US state codes, such as PA or NJ.")
        return sorted(set(value))
    if field == "client_cancel_notice_hours":
        return _int(name, value, MAX_CANCEL_NOTICE_HOURS)
    if field == "time_zone":
        if not isinstance(value, str) or not value or value not in zoneinfo.available_timezones():
            raise OverrideError(name, "Enter an IANA time zone, such as America/New_York.")
        return value
    raise OverrideError(name, "This is not a setting a practice can change.")


def validate_overrides(
    values: Mapping[str, object], *, source: str, current: Mapping[str, Any] | None = None
) -> dict[str, dict[str, object]]:
    """The new stored overrides: ``current`` with ``values`` applied.

    A value of ``None`` removes an override (back to the default). Every changed value
    gets ``source`` (who changed it and why); unchanged ones keep theirs. Raises
    :class:`OverrideError` for the first bad value; the result always builds a policy.
    """
    return merge_overrides(
        values,
        source=source,
        current=current,
        names=SETTING_NAMES,
        clean=_clean,
        build=apply_overrides,
    )


def validate_reminder_hours(value: object) -> int:
    low, high = REMINDER_HOURS_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise OverrideError(
            "reminder_hours_before", f"Enter a whole number of hours, {low} to {high}."
        )
    return value


def _setting(overrides: Mapping[str, Any], name: str, default: Setting[Any]) -> Setting[Any]:
    entry = overrides.get(name)
    if entry is None:
        return default
    return Setting(entry["value"], str(entry["source"]))


def _params(overrides: Mapping[str, Any], fmt: str, base: PathwayParameters) -> PathwayParameters:
    spacing = base.medicine_spacing
    days = overrides.get(f"{fmt}.medicine_spacing_days")
    measure = overrides.get(f"{fmt}.medicine_spacing_measure")
    if days is not None or measure is not None:
        changed = [e for e in (days, measure) if e is not None]
        spacing = Setting(
            MedicineSpacing(
                int(days["value"]) if days is not None else spacing.value.days,
                SpacingMeasure(measure["value"]) if measure is not None else spacing.value.measure,
            ),
            "; ".join(str(e["source"]) for e in changed),
        )
    return PathwayParameters(
        preparation_sessions=_setting(
            overrides, f"{fmt}.preparation_sessions", base.preparation_sessions
        ),
        integration_within_days=_setting(
            overrides, f"{fmt}.integration_within_days", base.integration_within_days
        ),
        medicine_spacing=spacing,
    )


def apply_overrides(
    overrides: Mapping[str, Any], base: SchedulingPolicy = DEFAULT_POLICY
) -> SchedulingPolicy:
    """The policy a practice books with: ``base`` with its overrides."""
    states = overrides.get("telehealth_states")
    return dataclasses.replace(
        base,
        ongoing=_params(overrides, "ongoing", base.ongoing),
        intensive=_params(overrides, "intensive", base.intensive),
        telehealth_states=(
            Setting(frozenset(states["value"]), str(states["source"]))
            if states is not None
            else base.telehealth_states
        ),
        time_zone=_setting(overrides, "time_zone", base.time_zone),
        client_cancel_notice_hours=_setting(
            overrides, "client_cancel_notice_hours", base.client_cancel_notice_hours
        ),
    )


def _value_of(policy: SchedulingPolicy, name: str) -> tuple[object, str]:
    if "." in name:
        fmt, field = name.split(".", 1)
        params = policy.for_format(PlanFormat(fmt))
        if field.startswith("medicine_spacing"):
            spacing = params.medicine_spacing
            value: object = (
                spacing.value.days if field.endswith("days") else spacing.value.measure.value
            )
            return value, spacing.source
        setting = getattr(params, field)
        return setting.value, setting.source
    if name == "telehealth_states":
        return sorted(policy.telehealth_states.value), policy.telehealth_states.source
    if name == "client_cancel_notice_hours":
        notice = policy.client_cancel_notice_hours
        return notice.value, notice.source
    return policy.time_zone.value, policy.time_zone.source


def setting_rows(overrides: Mapping[str, Any]) -> list[SettingRow]:
    """Every setting with its value in force, the default, and where the value comes from."""
    policy = apply_overrides(overrides)
    rows = []
    for name in SETTING_NAMES:
        value, source = _value_of(policy, name)
        default, _ = _value_of(DEFAULT_POLICY, name)
        field = name.split(".", 1)[-1]
        fmt = name.split(".", 1)[0] if "." in name else ""
        label = f"{fmt.capitalize()}: {_LABELS[field]}" if fmt else _LABELS[field].capitalize()
        rows.append(SettingRow(name, label, value, default, source, name in overrides))
    return rows
