"""Every change to plans, consents, clearances, dose orders and appointments.

Each service takes keyword-only arguments, an explicit ``actor`` and the time (``now``),
reaches the client through ``people.access.access_client`` (not found and not allowed
look the same and are audited), changes the data in one transaction and writes the
audit row inside it.

Booking has one entry point, :func:`book_appointment`, used by the API, the UI, the
portal, the admin and imports alike; :func:`check_appointment_request` answers what it
would refuse. Both load the facts the pure rules need (``rules.check_appointment``)
with one query per kind of fact. Concurrency: the client's row is locked
(``SELECT ... FOR UPDATE``) for the check and the insert, which serializes bookings of
one client; two bookings of the same staff member or room for different clients are
stopped by the PostgreSQL exclusion constraints (answered as a lost race,
:class:`~kapcare.core.violations.Refused` with ``conflict=True``). On SQLite every transaction is
``IMMEDIATE`` (settings), so the check and the insert are serialized outright.
"""

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.ids import MAX_ID
from kapcare.core.violations import Refused, Violation
from kapcare.measures.flags import count_unreviewed_booking_flags
from kapcare.pathway import rules as pathway_rules
from kapcare.pathway.models import (
    Clearance,
    Consent,
    DoseOrder,
    TreatmentPlan,
)
from kapcare.pathway.vocabulary import (
    ClearanceStatus,
    ConsentKind,
    PlanFormat,
    PlanStatus,
)
from kapcare.people.access import (
    Actor,
    access_client,
    deny,
    lock_client,
    staff_of,
)
from kapcare.people.models import Client, Location, Room, StaffMember
from kapcare.people.policy import Category, Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling import rules
from kapcare.scheduling.hours import StaffSchedule, check_staff_availability
from kapcare.scheduling.hours_services import load_schedule
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.settings_services import policy_for_practice
from kapcare.scheduling.thresholds import DEFAULT_POLICY, SchedulingPolicy
from kapcare.scheduling.vocabulary import (
    AppointmentKind,
    AppointmentStatus,
    Modality,
    Rule,
    Subject,
)

__all__ = [
    "AppointmentRequest",
    "BookedAppointments",
    "FollowUpRequest",
    "book_appointment",
    "check_appointment_request",
    "get_pathway",
    "reschedule_appointment",
    "set_appointment_status",
]

MAX_REASON_LENGTH = 200


@dataclass(frozen=True)
class FollowUpRequest:
    """The integration session booked together with a medicine session."""

    kind: AppointmentKind
    modality: Modality
    start: dt.datetime
    end: dt.datetime
    staff_ids: tuple[int, ...]
    location_id: int | None = None
    room_id: int | None = None
    client_location_state: str | None = None


@dataclass(frozen=True)
class AppointmentRequest:
    """What someone asks to book, as plain data (ids, not objects)."""

    client_id: int
    kind: AppointmentKind
    modality: Modality
    start: dt.datetime
    end: dt.datetime
    staff_ids: tuple[int, ...]
    location_id: int | None = None
    room_id: int | None = None
    client_location_state: str | None = None
    follow_up: FollowUpRequest | None = None


@dataclass(frozen=True)
class BookedAppointments:
    appointment: Appointment
    follow_up: Appointment | None = None


# --- small helpers ----------------------------------------------------------------------


def _aware(moment: dt.datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() is not None


# --- booking: the facts -----------------------------------------------------------------


@dataclass
class _Facts:
    proposed: rules.ProposedAppointment
    follow_up: rules.ProposedAppointment | None
    client: rules.ClientInfo
    pathway: rules.PathwayFacts
    calendar: tuple[rules.Appointment, ...]
    staff: dict[int, StaffMember] = field(default_factory=dict)
    schedule: StaffSchedule = field(default_factory=StaffSchedule)
    """Working hours and time off of the staff asked for (``scheduling.hours``)."""
    policy: SchedulingPolicy = DEFAULT_POLICY
    """The client's practice's policy: the defaults with its overrides."""


def _as_rule_appointment(appointment: Appointment) -> rules.Appointment:
    return rules.Appointment(
        id=appointment.pk,
        kind=AppointmentKind(appointment.kind),
        status=AppointmentStatus(appointment.status),
        start=appointment.start,
        end=appointment.end,
        staff_ids=frozenset(link.staff_id for link in appointment.staff_links.all()),
        room_id=appointment.room_id,
    )


def _parts(request: AppointmentRequest) -> list[AppointmentRequest | FollowUpRequest]:
    return [request] if request.follow_up is None else [request, request.follow_up]


def _load_places(
    practice_id: int, parts: Sequence[AppointmentRequest | FollowUpRequest]
) -> tuple[dict[int, rules.LocationInfo], dict[int, rules.RoomInfo]]:
    location_ids = {p.location_id for p in parts if p.location_id is not None}
    room_ids = {p.room_id for p in parts if p.room_id is not None}
    locations = {
        loc.pk: rules.LocationInfo(
            id=loc.pk,
            state=loc.state,
            time_zone=loc.time_zone,
            offers_medicine_sessions=loc.offers_medicine_sessions,
            name=loc.name,
        )
        for loc in Location.objects.filter(practice_id=practice_id, pk__in=location_ids)
    }
    rooms = {
        room.pk: rules.RoomInfo(
            id=room.pk,
            location_id=room.location_id,
            kind=RoomKind(room.kind),
            name=room.name,
            is_active=room.is_active,
        )
        for room in Room.objects.filter(location__practice_id=practice_id, pk__in=room_ids)
    }
    for index, part in enumerate(parts):
        where = "" if index == 0 else "follow_up."
        if part.location_id is not None and part.location_id not in locations:
            raise FieldError(f"{where}location", f"No location with id {part.location_id}.")
        if part.room_id is not None and part.room_id not in rooms:
            raise FieldError(f"{where}room", f"No room with id {part.room_id}.")
    return locations, rooms


def _load_staff(
    practice_id: int, parts: Sequence[AppointmentRequest | FollowUpRequest]
) -> tuple[dict[int, rules.StaffInfo], dict[int, StaffMember]]:
    wanted = {i for p in parts for i in p.staff_ids}
    members = {
        s.pk: s
        for s in StaffMember.objects.filter(practice_id=practice_id, is_active=True, pk__in=wanted)
        .select_related("user")
        .prefetch_related("roles", "licenses")
    }
    for index, part in enumerate(parts):
        for staff_id in part.staff_ids:
            if staff_id not in members:
                where = "staff" if index == 0 else "follow_up.staff"
                raise FieldError(where, f"No active staff member with id {staff_id}.")
    infos = {
        s.pk: rules.StaffInfo(
            id=s.pk,
            roles=frozenset(Role(r.role) for r in s.roles.all()),
            licensed_states=frozenset(lic.state for lic in s.licenses.all()),
            name=s.user.full_name,
        )
        for s in members.values()
    }
    return infos, members


def _proposed(
    part: AppointmentRequest | FollowUpRequest,
    locations: dict[int, rules.LocationInfo],
    rooms: dict[int, rules.RoomInfo],
    staff: dict[int, rules.StaffInfo],
) -> rules.ProposedAppointment:
    return rules.ProposedAppointment(
        kind=part.kind,
        modality=part.modality,
        start=part.start,
        end=part.end,
        staff=tuple(staff[i] for i in part.staff_ids),
        location=locations[part.location_id] if part.location_id is not None else None,
        room=rooms[part.room_id] if part.room_id is not None else None,
        client_location_state=part.client_location_state,
    )


def _calendar(
    client_id: int, parts: Sequence[AppointmentRequest | FollowUpRequest]
) -> tuple[rules.Appointment, ...]:
    """Other clients' appointments of the same staff or rooms around the requested time."""
    timed = [p for p in parts if _aware(p.start) and _aware(p.end) and p.end > p.start]
    if not timed:
        return ()
    low, high = min(p.start for p in timed), max(p.end for p in timed)
    staff_ids = {i for p in timed for i in p.staff_ids}
    room_ids = {p.room_id for p in timed if p.room_id is not None}
    nearby = (
        Appointment.objects.filter(start__lt=high, end__gt=low)
        .filter(Q(room_id__in=room_ids) | Q(staff_links__staff_id__in=staff_ids))
        .exclude(client_id=client_id)
        .exclude(status=AppointmentStatus.CANCELLED.value)
        .distinct()
        .prefetch_related("staff_links")
    )
    return tuple(_as_rule_appointment(a) for a in nearby)


def _pathway(client: Client) -> rules.PathwayFacts:
    plan = TreatmentPlan.objects.filter(client=client).first()
    return rules.PathwayFacts(
        plan=(
            pathway_rules.TreatmentPlan(
                format=PlanFormat(plan.format), status=PlanStatus(plan.status)
            )
            if plan is not None
            else None
        ),
        consents=tuple(
            pathway_rules.Consent(
                kind=ConsentKind(c.kind),
                signed_on=c.signed_on,
                revoked_on=c.revoked_on,
                version=c.version,
            )
            for c in Consent.objects.filter(client=client)
        ),
        clearances=tuple(
            pathway_rules.Clearance(
                status=ClearanceStatus(c.status),
                valid_until=c.valid_until,
                recorded_at=c.recorded_at,
            )
            for c in Clearance.objects.filter(client=client)
        ),
        dose_orders=tuple(
            pathway_rules.DoseOrder(active_from=d.active_from, active_to=d.active_to)
            for d in DoseOrder.objects.filter(client=client)
        ),
        # Unreviewed suicidality / suicide-risk flags from measures (DESIGN.md).
        unreviewed_risk_flags=count_unreviewed_booking_flags(client.pk),
        appointments=tuple(
            _as_rule_appointment(a)
            for a in Appointment.objects.filter(client=client).prefetch_related("staff_links")
        ),
    )


def get_pathway(client: Client) -> rules.PathwayFacts:
    """Where an (already accessed) client stands on the pathway, for the chart's readiness."""
    return _pathway(client)


def _facts(client: Client, request: AppointmentRequest) -> _Facts:
    parts = _parts(request)
    locations, rooms = _load_places(client.practice_id, parts)
    staff, members = _load_staff(client.practice_id, parts)
    return _Facts(
        proposed=_proposed(request, locations, rooms, staff),
        follow_up=(
            _proposed(request.follow_up, locations, rooms, staff)
            if request.follow_up is not None
            else None
        ),
        client=rules.ClientInfo(id=client.pk, home_state=client.home_state),
        pathway=_pathway(client),
        calendar=_calendar(client.pk, parts),
        staff=members,
        schedule=_schedule(parts),
        policy=policy_for_practice(client.practice_id),
    )


def _schedule(parts: Sequence[AppointmentRequest | FollowUpRequest]) -> StaffSchedule:
    timed = [p for p in parts if _aware(p.start) and _aware(p.end) and p.end > p.start]
    if not timed:
        return StaffSchedule()
    return load_schedule(
        {i for p in timed for i in p.staff_ids},
        start=min(p.start for p in timed),
        end=max(p.end for p in timed),
    )


def _zone_of(proposed: rules.ProposedAppointment, policy: SchedulingPolicy) -> str:
    return proposed.location.time_zone if proposed.location is not None else policy.time_zone.value


def _check(facts: _Facts, policy: SchedulingPolicy | None) -> list[Violation]:
    """Every booking rule, then the staff's working hours and time off (``hours``).

    ``policy`` None: the practice's own (its settings applied to the defaults).
    """
    policy = facts.policy if policy is None else policy
    violations = rules.check_appointment(
        facts.proposed,
        client=facts.client,
        pathway=facts.pathway,
        calendar=facts.calendar,
        follow_up=facts.follow_up,
        policy=policy,
    )
    for proposed, subject in (
        (facts.proposed, Subject.APPOINTMENT),
        (facts.follow_up, Subject.FOLLOW_UP),
    ):
        if proposed is not None:
            violations += check_staff_availability(
                proposed, facts.schedule, time_zone=_zone_of(proposed, policy), subject=subject
            )
    return violations


def check_appointment_request(
    *, actor: Actor, request: AppointmentRequest, policy: SchedulingPolicy | None = None
) -> list[Violation]:
    """Every rule booking ``request`` would break now (empty: it may be booked)."""
    client = access_client(actor, request.client_id, Category.SCHEDULE, detail="check_appointment")
    return _check(_facts(client, request), policy)


# --- booking: the change ----------------------------------------------------------------

_CONSTRAINT_RULES = {
    "appointment_no_room_overlap": Rule.CONFLICT_ROOM,
    "appointment_no_client_overlap": Rule.CONFLICT_CLIENT,
    "appointment_no_staff_overlap": Rule.CONFLICT_CLINICIAN,
}
_LOST_RACE = {
    Rule.CONFLICT_ROOM: "The room was booked for this time by someone else a moment ago. "
    "Check the calendar and choose another time or room.",
    Rule.CONFLICT_CLIENT: "The client was booked for this time by someone else a moment ago. "
    "Check the calendar and choose another time.",
    Rule.CONFLICT_CLINICIAN: "A staff member was booked for this time by someone else a "
    "moment ago. Check the calendar and choose another time.",
}
_EXCLUSION_VIOLATION = "23P01"


def _lost_race(error: IntegrityError) -> Violation | None:
    """The conflict an exclusion constraint reported, or None for any other error."""
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) != _EXCLUSION_VIOLATION:
        return None
    diag = getattr(cause, "diag", None)
    rule = _CONSTRAINT_RULES.get(str(getattr(diag, "constraint_name", "")), Rule.CONFLICT_CLIENT)
    return Violation(rule, _LOST_RACE[rule], Subject.APPOINTMENT)


def _save(
    *,
    client: Client,
    part: AppointmentRequest | FollowUpRequest,
    created_by: StaffMember,
    now: dt.datetime,
    follow_up_of: Appointment | None = None,
) -> Appointment:
    appointment = Appointment.objects.create(
        client=client,
        kind=part.kind.value,
        modality=part.modality.value,
        start=part.start,
        end=part.end,
        location_id=part.location_id,
        room_id=part.room_id,
        client_location_state=part.client_location_state or "",
        follow_up_of=follow_up_of,
        created_by=created_by,
        created_at=now,
    )
    AppointmentStaff.objects.bulk_create(
        AppointmentStaff(
            appointment=appointment,
            staff_id=staff_id,
            start=part.start,
            end=part.end,
            status=appointment.status,
        )
        for staff_id in part.staff_ids
    )
    return appointment


def book_appointment(
    *,
    actor: Actor,
    request: AppointmentRequest,
    now: dt.datetime,
    policy: SchedulingPolicy | None = None,
) -> BookedAppointments:
    """Check every rule and book the appointment (and its follow-up), or nothing.

    Raises :class:`Refused` with every violated rule, or with ``conflict=True``
    when a concurrent booking took the slot between the check and the insert.
    """
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    client = access_client(
        actor,
        request.client_id,
        Category.SCHEDULE,
        action=AuditAction.CREATE,
        detail="appointment",
    )
    try:
        with transaction.atomic():
            lock_client(client.pk)
            violations = _check(_facts(client, request), policy)
            if violations:
                raise Refused(violations)
            main = _save(client=client, part=request, created_by=staff, now=now)
            follow_up = (
                _save(
                    client=client,
                    part=request.follow_up,
                    created_by=staff,
                    now=now,
                    follow_up_of=main,
                )
                if request.follow_up is not None
                else None
            )
            detail = f"appointment:{main.pk}:{main.kind}"
            if follow_up is not None:
                detail += f"+{follow_up.pk}:{follow_up.kind}"
            record_event(
                source=actor.audit_source,
                action=AuditAction.CREATE,
                client_id=client.pk,
                category=Category.SCHEDULE,
                detail=detail,
            )
    except IntegrityError as error:
        lost = _lost_race(error)
        if lost is None:
            raise
        raise Refused([lost], conflict=True) from error
    return BookedAppointments(main, follow_up)


_STARTED_ONLY = frozenset({AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW})


def set_appointment_status(
    *,
    actor: Actor,
    appointment_id: int,
    status: AppointmentStatus,
    reason: str,
    now: dt.datetime,
) -> Appointment:
    """Mark a booked appointment completed, cancelled or a no-show, with who and why.

    ``completed`` and ``no_show`` only once the appointment has started. A status, once
    changed from ``booked``, is final: book again rather than reviving a slot.
    """
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    client_id = (
        Appointment.objects.filter(pk=appointment_id, client__practice_id=staff.practice_id)
        .values_list("client_id", flat=True)
        .first()
        if 0 < appointment_id <= MAX_ID
        else None
    )
    if client_id is None:
        raise deny(
            actor, category=Category.SCHEDULE, action=AuditAction.UPDATE, detail="appointment"
        )
    access_client(
        actor, client_id, Category.SCHEDULE, action=AuditAction.UPDATE, detail="appointment"
    )
    if len(reason) > MAX_REASON_LENGTH:
        raise FieldError("reason", f"Keep the reason to {MAX_REASON_LENGTH} characters.")
    if status is AppointmentStatus.BOOKED:
        raise FieldError("status", "An appointment cannot be set back to booked: book it again.")
    with transaction.atomic():
        lock_client(client_id)
        appointment = Appointment.objects.get(pk=appointment_id)
        if appointment.status != AppointmentStatus.BOOKED.value:
            raise FieldError(
                "status", f"This appointment is already {appointment.status}; it cannot change."
            )
        if status in _STARTED_ONLY and appointment.start > now:
            raise FieldError(
                "status",
                f"An appointment can be marked {status.value} only once it has started.",
            )
        appointment.status = status.value
        appointment.status_reason = reason
        appointment.status_changed_by = staff
        appointment.status_changed_at = now
        appointment.save(
            update_fields=["status", "status_reason", "status_changed_by", "status_changed_at"]
        )
        AppointmentStaff.objects.filter(appointment=appointment).update(status=status.value)
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client_id,
            category=Category.SCHEDULE,
            detail=f"appointment:{appointment.pk}:{status.value}",
        )
    return appointment


# --- rescheduling -----------------------------------------------------------------------


class _Keep:
    """A field the caller does not change (None is a value: no location, no room)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


def _appointment_client(actor: Actor, staff: StaffMember, appointment_id: int) -> int:
    """The client of an appointment of the actor's practice, or an audited 404."""
    client_id = (
        Appointment.objects.filter(pk=appointment_id, client__practice_id=staff.practice_id)
        .values_list("client_id", flat=True)
        .first()
        if 0 < appointment_id <= MAX_ID
        else None
    )
    if client_id is None:
        raise deny(
            actor, category=Category.SCHEDULE, action=AuditAction.UPDATE, detail="appointment"
        )
    return client_id


# Moving one of these can take away what a booked medicine session relies on.
_RELIED_ON = frozenset({AppointmentKind.PREPARATION, AppointmentKind.INTEGRATION})
_RELYING_RULES = frozenset({Rule.MEDICINE_REQUIRES_PREPARATION, Rule.MEDICINE_REQUIRES_INTEGRATION})


def _broken_medicine_sessions(
    facts: _Facts, moved: rules.ProposedAppointment, *, now: dt.datetime, policy: SchedulingPolicy
) -> list[Violation]:
    """What the client's upcoming medicine sessions would lack once ``moved`` has moved.

    A preparation moved after the medicine session, or the integration session moved
    out of its window, would leave a booked medicine session breaking its rules: the
    move is refused like a booking would be, naming the session it would break.
    """
    if moved.kind not in _RELIED_ON or moved.id is None:
        return []
    after = rules.Appointment(
        id=moved.id,
        kind=moved.kind,
        status=AppointmentStatus.BOOKED,
        start=moved.start,
        end=moved.end,
        staff_ids=frozenset(s.id for s in moved.staff),
        room_id=moved.room.id if moved.room is not None else None,
    )
    pathway = dataclasses.replace(
        facts.pathway,
        appointments=tuple(after if a.id == moved.id else a for a in facts.pathway.appointments),
    )
    upcoming = Appointment.objects.filter(
        client_id=facts.client.id,
        kind=AppointmentKind.MEDICINE.value,
        status=AppointmentStatus.BOOKED.value,
        start__gt=now,
    ).select_related("location")
    found: list[Violation] = []
    for session in upcoming:
        location = session.location
        info = (
            rules.LocationInfo(
                id=location.pk,
                state=location.state,
                time_zone=location.time_zone,
                offers_medicine_sessions=location.offers_medicine_sessions,
                name=location.name,
            )
            if location is not None
            else None
        )
        as_booked = rules.ProposedAppointment(
            id=session.pk,
            kind=AppointmentKind.MEDICINE,
            modality=Modality(session.modality),
            start=session.start,
            end=session.end,
            staff=(),
            location=info,
        )
        zone = zoneinfo.ZoneInfo(location.time_zone if location else policy.time_zone.value)
        when = session.start.astimezone(zone).strftime("%a %-d %b %Y at %H:%M")
        found += [
            Violation(
                v.rule,
                f"The medicine session on {when} would then break a rule. {v.message}",
                Subject.APPOINTMENT,
            )
            for v in rules.check_appointment(
                as_booked, client=facts.client, pathway=pathway, policy=policy
            )
            if v.rule in _RELYING_RULES
        ]
    return found


def reschedule_appointment(
    *,
    actor: Actor,
    appointment_id: int,
    now: dt.datetime,
    start: dt.datetime | _Keep = KEEP,
    end: dt.datetime | _Keep = KEEP,
    location_id: int | _Keep | None = KEEP,
    room_id: int | _Keep | None = KEEP,
    staff_ids: Sequence[int] | _Keep = KEEP,
    policy: SchedulingPolicy | None = None,
) -> Appointment:
    """Move a booked appointment (time, place, staff) under every booking rule, or not at all.

    The same rules, lock and lost-race handling as :func:`book_appointment`; the
    appointment keeps its id, kind, modality and follow-up link, and its old slot does
    not count against its new one. Raises :class:`Refused` (422, or 409 when a
    concurrent booking took the slot).
    """
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    client_id = _appointment_client(actor, staff, appointment_id)
    client = access_client(
        actor, client_id, Category.SCHEDULE, action=AuditAction.UPDATE, detail="appointment"
    )
    try:
        with transaction.atomic():
            lock_client(client.pk)
            appointment = Appointment.objects.prefetch_related("staff_links").get(pk=appointment_id)
            if appointment.status != AppointmentStatus.BOOKED.value:
                raise FieldError(
                    "status",
                    f"This appointment is {appointment.status.replace('_', '-')}; only a "
                    "booked appointment can be rescheduled. Book a new one instead.",
                )
            current_staff = tuple(sorted(link.staff_id for link in appointment.staff_links.all()))
            request = AppointmentRequest(
                client_id=client.pk,
                kind=AppointmentKind(appointment.kind),
                modality=Modality(appointment.modality),
                start=appointment.start if isinstance(start, _Keep) else start,
                end=appointment.end if isinstance(end, _Keep) else end,
                staff_ids=current_staff if isinstance(staff_ids, _Keep) else tuple(staff_ids),
                location_id=(
                    appointment.location_id if isinstance(location_id, _Keep) else location_id
                ),
                room_id=appointment.room_id if isinstance(room_id, _Keep) else room_id,
                client_location_state=appointment.client_location_state or None,
            )
            facts = _facts(client, request)
            facts.proposed = dataclasses.replace(facts.proposed, id=appointment.pk)
            violations = _check(facts, policy)
            violations += _broken_medicine_sessions(
                facts, facts.proposed, now=now, policy=facts.policy if policy is None else policy
            )
            if violations:
                raise Refused(violations)
            appointment.start = request.start
            appointment.end = request.end
            appointment.location_id = request.location_id
            appointment.room_id = request.room_id
            appointment.save(update_fields=["start", "end", "location", "room"])
            AppointmentStaff.objects.filter(appointment=appointment).delete()
            AppointmentStaff.objects.bulk_create(
                AppointmentStaff(
                    appointment=appointment,
                    staff_id=staff_id,
                    start=request.start,
                    end=request.end,
                    status=appointment.status,
                )
                for staff_id in request.staff_ids
            )
            record_event(
                source=actor.audit_source,
                action=AuditAction.UPDATE,
                client_id=client.pk,
                category=Category.SCHEDULE,
                detail=f"appointment:{appointment.pk}:rescheduled",
            )
    except IntegrityError as error:
        lost = _lost_race(error)
        if lost is None:
            raise
        raise Refused([lost], conflict=True) from error
    return appointment
