"""The optimal plan: CP-SAT (OR-Tools) with the booking rules as constraints and the
preferences as the objective. Pure Python (no Django).

Variables: each client's start day; each block's start slot; one therapist, one room
(in person) and, for a medicine session, one monitor per block, as literals. Hard rules:

* the day: a block of day N starts and ends on the Nth day after the client's start, the
  day's blocks in their order, the closure last (``intensive.daily_closure``);
* working hours, time off and existing bookings (``staff.outside_working_hours``,
  ``staff.time_off``, ``conflict.clinician``): a chosen person's free time at the chosen
  room's office must hold the block, and nobody holds two planned blocks at once;
* rooms (``conflict.room``, ``medicine.location_not_equipped``): a medicine session in an
  active medicine room at an office that offers them, other in-person blocks in a therapy
  room, never two blocks at once in one room, never over an existing booking;
* ``medicine.monitor_required``: a monitor who is free for the whole session, not the
  block's therapist;
* ``telehealth.client_location_unlicensed``: virtual blocks only with a therapist licensed
  where the client is (the eligible lists, ``tasks``);
* the client's own calendar (``conflict.client``), and start days on which every dose is
  allowed (consent, clearance, dose order, spacing: ``tasks.candidate_days``).

The objective is :class:`~kapcare.intensives.planner.facts.Weights` over: therapists per
client beyond one, blocks with someone the client did not prefer, days after the
client's earliest date, room changes within a day, and days ending after the wished hour.
The greedy plan, when it found one, is given as a hint, so the solver starts from it.
"""

import itertools
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from kapcare.intensives.planner.facts import SolverSettings
from kapcare.intensives.planner.grid import SLOT_MINUTES, SLOTS_PER_DAY, Span, starts_within
from kapcare.intensives.planner.placed import Placed
from kapcare.intensives.planner.prepared import Prepared
from kapcare.intensives.planner.tasks import Task

__all__ = ["Solved", "solve_optimal"]


@dataclass(frozen=True)
class Solved:
    placed: tuple[Placed, ...]
    """Empty when no plan was found."""
    optimal: bool
    """Proven optimal (not only the best found in the time allowed)."""
    infeasible: bool
    """Proven that no plan exists."""
    objective: int | None
    seconds: float


def _domain(spans: list[Span]) -> cp_model.Domain:
    return cp_model.Domain.from_intervals([[a, b] for a, b in spans])


def _ends_slot(prepared: Prepared, task: Task) -> int:
    wish = prepared.intensive(task).day_ends_by or prepared.problem.day_ends_by
    return (wish.hour * 60 + wish.minute) // SLOT_MINUTES


class _Model:
    def __init__(self, prepared: Prepared) -> None:
        self.p = prepared
        self.m = cp_model.CpModel()
        self.day: list[cp_model.IntVar] = []
        self.start: list[cp_model.IntVar] = []
        self.therapist: list[dict[int, cp_model.IntVar]] = []
        self.monitor: list[dict[int, cp_model.IntVar]] = []
        self.room: list[dict[int, cp_model.IntVar]] = []
        self.staff_intervals: dict[int, list[cp_model.IntervalVar]] = defaultdict(list)
        self.room_intervals: dict[int, list[cp_model.IntervalVar]] = defaultdict(list)
        self.cost: list[cp_model.LinearExprT] = []
        self.feasible = True

    def build(self) -> None:
        p = self.p
        for index, days in enumerate(p.start_days):
            if not days:
                self.feasible = False
                return
            self.day.append(
                self.m.new_int_var_from_domain(cp_model.Domain.from_values(days), f"d{index}")
            )
        for t, task in enumerate(p.tasks):
            self._task(t, task)
            if not self.feasible:
                return
        for _staff_id, intervals in self.staff_intervals.items():
            if len(intervals) > 1:
                self.m.add_no_overlap(intervals)
        for _room_id, intervals in self.room_intervals.items():
            if len(intervals) > 1:
                self.m.add_no_overlap(intervals)
        self._order_and_preferences()
        self.m.minimize(sum(self.cost))

    def _task(self, t: int, task: Task) -> None:
        p = self.p
        starts = p.task_starts(task)
        if not starts or not task.therapists or (task.in_person and not task.rooms):
            self.feasible = False
            return
        if task.block.is_medicine and not task.monitors:
            self.feasible = False
            return
        s = self.m.new_int_var_from_domain(_domain(starts), f"s{t}")
        self.start.append(s)
        base = (task.day - 1) * SLOTS_PER_DAY
        offset = s - SLOTS_PER_DAY * self.day[task.client]
        self.m.add(offset >= base)
        self.m.add(offset <= base + SLOTS_PER_DAY - task.length)
        rooms = {r.id: self.m.new_bool_var(f"r{t}_{r.id}") for r in task.rooms}
        self.room.append(rooms)
        at: dict[int | None, cp_model.IntVar | None] = {}
        if task.in_person:
            self.m.add_exactly_one(rooms.values())
            for location_id in sorted({r.location_id for r in task.rooms}):
                here = self.m.new_bool_var(f"l{t}_{location_id}")
                self.m.add(
                    sum(rooms[r.id] for r in task.rooms if r.location_id == location_id) == here
                )
                at[location_id] = here
            for r in task.rooms:
                self._within(s, p.room_free(r), task.length, [rooms[r.id]])
                self.room_intervals[r.id].append(
                    self.m.new_optional_fixed_size_interval_var(
                        s, task.length, rooms[r.id], f"ri{t}_{r.id}"
                    )
                )
        else:
            at[None] = None
        therapists = self._people(t, task, task.therapists, at, "t")
        self.therapist.append(therapists)
        monitors = self._people(t, task, task.monitors, at, "m") if task.monitors else {}
        self.monitor.append(monitors)
        if monitors:
            self.m.add_exactly_one(monitors.values())
            for staff_id in set(therapists) & set(monitors):
                self.m.add_at_most_one([therapists[staff_id], monitors[staff_id]])
        self.m.add_exactly_one(therapists.values())

    def _people(
        self,
        t: int,
        task: Task,
        people: tuple[int, ...],
        at: dict[int | None, cp_model.IntVar | None],
        prefix: str,
    ) -> dict[int, cp_model.IntVar]:
        chosen = {}
        for staff_id in people:
            lit = self.m.new_bool_var(f"{prefix}{t}_{staff_id}")
            chosen[staff_id] = lit
            for location_id, here in at.items():
                free = self.p.staff_free(staff_id, location_id)
                enforce = [lit] if here is None else [lit, here]
                self._within(self.start[t], free, task.length, enforce)
            self.staff_intervals[staff_id].append(
                self.m.new_optional_fixed_size_interval_var(
                    self.start[t], task.length, lit, f"si{t}_{staff_id}"
                )
            )
        return chosen

    def _within(
        self, s: cp_model.IntVar, free: list[Span], length: int, enforce: list[cp_model.IntVar]
    ) -> None:
        starts = starts_within(free, length)
        if not starts:
            self.m.add_bool_or([lit.Not() for lit in enforce])
        elif starts != [(0, self.p.grid.size - length)]:
            self.m.add_linear_expression_in_domain(s, _domain(starts)).only_enforce_if(enforce)

    def _order_and_preferences(self) -> None:
        p, w = self.p, self.p.problem.weights
        by_client: dict[int, list[int]] = defaultdict(list)
        for t, task in enumerate(p.tasks):
            by_client[task.client].append(t)
        for client, ts in by_client.items():
            intensive = p.problem.intensives[client]
            first = p.earliest_day(client)
            self.cost.append(w.day_of_delay * (self.day[client] - first))
            used: dict[int, cp_model.IntVar] = {}
            for t in ts:
                for staff_id, lit in self.therapist[t].items():
                    if staff_id not in used:
                        used[staff_id] = self.m.new_bool_var(f"u{client}_{staff_id}")
                    self.m.add_implication(lit, used[staff_id])
            self.cost.append(w.extra_therapist * sum(used.values()))
            # As ``proposal.quality`` counts: a preference for a therapist (or a monitor)
            # counts when the client's blocks could have had one.
            preferred = intensive.preferred_staff
            for role in (self.therapist, self.monitor):
                if preferred & {s for t in ts for s in role[t]}:
                    self.cost.append(
                        w.not_preferred
                        * sum(lit for t in ts for s, lit in role[t].items() if s not in preferred)
                    )
            for a, b in itertools.pairwise(ts):
                ta, tb = p.tasks[a], p.tasks[b]
                if ta.day != tb.day:
                    continue
                self.m.add(self.start[b] >= self.start[a] + ta.length)
                # A change counts between rooms of one kind (the medicine room to a
                # therapy room for the integration is no choice, so no cost).
                if ta.in_person and tb.in_person and set(self.room[a]) & set(self.room[b]):
                    change = self.m.new_bool_var(f"c{a}")
                    for room_id, lit in self.room[a].items():
                        other = self.room[b].get(room_id)
                        self.m.add(change >= lit - (other if other is not None else 0))
                    self.cost.append(w.room_change * change)
            for t in ts:
                task = p.tasks[t]
                if task.order != len(intensive.days[task.day - 1]) - 1:
                    continue
                late = self.m.new_bool_var(f"late{t}")
                limit = (task.day - 1) * SLOTS_PER_DAY + _ends_slot(p, task)
                end = self.start[t] + task.length - SLOTS_PER_DAY * self.day[client]
                self.m.add(end <= limit).only_enforce_if(late.Not())
                self.cost.append(w.late_day * late)

    def hint(self, placed: tuple[Placed, ...]) -> None:
        p = self.p
        queue: dict[tuple[int, int], list[Placed]] = defaultdict(list)
        for x in placed:
            queue[(x.client_id, x.day)].append(x)
        for t, task in enumerate(p.tasks):
            client_id = p.problem.intensives[task.client].client.id
            blocks = queue.get((client_id, task.day), [])
            if task.order >= len(blocks):
                return
            x = blocks[task.order]
            self.m.add_hint(self.start[t], p.grid.floor(x.start))
            if task.order == 0 and task.day == 1:
                self.m.add_hint(self.day[task.client], p.grid.floor(x.start) // SLOTS_PER_DAY)
            for staff_id, lit in self.therapist[t].items():
                self.m.add_hint(lit, staff_id == x.therapist)
            for staff_id, lit in self.monitor[t].items():
                self.m.add_hint(lit, staff_id == x.monitor)
            for room_id, lit in self.room[t].items():
                self.m.add_hint(lit, room_id == x.room_id)


def solve_optimal(
    prepared: Prepared, settings: SolverSettings, hint: tuple[Placed, ...] = ()
) -> Solved:
    began = time.perf_counter()
    model = _Model(prepared)
    model.build()
    if not model.feasible:
        return Solved((), False, True, None, time.perf_counter() - began)
    if hint:
        model.hint(hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = settings.max_seconds
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    status = solver.solve(model.m)
    seconds = time.perf_counter() - began
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solved((), False, status == cp_model.INFEASIBLE, None, seconds)
    return Solved(
        _placed(prepared, model, solver),
        status == cp_model.OPTIMAL,
        False,
        round(solver.objective_value),
        seconds,
    )


def _placed(prepared: Prepared, model: _Model, solver: cp_model.CpSolver) -> tuple[Placed, ...]:
    rooms = {r.id: r for r in prepared.problem.rooms}
    out = []
    for t, task in enumerate(prepared.tasks):
        s = solver.value(model.start[t])
        therapist = next(i for i, lit in model.therapist[t].items() if solver.boolean_value(lit))
        monitor = next(
            (i for i, lit in model.monitor[t].items() if solver.boolean_value(lit)), None
        )
        room_id = next((i for i, lit in model.room[t].items() if solver.boolean_value(lit)), None)
        out.append(
            Placed(
                client_id=prepared.problem.intensives[task.client].client.id,
                day=task.day,
                block=task.block,
                start=prepared.grid.moment(s),
                end=prepared.grid.moment(s + task.length),
                therapist=therapist,
                monitor=monitor,
                location_id=rooms[room_id].location_id if room_id is not None else None,
                room_id=room_id,
            )
        )
    return tuple(out)
