"""The pathway's booking rules over the client's appointments: plan, preparation,
spacing and integration (shared by booking, dosing and the chart's readiness)."""

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence

from kapcare.core.wording import fmt_date, join_words, plural
from kapcare.pathway.rules import TreatmentPlan
from kapcare.pathway.vocabulary import PlanFormat, PlanStatus
from kapcare.scheduling.rules.facts import Appointment, PathwayFacts, ProposedAppointment, is_aware
from kapcare.scheduling.rules.timing import (
    by_time,
    fmt_when,
    format_label,
    local_date,
    plus_wall_clock_days,
    utc,
)
from kapcare.scheduling.thresholds import PathwayParameters, SpacingMeasure
from kapcare.scheduling.vocabulary import PATHWAY_STATUSES, AppointmentKind, AppointmentStatus, Rule

__all__ = [
    "count_preparations",
    "integrates",
    "integration_deadline",
    "integration_problem",
    "plan_format_of",
    "plan_problem",
    "preparation_problem",
    "spacing_problem",
    "too_close",
]


def plan_format_of(pathway: PathwayFacts) -> PlanFormat:
    """The plan's format; without a plan the ongoing parameters apply."""
    return pathway.plan.format if pathway.plan is not None else PlanFormat.ONGOING


def count_preparations(
    appointments: Iterable[Appointment], before: dt.datetime, *, completed_only: bool
) -> int:
    """Preparation sessions ending at or before ``before`` that count for the pathway."""
    statuses = {AppointmentStatus.COMPLETED} if completed_only else PATHWAY_STATUSES
    return sum(
        1
        for a in set(appointments)
        if a.kind is AppointmentKind.PREPARATION
        and a.status in statuses
        and utc(a.end) <= utc(before)
    )


def preparation_problem(
    appointments: Sequence[Appointment],
    medicine_start: dt.datetime,
    plan_format: PlanFormat,
    params: PathwayParameters,
    tz: zoneinfo.ZoneInfo,
    *,
    completed_only: bool,
) -> str | None:
    needed = params.preparation_sessions.value
    found = count_preparations(appointments, medicine_start, completed_only=completed_only)
    if found >= needed:
        return None
    missing = needed - found
    when = fmt_when(medicine_start, tz)
    if completed_only:
        return (
            f"Dosing needs {plural(needed, 'completed preparation session')} "
            f"({format_label(plan_format)}); {found} completed. Complete "
            f"{plural(missing, 'more preparation session')} before dosing."
        )
    return (
        f"A medicine session needs {plural(needed, 'preparation session')} "
        f"({format_label(plan_format)}) completed or booked to end before it starts; "
        f"{found} found. Book {plural(missing, 'more preparation session')} ending by {when}."
    )


def plan_problem(plan: TreatmentPlan | None, kind: AppointmentKind) -> tuple[Rule, str] | None:
    if kind is not AppointmentKind.MEDICINE:
        # Pausing stops medicine sessions only: therapy, preparation and the integration
        # of a dose already given stay open (DESIGN.md: pausing never cuts a client off).
        return None
    if plan is not None and plan.status is PlanStatus.PAUSED:
        return (
            Rule.PLAN_PAUSED,
            "The client has paused their KAP plan, so no medicine session can be booked. "
            "Therapy, preparation and integration sessions stay open; resume the plan "
            "first if the client chooses to.",
        )
    if plan is None:
        return (
            Rule.PLAN_REQUIRED,
            "A medicine session needs a KAP treatment plan. A clinician must write the "
            "treatment plan first.",
        )
    if plan.status is PlanStatus.CLOSED:
        return (
            Rule.PLAN_REQUIRED,
            "The KAP treatment plan is closed. A clinician must open a new treatment plan "
            "before a medicine session can be booked.",
        )
    return None


def too_close(
    other: dt.datetime, start: dt.datetime, params: PathwayParameters, tz: zoneinfo.ZoneInfo
) -> bool:
    """Whether two medicine session starts are closer than the spacing allows.

    ``wall_clock``: each start must be at least D days after the other on the location's
    wall clock (exactly D days is allowed). ``calendar_day``: their local dates must be
    at least D days apart (D = 1: not on the same date).
    """
    spacing = params.medicine_spacing.value
    if spacing.measure is SpacingMeasure.CALENDAR_DAY:
        gap = (local_date(other, tz) - local_date(start, tz)).days
        return abs(gap) < spacing.days
    return not (
        plus_wall_clock_days(other, spacing.days, tz) <= utc(start)
        or plus_wall_clock_days(start, spacing.days, tz) <= utc(other)
    )


def spacing_problem(
    medicine_sessions: Sequence[Appointment],
    start: dt.datetime,
    plan_format: PlanFormat,
    params: PathwayParameters,
    tz: zoneinfo.ZoneInfo,
) -> str | None:
    close = by_time(
        a
        for a in medicine_sessions
        if a.kind is AppointmentKind.MEDICINE
        and a.status in PATHWAY_STATUSES
        and too_close(a.start, start, params, tz)
    )
    if not close:
        return None
    spacing = params.medicine_spacing.value
    head = f"The {format_label(plan_format)} allows {spacing.describe()}."
    if spacing.measure is SpacingMeasure.CALENDAR_DAY:
        days = sorted({local_date(a.start, tz) for a in close})
        dates = join_words([fmt_date(d) for d in days])
        return (
            f"{head} The client already has a medicine session on {dates}. Choose a date "
            "with no medicine session that close."
        )
    parts = [head]
    before = [a for a in close if utc(a.start) <= utc(start)]
    after = [a for a in close if utc(a.start) > utc(start)]
    earliest = latest = None
    if before:
        previous = before[-1].start
        earliest = plus_wall_clock_days(previous, spacing.days, tz)
        parts.append(
            f"The previous one is on {fmt_when(previous, tz)}, so this one can start from "
            f"{fmt_when(earliest, tz)}."
        )
    if after:
        following = after[0].start
        latest = plus_wall_clock_days(following, -spacing.days, tz)
        parts.append(
            f"The next one is on {fmt_when(following, tz)}, so this one must start by "
            f"{fmt_when(latest, tz)}."
        )
    if earliest is not None and latest is not None and earliest > latest:
        parts.append("There is no room for another one between them; choose a later date.")
    else:
        parts.append("Choose another date.")
    return " ".join(parts)


def integration_deadline(
    medicine_end: dt.datetime, params: PathwayParameters, tz: zoneinfo.ZoneInfo
) -> dt.date:
    return local_date(medicine_end, tz) + dt.timedelta(days=params.integration_within_days.value)


def integrates(
    start: dt.datetime, medicine_end: dt.datetime, params: PathwayParameters, tz: zoneinfo.ZoneInfo
) -> bool:
    return utc(start) >= utc(medicine_end) and local_date(start, tz) <= integration_deadline(
        medicine_end, params, tz
    )


def integration_problem(
    appointments: Sequence[Appointment],
    medicine_end: dt.datetime,
    follow_up: ProposedAppointment | None,
    plan_format: PlanFormat,
    params: PathwayParameters,
    tz: zoneinfo.ZoneInfo,
) -> str | None:
    if any(
        a.kind is AppointmentKind.INTEGRATION
        and a.status in PATHWAY_STATUSES
        and integrates(a.start, medicine_end, params, tz)
        for a in appointments
    ):
        return None
    follow_up_ok = (
        follow_up is not None
        and follow_up.kind is AppointmentKind.INTEGRATION
        and is_aware(follow_up.start)
        and integrates(follow_up.start, medicine_end, params, tz)
    )
    if follow_up_ok:
        return None
    days = params.integration_within_days.value
    message = (
        f"Every medicine session needs an integration session within "
        f"{plural(days, 'day')} after it ({format_label(plan_format)}): starting after "
        f"the medicine session ends ({fmt_when(medicine_end, tz)}) and no later than "
        f"{fmt_date(integration_deadline(medicine_end, params, tz))}."
    )
    if follow_up is not None and follow_up.kind is AppointmentKind.INTEGRATION:
        return (
            f"{message} The integration session in this request is outside that window; "
            "move it into the window."
        )
    return f"{message} Book one in the same request as a follow-up, or book it first."
