"""Why no intensive schedule exists, in the rules' words, naming what to relax. Pure Python.

Checked from the cheapest to the dearest, each client on its own first:

1. the plan itself (:func:`plan_problems`): dosing days the medical provider has not
   approved, a paused plan, too few preparation sessions before the first dose, an
   integration too long after a dose, doses closer than the practice's spacing, virtual
   blocks no therapist is licensed for, no room of the kind a block needs;
2. the start dates (:func:`date_problems`): no start in the horizon on which every dose
   is allowed (consent, clearance, dose order, spacing), in that rule's own words;
3. the people and rooms (:func:`resource_problems`): a block for which nobody (or no
   room) is free on any possible day, e.g. "no monitor is free on any approved dosing
   day in the next 6 weeks";
4. otherwise one does not fit at all, or the clients fit one by one but not together
   (the solver's proof, :mod:`~kapcare.intensives.planner`): then the first pair that
   cannot be planned together is named, each of the two with the people and rooms both
   would need (:func:`pair_violations`).
"""

import datetime as dt
import itertools

from kapcare.core.violations import Violation
from kapcare.core.wording import fmt_date, join_words, plural
from kapcare.intensives.pattern import medicine_days
from kapcare.intensives.planner.facts import ClientIntensive, PlanningProblem
from kapcare.intensives.planner.grid import SLOTS_PER_DAY, Grid, subtract
from kapcare.intensives.planner.prepared import Prepared
from kapcare.intensives.planner.tasks import Task
from kapcare.intensives.vocabulary import ACTIVITY_LABELS, Activity, PlanRule
from kapcare.scheduling.rules.pathway import count_preparations, plan_format_of, plan_problem
from kapcare.scheduling.rules.telehealth import virtual_session_state
from kapcare.scheduling.thresholds import SpacingMeasure
from kapcare.scheduling.vocabulary import Modality, Rule

__all__ = [
    "contested",
    "date_problems",
    "horizon_words",
    "pair_violations",
    "plan_problems",
    "resource_problems",
    "subject_of",
]


def subject_of(intensive: ClientIntensive) -> str:
    return f"client:{intensive.client.id}"


def horizon_words(problem: PlanningProblem) -> str:
    days = problem.horizon_days
    return f"the next {days // 7} weeks" if days % 7 == 0 else f"the next {plural(days, 'day')}"


def _label(activity: Activity) -> str:
    return ACTIVITY_LABELS[activity].lower()


def plan_problems(problem: PlanningProblem, intensive: ClientIntensive) -> list[Violation]:
    out: list[Violation] = []
    subject = subject_of(intensive)
    dosing = medicine_days(intensive.days)

    def add(rule: str, message: str) -> None:
        out.append(Violation(rule, message, subject))

    unapproved = [d for d in dosing if d not in intensive.approved_dosing_days]
    if unapproved:
        days = join_words([str(d) for d in unapproved])
        add(
            PlanRule.DOSING_NOT_APPROVED,
            f"The intensive has a medicine session on day {days}, which the medical provider "
            "has not approved for dosing. Ask the medical provider to approve that day, or "
            "change the days' pattern.",
        )
    for kind in sorted({b.kind for day in intensive.days for b in day}):
        found = plan_problem(intensive.pathway.plan, kind)
        if found is not None and found[0] is not Rule.PLAN_REQUIRED:
            add(found[0], found[1])
            break
    fmt = plan_format_of(intensive.pathway)
    params = problem.policy.for_format(fmt)
    if dosing:
        needed = params.preparation_sessions.value
        flat = [b for day in intensive.days for b in day]
        first_dose = next(i for i, b in enumerate(flat) if b.is_medicine)
        planned = sum(1 for b in flat[:first_dose] if b.activity is Activity.PREPARATION)
        before = _first_moment(problem)
        had = count_preparations(intensive.pathway.appointments, before, completed_only=False)
        if planned + had < needed:
            add(
                Rule.MEDICINE_REQUIRES_PREPARATION,
                f"The first medicine session needs {plural(needed, 'preparation session')} "
                f"before it; the client has {had} and the intensive plans {planned} before "
                "the first dose. Add a preparation block before it.",
            )
    window = params.integration_within_days.value
    for number, day in enumerate(intensive.days, start=1):
        if not any(b.is_medicine for b in day):
            continue
        after = [b for b in day[[b.is_medicine for b in day].index(True) + 1 :]]
        if any(b.activity is Activity.INTEGRATION for b in after):
            continue
        later = next(
            (
                n
                for n, other in enumerate(intensive.days[number:], start=number + 1)
                if any(b.activity is Activity.INTEGRATION for b in other)
            ),
            None,
        )
        if later is None or later - number > window:
            add(
                Rule.MEDICINE_REQUIRES_INTEGRATION,
                f"The medicine session of day {number} needs an integration session within "
                f"{plural(window, 'day')} after it. Add an integration block by day "
                f"{number + window}.",
            )
    spacing = params.medicine_spacing.value
    gap = spacing.days if spacing.measure is SpacingMeasure.CALENDAR_DAY else spacing.days + 1
    for a, b in itertools.pairwise(dosing):
        if b - a < gap:
            add(
                Rule.MEDICINE_MIN_SPACING,
                f"The medicine sessions of days {a} and {b} are closer than the practice "
                f"allows ({spacing.describe()}). Space the medicine days further apart.",
            )
    return out


def _first_moment(problem: PlanningProblem) -> dt.datetime:
    return Grid(problem.start, 1, problem.policy.time_zone.value).moment(0)


def resource_problems(prepared: Prepared) -> list[Violation]:
    """Blocks for which no person or room is free on any possible day."""
    out: list[Violation] = []
    seen: set[tuple[int, str]] = set()
    horizon = horizon_words(prepared.problem)
    for task in prepared.tasks:
        intensive = prepared.intensive(task)
        subject = subject_of(intensive)
        what = f"{task.block.minutes}-minute {_label(task.block.activity)}"
        when = (
            f"on any approved dosing day in {horizon}"
            if task.block.is_medicine
            else f"on day {task.day} of the intensive for any start in {horizon}"
        )
        for key, rule, message in _task_problems(prepared, task, what, when, intensive):
            if (task.client, key) not in seen:
                seen.add((task.client, key))
                out.append(Violation(rule, message, subject))
    return out


def _task_problems(
    prepared: Prepared, task: Task, what: str, when: str, intensive: ClientIntensive
) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    if not task.therapists:
        if task.block.modality is Modality.TELEHEALTH:
            state = virtual_session_state(intensive.location_state, intensive.client.home_state)
            out.append(
                (
                    "licence",
                    Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED,
                    f"No therapist is licensed in {state}, where the client will be, for "
                    "the intensive's virtual blocks (or the practice does not serve it). "
                    "Make those blocks in person, record where the client will be, or add "
                    "a therapist licensed there.",
                )
            )
        else:
            out.append(
                ("therapist", PlanRule.NO_THERAPIST, "The practice has no active therapist.")
            )
        return out
    if task.in_person and not task.rooms:
        kind = (
            "medicine room at an office that offers medicine sessions"
            if task.block.is_medicine
            else "therapy room"
        )
        out.append(("room", PlanRule.NO_ROOM, f"The practice has no active {kind} for the {what}."))
        return out
    days = [
        ((d + task.day - 1) * SLOTS_PER_DAY, (d + task.day) * SLOTS_PER_DAY)
        for d in prepared.pathway_days[task.client]
    ]
    locations: list[int | None] = [None]
    if task.in_person:
        locations = [*sorted({r.location_id for r in task.rooms})]

    def anyone_free(people: tuple[int, ...]) -> bool:
        return any(
            _fits(subtract(days, _complement(prepared, prepared.staff_free(s, loc))), task.length)
            for s in people
            for loc in locations
        )

    if task.block.is_medicine and not anyone_free(task.monitors):
        out.append(
            (
                "monitor",
                Rule.MEDICINE_MONITOR_REQUIRED,
                f"No monitor is free for a {what} {when}: no monitor works at an office "
                "that offers medicine sessions on those days without time off or other "
                "bookings. Add monitor hours on those days, or choose a later earliest start.",
            )
        )
    if not anyone_free(task.therapists):
        out.append(
            (
                f"therapist:{task.day}:{task.order}",
                PlanRule.NO_THERAPIST,
                f"No therapist is free for the {what} {when}. Add therapist hours, or "
                "choose a later earliest start.",
            )
        )
    if task.in_person and not any(
        _fits(subtract(days, _complement(prepared, prepared.room_free(r))), task.length)
        for r in task.rooms
    ):
        room = "medicine room" if task.block.is_medicine else "therapy room"
        out.append(
            (
                f"room:{task.day}:{task.order}",
                PlanRule.NO_ROOM,
                f"No {room} is free for the {what} {when}. Free a room, or choose a later "
                "earliest start.",
            )
        )
    return out


def _complement(prepared: Prepared, free: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return subtract([(0, prepared.grid.size)], free)


def _fits(spans: list[tuple[int, int]], length: int) -> bool:
    return any(b - a >= length for a, b in spans)


def date_problems(prepared: Prepared) -> list[Violation]:
    """Clients with no start date on which every dose is allowed, in the rule's words."""
    out = []
    horizon = horizon_words(prepared.problem)
    for index, intensive in enumerate(prepared.problem.intensives):
        if prepared.pathway_days[index]:
            continue
        problems = prepared.date_problems[index]
        if not problems:
            out.append(
                Violation(
                    PlanRule.DOES_NOT_FIT,
                    f"No start date in {horizon} is possible from the earliest start "
                    f"({fmt_date(max(prepared.problem.start, intensive.earliest_start))}). "
                    "Choose an earlier earliest start.",
                    subject_of(intensive),
                )
            )
            continue
        rule, message = problems[0]
        out.append(
            Violation(
                rule,
                f"No start date in {horizon} puts every medicine session on a day it may be "
                f"booked. {message}",
                subject_of(intensive),
            )
        )
    return out


def contested(prepared: Prepared, pair: tuple[int, int]) -> list[str]:
    """What both intensives of ``pair`` could only have from the same few: the monitors,
    medicine rooms, therapists and therapy rooms their blocks may use, where they share
    some."""

    def used(index: int) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {
            "monitor": set(), "medicine room": set(), "therapist": set(), "therapy room": set()
        }  # fmt: skip
        for task in prepared.tasks:
            if task.client != index:
                continue
            found["therapist"] |= set(task.therapists)
            if task.block.is_medicine:
                found["monitor"] |= set(task.monitors)
                found["medicine room"] |= {r.id for r in task.rooms}
            else:
                found["therapy room"] |= {r.id for r in task.rooms}
        return found

    first, second = used(pair[0]), used(pair[1])
    return [kind for kind in first if first[kind] & second[kind]]


def _relax(kind: str) -> str:
    return f"free a {kind}" if kind.endswith("room") else f"add {kind} hours"


def pair_violations(prepared: Prepared, pair: tuple[int, int], horizon: str) -> list[Violation]:
    """The two intensives that fit one at a time but not together, each named, with what
    they compete for (the constraint to relax)."""
    kinds = contested(prepared, pair)
    shared = join_words([f"the same {kind}s" for kind in kinds]) if kinds else "the same staff"
    return [
        Violation(
            PlanRule.TOGETHER_DO_NOT_FIT,
            f"This intensive and {'the second' if index == pair[0] else 'the first'} one "
            f"named here fit in {horizon} one at a time but not together: both need "
            f"{shared} at the same times. Choose a later earliest start for one of them, "
            f"or {_relax(kinds[0] if kinds else 'staff member')}.",
            subject_of(prepared.problem.intensives[index]),
        )
        for index in pair
    ]
