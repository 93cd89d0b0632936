"""The demo practice's treatment plans in depth: problems, measurable goals,
interventions and signed reviews, so a visitor sees the plan page and its history.

Loaded by ``load_demo`` after the measures (a goal reads its latest score, a review
keeps it) and the therapy notes. All synthetic. Each client below gets its problems,
goals (the PCL-5 total, a PCL-5 cluster, the ECR-RS avoidance scale, and goals in
relational words) and interventions, written by their therapist through
``pathway.services`` two months ago; Harper and Jonah, who have had medicine sessions,
also get a signed review judging every goal beside its latest score. Jonah's plan shows
the changes a plan lives through: a problem reworded (the first wording kept), one
resolved, an EMDR intervention ended.

Idempotent: nothing is added when the practice's plans already have problems.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kapcare.core import clock
from kapcare.pathway import services
from kapcare.pathway.models import PlanProblem, TreatmentPlan
from kapcare.pathway.vocabulary import GoalComparison, GoalProgress, InterventionKind
from kapcare.people.access import Actor, actor_for_user
from kapcare.people.demo import PRACTICE_NAME
from kapcare.people.models import CareTeamMember, Client
from kapcare.people.policy import Role

__all__ = ["load_demo_plans"]

WRITTEN_DAYS_AGO = 60


@dataclass(frozen=True)
class DemoGoal:
    description: str
    problem: int | None = None  # index into the client's problems
    instrument: str = ""
    subscale: str = ""
    comparison: GoalComparison | None = None
    target: Decimal | None = None
    progress: GoalProgress = GoalProgress.SOME_PROGRESS  # at the demo review


@dataclass(frozen=True)
class DemoIntervention:
    kind: InterventionKind
    frequency: str
    description: str = ""
    goal: int | None = None  # index into the client's goals
    ended_days_ago: int | None = None


@dataclass(frozen=True)
class DemoPlanDepth:
    given: str
    problems: tuple[str, ...]
    goals: tuple[DemoGoal, ...]
    interventions: tuple[DemoIntervention, ...]
    review: str = ""  # the signed review's summary; empty: not reviewed yet
    reworded: dict[int, str] = field(default_factory=dict)  # problem index -> new words
    resolved_days_ago: dict[int, int] = field(default_factory=dict)


_BELOW, _AT_OR_BELOW = GoalComparison.BELOW, GoalComparison.AT_OR_BELOW
_KAP, _PARTS = InterventionKind.KAP, InterventionKind.PARTS_WORK
_EMDR, _RELATIONAL = InterventionKind.EMDR, InterventionKind.RELATIONAL

# fmt: off
DEPTH = (
    DemoPlanDepth(
        "Harper",
        problems=("Goes still and silent when a partner raises their voice",
                  "Cannot accept care without feeling she owes something back"),
        goals=(
            DemoGoal("Trauma symptoms below the PTSD cut-off", 0, "PCL-5", "", _BELOW,
                     Decimal(33), GoalProgress.MET),
            DemoGoal("Fewer intrusive memories of the old house", 0, "PCL-5", "B",
                     _AT_OR_BELOW, Decimal(8), GoalProgress.MUCH_PROGRESS),
            DemoGoal("Lets a partner comfort her without apologising", 1),
        ),
        interventions=(
            DemoIntervention(_KAP, "every three weeks", "Sublingual ketamine with preparation "
                             "and integration", 0),
            DemoIntervention(_PARTS, "weekly", "Getting to know the Watcher and the Little One",
                             2),
        ),
        review="Much steadier. The Watcher steps aside sooner; the PCL-5 is below the "
               "cut-off. Keep the plan; next, closeness without apology. (Synthetic.)",
    ),
    DemoPlanDepth(
        "Imani",
        problems=("Distrusts calm partners; waits for the turn",),
        goals=(
            DemoGoal("Trauma symptoms below the PTSD cut-off", 0, "PCL-5", "", _BELOW,
                     Decimal(33)),
            DemoGoal("Fewer intrusions (PCL-5 cluster B)", 0, "PCL-5", "B", _AT_OR_BELOW,
                     Decimal(10)),
        ),
        interventions=(
            DemoIntervention(_KAP, "monthly"),
            DemoIntervention(_EMDR, "fortnightly", "Targets from the 2019 relationship", 1),
        ),
    ),
    DemoPlanDepth(
        "Jonah",
        problems=("Withdraws for days after an argument",
                  "Sleep broken by nightmares of the accident"),
        reworded={0: "Withdraws for days after conflict, then blames himself for the distance"},
        resolved_days_ago={1: 10},
        goals=(
            DemoGoal("Trauma symptoms below the PTSD cut-off", 1, "PCL-5", "", _BELOW,
                     Decimal(33), GoalProgress.MET),
            DemoGoal("Less avoidance of closeness", 0, "ECR-RS", "avoidance", _BELOW,
                     Decimal("3.5"), GoalProgress.SOME_PROGRESS),
            DemoGoal("Repairs within a day after conflict", 0,
                     progress=GoalProgress.MUCH_PROGRESS),
        ),
        interventions=(
            DemoIntervention(_KAP, "every four weeks"),
            DemoIntervention(_PARTS, "weekly", "The part that keeps score after a fight", 2),
            DemoIntervention(_EMDR, "weekly", "The accident memories", 0, ended_days_ago=10),
        ),
        review="Nightmares have stopped; EMDR on the accident finished. The work now is "
               "repair after conflict. (Synthetic.)",
    ),
    DemoPlanDepth(
        "Farah",
        problems=("Keeps friends at arm's length after a betrayal",),
        goals=(
            DemoGoal("Trauma symptoms below the PTSD cut-off", 0, "PCL-5", "", _BELOW,
                     Decimal(33)),
            DemoGoal("Tells one friend something true each week", 0),
        ),
        interventions=(
            DemoIntervention(_KAP, "as planned after preparation"),
            DemoIntervention(_RELATIONAL, "weekly", "Naming needs in the room", 1),
        ),
    ),
)
# fmt: on


def _therapist(client: Client) -> Actor | None:
    member = (
        CareTeamMember.objects.filter(client=client, role=Role.THERAPIST.value)
        .select_related("staff__user")
        .first()
    )
    return actor_for_user(member.staff.user) if member is not None else None


def _deepen(spec: DemoPlanDepth, client: Client, now: dt.datetime) -> None:
    actor = _therapist(client)
    if actor is None or not TreatmentPlan.objects.filter(client=client).exists():
        return
    written = now - dt.timedelta(days=WRITTEN_DAYS_AGO)
    today = timezone.localdate(now)
    problems = [
        services.record_problem(actor=actor, client_id=client.pk, description=words, now=written)
        for words in spec.problems
    ]
    goals = [
        services.record_goal(
            actor=actor,
            client_id=client.pk,
            goal=services.GoalIn(
                description=g.description,
                problem_id=problems[g.problem].pk if g.problem is not None else None,
                instrument=g.instrument,
                subscale=g.subscale,
                comparison=g.comparison,
                target=g.target,
            ),
            now=written,
        )
        for g in spec.goals
    ]
    interventions = [
        services.record_intervention(
            actor=actor,
            client_id=client.pk,
            kind=i.kind,
            description=i.description,
            frequency=i.frequency,
            goal_id=goals[i.goal].pk if i.goal is not None else None,
            now=written,
        )
        for i in spec.interventions
    ]
    for index, words in spec.reworded.items():
        services.reword_problem(
            actor=actor,
            problem_id=problems[index].pk,
            description=words,
            now=now - dt.timedelta(days=WRITTEN_DAYS_AGO // 2),
        )
    for index, days in spec.resolved_days_ago.items():
        services.resolve_problem(
            actor=actor,
            problem_id=problems[index].pk,
            resolved_on=today - dt.timedelta(days=days),
            now=now,
        )
    for row, i in zip(interventions, spec.interventions, strict=True):
        if i.ended_days_ago is not None:
            services.end_intervention(
                actor=actor,
                intervention_id=row.pk,
                ended_on=today - dt.timedelta(days=i.ended_days_ago),
                now=now,
            )
    if spec.review:
        services.sign_plan_review(
            actor=actor,
            client_id=client.pk,
            reviewed_on=today,
            next_review_on=today + dt.timedelta(days=90),
            summary=spec.review,
            judgements={
                goal.pk: services.GoalJudgement(progress=g.progress)
                for goal, g in zip(goals, spec.goals, strict=True)
            },
            now=now,
        )


def load_demo_plans() -> int:
    """Deepen the demo plans; the number of plans deepened (0 when already done)."""
    if PlanProblem.objects.filter(client__practice__name=PRACTICE_NAME).exists():
        return 0
    now = clock.now()
    clients = {
        c.legal_given_name: c
        for c in Client.objects.filter(
            practice__name=PRACTICE_NAME, legal_given_name__in=[s.given for s in DEPTH]
        )
    }
    deepened = 0
    with transaction.atomic():
        for spec in DEPTH:
            if spec.given in clients:
                _deepen(spec, clients[spec.given], now)
                deepened += 1
    return deepened
