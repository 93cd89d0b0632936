"""The blocks to place, who and what may take each, and when each client may start.

Pure Python. A *task* is one block of one client's intensive; its eligible therapists,
monitors and rooms follow the booking rules (a medicine session: in person, in an active
medicine room at an office that offers them, with a monitor; a virtual block: a
clinician licensed where the client is, in a state the practice serves, decided by the
booking check's own rule, ``scheduling.rules.telehealth``).
"""

import datetime as dt
from dataclasses import dataclass

from kapcare.intensives.pattern import Block
from kapcare.intensives.planner.facts import ClientIntensive, PlanningProblem
from kapcare.intensives.planner.grid import SLOT_MINUTES, Grid
from kapcare.pathway.rules import clearance_problem, consent_problem, dose_order_problem
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.rules import RoomInfo
from kapcare.scheduling.rules.pathway import plan_format_of, plan_problem, spacing_problem
from kapcare.scheduling.rules.telehealth import may_see_virtually, virtual_session_state
from kapcare.scheduling.vocabulary import AppointmentKind, Modality, Rule

__all__ = ["Task", "candidate_days", "eligible_rooms", "medicine_date_problems", "tasks_of"]


@dataclass(frozen=True)
class Task:
    client: int
    """Index of the client's intensive in the problem."""
    day: int
    """1-based day of the intensive."""
    order: int
    """0-based position in the day."""
    block: Block
    therapists: tuple[int, ...]
    monitors: tuple[int, ...]
    rooms: tuple[RoomInfo, ...]

    @property
    def length(self) -> int:
        return self.block.minutes // SLOT_MINUTES

    @property
    def in_person(self) -> bool:
        return self.block.modality is Modality.IN_PERSON


def eligible_rooms(problem: PlanningProblem, block: Block) -> tuple[RoomInfo, ...]:
    if block.modality is not Modality.IN_PERSON:
        return ()
    places = {loc.id: loc for loc in problem.locations}
    if block.is_medicine:
        return tuple(
            r
            for r in problem.rooms
            if r.is_active
            and r.kind is RoomKind.MEDICINE
            and r.location_id in places
            and places[r.location_id].offers_medicine_sessions
        )
    return tuple(r for r in problem.rooms if r.is_active and r.kind is RoomKind.THERAPY)


def _therapists(
    problem: PlanningProblem, intensive: ClientIntensive, block: Block
) -> tuple[int, ...]:
    virtual = block.modality is Modality.TELEHEALTH
    state = virtual_session_state(intensive.location_state, intensive.client.home_state)
    offered = problem.policy.telehealth_states.value
    return tuple(
        s.id
        for s in problem.staff
        if Role.THERAPIST in s.roles and (not virtual or may_see_virtually(s, state, offered))
    )


def tasks_of(problem: PlanningProblem) -> list[Task]:
    monitors = tuple(s.id for s in problem.staff if Role.MONITOR in s.roles)
    tasks = []
    for index, intensive in enumerate(problem.intensives):
        for day, blocks in enumerate(intensive.days, start=1):
            for order, block in enumerate(blocks):
                tasks.append(
                    Task(
                        client=index,
                        day=day,
                        order=order,
                        block=block,
                        therapists=_therapists(problem, intensive, block),
                        monitors=monitors if block.is_medicine else (),
                        rooms=eligible_rooms(problem, block),
                    )
                )
    return tasks


def medicine_date_problems(
    problem: PlanningProblem, intensive: ClientIntensive, on: dt.date
) -> list[tuple[str, str]]:
    """The pathway rules a medicine session on ``on`` would break, as (rule, message).

    The same functions the booking check applies (``pathway.rules`` and the scheduling
    pathway rules), asked of the date alone, so the planner only offers start dates on
    which every dose of the intensive can be booked.
    """
    facts = intensive.pathway
    out: list[tuple[str, str]] = []
    plan = plan_problem(facts.plan, AppointmentKind.MEDICINE)
    if plan is not None:
        out.append((plan[0].value, plan[1]))
    for rule, message in (
        (Rule.MEDICINE_REQUIRES_CONSENT, consent_problem(facts.consents, on)),
        (Rule.MEDICINE_REQUIRES_CLEARANCE, clearance_problem(facts.clearances, on)),
        (Rule.MEDICINE_DOSE_ORDER_REQUIRED, dose_order_problem(facts.dose_orders, on)),
    ):
        if message is not None:
            out.append((rule.value, message))
    tz = Grid(on, 1, problem.policy.time_zone.value).tz
    fmt = plan_format_of(facts)
    noon = dt.datetime.combine(on, dt.time(12), tzinfo=tz)
    spacing = spacing_problem(facts.appointments, noon, fmt, problem.policy.for_format(fmt), tz)
    if spacing is not None:
        out.append((Rule.MEDICINE_MIN_SPACING.value, spacing))
    return out


def candidate_days(
    problem: PlanningProblem, grid: Grid, intensive: ClientIntensive, medicine_days: list[int]
) -> tuple[list[int], list[tuple[str, str]]]:
    """Grid days the intensive may start on, and the first date's problems if none may."""
    first = max(0, grid.day_of(max(problem.start, intensive.earliest_start)))
    last = problem.horizon_days - 1
    days: list[int] = []
    first_problems: list[tuple[str, str]] = []
    for start in range(first, last + 1):
        problems = [
            p
            for m in medicine_days
            for p in medicine_date_problems(problem, intensive, grid.date_of(start + m - 1))
        ]
        if not problems:
            days.append(start)
        elif not first_problems:
            first_problems = problems
    return days, first_problems
