"""Emergency access: ask for one, list them for review with what was read, mark one reviewed.

Every entry point (the request page, the review page, the API) calls these; the access
check that honours an open grant is ``people.access.emergency_grant``.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.audit.services import record_event
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.people import policy
from kapcare.people.access import (
    Actor,
    deny,
    emergency_grant,
    on_care_team,
    refuse_change,
    staff_of,
)
from kapcare.people.emergency import rules
from kapcare.people.models import Client, EmergencyAccess, Practice
from kapcare.people.policy import Category

__all__ = [
    "EMERGENCY_ACCESS",
    "Asked",
    "Read",
    "Reviewed",
    "accesses_for_review",
    "reads_of",
    "request_emergency_access",
    "review_emergency_access",
]

# The audit category of an access itself (asked, reviewed): not a kind of client data,
# so not a ``policy.Category``; the reads under it keep their own category.
EMERGENCY_ACCESS = "emergency_access"


@dataclass(frozen=True)
class Asked:
    """An emergency access, and whether this request opened it (False: one was open)."""

    access: EmergencyAccess
    opened: bool


def request_emergency_access(
    *,
    actor: Actor,
    client_id: int,
    reason: str,
    detail: str,
    on_open: Callable[[int], object] | None = None,
) -> Asked:
    """Open the client's record to the actor for the practice's time box, for ``reason``.

    Only someone whose roles bring clinical access on a care team may ask (a privacy
    officer or front desk would gain nothing by it: 403); the client must be of the
    actor's practice (else the audited 404 every missing record gets). Someone on the care
    team needs none (422). While one is open, asking again answers it unchanged. The
    access is audited, and ``on_open`` (the privacy officers' e-mail) runs once it is
    committed.
    """
    staff = staff_of(actor, Category.DEMOGRAPHICS, action=AuditAction.CREATE)
    client = Client.objects.filter(pk=client_id, practice_id=staff.practice_id).first()
    if client is None:
        raise deny(
            actor,
            client_id=client_id,
            category=Category.DEMOGRAPHICS,
            action=AuditAction.CREATE,
            detail=detail,
        )
    if not policy.may_request_emergency_access(actor.roles):
        raise refuse_change(
            actor, client_id=client.pk, category=EMERGENCY_ACCESS, detail=f"create:{detail}"
        )
    reason = rules.clean_reason(reason)
    if on_care_team(actor, client.pk):
        raise FieldError("reason", "You are on this client's care team: the record is open to you.")
    already = emergency_grant(actor, client.pk)
    if already is not None:
        return Asked(access=already, opened=False)
    hours = Practice.objects.values_list("emergency_access_hours", flat=True).get(
        pk=staff.practice_id
    )
    window = rules.window_from(clock.now(), hours)
    with transaction.atomic():
        access = EmergencyAccess.objects.create(
            practice_id=staff.practice_id,
            client=client,
            staff=staff,
            reason=reason,
            starts_at=window.starts_at,
            ends_at=window.ends_at,
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=EMERGENCY_ACCESS,
            detail=f"{detail}:{access.pk}",
        )
        if on_open is not None:
            transaction.on_commit(lambda: on_open(access.pk))
    actor._emergency_cache[client.pk] = access
    return Asked(access=access, opened=True)


@dataclass(frozen=True)
class Read:
    """One kind of read under an emergency access: its data category, where, how often."""

    category: str
    detail: str
    times: int
    first_at: dt.datetime
    last_at: dt.datetime


@dataclass
class Reviewed:
    """An access as the review list shows it, with what was read under it."""

    access: EmergencyAccess
    state: rules.ReviewState
    reads: list[Read] = field(default_factory=list)


def _may_review(actor: Actor, *, detail: str, action: AuditAction) -> None:
    if actor.staff is None or not policy.may_review_emergency_access(actor.roles):
        raise deny(actor, category=Category.AUDIT, action=action, detail=detail)


def accesses_for_review(
    actor: Actor, *, to_review_only: bool = False, detail: str
) -> QuerySet[EmergencyAccess]:
    """The practice's emergency accesses, newest first, for its privacy officer (anyone
    else: audited 404). Reading the list is audited (category ``audit``)."""
    _may_review(actor, detail=detail, action=AuditAction.READ)
    accesses = EmergencyAccess.objects.filter(practice_id=actor.practice_id).select_related(
        "client", "staff__user", "reviewed_by__user"
    )
    if to_review_only:
        accesses = accesses.filter(reviewed_at__isnull=True)
    record_event(
        source=actor.audit_source, action=AuditAction.READ, category=Category.AUDIT, detail=detail
    )
    return accesses.order_by("-starts_at", "-id")


def reads_of(accesses: Sequence[EmergencyAccess]) -> list[Reviewed]:
    """Each access with what its holder read under it (the emergency reads of that client
    by that person within its time box), in one query of the trail for all of them."""
    now = clock.now()
    reviewed = [
        Reviewed(
            access=a,
            state=rules.review_state(
                rules.Window(a.starts_at, a.ends_at), reviewed=a.reviewed_at is not None, now=now
            ),
        )
        for a in accesses
    ]
    if not accesses:
        return reviewed
    events = (
        AuditEvent.objects.filter(action=AuditAction.EMERGENCY)
        .filter(
            Q(client_id__in={a.client_id for a in accesses})
            & Q(actor_id__in={a.staff.user_id for a in accesses})
            & Q(at__gte=min(a.starts_at for a in accesses))
            & Q(at__lt=max(a.ends_at for a in accesses))
        )
        .order_by("seq")
        .values_list("actor_id", "client_id", "at", "category", "detail")
    )
    by_holder: dict[tuple[int, int], list[Reviewed]] = defaultdict(list)
    for item in reviewed:
        by_holder[(item.access.staff.user_id, item.access.client_id)].append(item)
    grouped: dict[int, dict[tuple[str, str], list[dt.datetime]]] = defaultdict(dict)
    for actor_id, client_id, at, category, detail in events:
        if client_id is None:  # the query asked for clients; this tells the type checker
            continue
        for item in by_holder.get((actor_id, client_id), ()):
            if item.access.starts_at <= at < item.access.ends_at:
                grouped[item.access.pk].setdefault((category, detail), []).append(at)
    for item in reviewed:
        item.reads = [
            Read(category=c, detail=d, times=len(ats), first_at=ats[0], last_at=ats[-1])
            for (c, d), ats in grouped[item.access.pk].items()
        ]
    return reviewed


def review_emergency_access(
    *, actor: Actor, access_id: int, note: str, detail: str
) -> EmergencyAccess:
    """The privacy officer marks an access reviewed, with an optional note; audited.

    An access of another practice, or a reviewer who is not its privacy officer: the
    audited 404. One already reviewed is refused (422), so a second note is never lost.
    """
    _may_review(actor, detail=detail, action=AuditAction.UPDATE)
    note = rules.clean_review_note(note)
    with transaction.atomic():
        access = (
            EmergencyAccess.objects.select_for_update()
            .filter(pk=access_id, practice_id=actor.practice_id)
            .first()
        )
        if access is None:
            raise deny(actor, category=Category.AUDIT, action=AuditAction.UPDATE, detail=detail)
        if access.reviewed_at is not None:
            raise FieldError("note", "This emergency access has been reviewed already.")
        access.reviewed_at = clock.now()
        access.reviewed_by = actor.staff
        access.review_note = note
        access.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=access.client_id,
            category=EMERGENCY_ACCESS,
            detail=f"{detail}:{access.pk}",
        )
    return access
