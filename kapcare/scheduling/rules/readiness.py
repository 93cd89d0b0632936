"""Readiness: what stops a dose now, and what is done or missing before the next
medicine session (the chart's "pathway at a glance")."""

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from kapcare.core.violations import Violation
from kapcare.core.wording import fmt_date, plural
from kapcare.pathway.rules import (
    clearance_problem,
    consent_problem,
    dose_order_problem,
    latest_clearances,
    risk_problem,
)
from kapcare.pathway.vocabulary import PlanFormat
from kapcare.scheduling.rules.facts import Appointment, PathwayFacts, ReadinessItem, is_aware
from kapcare.scheduling.rules.pathway import (
    integration_deadline,
    integration_problem,
    plan_format_of,
    plan_problem,
    preparation_problem,
    spacing_problem,
)
from kapcare.scheduling.rules.timing import (
    by_time,
    fmt_when,
    format_label,
    local_date,
    plus_wall_clock_days,
    utc,
    zone,
)
from kapcare.scheduling.thresholds import (
    DEFAULT_POLICY,
    PathwayParameters,
    SchedulingPolicy,
    SpacingMeasure,
)
from kapcare.scheduling.vocabulary import (
    PATHWAY_STATUSES,
    AppointmentKind,
    AppointmentStatus,
    Rule,
)

__all__ = [
    "check_pathway_at_dosing",
    "check_preparation_at_dosing",
    "check_ready_to_dose",
    "medicine_readiness",
]


# --- at dosing --------------------------------------------------------------------------


def check_preparation_at_dosing(
    *,
    medicine_start: dt.datetime,
    appointments: Sequence[Appointment],
    plan_format: PlanFormat,
    time_zone: str,
    policy: SchedulingPolicy = DEFAULT_POLICY,
) -> Violation | None:
    """``medicine.requires_preparation`` at dosing: only *completed* sessions count."""
    problem = preparation_problem(
        appointments,
        medicine_start,
        plan_format,
        policy.for_format(plan_format),
        zone(time_zone),
        completed_only=True,
    )
    return Violation(Rule.MEDICINE_REQUIRES_PREPARATION, problem) if problem else None


def check_pathway_at_dosing(
    *, session_start: dt.datetime, pathway: PathwayFacts, time_zone: str
) -> list[Violation]:
    """The pathway's records as they stand at the moment of a dose: ``plan.paused`` (or
    ``plan.required``), ``medicine.requires_consent`` and ``medicine.requires_clearance``
    on the session date in the location's zone.

    The medicine dose service runs this at every dose, beside its own session rules
    (which check the dose order, completed preparation and risk flags to the minute).
    """
    day = local_date(session_start, zone(time_zone))
    found: list[Violation] = []
    plan = plan_problem(pathway.plan, AppointmentKind.MEDICINE)
    if plan is not None:
        found.append(Violation(*plan))
    for rule, problem in (
        (Rule.MEDICINE_REQUIRES_CONSENT, consent_problem(pathway.consents, day)),
        (Rule.MEDICINE_REQUIRES_CLEARANCE, clearance_problem(pathway.clearances, day)),
    ):
        if problem is not None:
            found.append(Violation(rule, problem))
    return found


def check_ready_to_dose(
    *,
    session: Appointment,
    pathway: PathwayFacts,
    time_zone: str,
    policy: SchedulingPolicy = DEFAULT_POLICY,
) -> list[Violation]:
    """Everything the pathway says stops dosing in this medicine session.

    The booking-time rules again, as things stand at dosing: plan, consent, clearance
    (:func:`check_pathway_at_dosing`), dose order and risk flags on the session date, and
    completed preparation only.
    """
    day = local_date(session.start, zone(time_zone))
    found = check_pathway_at_dosing(
        session_start=session.start, pathway=pathway, time_zone=time_zone
    )
    problem = dose_order_problem(pathway.dose_orders, day)
    if problem is not None:
        found.append(Violation(Rule.MEDICINE_DOSE_ORDER_REQUIRED, problem))
    others = tuple(a for a in pathway.appointments if session.id is None or a.id != session.id)
    preparation = check_preparation_at_dosing(
        medicine_start=session.start,
        appointments=others,
        plan_format=plan_format_of(pathway),
        time_zone=time_zone,
        policy=policy,
    )
    if preparation is not None:
        found.append(preparation)
    risk = risk_problem(pathway.unreviewed_risk_flags)
    if risk is not None:
        found.append(Violation(Rule.SAFETY_UNREVIEWED_RISK_FLAG, risk))
    return found


# --- the chart: pathway at a glance -----------------------------------------------------


def medicine_readiness(
    *,
    pathway: PathwayFacts,
    now: dt.datetime,
    time_zone: str,
    policy: SchedulingPolicy = DEFAULT_POLICY,
) -> list[ReadinessItem]:
    """What is done and what is missing before the client's next medicine session.

    The next session is the earliest *booked* medicine session that has not ended by
    ``now``; without one, the items answer "if it were booked now". One item per rule,
    in a fixed order: plan, consent, clearance, dose order, preparation, risk flags,
    spacing, integration.
    """
    if not is_aware(now):
        raise ValueError("now must be an aware datetime.")
    tz = zone(time_zone)
    plan_format = plan_format_of(pathway)
    params = policy.for_format(plan_format)
    medicine = by_time(
        a
        for a in pathway.appointments
        if a.kind is AppointmentKind.MEDICINE and a.status in PATHWAY_STATUSES
    )
    upcoming = [
        a for a in medicine if a.status is AppointmentStatus.BOOKED and utc(a.end) > utc(now)
    ]
    target = upcoming[0] if upcoming else None
    at = target.start if target is not None else now
    day = local_date(at, tz)
    others = [a for a in pathway.appointments if target is None or a != target]
    if target is not None:
        context = f"the next medicine session ({fmt_when(target.start, tz)})"
    else:
        context = "a medicine session booked now (none is booked)"

    items: list[ReadinessItem] = []

    plan = plan_problem(pathway.plan, AppointmentKind.MEDICINE)
    if plan is not None:
        items.append(ReadinessItem(plan[0], False, plan[1]))
    else:
        items.append(
            ReadinessItem(
                Rule.PLAN_REQUIRED, True, f"The KAP plan is active ({format_label(plan_format)})."
            )
        )

    consent = consent_problem(pathway.consents, day)
    items.append(
        ReadinessItem(
            Rule.MEDICINE_REQUIRES_CONSENT,
            consent is None,
            consent or f"KAP informed consent is signed and in force for {context}.",
        )
    )

    clearance = clearance_problem(pathway.clearances, day)
    if clearance is None:
        until = min(c.valid_until for c in latest_clearances(pathway.clearances))
        items.append(
            ReadinessItem(
                Rule.MEDICINE_REQUIRES_CLEARANCE,
                True,
                f"Medically cleared, valid until {fmt_date(until)}.",
            )
        )
    else:
        items.append(ReadinessItem(Rule.MEDICINE_REQUIRES_CLEARANCE, False, clearance))

    dose = dose_order_problem(pathway.dose_orders, day)
    items.append(
        ReadinessItem(
            Rule.MEDICINE_DOSE_ORDER_REQUIRED,
            dose is None,
            dose or f"A dose order is active for {context}.",
        )
    )

    items.append(_preparation_readiness(others, target, plan_format, params, tz))

    risk = risk_problem(pathway.unreviewed_risk_flags)
    items.append(
        ReadinessItem(
            Rule.SAFETY_UNREVIEWED_RISK_FLAG, risk is None, risk or "No unreviewed risk flags."
        )
    )

    items.append(_spacing_readiness(medicine, target, now, plan_format, params, tz))
    items.append(_integration_readiness(medicine, others, target, now, plan_format, params, tz))
    return items


def _preparation_readiness(
    others: Sequence[Appointment],
    target: Appointment | None,
    plan_format: PlanFormat,
    params: PathwayParameters,
    tz: zoneinfo.ZoneInfo,
) -> ReadinessItem:
    """Completed and booked preparation; without a booked medicine session, all count."""
    needed = params.preparation_sessions.value
    preparations = [
        a
        for a in set(others)
        if a.kind is AppointmentKind.PREPARATION
        and a.status in PATHWAY_STATUSES
        and (target is None or utc(a.end) <= utc(target.start))
    ]
    completed = sum(1 for a in preparations if a.status is AppointmentStatus.COMPLETED)
    booked = len(preparations) - completed
    done = (
        f"{completed} of {plural(needed, 'preparation session')} completed"
        + (f", {booked} more booked" if booked else "")
        + f" ({format_label(plan_format)})."
    )
    if len(preparations) >= needed:
        return ReadinessItem(Rule.MEDICINE_REQUIRES_PREPARATION, True, done)
    missing = needed - len(preparations)
    by = f" ending by {fmt_when(target.start, tz)}" if target is not None else ""
    return ReadinessItem(
        Rule.MEDICINE_REQUIRES_PREPARATION,
        False,
        f"{done} Book {plural(missing, 'more preparation session')}{by} before the "
        "medicine session.",
    )


def _spacing_readiness(
    medicine: Sequence[Appointment],
    target: Appointment | None,
    now: dt.datetime,
    plan_format: PlanFormat,
    params: PathwayParameters,
    tz: zoneinfo.ZoneInfo,
) -> ReadinessItem:
    rule = Rule.MEDICINE_MIN_SPACING
    if target is not None:
        others = [a for a in medicine if a != target]
        problem = spacing_problem(others, target.start, plan_format, params, tz)
        return ReadinessItem(
            rule,
            problem is None,
            problem or "The next medicine session is spaced as the plan allows.",
        )
    previous = [a for a in medicine if utc(a.start) <= utc(now)]
    if not previous:
        return ReadinessItem(rule, True, "No earlier medicine session limits the date.")
    last = previous[-1].start
    spacing = params.medicine_spacing.value
    if spacing.measure is SpacingMeasure.CALENDAR_DAY:
        earliest_day = local_date(last, tz) + dt.timedelta(days=spacing.days)
        ok = local_date(now, tz) >= earliest_day
        when = fmt_date(earliest_day)
    else:
        earliest = plus_wall_clock_days(last, spacing.days, tz)
        ok = utc(now) >= earliest
        when = fmt_when(earliest, tz)
    return ReadinessItem(
        rule,
        ok,
        f"The {format_label(plan_format)} allows {spacing.describe()}: the next one can be "
        f"on or after {when}.",
    )


def _integration_readiness(
    medicine: Sequence[Appointment],
    others: Sequence[Appointment],
    target: Appointment | None,
    now: dt.datetime,
    plan_format: PlanFormat,
    params: PathwayParameters,
    tz: zoneinfo.ZoneInfo,
) -> ReadinessItem:
    rule = Rule.MEDICINE_REQUIRES_INTEGRATION
    days = params.integration_within_days.value
    if target is not None:
        problem = integration_problem(others, target.end, None, plan_format, params, tz)
        return ReadinessItem(
            rule,
            problem is None,
            problem or "An integration session is booked after the next medicine session.",
        )
    previous = [a for a in medicine if utc(a.end) <= utc(now)]
    if not previous:
        return ReadinessItem(
            rule,
            True,
            f"Book an integration session within {plural(days, 'day')} after the medicine "
            "session, together with it.",
        )
    last = previous[-1]
    problem = integration_problem(others, last.end, None, plan_format, params, tz)
    if problem is None:
        return ReadinessItem(
            rule,
            True,
            f"The last medicine session ({fmt_when(last.start, tz)}) was followed by integration.",
        )
    deadline = fmt_date(integration_deadline(last.end, params, tz))
    return ReadinessItem(
        rule,
        False,
        f"The last medicine session ({fmt_when(last.start, tz)}) has no integration session "
        f"in the {plural(days, 'day')} after it (by "
        f"{deadline}). Book one as soon as possible.",
    )
