"""Reading an instrument document strictly: JSON without repeated keys or NaN, and
objects, lists, texts and numbers checked where they are, each mistake an
:class:`InstrumentError` naming its path.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

from kapcare.measures.scoring import (
    Number,
)


class InstrumentError(ValueError):
    """A definition that cannot be used; ``where`` is the path of the mistake."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InstrumentError("", f"the key {key!r} appears twice in one object.")
        result[key] = value
    return result


def _no_constant(name: str) -> object:
    raise InstrumentError("", f"{name} is not a JSON number.")


def load_json(text: str) -> object:
    """Strict JSON: a repeated key or NaN/Infinity is a mistake, not silently accepted."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InstrumentError(
            "", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None


def document_digest(document: Mapping[str, Any]) -> str:
    """SHA-256 of the document's canonical JSON: equal content, equal digest."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def object_at(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InstrumentError(where, "must be a JSON object.")
    return cast(dict[str, Any], value)


def list_at(value: object, where: str, *, empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise InstrumentError(where, "must be a JSON list.")
    if not value and not empty:
        raise InstrumentError(where, "must not be empty.")
    return value


def text_at(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InstrumentError(where, "must be a non-empty string.")
    return value.strip()


def number_at(value: object, where: str) -> Number:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InstrumentError(where, f"must be a number (got {json.dumps(value)}).")
    return int(value) if isinstance(value, float) and value.is_integer() else value


def check_keys(
    obj: Mapping[str, Any],
    where: str,
    *,
    required: Sequence[str] = (),
    optional: Sequence[str] = (),
) -> None:
    allowed = [*required, *optional]
    for key in obj:
        if key not in allowed:
            raise InstrumentError(
                f"{where}.{key}" if where else key,
                f"unknown key; expected {', '.join(repr(k) for k in allowed)}.",
            )
    for key in required:
        if key not in obj:
            raise InstrumentError(where or "document", f"missing the required key {key!r}.")


def path_of(loc: Sequence[object]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
