"""Telling the care team what a client did in the portal, and marking it seen."""

import datetime as dt

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.people.access import Actor, access_record, staff_of
from kapcare.people.models import Client
from kapcare.people.policy import Category
from kapcare.portal.models import CareTeamNotice
from kapcare.portal.vocabulary import NoticeKind

__all__ = ["mark_notice_seen", "tell_care_team"]


def tell_care_team(
    *, actor: Actor, client: Client, kind: NoticeKind, now: dt.datetime, detail: str = ""
) -> CareTeamNotice:
    """A notice for the client's care team (joins the caller's transaction)."""
    with transaction.atomic():
        notice = CareTeamNotice.objects.create(
            client=client, kind=kind.value, detail=detail.strip(), created_at=now
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"portal:notice:{kind.value}",
        )
    return notice


def mark_notice_seen(*, actor: Actor, notice_id: int, now: dt.datetime) -> CareTeamNotice:
    """A care-team member has read the notice; it leaves everyone's list."""
    staff = staff_of(actor, Category.CLINICAL, action=AuditAction.UPDATE)
    notice, client = access_record(
        actor,
        CareTeamNotice.objects.all(),
        notice_id,
        Category.CLINICAL,
        action=AuditAction.UPDATE,
        detail="portal:notice",
    )
    with transaction.atomic():
        updated = CareTeamNotice.objects.filter(pk=notice.pk, seen_at__isnull=True).update(
            seen_at=now, seen_by=staff
        )
        if updated:
            record_event(
                source=actor.audit_source,
                action=AuditAction.UPDATE,
                client_id=client.pk,
                category=Category.CLINICAL,
                detail="portal:notice:seen",
            )
    notice.refresh_from_db()
    return notice
