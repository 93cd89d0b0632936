"""Risk flags: a clinician's review, and the e-mail that tells the care team one is open."""

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.measures.access import locked_record
from kapcare.measures.models import (
    RiskFlag,
)
from kapcare.people.access import (
    Actor,
    access_client,
    refuse_change,
    staff_of,
)
from kapcare.people.models import CareTeamMember
from kapcare.people.policy import Category, may_review_risk_flags

log = logging.getLogger(__name__)


MAX_NOTE_LENGTH = 2000


FLAG_EMAIL_SUBJECT = "KAP Care: a safety flag needs review"


def review_flag(
    *, actor: Actor, client_id: int, flag_id: int, note: str, now: dt.datetime
) -> RiskFlag:
    """A clinician reviews an open risk flag with a note; the flag then stops blocking."""
    staff = staff_of(actor, Category.SAFETY, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.SAFETY, action=AuditAction.UPDATE, detail="risk_flag_review"
    )
    if not may_review_risk_flags(actor.roles):
        raise refuse_change(
            actor, client_id=client.pk, category=Category.SAFETY, detail="risk_flag_review"
        )
    text = note.strip()
    if not text:
        raise FieldError("note", "Write what you found and decided: a review needs a note.")
    if len(text) > MAX_NOTE_LENGTH:
        raise FieldError("note", f"Keep the note to {MAX_NOTE_LENGTH} characters.")
    with transaction.atomic():
        flag = locked_record(
            actor,
            RiskFlag.objects.all(),
            flag_id,
            client=client,
            category=Category.SAFETY,
            detail="risk_flag_review",
        )
        if flag.reviewed_at is not None:
            raise FieldError("flag", "This flag has already been reviewed.")
        flag.reviewed_at = now
        flag.reviewed_by = staff
        flag.review_note = text
        flag.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.SAFETY,
            detail=f"risk_flag:{flag.pk}:reviewed",
        )
    return flag


def notify_care_team(*, client_id: int, site_url: str) -> int:
    """Email the client's care team that a safety flag needs review; how many were sent.

    The email carries no clinical detail and no name: only that a flag needs review and
    a link to the chart, which asks for sign-in. The open flag is also listed on the
    chart, so a mail server that is down delays the email, never hides the flag.
    """
    recipients = sorted(
        set(
            CareTeamMember.objects.filter(client_id=client_id, staff__is_active=True)
            .exclude(staff__user__email="")
            .values_list("staff__user__email", flat=True)
        )
    )
    if not recipients:
        return 0
    chart = site_url.rstrip("/") + reverse("people:client-chart", args=[client_id])
    body = (
        "A safety flag needs review.\n\n"
        f"Open the chart (sign-in required): {chart}#safety\n\n"
        "This message is sent to the client's care team by KAP Care.\n"
    )
    messages = [
        EmailMessage(FLAG_EMAIL_SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in recipients
    ]
    try:
        with get_connection() as connection:
            return int(connection.send_messages(messages) or 0)
    except (OSError, smtplib.SMTPException):
        # Already committed and on the chart; the log names no client.
        log.warning("A safety-flag email could not be sent; the flag is on the chart.")
        return 0
