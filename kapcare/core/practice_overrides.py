"""A practice's overrides of policy defaults: the stored shape and the merge, shared by apps.

Pure Python (no Django). Stored overrides map a setting name to
``{"value": ..., "source": "..."}``. Each app names its settings, cleans each value and
builds its policy; this module holds what is the same for all of them.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["OverrideError", "SettingRow", "merge_overrides", "overrides_schema", "whole_number"]


class OverrideError(ValueError):
    """A setting that cannot take the value sent; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SettingRow:
    name: str
    label: str
    value: object
    default: object
    source: str
    overridden: bool


def whole_number(name: str, value: object, low: int, high: int) -> int:
    """``value`` when it is an int from ``low`` to ``high`` (bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise OverrideError(name, "Enter a whole number.")
    if not low <= value <= high:
        raise OverrideError(name, f"Enter a whole number from {low} to {high}.")
    return value


def overrides_schema(settings: Mapping[str, Mapping[str, Any]]) -> Callable[[dict[str, Any]], None]:
    """The JSON Schema of an ``overrides`` object in the API's document: each setting's own
    value (or null, back to the default), no other name. For a pydantic field's
    ``json_schema_extra`` (it replaces the "any key, any value" of ``dict[Text, Any]``)."""

    def publish(schema: dict[str, Any]) -> None:
        schema.pop("patternProperties", None)
        schema.pop("propertyNames", None)
        schema["properties"] = {
            name: {"anyOf": [dict(value), {"type": "null"}]} for name, value in settings.items()
        }
        schema["additionalProperties"] = False

    return publish


def merge_overrides(
    values: Mapping[str, object],
    *,
    source: str,
    current: Mapping[str, Any] | None,
    names: Collection[str],
    clean: Callable[[str, object], object],
    build: Callable[[Mapping[str, Any]], object],
) -> dict[str, dict[str, object]]:
    """The new stored overrides: ``current`` with ``values`` applied.

    A value of ``None`` removes an override (back to the default). Every changed value
    gets ``source`` (who changed it and why); unchanged ones keep theirs. Raises
    :class:`OverrideError` for the first bad value, and for a combination ``build``
    (the app's policy constructor) refuses, so the result always builds a policy.
    """
    if not source.strip():
        raise OverrideError("reason", "Say why the setting changes (it is kept with the value).")
    result: dict[str, dict[str, object]] = {k: dict(v) for k, v in (current or {}).items()}
    for name in sorted(values):
        if name not in names:
            raise OverrideError(name, "This is not a setting a practice can change.")
        value = values[name]
        if value is None:
            result.pop(name, None)
            continue
        result[name] = {"value": clean(name, value), "source": source.strip()}
    try:
        build(result)
    except OverrideError:
        raise
    except ValueError as error:  # a combination the policy refuses
        raise OverrideError("overrides", str(error)) from None
    return result
