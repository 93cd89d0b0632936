"""Assigning a measure to a client on a schedule, and ending the assignment."""

import datetime as dt

from django.db import IntegrityError, transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError

# The module, not its names: the tasks import the mail service from this package.
from kapcare.measures import tasks
from kapcare.measures.access import locked_record
from kapcare.measures.models import (
    MeasureAssignment,
    Schedule,
)
from kapcare.measures.services.assignment_mail import has_portal_sign_in
from kapcare.measures.services.responses import instrument_for
from kapcare.people.access import (
    Actor,
    access_client,
    staff_of,
)
from kapcare.people.policy import Category


def assign_measure(
    *,
    actor: Actor,
    client_id: int,
    instrument_code: str,
    schedule: Schedule,
    due_on: dt.date,
    now: dt.datetime,
    site_url: str,
) -> MeasureAssignment:
    """Ask the client to complete a measure once or on a pathway schedule.

    A client who signs in to the portal is told by e-mail (the task queue sends it once
    this commits; ``site_url`` is the address the mail's link starts with).
    """
    staff = staff_of(actor, Category.CLINICAL, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.CREATE, detail="measure_assignment"
    )
    instrument = instrument_for(instrument_code)
    duplicate = FieldError(
        "schedule", "This measure is already assigned on this schedule; end that one first."
    )
    with transaction.atomic():
        if MeasureAssignment.objects.filter(
            client=client, instrument_code=instrument.code, schedule=schedule, ended_at=None
        ).exists():
            raise duplicate
        try:
            with transaction.atomic():
                assignment = MeasureAssignment.objects.create(
                    client=client,
                    instrument_code=instrument.code,
                    schedule=schedule,
                    due_on=due_on,
                    assigned_by=staff,
                    assigned_at=now,
                )
        except IntegrityError:
            raise duplicate from None
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"measure_assignment:{assignment.pk}:{instrument.code}:{schedule}",
        )
        if has_portal_sign_in(client.pk):
            tasks.queue_assignment_mail(assignment.pk, site_url)
    return assignment


def end_assignment(
    *, actor: Actor, client_id: int, assignment_id: int, now: dt.datetime
) -> MeasureAssignment:
    """Stop asking for a measure (the assignment and its responses are kept)."""
    staff_of(actor, Category.CLINICAL, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.UPDATE, detail="measure_assignment"
    )
    with transaction.atomic():
        assignment = locked_record(
            actor,
            MeasureAssignment.objects.all(),
            assignment_id,
            client=client,
            category=Category.CLINICAL,
            detail="measure_assignment",
        )
        if assignment.ended_at is not None:
            raise FieldError("assignment", "This assignment has already ended.")
        assignment.ended_at = now
        assignment.save(update_fields=["ended_at"])
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"measure_assignment:{assignment.pk}:ended",
        )
    return assignment
