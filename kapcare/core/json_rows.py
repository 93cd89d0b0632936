"""A related table's rows as one JSON column, so one query brings several kinds of fact.

A fact loader (``pathway.facts``, ``scheduling.facts``) reads a client's plan, consents,
clearances, dose orders and appointments, or a staff member's roles, licences and
working hours. Each kind is a table of its own; read one by one they cost a query
each, and each query costs a round trip and the ORM's compile (a few tenths of a
millisecond) where the database answers it in tens of microseconds. :func:`rows_of`
makes each kind a scalar subquery of the one row they belong to: its rows as a JSON
array of arrays (``JSONB_AGG`` on PostgreSQL, ``JSON_GROUP_ARRAY`` on SQLite), read
back here as plain values.

Resolving such a query's expressions costs the ORM more than the database's answer
(about 2 ms for a client's five kinds, against half a millisecond to run it): a loader
builds its query once per process (``functools.cache``) and narrows a copy of it to the
row it wants on each call (``.filter(pk=...)``), which compiles in a fraction of that.

JSON carries strings, numbers, booleans and null: the readers below turn a stored
date, time or moment back into Python's (a moment always aware, in UTC). The rows come
in no particular order: a caller sorts them by the keys it names.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Aggregate, Expression, F, JSONField, QuerySet, Subquery
from django.db.models.functions import JSONArray

__all__ = ["JSONArrayAgg", "as_date", "as_date_or_none", "as_moment", "as_time", "rows_of"]

Row = Sequence[Any]


class JSONArrayAgg(Aggregate):
    """The values of a group as one JSON array (NULL for none)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


def rows_of(records: QuerySet[Any], key: str, *fields: str | Expression) -> Subquery:
    """``records`` (filtered on an ``OuterRef``) as a JSON array of ``fields`` arrays.

    ``key`` is the column they share with the outer row (e.g. ``client_id``): the rows
    are grouped by it so that the aggregate yields one value. NULL when there are none.
    """
    columns = [F(f) if isinstance(f, str) else f for f in fields]
    return Subquery(
        records.order_by()
        .values(key)
        .annotate(rows=JSONArrayAgg(JSONArray(*columns)))
        .values("rows"),
        output_field=JSONField(),
    )


def as_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def as_date_or_none(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def as_time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def as_moment(value: str) -> dt.datetime:
    """A stored moment: PostgreSQL writes its offset, SQLite stores UTC without one."""
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
