"""A planned block: when, where and with whom. Pure Python."""

import datetime as dt
from dataclasses import dataclass

from kapcare.intensives.pattern import Block

__all__ = ["Placed"]


@dataclass(frozen=True)
class Placed:
    client_id: int
    day: int
    """1-based day of the intensive."""
    block: Block
    start: dt.datetime
    end: dt.datetime
    therapist: int
    monitor: int | None = None
    location_id: int | None = None
    room_id: int | None = None

    @property
    def staff_ids(self) -> tuple[int, ...]:
        return (self.therapist,) if self.monitor is None else (self.therapist, self.monitor)
