"""The e-mail that tells a client with a portal sign-in a questionnaire is waiting.

It says only that: no instrument's name (a depression or trauma measure's name is
itself clinical), no name, no score; the link opens the portal, which asks for
sign-in. Sent by the task queue (``measures.tasks``), with the shared retry policy.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event, record_mail_failure
from kapcare.measures.models import MeasureAssignment
from kapcare.people.models import ClientAccount
from kapcare.people.policy import Category

__all__ = [
    "ASSIGNMENT_SUBJECT",
    "has_portal_sign_in",
    "mark_assignment_mail_failed",
    "send_assignment_mail",
]

ASSIGNMENT_SUBJECT = "A questionnaire is waiting for you"
_SYSTEM = AuditSource(user=None, source_ip=None)


def has_portal_sign_in(client_id: int) -> bool:
    """Whether the client signs in to the portal (only they are mailed: the mail's link
    leads there)."""
    return ClientAccount.objects.filter(client_id=client_id, ended_at__isnull=True).exists()


def send_assignment_mail(*, assignment_id: int, site_url: str) -> bool:
    """Mail the client that a questionnaire waits in their portal; False when there is
    no one to tell any more (the assignment ended, the portal access ended).

    A failure to send propagates (the task retries).
    """
    assignment = (
        MeasureAssignment.objects.filter(pk=assignment_id, ended_at__isnull=True)
        .select_related("client__practice")
        .first()
    )
    if assignment is None:
        return False
    account = (
        ClientAccount.objects.filter(client_id=assignment.client_id, ended_at__isnull=True)
        .select_related("user")
        .first()
    )
    if account is None or not account.user.email:
        return False
    link = site_url.rstrip("/") + reverse("portal:questionnaires")
    practice = assignment.client.practice.name
    body = (
        "Hello,\n\n"
        f"Your care team at {practice} has asked you to answer a questionnaire."
        " It is waiting for you in your portal, under Questionnaires:\n"
        f"{link}\n\n"
        "There is no rush: answer it when you have a quiet moment.\n\n"
        f"{practice}\n"
    )
    EmailMessage(ASSIGNMENT_SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [account.user.email]).send()
    record_event(
        source=_SYSTEM,
        action=AuditAction.EXPORT,
        client_id=assignment.client_id,
        category=Category.CLINICAL,
        detail=f"measure_assignment:{assignment.pk}:mailed",
    )
    return True


def mark_assignment_mail_failed(*, assignment_id: int) -> None:
    """Sending gave up: a failed export in the audit trail (the questionnaire is still
    in the client's portal, so nothing is lost but the nudge)."""
    client_id = (
        MeasureAssignment.objects.filter(pk=assignment_id)
        .values_list("client_id", flat=True)
        .first()
    )
    record_mail_failure(
        client_id=client_id,
        category=Category.CLINICAL,
        subject=f"measure_assignment:{assignment_id}",
    )
