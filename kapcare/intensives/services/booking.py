"""Booking an accepted intensive plan: every appointment through the one booking service,
all in one transaction, so either all are booked or none is."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.core.violations import Refused, Violation
from kapcare.people.access import Actor, access_client, staff_of
from kapcare.people.policy import Category
from kapcare.scheduling.services import AppointmentRequest, BookedAppointments, book_appointment

__all__ = ["book_intensives"]


def book_intensives(
    *, actor: Actor, requests: Sequence[AppointmentRequest], now: dt.datetime
) -> list[BookedAppointments]:
    """Book every request (in order of start, so preparations come before doses), or none.

    Each passes :func:`~kapcare.scheduling.services.book_appointment`, the same rules as
    a booking by hand. A refusal (or a lost race) of any one rolls back all the others
    and raises :class:`Refused` with its reasons, their subject naming the appointment's
    place in the proposal (``appointments[2]``, ``appointments[2].follow_up``).
    """
    # Refusals of access first, outside the transaction, so that their audit rows stay.
    staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    for client_id in dict.fromkeys(r.client_id for r in requests):
        access_client(
            actor, client_id, Category.SCHEDULE, action=AuditAction.CREATE, detail="intensive"
        )
    ordered = sorted(enumerate(requests), key=lambda pair: (pair[1].start, pair[0]))
    booked: list[tuple[int, BookedAppointments]] = []
    with transaction.atomic():
        for index, request in ordered:
            try:
                booked.append((index, book_appointment(actor=actor, request=request, now=now)))
            except Refused as refused:
                raise Refused(
                    [
                        Violation(
                            v.rule,
                            v.message,
                            f"appointments[{index}]"
                            + (".follow_up" if v.subject == "follow_up" else ""),
                        )
                        for v in refused.violations
                    ],
                    conflict=refused.conflict,
                ) from refused
    return [b for _, b in sorted(booked, key=lambda pair: pair[0])]
