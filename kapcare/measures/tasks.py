"""Background work (django-tasks, run by ``manage.py db_worker``): the e-mail telling a
client a questionnaire waits in their portal, with the shared retry policy
(``core.mail_retry``)."""

from django.db import transaction
from django_tasks import task

from kapcare.core.mail_retry import send_with_retry
from kapcare.measures.services.assignment_mail import (
    mark_assignment_mail_failed,
    send_assignment_mail,
)

__all__ = ["queue_assignment_mail", "send_assignment_notice"]


@task()
def send_assignment_notice(assignment_id: int, site_url: str, attempt: int = 1) -> bool:
    """Send the mail; whether it went (False: failed for now, or no one to tell)."""
    return send_with_retry(
        send=lambda: send_assignment_mail(assignment_id=assignment_id, site_url=site_url),
        task=send_assignment_notice,
        args=(assignment_id, site_url),
        attempt=attempt,
        give_up=lambda: mark_assignment_mail_failed(assignment_id=assignment_id),
        what=f"Questionnaire assignment {assignment_id} mail",
    )


def queue_assignment_mail(assignment_id: int, site_url: str) -> None:
    """Queue the mail once the transaction that made the assignment commits."""
    transaction.on_commit(lambda: send_assignment_notice.enqueue(assignment_id, site_url))
