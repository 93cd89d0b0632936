"""Portal accounts: a user linked to one client (the client role).

The invitation flow opens an account when the client sets a password; the demo opens
one for its demo client. A person on the practice's staff never gets one: a signed-in
person is staff or a client, never both (``people.access.actor_for_user``).
"""

import datetime as dt

from django.db import transaction

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.core.errors import FieldError
from kapcare.people.models import Client, ClientAccount, StaffMember
from kapcare.people.policy import Category

__all__ = ["open_client_account"]


def open_client_account(
    *, client: Client, user: User, now: dt.datetime, source: AuditSource
) -> ClientAccount:
    """Link ``user`` to ``client`` for the portal, or refuse (a field error on ``email``)."""
    if StaffMember.objects.filter(user=user).exists():
        raise FieldError("email", "This address belongs to a staff sign-in; use another one.")
    with transaction.atomic():
        existing = ClientAccount.objects.select_for_update().filter(client=client).first()
        if existing is not None and existing.user_id != user.pk:
            raise FieldError("email", "This client already has a portal sign-in.")
        if ClientAccount.objects.filter(user=user).exclude(client=client).exists():
            raise FieldError("email", "This address is already used by another portal sign-in.")
        if existing is not None:
            existing.ended_at = None
            existing.save(update_fields=["ended_at"])
            account = existing
        else:
            account = ClientAccount.objects.create(client=client, user=user, created_at=now)
        record_event(
            source=source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.DEMOGRAPHICS,
            detail="portal:account-opened",
        )
    return account
