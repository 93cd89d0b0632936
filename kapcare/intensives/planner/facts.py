"""What the planner reads: plain data, loaded by ``intensives.services.planning`` through
``scheduling.facts``. No Django here."""

import datetime as dt
from dataclasses import dataclass, field

from kapcare.intensives.pattern import Block
from kapcare.scheduling.hours import StaffSchedule
from kapcare.scheduling.rules import (
    Appointment,
    ClientInfo,
    LocationInfo,
    PathwayFacts,
    RoomInfo,
    StaffInfo,
)
from kapcare.scheduling.thresholds import DEFAULT_POLICY, SchedulingPolicy

__all__ = ["ClientIntensive", "PlanningProblem", "SolverSettings", "Weights"]


@dataclass(frozen=True)
class ClientIntensive:
    """One client's intensive plan with where the client stands on the pathway."""

    client: ClientInfo
    days: tuple[tuple[Block, ...], ...]
    approved_dosing_days: frozenset[int]
    earliest_start: dt.date
    pathway: PathwayFacts
    preferred_staff: frozenset[int] = frozenset()
    day_ends_by: dt.time | None = None
    location_state: str | None = None
    """Where the client will be during the virtual blocks (a US state); None: at home."""


@dataclass(frozen=True)
class Weights:
    """The objective: what each departure from a preference costs (smaller is better).

    The order says what matters most: one therapist through the intensive (attachment
    trauma: CLINICAL.md, the end of an intensive can feel like abandonment), then the
    clinicians the client prefers, then starting on the client's earliest date, then
    fewer room changes and days ending on time.
    """

    extra_therapist: int = 12
    not_preferred: int = 6
    day_of_delay: int = 4
    room_change: int = 3
    late_day: int = 2


@dataclass(frozen=True)
class SolverSettings:
    """Fixed so that a plan is reproducible: one worker and a seed give the same answer."""

    max_seconds: float = 20.0
    workers: int = 1
    seed: int = 15


@dataclass(frozen=True)
class PlanningProblem:
    """Several clients' intensives and the practice around them."""

    intensives: tuple[ClientIntensive, ...]
    start: dt.date
    """The first date the planner may use (``earliest_start`` of the request)."""
    staff: tuple[StaffInfo, ...]
    locations: tuple[LocationInfo, ...]
    rooms: tuple[RoomInfo, ...]
    schedule: StaffSchedule = field(default_factory=StaffSchedule)
    calendar: tuple[Appointment, ...] = ()
    """Appointments of the staff and rooms in the horizon (any client)."""
    policy: SchedulingPolicy = DEFAULT_POLICY
    horizon_days: int = 42
    """How far from ``start`` an intensive may begin (six weeks)."""
    day_ends_by: dt.time = dt.time(17)
    """The practice's preferred end of an intensive day, when a plan sets none."""
    weights: Weights = field(default_factory=Weights)
