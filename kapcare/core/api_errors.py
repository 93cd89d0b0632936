"""Shapes of API errors, shared by every router.

Every error answers ``{"detail": text}``; validation errors add
``"errors": [{"field", "message"}]``. Messages are written here, never copied
from the input: an error must not echo client data back (or into a log).
"""

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from ninja import Field

from kapcare.core.api_schema import Schema
from kapcare.core.inputs import first_forbidden_character
from kapcare.core.violations import Violation


class FieldMessage(TypedDict):
    field: str
    message: str


class ApiFieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class MalformedBody(ValueError):
    """The request body could not be read as a JSON object."""


class NotJsonBody(ValueError):
    """The request body was sent with a media type other than JSON (answered 415)."""


class DuplicateKey(ValueError):
    """A JSON object in the body names the same key twice (answered 422 on that field).

    Parsers disagree on which of the two values wins; a proxy or a log that read the
    other one would see a different request than the one the API acted on.
    """

    def __init__(self, key: str) -> None:
        super().__init__("duplicate key")
        self.key = key


# OpenAPI shapes of the error answers.


class Message(Schema):
    detail: str


class FieldMessageOut(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldMessageOut]


class ViolationOut(Schema):
    """One reason a rule refused: the one shape of every refusal."""

    rule: str = Field(description="The rule's stable code, e.g. medicine.requires_consent.")
    message: str = Field(description="What is missing and how to fix it, in plain words.")
    subject: str = Field(
        description='What the rule is about: "appointment", or "follow_up" for a booking\'s '
        "follow-up; a checklist item, contraindication or measure; empty when the rule "
        "says it all."
    )

    @staticmethod
    def of(violation: Violation) -> "ViolationOut":
        return ViolationOut(
            rule=violation.rule, message=violation.message, subject=str(violation.subject)
        )


class ViolationsOut(Schema):
    detail: str
    violations: list[ViolationOut]


def error_responses(*statuses: int) -> dict[int, type[Schema]]:
    """The OpenAPI shapes of an operation's error answers.

    Use as ``response={200: X, **error_responses(401, 404)}``.
    """
    return {status: ValidationErrorOut if status == 422 else Message for status in statuses}


# What every list (and every read) answers besides 200: not signed in, not staff or not
# found, bad query.
LIST_ERRORS = READ_ERRORS = error_responses(401, 404, 422)
# What a delete answers besides success: refused, not found, bad path.
DELETE_ERRORS = error_responses(401, 403, 404, 422)
# What a write answers besides success: unreadable, unauthenticated, refused,
# not found, too large, not JSON, invalid.
WRITE_ERRORS = error_responses(400, 401, 403, 404, 413, 415, 422)


_FRIENDLY = {
    "missing": "This field is required.",
    "json_invalid": "The request body is not valid JSON.",
    "extra_forbidden": "This field is not accepted here.",
    "model_attributes_type": "Send a JSON object.",
    "dict_type": "Send a JSON object.",
    "model_type": "Send a JSON object.",
}

# Validators whose message may quote the input (email-validator names the
# offending characters): answered with a fixed sentence instead.
_EMAIL_PREFIX = "value is not a valid email address"
_EMAIL_MESSAGE = "Enter a valid email address, such as name@example.org."
_NOT_VALID = "This value is not valid."
_ECHO_MIN = 4  # shorter inputs match ordinary words in messages by chance

# Where a value came from, not part of the field's name.
_SOURCES = frozenset({"body", "query", "path", "payload", "data", "filters", "page"})


def _field_name(loc: Iterable[Any]) -> str:
    # A dict key is part of the location: one that is not clean text is not sent back.
    parts = ["*" if first_forbidden_character(str(p)) else str(p) for p in loc]
    while parts and parts[0] in _SOURCES:
        parts.pop(0)
    return ".".join(parts) or "body"


def _length_message(error: Mapping[str, Any]) -> str | None:
    """Text's length, said as pydantic says it for a plain string.

    On the shared ``Text`` type pydantic checks a length after the text check, and
    words it as for a list ("at most 100 items after validation").
    """
    ctx = error.get("ctx") or {}
    if ctx.get("field_type") != "Value":
        return None
    if error.get("type") == "too_long" and "max_length" in ctx:
        return f"String should have at most {ctx['max_length']} characters."
    if error.get("type") == "too_short" and "min_length" in ctx:
        least = ctx["min_length"]
        return f"String should have at least {least} character{'s' if least != 1 else ''}."
    return None


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    if length := _length_message(error):
        return length
    message = str(error.get("msg", _NOT_VALID))
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        if message.startswith(_EMAIL_PREFIX):
            return _EMAIL_MESSAGE
    given = error.get("input")
    if isinstance(given, str) and len(given) >= _ECHO_MIN and given in message:
        # Belt and braces: never send the caller's own value back to them.
        return _NOT_VALID
    return message if message.endswith(".") else message + "."


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[FieldMessage]:
    """Pydantic's error list as ``[{field, message}]`` with plain sentences."""
    result: list[FieldMessage] = [
        {"field": _field_name(error.get("loc", ())), "message": _message(error)} for error in errors
    ]
    return result or [{"field": "body", "message": "The request could not be read."}]


def validation_detail(errors: list[FieldMessage]) -> str:
    """One sentence for ``detail``: the first problem, and how many more there are."""
    first = errors[0]
    detail = f"{first['field']}: {first['message']}"
    if len(errors) > 1:
        others = len(errors) - 1
        detail += f" ({others} more problem{'s' if others > 1 else ''} listed in errors.)"
    return detail
