"""Shapes of API errors, shared by every router."""

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict


class FieldMessage(TypedDict):
    field: str
    message: str


class Violation(TypedDict):
    rule: str
    message: str


class ApiFieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class ApiViolations(Exception):
    """Rules that refused a change: 422 with every violation (or 409 for a lost race)."""

    def __init__(self, violations: list[Violation], status: int = 422) -> None:
        super().__init__(", ".join(v["rule"] for v in violations))
        self.violations = violations
        self.status = status


_FRIENDLY = {
    "missing": "This field is required.",
    "json_invalid": "The request body is not valid JSON.",
    "extra_forbidden": "This field is not accepted here.",
}


def _field_name(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts) or "body"


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[FieldMessage]:
    """Pydantic's error list as ``[{field, message}]`` with plain sentences."""
    result: list[FieldMessage] = []
    for error in errors:
        kind = str(error.get("type", ""))
        message = _FRIENDLY.get(kind) or str(error.get("msg", "Invalid value.")).removeprefix(
            "Value error, "
        )
        if not message.endswith("."):
            message += "."
        result.append({"field": _field_name(error.get("loc", ())), "message": message})
    return result or [{"field": "body", "message": "The request could not be read."}]
