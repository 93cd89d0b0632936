"""Field types that every API router uses for what a caller sends.

Every text, date and moment in a request body, query or path is one of these types:
``tests/test_input_types.py`` walks every operation and fails on a bare ``str``,
``date`` or ``datetime``. The rules themselves are in :mod:`kapcare.core.inputs`, shared
with the pages' forms.
"""

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Field
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    GetJsonSchemaHandler,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from kapcare.core.ids import MAX_ID
from kapcare.core.inputs import (
    FILLED_TEXT_PATTERN,
    TEXT_PATTERN,
    check_day,
    check_instant,
    check_text,
)
from kapcare.core.text import MAX_TEXT

__all__ = [
    "DAY_PATTERN",
    "FILLED",
    "INPUT_VALIDATORS",
    "INSTANT_PATTERN",
    "NOT_BLANK",
    "Day",
    "Instant",
    "LongText",
    "Published",
    "RecordId",
    "Text",
    "WallTime",
]


def _in_utc(value: dt.datetime) -> dt.datetime:
    # 9999-12-31T23:59:59-05:00 is a valid ISO time that no datetime can hold in UTC;
    # refused here, it is a 422 on the field instead of an overflow in the database layer.
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("This time is out of range") from None


# What the API reads as a moment or a date: ISO 8601 text in the RFC 3339 profile (a "T",
# seconds, at most microseconds, a zone as Z or +hh:mm), and nothing else. Pydantic alone
# would also read a number ("0", 0.5) as seconds since 1970, "t" and "z" in lower case and
# a day as a moment (issue 12, finding 10). The same text, its year in the window, is the
# pattern the document publishes, so what the document calls valid the API accepts.
_YEAR = "[0-9]{4}"
_YEAR_IN_WINDOW = "(19[0-9]{2}|20[0-9]{2}|2100)"  # EARLIEST_DAY to LATEST_DAY
_MONTH_DAY = "-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME_ZONE = (
    "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
)
_ISO_DATE = re.compile(_YEAR + _MONTH_DAY)
_ISO_DATE_TIME = re.compile(_YEAR + _MONTH_DAY + _TIME_ZONE)
DAY_PATTERN = f"^{_YEAR_IN_WINDOW}{_MONTH_DAY}$"
INSTANT_PATTERN = f"^{_YEAR_IN_WINDOW}{_MONTH_DAY}{_TIME_ZONE}$"
INSTANT_MESSAGE = (
    "Enter a date and time in ISO 8601 with its time zone, e.g. 2030-01-07T10:00:00-05:00"
)
DAY_MESSAGE = "Enter a date in ISO 8601, e.g. 2030-01-07"


def _iso_text(value: object) -> object:
    if isinstance(value, dt.datetime):  # built in code, not sent
        return value
    if not isinstance(value, str) or not _ISO_DATE_TIME.fullmatch(value):
        raise ValueError(INSTANT_MESSAGE)
    return value


def _iso_day(value: object) -> object:
    if isinstance(value, dt.date):  # built in code, not sent
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(DAY_MESSAGE)
    return value


class Published:
    """JSON Schema keywords added to what pydantic documents for a type.

    The checks themselves are validators; this says them in the document (a pattern
    cannot be a pydantic constraint on a type whose validator gives its own message).
    The outermost says last: ``Annotated[Text, Field(pattern=P), Published(pattern=P)]``
    publishes a field's own, narrower pattern (pydantic leaves a ``Field`` pattern out of
    the document once a validator comes before it, and JSON Schema holds one pattern).
    """

    def __init__(self, **keywords: object) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.update(self.keywords)
        return schema


_HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:00)?")


def _hh_mm(value: object) -> object:
    if isinstance(value, dt.time):  # built in code, not sent
        return value
    # "09:00:00" is read too, so what an older answer said can be sent back as it was.
    if not isinstance(value, str) or not _HH_MM.fullmatch(value):
        raise ValueError("Enter a time as HH:MM (24-hour clock), e.g. 09:30")
    return value


# A wall-clock time of day, HH:MM both ways (the answer never carries seconds). The
# document says ":00" may follow, since the API reads it: one component describes the
# input and the answer alike, and a pattern narrower than the input would call a request
# the API accepts invalid.
WallTime = Annotated[
    dt.time,
    BeforeValidator(_hh_mm),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:00)?$"}),
]


# Text a person or a program sends: no control characters but tab and line breaks.
Text = Annotated[str, AfterValidator(check_text), Published(pattern=TEXT_PATTERN)]

# On a Text whose service refuses it blank (nothing but white space), in the service's own
# words ("Say why you need this record now"): ``Annotated[Text, FILLED]`` says so in the
# document, as a pattern (at least one character that is not white space).
FILLED = Published(pattern=FILLED_TEXT_PATTERN)
# The same for a ``Field(json_schema_extra=NOT_BLANK)``.
NOT_BLANK: dict[str, Any] = {"pattern": FILLED_TEXT_PATTERN}

# Free text as services keep it (notes, goals, reasons): at most MAX_TEXT characters.
LongText = Annotated[Text, Field(max_length=MAX_TEXT)]

# A moment: ISO 8601 text with a time zone (…Z or …-05:00), one that exists in UTC, in
# 1900-2100.
Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_text),
    AfterValidator(check_instant),
    AfterValidator(_in_utc),
    Published(pattern=INSTANT_PATTERN),
]

# A calendar date (YYYY-MM-DD) in 1900-2100.
Day = Annotated[
    dt.date, BeforeValidator(_iso_day), AfterValidator(check_day), Published(pattern=DAY_PATTERN)
]

# A record's id in a path, query or body: beyond a bigint is a 422, never a database error.
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]

# How the schema walk recognises the shared types.
INPUT_VALIDATORS = frozenset({check_text, check_day, check_instant})
