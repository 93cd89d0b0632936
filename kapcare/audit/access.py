"""Reading the audit trail: privacy officer only, and the reading is itself audited."""

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.audit.services import record_event
from kapcare.people import policy
from kapcare.people.access import Actor, NotFound
from kapcare.people.models import Client, ClientAccount, StaffMember
from kapcare.people.policy import Category

if TYPE_CHECKING:  # the trail sits below accounts (.importlinter): the type only
    from kapcare.accounts.models import User

__all__ = ["Category", "audit_events_for", "in_practice", "practice_people"]


def in_practice(reader: Actor) -> Q:
    """The events a reader's practice may see: about its clients, or done by its staff.

    One database can hold several practices; one practice's privacy officer must not read
    another's trail (client names, staff e-mails). Events that name neither a person nor a
    client (a sign-in tried for an address with no account) belong to no practice and hold
    no one's data: every privacy officer sees them, since they may be an attack on any.
    """
    practice_id = reader.staff.practice_id if reader.staff else None
    if practice_id is None:
        return Q(pk__in=[])
    staff_users = StaffMember.objects.filter(practice_id=practice_id).values("user_id")
    clients = Client.objects.filter(practice_id=practice_id).values("id")
    return (
        Q(client_id__in=clients)
        | Q(actor_id__in=staff_users)
        | Q(client_id__isnull=True, actor__isnull=True)
    )


def _client_in_practice(reader: Actor, client_id: int) -> Q:
    """``in_practice`` for the events of one client, answered by one look at the client:
    every event about the practice's own client is the practice's; of another practice's
    client, only what the practice's staff did. Filtering the client's events by the
    practice's whole list of clients instead made the database hash every client (10,000
    of them for a mid-sized practice) and read every event of the client before the page's
    newest 50, where this reads the client's index newest first."""
    practice_id = reader.staff.practice_id if reader.staff else None
    if practice_id is None:
        return Q(pk__in=[])
    if Client.objects.filter(pk=client_id, practice_id=practice_id).exists():
        return Q()
    staff_users = StaffMember.objects.filter(practice_id=practice_id).values("user_id")
    return Q(actor_id__in=staff_users)


def audit_events_for(
    actor: Actor,
    *,
    client_id: int | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    category: str | None = None,
    outcome: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    detail: str,
    audit_action: AuditAction = AuditAction.READ,
) -> QuerySet[AuditEvent]:
    """The practice's events matching the filters, newest first; the reading is audited
    (``audit_action``: READ for a page, EXPORT for a CSV or PDF of them)."""
    if not policy.may_read_audit_log(actor.roles):
        record_event(
            source=actor.audit_source,
            action=AuditAction.DENIED,
            outcome=AuditOutcome.DENIED,
            client_id=client_id,  # the client whose trail was asked for, if one was
            category=Category.AUDIT,
            detail=detail,
        )
        raise NotFound
    events = AuditEvent.objects.select_related("actor")
    if client_id is not None:
        events = events.filter(_client_in_practice(actor, client_id), client_id=client_id)
    else:
        events = events.filter(in_practice(actor))
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action=action)
    if category is not None:
        events = events.filter(category=category)
    if outcome:
        events = events.filter(outcome=outcome)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    record_event(
        source=actor.audit_source,
        action=audit_action,
        client_id=client_id,
        category=Category.AUDIT,
        detail=detail,
    )
    return events.order_by("-seq")


def practice_people(actor: Actor) -> "QuerySet[User]":
    """Everyone of the reader's practice who can act in the trail: staff and portal
    clients (the person filter of the audit reports)."""
    if actor.staff is None:
        return get_user_model().objects.none()
    practice_id = actor.staff.practice_id
    staff_users = StaffMember.objects.filter(practice_id=practice_id).values("user_id")
    client_users = ClientAccount.objects.filter(client__practice_id=practice_id).values("user_id")
    users: QuerySet[User] = get_user_model().objects.all()
    return users.filter(Q(pk__in=staff_users) | Q(pk__in=client_users)).order_by(
        "full_name", "email"
    )
