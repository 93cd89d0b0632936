"""Planning intensives: the facts loaded (through ``scheduling.facts``), the pure planner
asked, nothing written but the audit trail's reads.

Each client is reached through ``people.access`` (schedule data, audited). Queries: the
plans (two), per client its pathway and appointments (``scheduling.facts.pathway_facts``),
and once for all the places, the staff, their hours and time off, the calendar around
the horizon and the practice's policy.
"""

import dataclasses
import datetime as dt
from collections.abc import Sequence

from django.conf import settings as django_settings

from kapcare.audit.models import AuditAction
from kapcare.core.violations import Violation
from kapcare.intensives.models import IntensivePlan
from kapcare.intensives.pattern import read_pattern
from kapcare.intensives.planner import (
    ClientIntensive,
    PlanningProblem,
    PlanOutcome,
    SolverSettings,
    plan_intensives,
)
from kapcare.intensives.vocabulary import PlanRule
from kapcare.people.access import Actor, access_client, staff_of
from kapcare.people.models import Location, Room, StaffMember
from kapcare.people.policy import Category, Role
from kapcare.scheduling import rules
from kapcare.scheduling.facts import (
    load_calendar,
    load_schedule,
    load_staff,
    location_info,
    pathway_facts,
    policy_for_practice,
    room_info,
)
from kapcare.scheduling.rules.timing import zone

__all__ = ["HORIZON_DAYS", "Preference", "plan_for_clients", "solver_settings"]

HORIZON_DAYS = 42
"""How far after the earliest start an intensive may begin: six weeks."""


def solver_settings() -> SolverSettings:
    """The solver's fixed limits (settings ``INTENSIVE_SOLVER_SECONDS`` and ``_WORKERS``)."""
    return SolverSettings(
        max_seconds=float(getattr(django_settings, "INTENSIVE_SOLVER_SECONDS", 20)),
        workers=int(getattr(django_settings, "INTENSIVE_SOLVER_WORKERS", 1)),
    )


@dataclasses.dataclass(frozen=True)
class Preference:
    """A change to a client's preferences for this planning only (the page's re-solve)."""

    preferred_staff: frozenset[int] | None = None
    day_ends_by: dt.time | None = None


def _intensive(
    plan: IntensivePlan, earliest: dt.date, preference: Preference | None
) -> ClientIntensive:
    client = plan.client
    made = ClientIntensive(
        client=rules.ClientInfo(id=client.pk, home_state=client.home_state),
        days=read_pattern(plan.pattern),
        approved_dosing_days=frozenset(plan.approved_dosing_days),
        earliest_start=max(plan.earliest_start, earliest),
        pathway=pathway_facts(client.pk),
        preferred_staff=frozenset(s.pk for s in plan.preferred_clinicians.all()),
        day_ends_by=plan.day_ends_by,
        location_state=plan.virtual_location_state or None,
    )
    if preference is not None:
        if preference.preferred_staff is not None:
            made = dataclasses.replace(made, preferred_staff=preference.preferred_staff)
        if preference.day_ends_by is not None:
            made = dataclasses.replace(made, day_ends_by=preference.day_ends_by)
    return made


def plan_for_clients(
    *,
    actor: Actor,
    client_ids: Sequence[int],
    days: int,
    earliest_start: dt.date,
    preferences: dict[int, Preference] | None = None,
    settings: SolverSettings | None = None,
) -> PlanOutcome | list[Violation]:
    """The best plan for these clients' intensives, or every reason there is none.

    Nothing is booked: the outcome's requests go to :func:`book_intensives` when accepted.
    """
    staff = staff_of(actor, Category.SCHEDULE)
    ids = list(dict.fromkeys(client_ids))
    clients = [
        access_client(actor, i, Category.SCHEDULE, action=AuditAction.READ, detail="plan_intensive")
        for i in ids
    ]
    plans = {
        p.client_id: p
        for p in IntensivePlan.objects.filter(client__in=clients)
        .select_related("client")
        .prefetch_related("preferred_clinicians")
    }
    problems = []
    for client in clients:
        plan = plans.get(client.pk)
        if plan is None:
            problems.append(
                Violation(
                    PlanRule.NO_PLAN,
                    "This client has no intensive plan yet. Write the plan (its days, "
                    "durations and dosing days) before planning the intensive.",
                    f"client:{client.pk}",
                )
            )
        elif len(plan.pattern) != days:
            problems.append(
                Violation(
                    PlanRule.DAYS_MISMATCH,
                    f"This client's intensive plan has {len(plan.pattern)} days, not {days}. "
                    "Plan intensives of the same length together, or change the plan.",
                    f"client:{client.pk}",
                )
            )
    if problems:
        return problems
    practice_id = staff.practice_id
    policy = policy_for_practice(practice_id)
    preferences = preferences or {}
    intensives = tuple(
        _intensive(plans[c.pk], earliest_start, preferences.get(c.pk)) for c in clients
    )
    locations = tuple(
        location_info(loc) for loc in Location.objects.filter(practice_id=practice_id)
    )
    rooms = tuple(
        room_info(r) for r in Room.objects.filter(location__practice_id=practice_id, is_active=True)
    )
    staff_ids = StaffMember.objects.filter(
        practice_id=practice_id,
        is_active=True,
        roles__role__in=[Role.THERAPIST.value, Role.MONITOR.value],
    ).values_list("pk", flat=True)
    infos = load_staff(practice_id, staff_ids)
    tz = zone(policy.time_zone.value)
    low = dt.datetime.combine(earliest_start, dt.time(), tzinfo=tz)
    high = low + dt.timedelta(days=HORIZON_DAYS + days + 1)
    problem = PlanningProblem(
        intensives=intensives,
        start=earliest_start,
        staff=tuple(infos[i] for i in sorted(infos)),
        locations=locations,
        rooms=rooms,
        schedule=load_schedule(infos, start=low, end=high),
        calendar=load_calendar(None, infos, (r.id for r in rooms), low, high),
        policy=policy,
        horizon_days=HORIZON_DAYS,
    )
    outcome = plan_intensives(problem, settings or solver_settings())
    return outcome.violations or outcome
