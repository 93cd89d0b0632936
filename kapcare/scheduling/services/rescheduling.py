"""Rescheduling: moving a booked appointment under every booking rule, or not at all."""

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.violations import Refused, Violation
from kapcare.core.wording import fmt_datetime
from kapcare.people.access import Actor, lock_client, staff_of
from kapcare.people.policy import Category
from kapcare.scheduling import rules
from kapcare.scheduling.access import access_appointment
from kapcare.scheduling.facts import BookingFacts, booking_facts, location_info
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.requests import AppointmentRequest
from kapcare.scheduling.services.booking import check, lost_race
from kapcare.scheduling.thresholds import SchedulingPolicy
from kapcare.scheduling.vocabulary import (
    AppointmentKind,
    AppointmentStatus,
    Modality,
    Rule,
    Subject,
)

__all__ = ["KEEP", "reschedule_appointment"]


class _Keep:
    """A field the caller does not change (None is a value: no location, no room)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


# Moving one of these can take away what a booked medicine session relies on.
_RELIED_ON = frozenset({AppointmentKind.PREPARATION, AppointmentKind.INTEGRATION})
_RELYING_RULES = frozenset({Rule.MEDICINE_REQUIRES_PREPARATION, Rule.MEDICINE_REQUIRES_INTEGRATION})


def _broken_medicine_sessions(
    facts: BookingFacts,
    moved: rules.ProposedAppointment,
    *,
    now: dt.datetime,
    policy: SchedulingPolicy,
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
        info = location_info(location) if location is not None else None
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
        when = fmt_datetime(session.start.astimezone(zone))
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
    staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    _, client = access_appointment(actor, appointment_id, action=AuditAction.UPDATE)
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
            facts = booking_facts(client, request)
            facts.proposed = dataclasses.replace(facts.proposed, id=appointment.pk)
            violations = check(facts, policy)
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
        lost = lost_race(error)
        if lost is None:
            raise
        raise Refused([lost], conflict=True) from error
    return appointment
