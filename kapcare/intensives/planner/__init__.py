"""The intensive planner: facts in, a proposal or a diagnosis out. Pure Python (no Django).

:func:`plan_intensives` takes a :class:`PlanningProblem` (the clients' intensive plans,
the staff, their hours, time off and bookings, the rooms and the practice's policy, as
``intensives.services.planning`` loads them through ``scheduling.facts``) and answers a
:class:`PlanOutcome`: the optimal plan as booking requests, each checked by the booking
rules in order (:func:`~kapcare.intensives.planner.proposal.verify`), or the reasons no
plan exists, in the rules' words (:mod:`~kapcare.intensives.planner.diagnosis`). The
greedy first-fit plan is computed too: it seeds the solver and is the benchmark's
baseline.
"""

import dataclasses
import itertools
import time
from dataclasses import dataclass

from kapcare.core.violations import Violation
from kapcare.intensives.planner.diagnosis import (
    date_problems,
    horizon_words,
    pair_violations,
    plan_problems,
    resource_problems,
    subject_of,
)
from kapcare.intensives.planner.facts import (
    ClientIntensive,
    PlanningProblem,
    SolverSettings,
    Weights,
)
from kapcare.intensives.planner.greedy import solve_greedy
from kapcare.intensives.planner.optimal import solve_optimal
from kapcare.intensives.planner.placed import Placed
from kapcare.intensives.planner.prepared import Prepared, prepare
from kapcare.intensives.planner.proposal import Quality, as_requests, quality, verify
from kapcare.intensives.vocabulary import PlanRule
from kapcare.scheduling.requests import AppointmentRequest

__all__ = [
    "ClientIntensive",
    "Placed",
    "PlanOutcome",
    "PlannerError",
    "PlanningProblem",
    "Prepared",
    "Quality",
    "SolverSettings",
    "Weights",
    "as_requests",
    "plan_intensives",
    "prepare",
    "quality",
    "solve_greedy",
    "solve_optimal",
    "verify",
]


class PlannerError(AssertionError):
    """The planner proposed what the booking rules refuse: a bug, never an answer."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__(", ".join(v.rule for v in violations))
        self.violations = violations


@dataclass(frozen=True)
class PlanOutcome:
    placed: tuple[Placed, ...]
    requests: list[AppointmentRequest]
    violations: list[Violation]
    """Why no plan exists (empty when there is one)."""
    optimal: bool
    quality: Quality | None
    greedy: Quality | None
    """The first-fit plan's quality, when first fit found one."""
    seconds: float


def _refused(violations: list[Violation], began: float) -> PlanOutcome:
    return PlanOutcome((), [], violations, False, None, None, time.perf_counter() - began)


# Naming the pair that cannot be planned together solves each pair once: up to this
# many intensives at once (15 pairs); past it the answer stays the general one.
PAIR_SEARCH_LIMIT = 6


def _infeasible(problem: PlanningProblem, settings: SolverSettings, *which: int) -> bool:
    chosen = tuple(problem.intensives[i] for i in which)
    return solve_optimal(
        prepare(dataclasses.replace(problem, intensives=chosen)), settings
    ).infeasible


def _why_infeasible(problem: PlanningProblem, settings: SolverSettings) -> list[Violation]:
    horizon = horizon_words(problem)
    alone = [i for i, _ in enumerate(problem.intensives) if _infeasible(problem, settings, i)]
    if alone:
        return [
            Violation(
                PlanRule.DOES_NOT_FIT,
                f"The intensive ({len(problem.intensives[i].days)} days) fits no start in "
                f"{horizon} with the staff's working hours, time off and bookings and the "
                "free rooms, even on its own. Choose a later earliest start, shorten its "
                "days, or add working hours.",
                subject_of(problem.intensives[i]),
            )
            for i in alone
        ]
    count = len(problem.intensives)
    pairs = itertools.combinations(range(count), 2) if count <= PAIR_SEARCH_LIMIT else ()
    for pair in pairs:
        if count == 2 or _infeasible(problem, settings, *pair):
            return pair_violations(prepare(problem), pair, horizon)
    return [
        Violation(
            PlanRule.TOGETHER_DO_NOT_FIT,
            f"Each intensive fits on its own, but not all {count} together "
            f"in {horizon}: the same people and rooms would be needed twice. Plan fewer at "
            "once, or choose later earliest starts for some.",
        )
    ]


def plan_intensives(
    problem: PlanningProblem, settings: SolverSettings | None = None
) -> PlanOutcome:
    """The best plan for every intensive in ``problem``, or why none exists."""
    settings = settings or SolverSettings()
    began = time.perf_counter()
    violations = [v for i in problem.intensives for v in plan_problems(problem, i)]
    if violations:
        return _refused(violations, began)
    prepared = prepare(problem)
    violations = date_problems(prepared) or resource_problems(prepared)
    if violations:
        return _refused(violations, began)
    greedy = solve_greedy(prepared)
    solved = solve_optimal(prepared, settings, hint=greedy or ())
    placed = solved.placed or (greedy if greedy is not None and not solved.infeasible else ())
    if not placed:
        if solved.infeasible:
            return _refused(_why_infeasible(problem, settings), began)
        return _refused(
            [
                Violation(
                    PlanRule.NOT_FOUND_IN_TIME,
                    "No schedule was found in the time the planner may take. Plan fewer "
                    "intensives at once.",
                )
            ],
            began,
        )
    requests = as_requests(placed, {i.client.id: i.location_state for i in problem.intensives})
    broken = verify(problem, requests)
    if broken:
        raise PlannerError(broken)
    return PlanOutcome(
        placed=placed,
        requests=requests,
        violations=[],
        optimal=solved.optimal,
        quality=quality(prepared, placed),
        greedy=quality(prepared, greedy) if greedy is not None else None,
        seconds=time.perf_counter() - began,
    )
