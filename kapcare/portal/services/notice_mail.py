"""The e-mail that tells a client's care team something in the portal needs them (a
session booked or cancelled, a medicine session asked for): sent by the task queue
(``portal.tasks.send_care_team_notice``) with the shared retry policy.

It names no client and carries nothing the client wrote: only what happened, in the
care team's words, and a link to the chart, which asks for sign-in. The notice itself
is on the staff home page whatever becomes of the mail.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from kapcare.audit.services import record_mail_failure
from kapcare.people.models import CareTeamMember
from kapcare.people.policy import Category
from kapcare.portal.models import CareTeamNotice
from kapcare.portal.vocabulary import NOTICE_LABELS, NoticeKind

__all__ = ["NOTICE_SUBJECT", "mark_notice_mail_failed", "send_notice_mail"]

NOTICE_SUBJECT = "KAP Care: a client {what} in the portal"


def send_notice_mail(*, notice_id: int, site_url: str) -> bool:
    """Mail the notice to the client's active care team; False when there is no one to
    tell (or it was seen already). A failure to send propagates (the task retries)."""
    notice = CareTeamNotice.objects.filter(pk=notice_id, seen_at__isnull=True).first()
    if notice is None:
        return False
    recipients = sorted(
        set(
            CareTeamMember.objects.filter(client_id=notice.client_id, staff__is_active=True)
            .exclude(staff__user__email="")
            .values_list("staff__user__email", flat=True)
        )
    )
    if not recipients:
        return False
    what = NOTICE_LABELS[NoticeKind(notice.kind)]
    chart = site_url.rstrip("/") + reverse("people:client-chart", args=[notice.client_id])
    body = (
        f"A client on your care team {what} in the portal.\n\n"
        f"Open their chart to see it (sign-in required): {chart}\n\n"
        "The notice is also on your KAP Care home page until someone marks it seen.\n"
    )
    subject = NOTICE_SUBJECT.format(what=what)
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in recipients
    ]
    with get_connection() as connection:
        connection.send_messages(messages)
    return True


def mark_notice_mail_failed(*, notice_id: int) -> None:
    """Sending gave up: a failed export in the audit trail (the notice stays on the
    care team's home page)."""
    client_id = (
        CareTeamNotice.objects.filter(pk=notice_id).values_list("client_id", flat=True).first()
    )
    record_mail_failure(
        client_id=client_id, category=Category.SCHEDULE, subject=f"portal:notice:{notice_id}"
    )
