"""The baseline: first fit, as a front desk would plan by hand. Pure Python.

Clients in the order given; for each, the first start day on which every block fits,
each block at the earliest time after the previous one, with the first room and the
first free therapist (preferred clinicians tried first) and monitor. The same hard rules
as the optimal plan (it reads the same free time), none of its foresight: the benchmark
compares the two.
"""

from collections import defaultdict

from kapcare.intensives.planner.grid import SLOTS_PER_DAY, Span
from kapcare.intensives.planner.placed import Placed
from kapcare.intensives.planner.prepared import Prepared
from kapcare.intensives.planner.tasks import Task

__all__ = ["solve_greedy"]

_Where = tuple[int, int | None, int | None, int | None]
"""Therapist, monitor, location and room of a placed block."""
_Choice = tuple[Task, int, _Where]


def _inside(spans: list[Span], a: int, b: int) -> bool:
    return any(x <= a and b <= y for x, y in spans)


def _clear(taken: list[Span], a: int, b: int) -> bool:
    return all(b <= x or y <= a for x, y in taken)


class _Greedy:
    def __init__(self, prepared: Prepared) -> None:
        self.p = prepared
        self.staff_taken: dict[int, list[Span]] = defaultdict(list)
        self.room_taken: dict[int, list[Span]] = defaultdict(list)

    def _ordered(self, task: Task, people: tuple[int, ...]) -> list[int]:
        preferred = self.p.intensive(task).preferred_staff
        return sorted(people, key=lambda s: (s not in preferred, s))

    def _person(
        self, task: Task, people: list[int], location_id: int | None, a: int, b: int,
        busy: dict[int, list[Span]], exclude: int | None = None,
    ) -> int | None:  # fmt: skip
        for staff_id in people:
            if staff_id == exclude:
                continue
            if _inside(self.p.staff_free(staff_id, location_id), a, b) and _clear(
                self.staff_taken[staff_id] + busy[staff_id], a, b
            ):
                return staff_id
        return None

    def _place(
        self, task: Task, a: int, busy_staff: dict[int, list[Span]],
        busy_rooms: dict[int, list[Span]],
    ) -> _Where | None:  # fmt: skip
        b = a + task.length
        if not _inside(self.p.client_free(task.client), a, b):
            return None
        therapists = self._ordered(task, task.therapists)
        monitors = self._ordered(task, task.monitors)
        rooms = task.rooms if task.in_person else (None,)
        for room in rooms:
            if room is not None and not (
                _inside(self.p.room_free(room), a, b)
                and _clear(self.room_taken[room.id] + busy_rooms[room.id], a, b)
            ):
                continue
            location_id = room.location_id if room is not None else None
            therapist = self._person(task, therapists, location_id, a, b, busy_staff)
            if therapist is None:
                continue
            monitor = None
            if task.block.is_medicine:
                monitor = self._person(
                    task, monitors, location_id, a, b, busy_staff, exclude=therapist
                )
                if monitor is None:
                    continue
            return therapist, monitor, location_id, room.id if room is not None else None
        return None

    def _attempt(
        self, tasks: list[Task], first_day: int
    ) -> list[tuple[Task, int, tuple[int, int | None, int | None, int | None]]] | None:
        busy_staff: dict[int, list[Span]] = defaultdict(list)
        busy_rooms: dict[int, list[Span]] = defaultdict(list)
        chosen = []
        cursor = 0
        for task in tasks:
            day_start = (first_day + task.day - 1) * SLOTS_PER_DAY
            if task.order == 0:
                cursor = day_start
            found = None
            for a in range(cursor, day_start + SLOTS_PER_DAY - task.length + 1):
                found = self._place(task, a, busy_staff, busy_rooms)
                if found is not None:
                    break
            if found is None:
                return None
            therapist, monitor, _, room_id = found
            span = (a, a + task.length)
            busy_staff[therapist].append(span)
            if monitor is not None:
                busy_staff[monitor].append(span)
            if room_id is not None:
                busy_rooms[room_id].append(span)
            chosen.append((task, a, found))
            cursor = a + task.length
        return chosen

    def solve(self) -> tuple[Placed, ...] | None:
        placed: list[Placed] = []
        for client, days in enumerate(self.p.start_days):
            tasks = [t for t in self.p.tasks if t.client == client]
            for first_day in days:
                chosen = self._attempt(tasks, first_day)
                if chosen is not None:
                    break
            else:
                return None
            client_id = self.p.problem.intensives[client].client.id
            for task, a, (therapist, monitor, location_id, room_id) in chosen:
                span = (a, a + task.length)
                self.staff_taken[therapist].append(span)
                if monitor is not None:
                    self.staff_taken[monitor].append(span)
                if room_id is not None:
                    self.room_taken[room_id].append(span)
                placed.append(
                    Placed(
                        client_id=client_id,
                        day=task.day,
                        block=task.block,
                        start=self.p.grid.moment(a),
                        end=self.p.grid.moment(a + task.length),
                        therapist=therapist,
                        monitor=monitor,
                        location_id=location_id,
                        room_id=room_id,
                    )
                )
        return tuple(placed)


def solve_greedy(prepared: Prepared) -> tuple[Placed, ...] | None:
    """The first-fit plan, or None when first fit finds none (a plan may still exist)."""
    return _Greedy(prepared).solve()
