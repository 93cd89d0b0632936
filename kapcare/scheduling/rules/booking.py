"""The booking check: every rule a proposed appointment (and its follow-up) breaks."""

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kapcare.core.violations import Violation
from kapcare.core.wording import join_words
from kapcare.pathway.rules import (
    TreatmentPlan,
    clearance_problem,
    consent_problem,
    dose_order_problem,
    risk_problem,
)
from kapcare.pathway.vocabulary import PlanFormat
from kapcare.people.policy import Role
from kapcare.people.states import US_STATES
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.rules.facts import (
    Appointment,
    ClientInfo,
    PathwayFacts,
    ProposedAppointment,
    is_aware,
)
from kapcare.scheduling.rules.pathway import (
    integration_problem,
    plan_problem,
    preparation_problem,
    spacing_problem,
)
from kapcare.scheduling.rules.telehealth import not_licensed_in, virtual_session_state
from kapcare.scheduling.rules.timing import (
    by_time,
    fmt_span,
    intervals_overlap,
    local_date,
    staff_label,
    utc,
    zone,
)
from kapcare.scheduling.thresholds import DEFAULT_POLICY, PathwayParameters, SchedulingPolicy
from kapcare.scheduling.vocabulary import (
    SLOT_HOLDING_STATUSES,
    AppointmentKind,
    AppointmentStatus,
    Modality,
    Rule,
    Subject,
)

__all__ = ["RULES", "check_appointment"]


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
        return local_date(self.appointment.start, self.tz)

    def overlapping(self, appointments: Iterable[Appointment]) -> list[Appointment]:
        a = self.appointment
        return by_time(
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
    return plan_problem(b.plan, b.appointment.kind)


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
    names = join_words([staff_label(m) for m in busy])
    verb = "is" if len(busy) == 1 else "are"
    return (
        f"{names} {verb} booked elsewhere during this session, so no monitor is free for all "
        "of it. Add a monitor who is free, or choose another time."
    )


def _medicine_requires_consent(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return consent_problem(b.pathway.consents, b.session_date)


def _medicine_requires_clearance(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return clearance_problem(b.pathway.clearances, b.session_date)


def _medicine_dose_order_required(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return dose_order_problem(b.pathway.dose_orders, b.session_date)


def _medicine_requires_preparation(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return preparation_problem(
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
    return integration_problem(
        b.client_appointments, b.appointment.end, b.follow_up, b.plan_format, b.params, b.tz
    )


def _medicine_min_spacing(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return spacing_problem(
        b.client_appointments, b.appointment.start, b.plan_format, b.params, b.tz
    )


def _safety_unreviewed_risk_flag(b: _Booking) -> str | None:
    if not b.is_medicine:
        return None
    return risk_problem(b.pathway.unreviewed_risk_flags)


def _telehealth_client_location_unlicensed(b: _Booking) -> str | None:
    a = b.appointment
    if a.modality is not Modality.TELEHEALTH:
        return None
    attested = a.client_location_state
    if attested is not None and attested not in US_STATES:
        return None  # reported as appointment.client_location_state_invalid
    state = virtual_session_state(attested, b.client.home_state)
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
            f"{join_words(sorted(offered))}, and {where}."
        )
    unlicensed = not_licensed_in(state, a.staff)
    if unlicensed:
        names = join_words([staff_label(s) for s in unlicensed])
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
            spans = join_words([fmt_span(c.start, c.end, b.tz) for c in clashes])
            lines.append(f"{staff_label(staff)} is already booked on {spans}.")
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
    spans = join_words([fmt_span(c.start, c.end, b.tz) for c in clashes])
    return f"{name} is already booked on {spans}. Choose another time or another room."


def _conflict_client(b: _Booking) -> str | None:
    if not b.interval_ok:
        return None
    clashes = b.overlapping(b.client_appointments)
    if not clashes:
        return None
    spans = join_words([fmt_span(c.start, c.end, b.tz) for c in clashes])
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


def _booking_zone(appointment: ProposedAppointment, policy: SchedulingPolicy) -> zoneinfo.ZoneInfo:
    if appointment.location is not None:
        return zone(appointment.location.time_zone)
    return zone(policy.time_zone.value)


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
    if not (is_aware(appointment.start) and is_aware(appointment.end)):
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
        interval_ok=utc(appointment.end) > utc(appointment.start),
    )
    violations = []
    for rule, check in RULES:
        message = check(booking)
        if message is not None:
            violations.append(Violation(rule, message, subject))
    return violations


def _as_booked(appointment: ProposedAppointment) -> Appointment | None:
    if not (is_aware(appointment.start) and is_aware(appointment.end)):
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
