"""Which appointments (or staff bookings) overlap a span of time, through an index.

"Overlaps ``[after, before)``" is ``start < before AND end > after``. A B-tree on
``start`` answers only half of it: every appointment of the practice's history starts
before a day in the future, so the other half is a filter over all of them, and the
cost grows with the years. On PostgreSQL the same test is written as two ranges that
overlap (``tstzrange(start, end) && tstzrange(after, before)``), which the GiST
indexes of migration 0007 answer by visiting only the appointments of that span. On
SQLite it stays the two comparisons. Both mean the same for every row (``end > start``
is a constraint); a span that is empty or backwards keeps the comparisons everywhere,
whose answer for it PostgreSQL's ranges would refuse or change.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, BooleanField, Expression, F, Model, QuerySet, Value
from django.db.models.functions import Cast
from django.db.models.sql.compiler import SQLCompiler

from kapcare.scheduling.models import Appointment, AppointmentStaff

__all__ = ["Overlaps", "appointments_overlapping", "overlapping"]

M = TypeVar("M", bound=Model)

SqlParams = tuple[str, list[Any]]


class Overlaps(Expression):
    """True where the row's ``[start, end)`` overlaps ``[after, before)``; a bound left as
    None is open (no lower or no upper limit)."""

    conditional = True
    output_field = BooleanField()

    def __init__(
        self,
        *,
        after: dt.datetime | None,
        before: dt.datetime | None,
        start: str = "start",
        end: str = "end",
    ) -> None:
        super().__init__(output_field=BooleanField())
        self.start: Any = F(start)
        self.end: Any = F(end)
        self.after = after
        self.before = before

    def get_source_expressions(self) -> list[Any]:
        return [self.start, self.end]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.start, self.end = exprs

    def _bound(self, connection: BaseDatabaseWrapper, value: dt.datetime | None) -> Any:
        return None if value is None else connection.ops.adapt_datetimefield_value(value)

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> SqlParams:
        start, start_params = compiler.compile(self.start)
        end, end_params = compiler.compile(self.end)
        parts: list[str] = []
        params: list[Any] = []
        if self.before is not None:
            parts.append(f"{start} < %s")
            params += [*start_params, self._bound(connection, self.before)]
        if self.after is not None:
            parts.append(f"{end} > %s")
            params += [*end_params, self._bound(connection, self.after)]
        if not parts:
            return "1 = 1", []
        return "(" + " AND ".join(parts) + ")", params

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> SqlParams:
        if self.after is not None and self.before is not None and self.after >= self.before:
            return self.as_sql(compiler, connection, **extra)
        start, start_params = compiler.compile(self.start)
        end, end_params = compiler.compile(self.end)
        # Spelled as the indexes are (migration 0007), or the planner cannot use them.
        return (
            f"tstzrange({start}, {end}, '[)') && tstzrange(%s::timestamptz, %s::timestamptz, '[)')",
            [
                *start_params,
                *end_params,
                self._bound(connection, self.after),
                self._bound(connection, self.before),
            ],
        )


def overlapping(
    queryset: QuerySet[M],
    *,
    after: dt.datetime | None,
    before: dt.datetime | None,
    **ids: int,
) -> QuerySet[M]:
    """The rows of ``queryset`` (with ``start`` and ``end``) that overlap ``[after,
    before)``; with neither bound, all of them.

    ``ids`` (``location_id=``, ``staff_id=``) keep the rows with those ids, compared as
    ``bigint``: the GiST indexes lead with the id (``btree_gist``), whose operator class
    knows ``bigint = bigint`` only, and a plain integer parameter would leave the index
    to the span alone (EXPLAIN: every staff member's bookings of the day, then a filter).
    """
    exact = {name: Cast(Value(value), BigIntegerField()) for name, value in ids.items()}
    queryset = queryset.filter(**exact)
    if after is None and before is None:
        return queryset
    return queryset.filter(Overlaps(after=after, before=before))


def appointments_overlapping(
    appointments: QuerySet[Appointment],
    *,
    after: dt.datetime | None,
    before: dt.datetime | None,
    location_id: int | None = None,
    staff_id: int | None = None,
) -> QuerySet[Appointment]:
    """The ``appointments`` overlapping ``[after, before)``, at ``location_id`` and booked
    for ``staff_id`` when given: the location's through its (location, span) index, the
    staff member's through their bookings' (staff, span) index, whose times copy the
    appointment's."""
    ids = {"location_id": location_id} if location_id is not None else {}
    appointments = overlapping(appointments, after=after, before=before, **ids)
    if staff_id is None:
        return appointments
    booked = overlapping(
        AppointmentStaff.objects.all(), after=after, before=before, staff_id=staff_id
    )
    return appointments.filter(pk__in=booked.values("appointment_id"))
