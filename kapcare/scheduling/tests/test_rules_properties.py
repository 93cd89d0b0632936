"""Properties of the booking check over generated situations (hypothesis).

A ``Situation`` is plain data for the pure check (a booking, the client's pathway, the
calendar), not a practice in the database: the one practice tests build is
``tests.world.World``."""

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kapcare.core.violations import Violation
from kapcare.pathway.rules import Clearance, Consent, DoseOrder, TreatmentPlan
from kapcare.pathway.vocabulary import ClearanceStatus, ConsentKind, PlanFormat, PlanStatus
from kapcare.scheduling.rules import (
    RULES,
    Appointment,
    PathwayFacts,
    ProposedAppointment,
    check_appointment,
    intervals_overlap,
)
from kapcare.scheduling.tests import (
    ARD_THERAPY,
    ARDMORE,
    BM_MEDICINE,
    BM_THERAPY,
    BRYN_MAWR,
    CLIENT,
    DAY,
    HOUR,
    NY,
    PH_MEDICINE,
    PHILADELPHIA,
    STAFF,
    THERAPIST,
    adding,
    appt,
    codes,
    proposed,
    ready_pathway,
    virtual,
    without,
)
from kapcare.scheduling.vocabulary import (
    AppointmentKind,
    AppointmentStatus,
    Modality,
    Rule,
    Subject,
)


@dataclasses.dataclass(frozen=True)
class Situation:
    booking: ProposedAppointment
    pathway: PathwayFacts
    calendar: tuple[Appointment, ...] = ()
    follow_up: ProposedAppointment | None = None

    def check(self) -> list[Violation]:
        return check_appointment(
            self.booking,
            client=CLIENT,
            pathway=self.pathway,
            calendar=self.calendar,
            follow_up=self.follow_up,
        )


# --- strategies -------------------------------------------------------------------------
# Strategies are built once at import and draw offsets relative to an anchor time, which
# keeps generation cheap.

moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),  # noqa: DTZ001 - bounds; values carry NY below
    max_value=dt.datetime(2026, 12, 31),  # noqa: DTZ001
    timezones=st.just(NY),
).map(lambda moment: moment.replace(second=0, microsecond=0))

working_hours = st.builds(
    lambda day, minute: (
        dt.datetime.combine(day, dt.time(9), tzinfo=NY) + dt.timedelta(minutes=minute)
    ),
    st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    st.integers(0, 6 * 60),
)

kinds = st.sampled_from(AppointmentKind)
statuses = st.sampled_from(AppointmentStatus)
rooms = st.sampled_from([None, BM_MEDICINE, BM_THERAPY, PH_MEDICINE, ARD_THERAPY])
locations = st.sampled_from([None, BRYN_MAWR, PHILADELPHIA, ARDMORE])
staff_lists = st.lists(st.sampled_from(STAFF), max_size=3).map(tuple)
ids = st.none() | st.integers(1, 12)
day_offsets = st.integers(-60, 60)
MINUTES_PER_DAY = 24 * 60


@dataclasses.dataclass(frozen=True)
class Relative:
    """An appointment ``shift`` minutes from an anchor, not yet placed."""

    id: int | None
    kind: AppointmentKind
    status: AppointmentStatus
    shift: int
    length: int
    staff: tuple[Any, ...]
    room_id: int | None

    def at(self, anchor: dt.datetime) -> Appointment:
        start = anchor + dt.timedelta(minutes=self.shift)
        return Appointment(
            id=self.id,
            kind=self.kind,
            status=self.status,
            start=start,
            end=start + dt.timedelta(minutes=self.length),
            staff_ids=frozenset(s.id for s in self.staff),
            room_id=self.room_id,
        )


def relatives(
    *,
    within_days: int = 10,
    beyond_days: int = 0,
    status: st.SearchStrategy[AppointmentStatus] = statuses,
) -> st.SearchStrategy[Relative]:
    """Appointments starting between ``beyond`` and ``within`` days before or after."""
    most, least = within_days * MINUTES_PER_DAY, beyond_days * MINUTES_PER_DAY
    return st.builds(
        Relative,
        ids,
        kinds,
        status,
        st.integers(least, most) | st.integers(-most, -least),
        st.integers(15, 240),
        staff_lists,
        rooms.map(lambda room: room.id if room is not None else None),
    )


near = relatives()
nearby_lists = st.lists(near, max_size=8)
plans = st.none() | st.builds(
    TreatmentPlan, st.sampled_from(PlanFormat), st.sampled_from(PlanStatus)
)
consent_parts = st.tuples(st.sampled_from(ConsentKind), day_offsets, st.none() | day_offsets)
clearance_parts = st.tuples(
    st.sampled_from(ClearanceStatus), day_offsets, st.sampled_from([-40, -20, -1])
)
order_parts = st.tuples(day_offsets, st.none() | day_offsets)


@st.composite
def pathways(draw: st.DrawFn, anchor: dt.datetime) -> PathwayFacts:
    day = anchor.date()

    def on(offset: int) -> dt.date:
        return day + dt.timedelta(days=offset)

    consents = [
        Consent(kind, on(signed), None if revoked is None else on(revoked))
        for kind, signed, revoked in draw(st.lists(consent_parts, max_size=3))
    ]
    clearances = [
        Clearance(status, on(until), anchor + dt.timedelta(days=recorded))
        for status, until, recorded in draw(st.lists(clearance_parts, max_size=3))
    ]
    orders = [
        DoseOrder(on(start), None if end is None else on(end))
        for start, end in draw(st.lists(order_parts, max_size=2))
    ]
    return PathwayFacts(
        plan=draw(plans),
        consents=tuple(consents),
        clearances=tuple(clearances),
        dose_orders=tuple(orders),
        unreviewed_risk_flags=draw(st.integers(0, 2)),
        appointments=tuple(r.at(anchor) for r in draw(nearby_lists)),
    )


proposal_parts = st.tuples(
    kinds,
    st.sampled_from(Modality),
    st.integers(-30, 300),
    staff_lists,
    locations,
    rooms,
    st.sampled_from([None, "PA", "NJ", "NY", "XX"]),
    ids,
)


def place(
    parts: tuple[Any, ...], start: dt.datetime, kind: AppointmentKind | None = None
) -> ProposedAppointment:
    drawn_kind, modality, minutes, staff, location, room, state, id = parts
    return ProposedAppointment(
        kind=drawn_kind if kind is None else kind,
        modality=modality,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        staff=staff,
        location=location,
        room=room,
        client_location_state=state,
        id=id,
    )


@st.composite
def situations(draw: st.DrawFn) -> Situation:
    """Anything at all: valid, invalid, conflicting, half-ready."""
    start = draw(moments)
    follow_up = None
    if draw(st.booleans()):
        follow_up_start = start + dt.timedelta(hours=draw(st.integers(-6, 24 * 9)))
        follow_up = place(draw(proposal_parts), follow_up_start, AppointmentKind.INTEGRATION)
    return Situation(
        booking=place(draw(proposal_parts), start),
        pathway=draw(pathways(start)),
        calendar=tuple(r.at(start) for r in draw(nearby_lists)),
        follow_up=follow_up,
    )


@st.composite
def ready_situations(draw: st.DrawFn) -> Situation:
    """A medicine session in working hours that breaks no rule, either format."""
    start = draw(working_hours)
    plan_format = draw(st.sampled_from(PlanFormat))
    return Situation(
        booking=proposed(start=start), pathway=ready_pathway(start, plan_format=plan_format)
    )


def shuffled(data: st.DataObject, items: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(data.draw(st.permutations(items)))


# --- properties -------------------------------------------------------------------------


@given(situations())
def test_codes_are_known_unique_and_in_rule_order(situation: Situation) -> None:
    found = situation.check()
    order = [rule for rule, _ in RULES]
    for subject in Subject:
        mine = [v.rule for v in found if v.subject is subject]
        assert len(mine) == len(set(mine))
        known = [r for r in mine if r in order]
        assert known == sorted(known, key=lambda rule: order.index(Rule(rule)))
    assert {v.rule for v in found} <= set(Rule)
    assert all(v.message.strip() for v in found)


CANCELLED_NEARBY = relatives(within_days=1, status=st.just(AppointmentStatus.CANCELLED))


@given(situations(), st.data())
def test_adding_a_cancelled_appointment_changes_nothing(
    situation: Situation, data: st.DataObject
) -> None:
    # given any situation and a cancelled appointment near the booking
    cancelled = data.draw(CANCELLED_NEARBY).at(situation.booking.start)
    before = situation.check()
    # when it goes into the calendar, the client's appointments, or both
    where = data.draw(st.sampled_from(["calendar", "client", "both"]))
    calendar = situation.calendar + ((cancelled,) if where != "client" else ())
    pathway = adding(situation.pathway, cancelled) if where != "calendar" else situation.pathway
    after = dataclasses.replace(situation, calendar=calendar, pathway=pathway).check()
    # then no conflict appears, nor anything else
    assert after == before


@given(situations(), st.data())
def test_violations_do_not_depend_on_list_order(situation: Situation, data: st.DataObject) -> None:
    pathway = situation.pathway
    reordered = dataclasses.replace(
        situation,
        booking=dataclasses.replace(
            situation.booking, staff=shuffled(data, situation.booking.staff)
        ),
        pathway=dataclasses.replace(
            pathway,
            consents=shuffled(data, pathway.consents),
            clearances=shuffled(data, pathway.clearances),
            dose_orders=shuffled(data, pathway.dose_orders),
            appointments=shuffled(data, pathway.appointments),
        ),
        calendar=shuffled(data, situation.calendar),
    )
    assert reordered.check() == situation.check()


FAR_AWAY = st.lists(relatives(within_days=400, beyond_days=30), max_size=6)


@given(ready_situations(), st.data())
def test_valid_booking_stays_valid_with_far_away_appointments(
    situation: Situation, data: st.DataObject
) -> None:
    # given a booking that breaks no rule
    assert situation.check() == []
    # when unrelated appointments a month or more away are added everywhere
    anchor = situation.booking.start
    extra_client = tuple(r.at(anchor) for r in data.draw(FAR_AWAY))
    extra_calendar = tuple(r.at(anchor) for r in data.draw(FAR_AWAY))
    busier = dataclasses.replace(
        situation,
        pathway=adding(situation.pathway, *extra_client),
        calendar=situation.calendar + extra_calendar,
    )
    # then it is still valid
    assert busier.check() == []


Breaker = Callable[[Situation], Situation]


def _on_pathway(**changes: Any) -> Breaker:
    return lambda w: dataclasses.replace(w, pathway=dataclasses.replace(w.pathway, **changes))


def _on_booking(**changes: Any) -> Breaker:
    return lambda w: dataclasses.replace(w, booking=dataclasses.replace(w.booking, **changes))


def _expire_clearance(w: Situation) -> Situation:
    day = w.booking.start.date()
    lapsed = Clearance(ClearanceStatus.CLEARED, day - DAY, w.booking.start - 20 * DAY)
    return _on_pathway(clearances=(lapsed,))(w)


def _drop(kind: AppointmentKind) -> Breaker:
    return lambda w: dataclasses.replace(w, pathway=without(w.pathway, kind))


def _same_morning_medicine(w: Situation) -> Situation:
    # 06:00-09:00 local the same day; the booking starts at 09:00 or later
    early = w.booking.start.replace(hour=6, minute=0)
    other = appt(
        AppointmentKind.MEDICINE, early, early + 3 * HOUR, status=AppointmentStatus.COMPLETED
    )
    return dataclasses.replace(w, pathway=adding(w.pathway, other))


def _midway(w: Situation) -> dt.datetime:
    return w.booking.start + (w.booking.end - w.booking.start) / 2


def _busy(**where: Any) -> Breaker:
    def apply(w: Situation) -> Situation:
        clash = appt(AppointmentKind.THERAPY, _midway(w), **where)
        return dataclasses.replace(w, calendar=(*w.calendar, clash))

    return apply


def _room_taken(w: Situation) -> Situation:
    return _busy(room=w.booking.room)(w)


def _client_busy(w: Situation) -> Situation:
    clash = appt(AppointmentKind.THERAPY, _midway(w))
    return dataclasses.replace(w, pathway=adding(w.pathway, clash))


def _paused(w: Situation) -> Situation:
    plan = w.pathway.plan
    assert plan is not None
    return _on_pathway(plan=dataclasses.replace(plan, status=PlanStatus.PAUSED))(w)


# Applied in this order; each breaks exactly one rule whatever the others did.
MEDICINE_BREAKERS: dict[str, tuple[Breaker, Rule]] = {
    "not equipped": (
        _on_booking(location=ARDMORE, room=ARD_THERAPY),
        Rule.MEDICINE_LOCATION_NOT_EQUIPPED,
    ),
    "no monitor": (_on_booking(staff=(THERAPIST,)), Rule.MEDICINE_MONITOR_REQUIRED),
    "no consent": (_on_pathway(consents=()), Rule.MEDICINE_REQUIRES_CONSENT),
    "clearance lapsed": (_expire_clearance, Rule.MEDICINE_REQUIRES_CLEARANCE),
    "no dose order": (_on_pathway(dose_orders=()), Rule.MEDICINE_DOSE_ORDER_REQUIRED),
    "no preparation": (_drop(AppointmentKind.PREPARATION), Rule.MEDICINE_REQUIRES_PREPARATION),
    "no integration": (_drop(AppointmentKind.INTEGRATION), Rule.MEDICINE_REQUIRES_INTEGRATION),
    "too close": (_same_morning_medicine, Rule.MEDICINE_MIN_SPACING),
    "risk flag": (_on_pathway(unreviewed_risk_flags=1), Rule.SAFETY_UNREVIEWED_RISK_FLAG),
    "paused": (_paused, Rule.PLAN_PAUSED),
    "therapist busy": (_busy(staff=[THERAPIST]), Rule.CONFLICT_CLINICIAN),
    "room taken": (_room_taken, Rule.CONFLICT_ROOM),
    "client busy": (_client_busy, Rule.CONFLICT_CLIENT),
}


@given(ready_situations(), st.sets(st.sampled_from(sorted(MEDICINE_BREAKERS))))
def test_check_returns_every_violation(situation: Situation, broken: set[str]) -> None:
    # given a valid medicine booking with any set of independent rules broken
    for name, (breaker, _) in MEDICINE_BREAKERS.items():
        if name in broken:
            situation = breaker(situation)
    # when
    found = codes(situation.check())
    # then every broken rule is reported, once, and nothing else
    assert sorted(found) == sorted(MEDICINE_BREAKERS[name][1] for name in broken)


TELEHEALTH_BREAKERS: dict[str, tuple[Breaker, Rule]] = {
    "client in NY": (
        _on_booking(client_location_state="NY"),
        Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED,
    ),
    "therapist busy": (_busy(staff=[THERAPIST]), Rule.CONFLICT_CLINICIAN),
    "client busy": (_client_busy, Rule.CONFLICT_CLIENT),
}


@given(
    working_hours,
    st.sampled_from([AppointmentKind.PREPARATION, AppointmentKind.INTEGRATION]),
    st.sets(st.sampled_from(sorted(TELEHEALTH_BREAKERS))),
)
def test_check_returns_every_violation_of_a_virtual_session(
    start: dt.datetime, kind: AppointmentKind, broken: set[str]
) -> None:
    situation = Situation(booking=virtual(kind, start), pathway=ready_pathway(start))
    assert situation.check() == []
    for name, (breaker, _) in TELEHEALTH_BREAKERS.items():
        if name in broken:
            situation = breaker(situation)
    assert sorted(codes(situation.check())) == sorted(TELEHEALTH_BREAKERS[n][1] for n in broken)


@given(moments, st.integers(1, 600), moments, st.integers(1, 600))
def test_conflict_is_symmetric_and_matches_overlap(
    a_start: dt.datetime, a_minutes: int, b_start: dt.datetime, b_minutes: int
) -> None:
    a_end = a_start + dt.timedelta(minutes=a_minutes)
    b_end = b_start + dt.timedelta(minutes=b_minutes)
    overlap = intervals_overlap(a_start, a_end, b_start, b_end)
    assert overlap == intervals_overlap(b_start, b_end, a_start, a_end)
    existing = appt(AppointmentKind.THERAPY, b_start, b_end, staff=[THERAPIST])
    booking = virtual(AppointmentKind.THERAPY, a_start, end=a_end)
    found = check_appointment(
        booking, client=CLIENT, pathway=PathwayFacts(plan=None), calendar=[existing]
    )
    assert (Rule.CONFLICT_CLINICIAN in codes(found)) == overlap
    # in UTC terms, as a plain interval test
    utc = dt.UTC
    assert overlap == (
        a_start.astimezone(utc) < b_end.astimezone(utc)
        and b_start.astimezone(utc) < a_end.astimezone(utc)
    )
