"""The booking rules of the KAP pathway, as pure functions over plain data.

One booking service calls :func:`check_appointment` for the UI, the API, the admin and
any import; the medicine session's pre-dose checklist calls :func:`check_ready_to_dose`;
the chart's "pathway at a glance" calls :func:`medicine_readiness`. Nothing here touches
the database or the clock: callers pass every fact, every time is an aware
:class:`~datetime.datetime`, and every number comes from a
:class:`~kapcare.scheduling.policy.SchedulingPolicy`.

A check returns **every** violated rule (at most one :class:`Violation` per rule code and
subject), in a fixed order that does not depend on the order of the input lists. The
codes are a stable contract (DESIGN.md, "Rules the system enforces"); messages are plain
language for the person booking, name what is missing and how to fix it, and never
contain client names or clinical detail.

Interpretations (the decisions a successor will ask about):

Statuses
    An appointment *holds its slot* unless it is cancelled: ``booked``, ``completed`` and
    ``no_show`` all block the same staff member, room or client (issue 3: "overlap among
    non-cancelled appointments"; the clinician and room were reserved and the record
    says so). The database constraint must use the same set:
    :data:`SLOT_HOLDING_STATUSES`. For the *pathway* (preparation count, integration,
    spacing) only sessions that happen or happened count, ``booked`` and ``completed``
    (:data:`PATHWAY_STATUSES`): a no-show preparation prepared nobody, a no-show
    integration integrated nothing, and a no-show medicine session gave no dose.
Time
    Overlap is half-open, ``[start, end)``: back-to-back sessions do not conflict. All
    comparisons of instants happen in UTC (Python compares two datetimes that share a
    tzinfo by wall clock, which is wrong across a DST change). Dates (the "session date"
    of consents, clearances and dose orders; calendar days) are taken in the location's
    time zone, or the practice's zone for sessions without a location.
``medicine.requires_preparation``
    Counts the client's preparation sessions that are completed, or booked, and *end* at
    or before the medicine session starts (cumulative over the pathway, so the
    preparations before the first dose also count for later ones).
    :func:`check_preparation_at_dosing` counts completed ones only.
``medicine.requires_integration``
    Met by an integration session (booked or completed, or the follow-up booked in the
    same request) that starts at or after the medicine session *ends* and on or before
    the calendar date K days after the date the medicine session ends, in the location's
    zone. Example, K = 2: a session ending Monday 13:00 needs integration from Monday
    13:00 to Wednesday 23:59.
``medicine.min_spacing``
    Compared with every other booked or completed medicine session of the client, before
    *and* after this one. ``wall_clock`` spacing (ongoing, D = 7) is start to start on the
    location's wall clock: the same local time D days later is allowed, one minute
    earlier is not, and a DST change in between moves neither (Tuesday 10:00 to the next
    Tuesday 10:00 is fine in the week clocks spring forward, although only 6 days 23
    hours pass). ``calendar_day`` spacing (intensive, D = 1) compares local dates: no two
    medicine sessions on the same calendar day, back-to-back days allowed.
``medicine.requires_clearance``
    The *most recently recorded* clearance decides (a later "not cleared" overrides an
    earlier "cleared"); it must be ``cleared`` with ``valid_until`` on or after the
    session date. Expiring on the session date is fine, the day before is not.
``medicine.requires_consent``
    Some ``kap_informed_consent`` signed on or before the session date and not revoked on
    or before it.
``medicine.dose_order_required``
    Some dose order active on the session date (``active_from`` <= date <=
    ``active_to``, open-ended when ``active_to`` is None). That it was written by a
    medical provider is enforced where dose orders are recorded.
``medicine.monitor_required``
    Staff listed on an appointment are booked for all of it, so a monitor covers the
    whole session unless they are booked elsewhere during it; the rule is met when at
    least one staff member holding the ``monitor`` role is on the appointment and not
    booked elsewhere at the same time (a double-booked sole monitor raises both
    ``conflict.clinician`` and this rule).
``safety.unreviewed_risk_flag``
    Blocks medicine sessions only: a client with a fresh risk flag must still be able to
    see their therapist.
``telehealth.client_location_unlicensed``
    The client's state is the attested location for the session, else the home state.
    It must be one where the practice offers virtual sessions and every staff member on
    the appointment is licensed. Checked for every telehealth appointment.
``plan.paused`` / ``plan.required``
    While the plan is paused only ``therapy`` may be booked. A medicine session also
    needs a plan that exists and is not closed (``plan.required``). Without a plan the
    ongoing parameters apply.
Input shape
    Naive datetimes stop the check (nothing else can be evaluated) with
    ``appointment.naive_datetime``. When the end is not after the start,
    ``appointment.end_before_start`` is reported and the rules that need the interval
    (conflicts, integration window, monitor coverage) are skipped; the rest still run.
    Rescheduling: give the proposed appointment the existing ``id`` and it is ignored
    wherever it appears in the input lists.
"""

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from kapcare.core.violations import Violation
from kapcare.pathway.vocabulary import ClearanceStatus, ConsentKind, PlanFormat, PlanStatus
from kapcare.people.policy import Role
from kapcare.people.states import US_STATES
from kapcare.scheduling.policy import (
    DEFAULT_POLICY,
    PathwayParameters,
    SchedulingPolicy,
    SpacingMeasure,
)

__all__ = [
    "PATHWAY_STATUSES",
    "SLOT_HOLDING_STATUSES",
    "Appointment",
    "AppointmentKind",
    "AppointmentStatus",
    "Clearance",
    "ClientInfo",
    "Consent",
    "DoseOrder",
    "LocationInfo",
    "Modality",
    "PathwayFacts",
    "ProposedAppointment",
    "ReadinessItem",
    "RoomInfo",
    "RoomKind",
    "Rule",
    "StaffInfo",
    "Subject",
    "TreatmentPlan",
    "Violation",
    "check_appointment",
    "check_preparation_at_dosing",
    "check_ready_to_dose",
    "clearance_in_force",
    "consent_in_force",
    "count_preparations",
    "dose_order_in_force",
    "intervals_overlap",
    "medicine_readiness",
]


# --- vocabulary -------------------------------------------------------------------------


class AppointmentKind(StrEnum):
    CONSULTATION = "consultation"
    PREPARATION = "preparation"
    MEDICINE = "medicine"
    INTEGRATION = "integration"
    THERAPY = "therapy"


class Modality(StrEnum):
    IN_PERSON = "in_person"
    TELEHEALTH = "telehealth"


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


SLOT_HOLDING_STATUSES = frozenset(
    {AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW}
)
"""Statuses that block the staff, room and client for the appointment's time."""

PATHWAY_STATUSES = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED})
"""Statuses of sessions that count for the pathway (they happen or happened)."""


class RoomKind(StrEnum):
    THERAPY = "therapy"
    MEDICINE = "medicine"


class Subject(StrEnum):
    """Which appointment of a request a violation is about."""

    APPOINTMENT = "appointment"
    FOLLOW_UP = "follow_up"


class Rule(StrEnum):
    """Every code a check can return. The DESIGN.md codes are a stable contract."""

    # input shape
    NAIVE_DATETIME = "appointment.naive_datetime"
    END_BEFORE_START = "appointment.end_before_start"
    IN_PERSON_NEEDS_LOCATION = "appointment.in_person_needs_location"
    IN_PERSON_NEEDS_ROOM = "appointment.in_person_needs_room"
    ROOM_LOCATION_MISMATCH = "appointment.room_location_mismatch"
    ROOM_INACTIVE = "appointment.room_inactive"
    NO_STAFF = "appointment.no_staff"
    DUPLICATE_STAFF = "appointment.duplicate_staff"
    CLIENT_LOCATION_STATE_INVALID = "appointment.client_location_state_invalid"
    FOLLOW_UP_NOT_INTEGRATION = "appointment.follow_up_not_integration"
    # the plan
    PLAN_PAUSED = "plan.paused"
    PLAN_REQUIRED = "plan.required"
    # medicine sessions
    MEDICINE_IN_PERSON_ONLY = "medicine.in_person_only"
    MEDICINE_LOCATION_NOT_EQUIPPED = "medicine.location_not_equipped"
    MEDICINE_MONITOR_REQUIRED = "medicine.monitor_required"
    MEDICINE_REQUIRES_CONSENT = "medicine.requires_consent"
    MEDICINE_REQUIRES_CLEARANCE = "medicine.requires_clearance"
    MEDICINE_DOSE_ORDER_REQUIRED = "medicine.dose_order_required"
    MEDICINE_REQUIRES_PREPARATION = "medicine.requires_preparation"
    MEDICINE_REQUIRES_INTEGRATION = "medicine.requires_integration"
    MEDICINE_MIN_SPACING = "medicine.min_spacing"
    SAFETY_UNREVIEWED_RISK_FLAG = "safety.unreviewed_risk_flag"
    # telehealth and double booking
    TELEHEALTH_CLIENT_LOCATION_UNLICENSED = "telehealth.client_location_unlicensed"
    CONFLICT_CLINICIAN = "conflict.clinician"
    CONFLICT_ROOM = "conflict.room"
    CONFLICT_CLIENT = "conflict.client"
    # Additions to DESIGN.md's table (issue 3: working hours and time off), checked by
    # ``scheduling.hours`` and applied by the same booking service.
    STAFF_OUTSIDE_WORKING_HOURS = "staff.outside_working_hours"
    STAFF_TIME_OFF = "staff.time_off"


# --- facts ------------------------------------------------------------------------------


def _is_aware(moment: dt.datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() is not None


@dataclass(frozen=True)
class LocationInfo:
    id: int
    state: str
    time_zone: str
    offers_medicine_sessions: bool
    name: str = ""


@dataclass(frozen=True)
class RoomInfo:
    id: int
    location_id: int
    kind: RoomKind
    name: str = ""
    is_active: bool = True


@dataclass(frozen=True)
class StaffInfo:
    id: int
    roles: frozenset[Role]
    licensed_states: frozenset[str]
    name: str = ""
    """Display name for messages (staff names are not client data)."""


@dataclass(frozen=True)
class ClientInfo:
    """Only what the rules need: never the client's name."""

    id: int
    home_state: str


@dataclass(frozen=True)
class ProposedAppointment:
    """What someone asks to book, exactly as they asked: checked, never trusted."""

    kind: AppointmentKind
    modality: Modality
    start: dt.datetime
    end: dt.datetime
    staff: tuple[StaffInfo, ...]
    location: LocationInfo | None = None
    room: RoomInfo | None = None
    client_location_state: str | None = None
    """The state the client attests they will be in (telehealth)."""
    id: int | None = None
    """Set when rescheduling, so the appointment does not conflict with itself."""


@dataclass(frozen=True)
class Appointment:
    """An appointment already in the calendar."""

    id: int | None
    kind: AppointmentKind
    status: AppointmentStatus
    start: dt.datetime
    end: dt.datetime
    staff_ids: frozenset[int] = frozenset()
    room_id: int | None = None

    def __post_init__(self) -> None:
        if not (_is_aware(self.start) and _is_aware(self.end)):
            raise ValueError("Stored appointments have aware start and end times.")


@dataclass(frozen=True)
class TreatmentPlan:
    format: PlanFormat
    status: PlanStatus


@dataclass(frozen=True)
class Consent:
    kind: ConsentKind
    signed_on: dt.date
    revoked_on: dt.date | None = None
    version: str = ""


@dataclass(frozen=True)
class Clearance:
    status: ClearanceStatus
    valid_until: dt.date
    recorded_at: dt.datetime
    """When the medical provider recorded it: the latest decision governs."""


@dataclass(frozen=True)
class DoseOrder:
    active_from: dt.date
    active_to: dt.date | None = None


@dataclass(frozen=True)
class PathwayFacts:
    """Where one client stands on the KAP pathway."""

    plan: TreatmentPlan | None
    consents: tuple[Consent, ...] = ()
    clearances: tuple[Clearance, ...] = ()
    dose_orders: tuple[DoseOrder, ...] = ()
    unreviewed_risk_flags: int = 0
    appointments: tuple[Appointment, ...] = ()
    """All of the client's appointments, any status."""


@dataclass(frozen=True)
class ReadinessItem:
    rule: str
    ok: bool
    message: str


# --- time helpers -----------------------------------------------------------------------


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def intervals_overlap(
    a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime
) -> bool:
    """Half-open ``[start, end)`` overlap of two aware intervals."""
    return _utc(a_start) < _utc(b_end) and _utc(b_start) < _utc(a_end)


def _local_date(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.date:
    return moment.astimezone(tz).date()


def _plus_wall_clock_days(moment: dt.datetime, days: int, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The same local time ``days`` later (aware arithmetic is wall-clock arithmetic)."""
    return _utc(moment.astimezone(tz) + dt.timedelta(days=days))


def _fmt_date(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _fmt_when(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{_fmt_date(local.date())} at {local:%H:%M}"


def _fmt_span(start: dt.datetime, end: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if local_start.date() == local_end.date():
        return f"{_fmt_date(local_start.date())} from {local_start:%H:%M} to {local_end:%H:%M}"
    return f"{_fmt_when(start, tz)} to {_fmt_when(end, tz)}"


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _by_time(appointments: Iterable[Appointment]) -> list[Appointment]:
    return sorted(
        set(appointments),
        key=lambda a: (_utc(a.start), _utc(a.end), a.id if a.id is not None else -1),
    )


def _format_label(plan_format: PlanFormat) -> str:
    return f"{plan_format.value} format"


def _staff_label(staff: StaffInfo) -> str:
    return staff.name or f"Staff member #{staff.id}"


# --- building blocks, shared by booking, dosing and the chart ----------------------------


def consent_in_force(consents: Iterable[Consent], on: dt.date) -> bool:
    """A KAP informed consent signed on or before ``on`` and not revoked on or before it."""
    return any(
        c.kind is ConsentKind.KAP_INFORMED_CONSENT
        and c.signed_on <= on
        and (c.revoked_on is None or c.revoked_on > on)
        for c in consents
    )


def _consent_problem(consents: Sequence[Consent], on: dt.date) -> str | None:
    if consent_in_force(consents, on):
        return None
    kap = [c for c in consents if c.kind is ConsentKind.KAP_INFORMED_CONSENT]
    fix = "Have the client review and sign the KAP informed consent before the medicine session."
    revoked = [c.revoked_on for c in kap if c.revoked_on is not None and c.revoked_on <= on]
    if revoked:
        return (
            f"The client revoked the KAP informed consent on {_fmt_date(max(revoked))}. "
            "A medicine session needs a newly signed consent; book it only if the client "
            "chooses to sign again."
        )
    later = [c.signed_on for c in kap if c.signed_on > on]
    if later:
        return (
            f"The KAP informed consent on file was signed on {_fmt_date(min(later))}, after "
            f"the session date ({_fmt_date(on)}). {fix}"
        )
    return f"No signed KAP informed consent is on file. {fix}"


def _latest_clearances(clearances: Sequence[Clearance]) -> list[Clearance]:
    if not clearances:
        return []
    latest = max(_utc(c.recorded_at) for c in clearances)
    return [c for c in clearances if _utc(c.recorded_at) == latest]


def clearance_in_force(clearances: Iterable[Clearance], on: dt.date) -> bool:
    """The latest recorded clearance is ``cleared`` and valid on ``on`` (inclusive)."""
    latest = _latest_clearances(list(clearances))
    return bool(latest) and all(
        c.status is ClearanceStatus.CLEARED and c.valid_until >= on for c in latest
    )


_CLEARANCE_WORDS = {
    ClearanceStatus.NOT_CLEARED: "not cleared",
    ClearanceStatus.NEEDS_INFORMATION: "needs more information",
}


def _clearance_problem(clearances: Sequence[Clearance], on: dt.date) -> str | None:
    if clearance_in_force(clearances, on):
        return None
    latest = _latest_clearances(clearances)
    if not latest:
        return (
            "No medical clearance is on file. A medical provider must review the medical "
            "screening and record a clearance before a medicine session can be booked."
        )
    refused = sorted({c.status for c in latest if c.status is not ClearanceStatus.CLEARED})
    if refused:
        words = " / ".join(_CLEARANCE_WORDS[s] for s in refused)
        return (
            f"The latest medical clearance says '{words}'. A medical provider must record "
            "a clearance before a medicine session can be booked."
        )
    until = min(c.valid_until for c in latest)
    return (
        f"The medical clearance is valid until {_fmt_date(until)}, before the session date "
        f"({_fmt_date(on)}). Ask the medical provider to renew it, or book the session on "
        f"or before {_fmt_date(until)}."
    )


def dose_order_in_force(orders: Iterable[DoseOrder], on: dt.date) -> bool:
    """Some dose order is active on ``on`` (both ends inclusive)."""
    return any(o.active_from <= on and (o.active_to is None or o.active_to >= on) for o in orders)


def _dose_order_problem(orders: Sequence[DoseOrder], on: dt.date) -> str | None:
    if dose_order_in_force(orders, on):
        return None
    if not orders:
        return (
            "No dose order is on file. The medical provider must write a dose order "
            "before the medicine session."
        )
    return (
        f"No dose order is active on the session date ({_fmt_date(on)}). Ask the medical "
        "provider to write a new dose order or extend the current one."
    )


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
        and _utc(a.end) <= _utc(before)
    )


def _preparation_problem(
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
    when = _fmt_when(medicine_start, tz)
    if completed_only:
        return (
            f"Dosing needs {_plural(needed, 'completed preparation session')} "
            f"({_format_label(plan_format)}); {found} completed. Complete "
            f"{_plural(missing, 'more preparation session')} before dosing."
        )
    return (
        f"A medicine session needs {_plural(needed, 'preparation session')} "
        f"({_format_label(plan_format)}) completed or booked to end before it starts; "
        f"{found} found. Book {_plural(missing, 'more preparation session')} ending by {when}."
    )


def _risk_problem(unreviewed: int) -> str | None:
    if unreviewed <= 0:
        return None
    if unreviewed == 1:
        flags, them = "is an open risk flag", "it"
    else:
        flags, them = f"are {unreviewed} open risk flags", "them"
    return (
        f"There {flags} that a clinician has not reviewed yet. A clinician on the care team "
        f"must review {them} before a medicine session can go ahead."
    )


def _plan_problem(plan: TreatmentPlan | None, kind: AppointmentKind) -> tuple[Rule, str] | None:
    if plan is not None and plan.status is PlanStatus.PAUSED:
        if kind is AppointmentKind.THERAPY:
            return None
        return (
            Rule.PLAN_PAUSED,
            "The client has paused their KAP plan, so only therapy sessions can be booked. "
            "Book a therapy session instead, or resume the plan first if the client chooses to.",
        )
    if kind is not AppointmentKind.MEDICINE:
        return None
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


def _too_close(
    other: dt.datetime, start: dt.datetime, params: PathwayParameters, tz: zoneinfo.ZoneInfo
) -> bool:
    """Whether two medicine session starts are closer than the spacing allows.

    ``wall_clock``: each start must be at least D days after the other on the location's
    wall clock (exactly D days is allowed). ``calendar_day``: their local dates must be
    at least D days apart (D = 1: not on the same date).
    """
    spacing = params.medicine_spacing.value
    if spacing.measure is SpacingMeasure.CALENDAR_DAY:
        gap = (_local_date(other, tz) - _local_date(start, tz)).days
        return abs(gap) < spacing.days
    return not (
        _plus_wall_clock_days(other, spacing.days, tz) <= _utc(start)
        or _plus_wall_clock_days(start, spacing.days, tz) <= _utc(other)
    )


def _spacing_problem(
    medicine_sessions: Sequence[Appointment],
    start: dt.datetime,
    plan_format: PlanFormat,
    params: PathwayParameters,
    tz: zoneinfo.ZoneInfo,
) -> str | None:
    close = _by_time(
        a
        for a in medicine_sessions
        if a.kind is AppointmentKind.MEDICINE
        and a.status in PATHWAY_STATUSES
        and _too_close(a.start, start, params, tz)
    )
    if not close:
        return None
    spacing = params.medicine_spacing.value
    head = f"The {_format_label(plan_format)} allows {spacing.describe()}."
    if spacing.measure is SpacingMeasure.CALENDAR_DAY:
        days = sorted({_local_date(a.start, tz) for a in close})
        dates = _join([_fmt_date(d) for d in days])
        return (
            f"{head} The client already has a medicine session on {dates}. Choose a date "
            "with no medicine session that close."
        )
    parts = [head]
    before = [a for a in close if _utc(a.start) <= _utc(start)]
    after = [a for a in close if _utc(a.start) > _utc(start)]
    earliest = latest = None
    if before:
        previous = before[-1].start
        earliest = _plus_wall_clock_days(previous, spacing.days, tz)
        parts.append(
            f"The previous one is on {_fmt_when(previous, tz)}, so this one can start from "
            f"{_fmt_when(earliest, tz)}."
        )
    if after:
        following = after[0].start
        latest = _plus_wall_clock_days(following, -spacing.days, tz)
        parts.append(
            f"The next one is on {_fmt_when(following, tz)}, so this one must start by "
            f"{_fmt_when(latest, tz)}."
        )
    if earliest is not None and latest is not None and earliest > latest:
        parts.append("There is no room for another one between them; choose a later date.")
    else:
        parts.append("Choose another date.")
    return " ".join(parts)


def _integration_deadline(
    medicine_end: dt.datetime, params: PathwayParameters, tz: zoneinfo.ZoneInfo
) -> dt.date:
    return _local_date(medicine_end, tz) + dt.timedelta(days=params.integration_within_days.value)


def _integrates(
    start: dt.datetime, medicine_end: dt.datetime, params: PathwayParameters, tz: zoneinfo.ZoneInfo
) -> bool:
    return _utc(start) >= _utc(medicine_end) and _local_date(start, tz) <= _integration_deadline(
        medicine_end, params, tz
    )


def _integration_problem(
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
        and _integrates(a.start, medicine_end, params, tz)
        for a in appointments
    ):
        return None
    follow_up_ok = (
        follow_up is not None
        and follow_up.kind is AppointmentKind.INTEGRATION
        and _is_aware(follow_up.start)
        and _integrates(follow_up.start, medicine_end, params, tz)
    )
    if follow_up_ok:
        return None
    days = params.integration_within_days.value
    message = (
        f"Every medicine session needs an integration session within "
        f"{_plural(days, 'day')} after it ({_format_label(plan_format)}): starting after "
        f"the medicine session ends ({_fmt_when(medicine_end, tz)}) and no later than "
        f"{_fmt_date(_integration_deadline(medicine_end, params, tz))}."
    )
    if follow_up is not None and follow_up.kind is AppointmentKind.INTEGRATION:
        return (
            f"{message} The integration session in this request is outside that window; "
            "move it into the window."
        )
    return f"{message} Book one in the same request as a follow-up, or book it first."


# --- the booking check ------------------------------------------------------------------


@dataclass(frozen=True)
class _Booking:
    """Everything one rule may look at, normalized once."""

    appointment: ProposedAppointment
    client: ClientInfo
    plan: TreatmentPlan | None
    pathway: PathwayFacts
    client_appointments: tuple[Appointment, ...]
    """The client's other appointments (the one being rescheduled left out)."""
    calendar: tuple[Appointment, ...]
    """Every other appointment known: the staff's, the room's and the client's."""
    follow_up: ProposedAppointment | None
    policy: SchedulingPolicy
    tz: zoneinfo.ZoneInfo
    interval_ok: bool

    @property
    def plan_format(self) -> PlanFormat:
        return self.plan.format if self.plan is not None else PlanFormat.ONGOING

    @property
    def params(self) -> PathwayParameters:
        return self.policy.for_format(self.plan_format)

    @property
    def is_medicine(self) -> bool:
        return self.appointment.kind is AppointmentKind.MEDICINE

    @property
    def session_date(self) -> dt.date:
        return _local_date(self.appointment.start, self.tz)

    def overlapping(self, appointments: Iterable[Appointment]) -> list[Appointment]:
        a = self.appointment
        return _by_time(
            other
            for other in appointments
            if other.status in SLOT_HOLDING_STATUSES
            and intervals_overlap(a.start, a.end, other.start, other.end)
        )


RuleCheck = Callable[[_Booking], str | None]


def _end_before_start(b: _Booking) -> str | None:
    if b.interval_ok:
        return None
    return (
        "The appointment ends before or when it starts. Check the date and time of the "
        "start and the end."
    )


def _in_person_needs_location(b: _Booking) -> str | None:
    a = b.appointment
    if a.modality is not Modality.IN_PERSON or a.location is not None:
        return None
    return "An in-person appointment needs a location. Choose the office where it takes place."


def _in_person_needs_room(b: _Booking) -> str | None:
    a = b.appointment
    if a.modality is not Modality.IN_PERSON or a.room is not None:
        return None
    room = "a medicine room" if b.is_medicine else "a room"
    return f"An in-person appointment needs a room. Choose {room} at the office."


def _room_location_mismatch(b: _Booking) -> str | None:
    a = b.appointment
    if a.room is None or a.location is None or a.room.location_id == a.location.id:
        return None
    room = f"Room {a.room.name}" if a.room.name else "The room"
    place = a.location.name or "the chosen location"
    return f"{room} is not at {place}. Choose a room at {place}, or change the location."


def _room_inactive(b: _Booking) -> str | None:
    room = b.appointment.room
    if room is None or room.is_active:
        return None
    name = f"Room {room.name}" if room.name else "The room"
    return f"{name} is no longer in use. Choose another room."


def _no_staff(b: _Booking) -> str | None:
    if b.appointment.staff:
        return None
    return (
        "An appointment needs at least one staff member. Add the clinician who will see the client."
    )


def _duplicate_staff(b: _Booking) -> str | None:
    ids = [s.id for s in b.appointment.staff]
    if len(ids) == len(set(ids)):
        return None
    return "The same staff member is listed twice. List each staff member once."


def _client_location_state_invalid(b: _Booking) -> str | None:
    state = b.appointment.client_location_state
    if state is None or state in US_STATES:
        return None
    return (
        "The client's location must be a two-letter US state code (for example PA or NJ). "
        "Ask the client where they will be during the session."
    )


def _plan(b: _Booking) -> tuple[Rule, str] | None:
    return _plan_problem(b.plan, b.appointment.kind)


def _plan_paused(b: _Booking) -> str | None:
    problem = _plan(b)
    return problem[1] if problem is not None and problem[0] is Rule.PLAN_PAUSED else None


def _plan_required(b: _Booking) -> str | None:
    problem = _plan(b)
    return problem[1] if problem is not None and problem[0] is Rule.PLAN_REQUIRED else None


def _medicine_in_person_only(b: _Booking) -> str | None:
    if not b.is_medicine or b.appointment.modality is Modality.IN_PERSON:
        return None
    return (
        "Medicine sessions happen in person only. Book it at an office that offers medicine "
        "sessions, or choose a preparation or integration session for telehealth."
    )


def _medicine_location_not_equipped(b: _Booking) -> str | None:
    a = b.appointment
    if not b.is_medicine or a.modality is not Modality.IN_PERSON:
        return None
    problems = []
    if a.location is not None and not a.location.offers_medicine_sessions:
        place = a.location.name or "This location"
        problems.append(f"{place} does not offer medicine sessions.")
    if a.room is not None and a.room.kind is not RoomKind.MEDICINE:
        room = f"Room {a.room.name}" if a.room.name else "The room"
        problems.append(f"{room} is a therapy room, not a medicine room.")
    if not problems:
        return None
    return " ".join(
        [*problems, "Book it in a medicine room at an office that offers medicine sessions."]
    )


def _medicine_monitor_required(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    monitors = sorted(
        (s for s in b.appointment.staff if Role.MONITOR in s.roles), key=lambda s: s.id
    )
    if not monitors:
        return (
            "A medicine session needs a monitor (RN or clinical staff) present for the whole "
            "session. Add a monitor to the booking."
        )
    if not b.interval_ok:
        return None
    busy = [m for m in monitors if b.overlapping(a for a in b.calendar if m.id in a.staff_ids)]
    if len(busy) < len(monitors):
        return None
    names = _join([_staff_label(m) for m in busy])
    verb = "is" if len(busy) == 1 else "are"
    return (
        f"{names} {verb} booked elsewhere during this session, so no monitor is free for all "
        "of it. Add a monitor who is free, or choose another time."
    )


def _medicine_requires_consent(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return _consent_problem(b.pathway.consents, b.session_date)


def _medicine_requires_clearance(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return _clearance_problem(b.pathway.clearances, b.session_date)


def _medicine_dose_order_required(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return _dose_order_problem(b.pathway.dose_orders, b.session_date)


def _medicine_requires_preparation(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return _preparation_problem(
        b.client_appointments,
        b.appointment.start,
        b.plan_format,
        b.params,
        b.tz,
        completed_only=False,
    )


def _medicine_requires_integration(b: _Booking) -> str | None:
    if not b.is_medicine or not b.interval_ok:
        return None
    return _integration_problem(
        b.client_appointments, b.appointment.end, b.follow_up, b.plan_format, b.params, b.tz
    )


def _medicine_min_spacing(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return _spacing_problem(
        b.client_appointments, b.appointment.start, b.plan_format, b.params, b.tz
    )


def _safety_unreviewed_risk_flag(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return _risk_problem(b.pathway.unreviewed_risk_flags)


def _telehealth_client_location_unlicensed(b: _Booking) -> str | None:
    a = b.appointment
    if a.modality is not Modality.TELEHEALTH:
        return None
    attested = a.client_location_state
    if attested is not None and attested not in US_STATES:
        return None  # reported as appointment.client_location_state_invalid
    state = attested if attested is not None else b.client.home_state
    where = (
        f"the client will be in {state} during the session"
        if attested is not None
        else f"no location was attested for this session, so the client's home state ({state}) "
        "applies"
    )
    problems = []
    offered = b.policy.telehealth_states.value
    if state not in offered:
        problems.append(
            f"The practice offers virtual sessions only to clients located in "
            f"{_join(sorted(offered))}, and {where}."
        )
    unlicensed = sorted((s for s in a.staff if state not in s.licensed_states), key=lambda s: s.id)
    if unlicensed:
        names = _join([_staff_label(s) for s in unlicensed])
        verb = "is" if len(unlicensed) == 1 else "are"
        problems.append(f"{names} {verb} not licensed in {state}.")
        if state in offered:
            problems.append(f"A virtual session needs every clinician licensed where {where}.")
    if not problems:
        return None
    fix = (
        "Book it in person, with a clinician licensed there, or for a time when the client "
        "is in a state the practice serves."
    )
    if attested is None:
        fix += " If the client will be elsewhere, record where."
    return " ".join([*problems, fix])


def _conflict_clinician(b: _Booking) -> str | None:
    if not b.interval_ok:
        return None
    lines = []
    for staff in sorted(set(b.appointment.staff), key=lambda s: s.id):
        clashes = b.overlapping(a for a in b.calendar if staff.id in a.staff_ids)
        if clashes:
            spans = _join([_fmt_span(c.start, c.end, b.tz) for c in clashes])
            lines.append(f"{_staff_label(staff)} is already booked on {spans}.")
    if not lines:
        return None
    return " ".join([*lines, "Choose another time or another staff member."])


def _conflict_room(b: _Booking) -> str | None:
    room = b.appointment.room
    if room is None or not b.interval_ok:
        return None
    clashes = b.overlapping(a for a in b.calendar if a.room_id == room.id)
    if not clashes:
        return None
    name = f"Room {room.name}" if room.name else "The room"
    spans = _join([_fmt_span(c.start, c.end, b.tz) for c in clashes])
    return f"{name} is already booked on {spans}. Choose another time or another room."


def _conflict_client(b: _Booking) -> str | None:
    if not b.interval_ok:
        return None
    clashes = b.overlapping(b.client_appointments)
    if not clashes:
        return None
    spans = _join([_fmt_span(c.start, c.end, b.tz) for c in clashes])
    return f"The client already has an appointment on {spans}. Choose another time."


RULES: tuple[tuple[Rule, RuleCheck], ...] = (
    (Rule.END_BEFORE_START, _end_before_start),
    (Rule.IN_PERSON_NEEDS_LOCATION, _in_person_needs_location),
    (Rule.IN_PERSON_NEEDS_ROOM, _in_person_needs_room),
    (Rule.ROOM_LOCATION_MISMATCH, _room_location_mismatch),
    (Rule.ROOM_INACTIVE, _room_inactive),
    (Rule.NO_STAFF, _no_staff),
    (Rule.DUPLICATE_STAFF, _duplicate_staff),
    (Rule.CLIENT_LOCATION_STATE_INVALID, _client_location_state_invalid),
    (Rule.PLAN_PAUSED, _plan_paused),
    (Rule.PLAN_REQUIRED, _plan_required),
    (Rule.MEDICINE_IN_PERSON_ONLY, _medicine_in_person_only),
    (Rule.MEDICINE_LOCATION_NOT_EQUIPPED, _medicine_location_not_equipped),
    (Rule.MEDICINE_MONITOR_REQUIRED, _medicine_monitor_required),
    (Rule.MEDICINE_REQUIRES_CONSENT, _medicine_requires_consent),
    (Rule.MEDICINE_REQUIRES_CLEARANCE, _medicine_requires_clearance),
    (Rule.MEDICINE_DOSE_ORDER_REQUIRED, _medicine_dose_order_required),
    (Rule.MEDICINE_REQUIRES_PREPARATION, _medicine_requires_preparation),
    (Rule.MEDICINE_REQUIRES_INTEGRATION, _medicine_requires_integration),
    (Rule.MEDICINE_MIN_SPACING, _medicine_min_spacing),
    (Rule.SAFETY_UNREVIEWED_RISK_FLAG, _safety_unreviewed_risk_flag),
    (Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED, _telehealth_client_location_unlicensed),
    (Rule.CONFLICT_CLINICIAN, _conflict_clinician),
    (Rule.CONFLICT_ROOM, _conflict_room),
    (Rule.CONFLICT_CLIENT, _conflict_client),
)
"""Every booking rule, in the order violations are reported."""


def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _booking_zone(appointment: ProposedAppointment, policy: SchedulingPolicy) -> zoneinfo.ZoneInfo:
    if appointment.location is not None:
        return _zone(appointment.location.time_zone)
    return _zone(policy.time_zone.value)


def _check_one(
    appointment: ProposedAppointment,
    *,
    client: ClientInfo,
    pathway: PathwayFacts,
    calendar: Sequence[Appointment],
    follow_up: ProposedAppointment | None,
    policy: SchedulingPolicy,
    subject: Subject,
) -> list[Violation]:
    if not (_is_aware(appointment.start) and _is_aware(appointment.end)):
        return [
            Violation(
                Rule.NAIVE_DATETIME,
                "The start and end need a time zone offset (for example "
                "2025-03-04T10:00:00-05:00). Send the times again with their offset.",
                subject,
            )
        ]

    def others(items: Iterable[Appointment]) -> tuple[Appointment, ...]:
        return tuple(a for a in items if appointment.id is None or a.id != appointment.id)

    client_appointments = others(pathway.appointments)
    booking = _Booking(
        appointment=appointment,
        client=client,
        plan=pathway.plan,
        pathway=pathway,
        client_appointments=client_appointments,
        calendar=others(calendar) + client_appointments,
        follow_up=follow_up,
        policy=policy,
        tz=_booking_zone(appointment, policy),
        interval_ok=_utc(appointment.end) > _utc(appointment.start),
    )
    violations = []
    for rule, check in RULES:
        message = check(booking)
        if message is not None:
            violations.append(Violation(rule, message, subject))
    return violations


def _as_booked(appointment: ProposedAppointment) -> Appointment | None:
    if not (_is_aware(appointment.start) and _is_aware(appointment.end)):
        return None
    return Appointment(
        id=appointment.id,
        kind=appointment.kind,
        status=AppointmentStatus.BOOKED,
        start=appointment.start,
        end=appointment.end,
        staff_ids=frozenset(s.id for s in appointment.staff),
        room_id=appointment.room.id if appointment.room is not None else None,
    )


def check_appointment(
    appointment: ProposedAppointment,
    *,
    client: ClientInfo,
    pathway: PathwayFacts,
    calendar: Sequence[Appointment] = (),
    follow_up: ProposedAppointment | None = None,
    policy: SchedulingPolicy = DEFAULT_POLICY,
) -> list[Violation]:
    """Every rule the proposed booking (and its follow-up, if any) violates.

    ``pathway.appointments`` are all of the client's appointments; ``calendar`` holds the
    other appointments of the staff and the room around that time (the client's own are
    added automatically). An empty list means the booking may go ahead.

    ``follow_up`` is the integration session booked in the same request: it satisfies
    ``medicine.requires_integration`` when it falls in the window, and is itself checked
    like any booking (against the main appointment too); its violations carry
    ``subject=Subject.FOLLOW_UP``.
    """
    violations = _check_one(
        appointment,
        client=client,
        pathway=pathway,
        calendar=calendar,
        follow_up=follow_up,
        policy=policy,
        subject=Subject.APPOINTMENT,
    )
    if follow_up is None:
        return violations
    if follow_up.kind is not AppointmentKind.INTEGRATION:
        violations.append(
            Violation(
                Rule.FOLLOW_UP_NOT_INTEGRATION,
                "The follow-up booked with an appointment must be an integration session. "
                "Book other sessions separately.",
                Subject.FOLLOW_UP,
            )
        )
    # The follow-up is checked against the main appointment where it is being moved to,
    # not where it was (when rescheduling, its old version carries the same id).
    main = _as_booked(appointment)

    def with_main(items: Iterable[Appointment]) -> tuple[Appointment, ...]:
        if main is None:
            return tuple(items)
        return (*(a for a in items if main.id is None or a.id != main.id), main)

    violations += _check_one(
        follow_up,
        client=client,
        pathway=dataclasses.replace(pathway, appointments=with_main(pathway.appointments)),
        calendar=with_main(calendar),
        follow_up=None,
        policy=policy,
        subject=Subject.FOLLOW_UP,
    )
    return violations


# --- at dosing --------------------------------------------------------------------------


def _plan_format(pathway: PathwayFacts) -> PlanFormat:
    return pathway.plan.format if pathway.plan is not None else PlanFormat.ONGOING


def check_preparation_at_dosing(
    *,
    medicine_start: dt.datetime,
    appointments: Sequence[Appointment],
    plan_format: PlanFormat,
    time_zone: str,
    policy: SchedulingPolicy = DEFAULT_POLICY,
) -> Violation | None:
    """``medicine.requires_preparation`` at dosing: only *completed* sessions count."""
    problem = _preparation_problem(
        appointments,
        medicine_start,
        plan_format,
        policy.for_format(plan_format),
        _zone(time_zone),
        completed_only=True,
    )
    return Violation(Rule.MEDICINE_REQUIRES_PREPARATION, problem) if problem else None


def check_ready_to_dose(
    *,
    session: Appointment,
    pathway: PathwayFacts,
    time_zone: str,
    policy: SchedulingPolicy = DEFAULT_POLICY,
) -> list[Violation]:
    """What stops dosing in this medicine session now (the pre-dose checklist).

    The booking-time rules again, as things stand at dosing: plan, consent, clearance,
    dose order and risk flags on the session date, and completed preparation only.
    """
    tz = _zone(time_zone)
    day = _local_date(session.start, tz)
    found: list[Violation] = []
    plan_problem = _plan_problem(pathway.plan, AppointmentKind.MEDICINE)
    if plan_problem is not None:
        found.append(Violation(*plan_problem))
    for rule, problem in (
        (Rule.MEDICINE_REQUIRES_CONSENT, _consent_problem(pathway.consents, day)),
        (Rule.MEDICINE_REQUIRES_CLEARANCE, _clearance_problem(pathway.clearances, day)),
        (Rule.MEDICINE_DOSE_ORDER_REQUIRED, _dose_order_problem(pathway.dose_orders, day)),
    ):
        if problem is not None:
            found.append(Violation(rule, problem))
    others = tuple(a for a in pathway.appointments if session.id is None or a.id != session.id)
    preparation = check_preparation_at_dosing(
        medicine_start=session.start,
        appointments=others,
        plan_format=_plan_format(pathway),
        time_zone=time_zone,
        policy=policy,
    )
    if preparation is not None:
        found.append(preparation)
    risk = _risk_problem(pathway.unreviewed_risk_flags)
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
    if not _is_aware(now):
        raise ValueError("now must be an aware datetime.")
    tz = _zone(time_zone)
    plan_format = _plan_format(pathway)
    params = policy.for_format(plan_format)
    medicine = _by_time(
        a
        for a in pathway.appointments
        if a.kind is AppointmentKind.MEDICINE and a.status in PATHWAY_STATUSES
    )
    upcoming = [
        a for a in medicine if a.status is AppointmentStatus.BOOKED and _utc(a.end) > _utc(now)
    ]
    target = upcoming[0] if upcoming else None
    at = target.start if target is not None else now
    day = _local_date(at, tz)
    others = [a for a in pathway.appointments if target is None or a != target]
    if target is not None:
        context = f"the next medicine session ({_fmt_when(target.start, tz)})"
    else:
        context = "a medicine session booked now (none is booked)"

    items: list[ReadinessItem] = []

    plan_problem = _plan_problem(pathway.plan, AppointmentKind.MEDICINE)
    if plan_problem is not None:
        items.append(ReadinessItem(plan_problem[0], False, plan_problem[1]))
    else:
        items.append(
            ReadinessItem(
                Rule.PLAN_REQUIRED, True, f"The KAP plan is active ({_format_label(plan_format)})."
            )
        )

    consent = _consent_problem(pathway.consents, day)
    items.append(
        ReadinessItem(
            Rule.MEDICINE_REQUIRES_CONSENT,
            consent is None,
            consent or f"KAP informed consent is signed and in force for {context}.",
        )
    )

    clearance = _clearance_problem(pathway.clearances, day)
    if clearance is None:
        until = min(c.valid_until for c in _latest_clearances(pathway.clearances))
        items.append(
            ReadinessItem(
                Rule.MEDICINE_REQUIRES_CLEARANCE,
                True,
                f"Medically cleared, valid until {_fmt_date(until)}.",
            )
        )
    else:
        items.append(ReadinessItem(Rule.MEDICINE_REQUIRES_CLEARANCE, False, clearance))

    dose = _dose_order_problem(pathway.dose_orders, day)
    items.append(
        ReadinessItem(
            Rule.MEDICINE_DOSE_ORDER_REQUIRED,
            dose is None,
            dose or f"A dose order is active for {context}.",
        )
    )

    items.append(_preparation_readiness(others, target, plan_format, params, tz))

    risk = _risk_problem(pathway.unreviewed_risk_flags)
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
        and (target is None or _utc(a.end) <= _utc(target.start))
    ]
    completed = sum(1 for a in preparations if a.status is AppointmentStatus.COMPLETED)
    booked = len(preparations) - completed
    done = (
        f"{completed} of {_plural(needed, 'preparation session')} completed"
        + (f", {booked} more booked" if booked else "")
        + f" ({_format_label(plan_format)})."
    )
    if len(preparations) >= needed:
        return ReadinessItem(Rule.MEDICINE_REQUIRES_PREPARATION, True, done)
    missing = needed - len(preparations)
    by = f" ending by {_fmt_when(target.start, tz)}" if target is not None else ""
    return ReadinessItem(
        Rule.MEDICINE_REQUIRES_PREPARATION,
        False,
        f"{done} Book {_plural(missing, 'more preparation session')}{by} before the "
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
        problem = _spacing_problem(others, target.start, plan_format, params, tz)
        return ReadinessItem(
            rule,
            problem is None,
            problem or "The next medicine session is spaced as the plan allows.",
        )
    previous = [a for a in medicine if _utc(a.start) <= _utc(now)]
    if not previous:
        return ReadinessItem(rule, True, "No earlier medicine session limits the date.")
    last = previous[-1].start
    spacing = params.medicine_spacing.value
    if spacing.measure is SpacingMeasure.CALENDAR_DAY:
        earliest_day = _local_date(last, tz) + dt.timedelta(days=spacing.days)
        ok = _local_date(now, tz) >= earliest_day
        when = _fmt_date(earliest_day)
    else:
        earliest = _plus_wall_clock_days(last, spacing.days, tz)
        ok = _utc(now) >= earliest
        when = _fmt_when(earliest, tz)
    return ReadinessItem(
        rule,
        ok,
        f"The {_format_label(plan_format)} allows {spacing.describe()}: the next one can be "
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
        problem = _integration_problem(others, target.end, None, plan_format, params, tz)
        return ReadinessItem(
            rule,
            problem is None,
            problem or "An integration session is booked after the next medicine session.",
        )
    previous = [a for a in medicine if _utc(a.end) <= _utc(now)]
    if not previous:
        return ReadinessItem(
            rule,
            True,
            f"Book an integration session within {_plural(days, 'day')} after the medicine "
            "session, together with it.",
        )
    last = previous[-1]
    problem = _integration_problem(others, last.end, None, plan_format, params, tz)
    if problem is None:
        return ReadinessItem(
            rule,
            True,
            f"The last medicine session ({_fmt_when(last.start, tz)}) was followed by integration.",
        )
    deadline = _fmt_date(_integration_deadline(last.end, params, tz))
    return ReadinessItem(
        rule,
        False,
        f"The last medicine session ({_fmt_when(last.start, tz)}) has no integration session "
        f"in the {_plural(days, 'day')} after it (by "
        f"{deadline}). Book one as soon as possible.",
    )
