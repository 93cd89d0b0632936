"""The generator's rows: ids it gives, the people it refers to, one batch of writes."""

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kapcare.audit.models import AuditAction
from kapcare.people.policy import Category

__all__ = ["AuditRow", "Batch", "Ids", "Person", "Row", "Staffing"]

Row = dict[str, Any]


class Ids:
    """The next id of each table (the generator gives ids itself, so rows can refer),
    taken from blocks that ``reserve`` hands out (table name -> ids no other writer uses)."""

    def __init__(self, reserve: Callable[[str], Sequence[int]]) -> None:
        self._reserve = reserve
        self._free: dict[str, deque[int]] = {}

    def take(self, table: str) -> int:
        free = self._free.get(table)
        if not free:
            free = self._free[table] = deque(self._reserve(table))
        return free.popleft()


@dataclass(frozen=True)
class Person:
    staff_id: int
    user_id: int
    room_id: int | None = None  # a therapist's therapy room, a monitor's medicine room


@dataclass(frozen=True)
class Staffing:
    practice_id: int
    location_id: int
    therapists: tuple[Person, ...]
    monitors: tuple[Person, ...]  # one per medicine room
    medical: Person
    front_desk: Person


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    actor_id: int
    client_id: int
    action: AuditAction
    category: Category
    detail: str


@dataclass
class Batch:
    """The rows of one therapist's clients, by table, in the order they are written."""

    clients: int = 0
    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    audit: list[AuditRow] = field(default_factory=list)

    def add(self, table: str, ids: Ids, **values: Any) -> int:
        row_id = ids.take(table)
        self.rows[table].append({"id": row_id, **values})
        return row_id
