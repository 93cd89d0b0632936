"""Background work (django-tasks, run by ``manage.py db_worker``): the portal's mails.

Every one retries through the shared policy (``core.mail_retry``): invitations here,
the care team's e-mail of what a client did in the portal (``services.notice_mail``).
"""

from django.db import transaction
from django_tasks import task

from kapcare.core import clock
from kapcare.core.mail_retry import send_with_retry
from kapcare.portal.services.invitations import mark_invitation_failed, send_invitation
from kapcare.portal.services.notice_mail import mark_notice_mail_failed, send_notice_mail

__all__ = [
    "queue_invitation",
    "queue_notice_mail",
    "send_care_team_notice",
    "send_portal_invitation",
]


@task()
def send_portal_invitation(invitation_id: int, site_url: str, attempt: int = 1) -> bool:
    """Send the invitation's mail; whether it went (False: not yet, or no longer open).

    After the last failed attempt the invitation is marked failed (its link withdrawn)
    so the chart says so and staff can invite again.
    """
    return send_with_retry(
        send=lambda: send_invitation(
            invitation_id=invitation_id, site_url=site_url, now=clock.now()
        ),
        task=send_portal_invitation,
        args=(invitation_id, site_url),
        attempt=attempt,
        give_up=lambda: mark_invitation_failed(invitation_id=invitation_id, now=clock.now()),
        what=f"Portal invitation {invitation_id}",
    )


def queue_invitation(invitation_id: int, site_url: str) -> None:
    """Send the invitation from the task queue once the transaction that made it commits."""
    transaction.on_commit(lambda: send_portal_invitation.enqueue(invitation_id, site_url))


@task()
def send_care_team_notice(notice_id: int, site_url: str, attempt: int = 1) -> bool:
    """E-mail the care team a portal notice; whether it went."""
    return send_with_retry(
        send=lambda: send_notice_mail(notice_id=notice_id, site_url=site_url),
        task=send_care_team_notice,
        args=(notice_id, site_url),
        attempt=attempt,
        give_up=lambda: mark_notice_mail_failed(notice_id=notice_id),
        what=f"Care-team notice {notice_id} mail",
    )


def queue_notice_mail(notice_id: int, site_url: str) -> None:
    """E-mail the notice from the task queue once the transaction that made it commits."""
    transaction.on_commit(lambda: send_care_team_notice.enqueue(notice_id, site_url))
