"""Field types that more than one API router accepts."""

import datetime as dt
from typing import Annotated

from ninja import Field
from pydantic import AfterValidator, AwareDatetime

from kapcare.core.ids import MAX_ID


def _in_utc(value: dt.datetime) -> dt.datetime:
    # 9999-12-31T23:59:59-05:00 is a valid ISO time that no datetime can hold in UTC;
    # refused here, it is a 422 on the field instead of an overflow in the database layer.
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("This time is out of range") from None


# A moment: with a time zone (…Z or …-05:00), and one that exists in UTC.
Instant = Annotated[AwareDatetime, AfterValidator(_in_utc)]


# A record's id in a path, query or body: beyond a bigint is a 422, never a database error.
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
