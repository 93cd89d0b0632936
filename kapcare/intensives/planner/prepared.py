"""What both planners (optimal and greedy) share: the grid, the tasks, the start days,
and the free time of every person and room in slots. Pure Python."""

from dataclasses import dataclass, field

from kapcare.intensives.pattern import medicine_days
from kapcare.intensives.planner.facts import ClientIntensive, PlanningProblem
from kapcare.intensives.planner.grid import SLOTS_PER_DAY, Grid, Span, starts_within, subtract
from kapcare.intensives.planner.tasks import Task, candidate_days, tasks_of
from kapcare.scheduling.rules import RoomInfo

__all__ = ["Prepared", "prepare"]


@dataclass
class Prepared:
    problem: PlanningProblem
    grid: Grid
    tasks: list[Task]
    pathway_days: list[list[int]]
    """Per client, the grid days its intensive may start on as far as the pathway goes
    (every dose allowed on its date)."""
    date_problems: list[list[tuple[str, str]]]
    """Per client, why the first refused start date was refused (rule, message)."""
    _cache: dict[tuple[object, ...], list[Span]] = field(default_factory=dict)
    _days: dict[tuple[object, ...], frozenset[int]] = field(default_factory=dict)
    start_days: list[list[int]] = field(default_factory=list)
    """Per client, the pathway's start days on which each block also has someone (and a
    room) free on its day: what the solvers choose among."""

    def __post_init__(self) -> None:
        self.start_days = [
            [d for d in days if self._possible(client, d)]
            for client, days in enumerate(self.pathway_days)
        ]

    def staff_free(self, staff_id: int, location_id: int | None) -> list[Span]:
        """When the person works (there) and is neither away nor booked."""
        key = ("staff", staff_id, location_id)
        if key not in self._cache:
            p = self.problem
            working = self.grid.working_spans(p.schedule, staff_id, location_id)
            busy = self.grid.busy_spans(p.schedule, p.calendar, staff_id=staff_id)
            self._cache[key] = subtract(working, busy)
        return self._cache[key]

    def room_free(self, room: RoomInfo) -> list[Span]:
        key = ("room", room.id)
        if key not in self._cache:
            p = self.problem
            busy = self.grid.busy_spans(p.schedule, p.calendar, room_id=room.id)
            self._cache[key] = subtract([(0, self.grid.size)], busy)
        return self._cache[key]

    def client_free(self, client: int) -> list[Span]:
        key = ("client", client)
        if key not in self._cache:
            busy = self.grid.appointment_spans(self.problem.intensives[client].pathway.appointments)
            self._cache[key] = subtract([(0, self.grid.size)], busy)
        return self._cache[key]

    def task_starts(self, task: Task) -> list[Span]:
        """Start ranges (closed) of a task over its client's possible start days: the
        client free, and some eligible therapist free for all of it."""
        windows = [
            ((d + task.day - 1) * SLOTS_PER_DAY, (d + task.day) * SLOTS_PER_DAY)
            for d in self.start_days[task.client]
        ]
        busy = _gaps(self.client_free(task.client), self.grid.size)
        anyone = self.grid.clip(
            (a, b + task.length)
            for s in task.therapists
            for loc in self.locations(task)
            for a, b in starts_within(self.staff_free(s, loc), task.length)
        )
        return starts_within(
            subtract(subtract(windows, busy), _gaps(anyone, self.grid.size)), task.length
        )

    def locations(self, task: Task) -> list[int | None]:
        """Where the task may take place: its rooms' offices (None: telehealth)."""
        if not task.in_person:
            return [None]
        return [*sorted({r.location_id for r in task.rooms})]

    def _free_days(
        self, kind: str, key: int, location_id: int | None, length: int
    ) -> frozenset[int]:
        """Grid days on which the person (or room) has ``length`` free slots in a row."""
        cache_key = (kind, key, location_id, length)
        if cache_key not in self._days:
            if kind == "room":
                room = next(r for r in self.problem.rooms if r.id == key)
                spans = self.room_free(room)
            else:
                spans = self.staff_free(key, location_id)
            days: set[int] = set()
            for a, b in spans:
                for day in range(a // SLOTS_PER_DAY, (b - 1) // SLOTS_PER_DAY + 1):
                    low = max(a, day * SLOTS_PER_DAY)
                    high = min(b, (day + 1) * SLOTS_PER_DAY)
                    if high - low >= length:
                        days.add(day)
            self._days[cache_key] = frozenset(days)
        return self._days[cache_key]

    def _possible(self, client: int, start: int) -> bool:
        """Whether every block of the client's intensive, started on ``start``, has a
        therapist (a monitor, a room) free long enough on its day, each on its own."""
        for task in self.tasks:
            if task.client != client:
                continue
            day = start + task.day - 1
            for loc in self.locations(task):
                rooms = [r for r in task.rooms if r.location_id == loc]
                if (
                    any(
                        day in self._free_days("staff", s, loc, task.length)
                        for s in task.therapists
                    )
                    and (
                        not task.block.is_medicine
                        or any(
                            day in self._free_days("staff", s, loc, task.length)
                            for s in task.monitors
                        )
                    )
                    and (
                        not task.in_person
                        or any(
                            day in self._free_days("room", r.id, loc, task.length) for r in rooms
                        )
                    )
                ):
                    break
            else:
                return False
        return True

    def earliest_day(self, client: int) -> int:
        """The grid day of the client's earliest start (days to start count from it)."""
        intensive = self.problem.intensives[client]
        return max(0, self.grid.day_of(max(self.problem.start, intensive.earliest_start)))

    def intensive(self, task: Task) -> ClientIntensive:
        return self.problem.intensives[task.client]


def _gaps(free: list[Span], size: int) -> list[Span]:
    """The complement of ``free`` in ``[0, size)``."""
    return subtract([(0, size)], free)


def prepare(problem: PlanningProblem) -> Prepared:
    longest = max((len(i.days) for i in problem.intensives), default=1)
    grid = Grid(problem.start, problem.horizon_days + longest, problem.policy.time_zone.value)
    pathway_days = []
    date_problems = []
    for intensive in problem.intensives:
        days, problems = candidate_days(problem, grid, intensive, medicine_days(intensive.days))
        pathway_days.append(days)
        date_problems.append(problems)
    return Prepared(problem, grid, tasks_of(problem), pathway_days, date_problems)
