"""Portal invitations: staff invite, the task queue mails the link, the client accepts.

The link's token is made when the mail is sent (``send_invitation``, run by the task
queue) and goes only into the mail: the row keeps its SHA-256. Each attempt to send
makes a fresh token, so a mail that never left takes no working link with it.
Accepting claims the invitation in the same conditional ``UPDATE`` that checks it
(two tabs, one account), sets the password and opens the client's portal account.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event, record_mail_failure
from kapcare.core.errors import FieldError
from kapcare.core.tokens import LinkTokens
from kapcare.people.access import (
    Actor,
    access_client,
    may_edit_demographics,
    refuse_change,
    staff_of,
)
from kapcare.people.models import Client, ClientAccount, StaffMember
from kapcare.people.policy import Category
from kapcare.portal.models import PortalInvitation
from kapcare.portal.services.accounts import open_client_account

__all__ = [
    "INVITATION_VALIDITY",
    "InvitationUnusable",
    "accept_invitation",
    "end_portal_access",
    "invitation_digest",
    "invitation_problem",
    "invite_client",
    "mark_invitation_failed",
    "send_invitation",
    "sign_out_everywhere",
    "usable_invitation",
    "user_for_invitation",
]

INVITATION_VALIDITY = dt.timedelta(hours=72)
TOKENS = LinkTokens("kapcare.portal.invitation")
INVITATION_SUBJECT = "KAP Care: your invitation to the client portal"


class InvitationUnusable(Exception):
    """An invitation link that cannot be used: unknown, expired, used or revoked."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Delivery:
    """One mail to send: where, and the link inside it (never stored)."""

    invitation_id: int
    email: str
    url: str
    practice_name: str


def _check_may_change(actor: Actor, client: Client, detail: str) -> StaffMember:
    staff = staff_of(actor, Category.DEMOGRAPHICS, action=AuditAction.UPDATE)
    if not may_edit_demographics(actor, client.pk):
        raise refuse_change(
            actor, client_id=client.pk, category=Category.DEMOGRAPHICS, detail=detail
        )
    return staff


def invitation_problem(client: Client, account: ClientAccount | None) -> FieldError | None:
    """Why the client cannot be invited now, or None (the chart says it before asking).

    ``account`` is the client's portal account, if any (looked up by the caller).
    """
    email = client.email.strip().lower()
    if not email:
        return FieldError("email", "Add the client's e-mail address to their details first.")
    holder = (
        User.objects.filter(email__iexact=email)
        .values("staff__id", "client_account__client_id")
        .first()
    )
    if holder is not None and holder["staff__id"] is not None:
        return FieldError(
            "email", "This address belongs to a staff sign-in; the client needs their own."
        )
    if holder is not None and holder["client_account__client_id"] not in {None, client.pk}:
        return FieldError("email", "Another client's portal sign-in uses this address.")
    if account is not None and account.ended_at is None:
        return FieldError("client", "This client already signs in to the portal.")
    return None


def invite_client(*, actor: Actor, client_id: int, now: dt.datetime) -> PortalInvitation:
    """A new invitation (the open one, if any, is revoked); the caller queues the mail
    after commit (``portal.tasks.queue_invitation``)."""
    client = access_client(
        actor, client_id, Category.DEMOGRAPHICS, action=AuditAction.CREATE, detail="portal:invite"
    )
    staff = _check_may_change(actor, client, "portal:invite")
    problem = invitation_problem(client, ClientAccount.objects.filter(client=client).first())
    if problem is not None:
        # The refusal tells the caller something of the client (an address in use, a
        # sign-in already open): a read of their details.
        record_event(
            source=actor.audit_source,
            action=AuditAction.READ,
            client_id=client.pk,
            category=Category.DEMOGRAPHICS,
            detail="portal:invite-refused",
        )
        raise problem
    email = client.email.strip().lower()
    with transaction.atomic():
        PortalInvitation.objects.filter(
            client=client, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = PortalInvitation.objects.create(
            client=client, email=email, invited_by=staff, created_at=now
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.DEMOGRAPHICS,
            detail="portal:invitation",
        )
    return invitation


def send_invitation(*, invitation_id: int, site_url: str, now: dt.datetime) -> bool:
    """Mail the invitation with a fresh link; False when it is no longer open.

    A failure to send propagates (the task retries); the token made for it dies with it.
    """
    delivery = _prepare(invitation_id=invitation_id, site_url=site_url, now=now)
    if delivery is None:
        return False
    body = (
        f"Hello,\n\n{delivery.practice_name} has invited you to your own space in KAP Care,"
        " where you can read and sign your consent forms, fill in your intake and answer"
        " the questionnaires your care team asks for.\n\n"
        f"To choose your password, open this link:\n{delivery.url}\n\n"
        "The link works once, for 72 hours. If it has expired, ask your care team for a"
        " new one. If you were not expecting this e-mail, you can ignore it.\n"
    )
    EmailMessage(INVITATION_SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [delivery.email]).send()
    PortalInvitation.objects.filter(pk=invitation_id).update(sent_at=now)
    return True


def _prepare(*, invitation_id: int, site_url: str, now: dt.datetime) -> Delivery | None:
    token, digest = TOKENS.make()
    with transaction.atomic():
        invitation = (
            PortalInvitation.objects.select_for_update()
            .filter(pk=invitation_id, used_at__isnull=True, revoked_at__isnull=True)
            .select_related("client__practice")
            .first()
        )
        if invitation is None:
            return None
        invitation.digest = digest
        invitation.expires_at = now + INVITATION_VALIDITY
        invitation.attempts += 1
        invitation.failed_at = None
        invitation.save(update_fields=["digest", "expires_at", "attempts", "failed_at"])
    path = reverse("portal:welcome-link", args=[token])
    return Delivery(
        invitation_id=invitation.pk,
        email=invitation.email,
        url=site_url.rstrip("/") + path,
        practice_name=invitation.client.practice.name,
    )


def mark_invitation_failed(*, invitation_id: int, now: dt.datetime) -> None:
    """Sending gave up: the link in no mail is withdrawn, and staff see it failed
    (on the chart's panel, and in the audit trail as a failed export)."""
    with transaction.atomic():
        client_id = (
            PortalInvitation.objects.filter(pk=invitation_id)
            .values_list("client_id", flat=True)
            .first()
        )
        updated = PortalInvitation.objects.filter(pk=invitation_id, used_at__isnull=True).update(
            failed_at=now, digest=None, expires_at=None
        )
        if updated:
            record_mail_failure(
                client_id=client_id,
                category=Category.DEMOGRAPHICS,
                subject=f"portal:invitation:{invitation_id}",
            )


def invitation_digest(token: str) -> str | None:
    """The stored digest a link's token answers to (None: not one of ours)."""
    return TOKENS.digest_of(token)


def usable_invitation(*, digest: str | None, now: dt.datetime) -> PortalInvitation:
    """The invitation with this digest if it can still be used; ``InvitationUnusable``
    otherwise (``unknown``, ``used``, ``revoked`` or ``expired``)."""
    invitation = (
        PortalInvitation.objects.filter(digest=digest).select_related("client").first()
        if digest
        else None
    )
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.used_at is not None:
        raise InvitationUnusable("used")
    if invitation.revoked_at is not None:
        raise InvitationUnusable("revoked")
    if invitation.expires_at is None or invitation.expires_at <= now:
        raise InvitationUnusable("expired")
    return invitation


def user_for_invitation(invitation: PortalInvitation) -> User:
    """The sign-in to set a password on: the client's earlier one (access ended, now
    invited again), else one with the invited address, else a new one."""
    account = ClientAccount.objects.filter(client=invitation.client).select_related("user").first()
    if account is not None:
        user = account.user
        if user.email.lower() != invitation.email.lower():
            if User.objects.filter(email__iexact=invitation.email).exclude(pk=user.pk).exists():
                raise FieldError("email", "Another sign-in uses this address.")
            user.email = invitation.email
        return user
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        return existing
    return User(email=invitation.email, full_name=invitation.client.display_name)


def accept_invitation(
    *, digest: str | None, password: str, now: dt.datetime, source: AuditSource
) -> User:
    """The client chose their password (already validated): the invitation is used up,
    the password set and the portal account opened, in one transaction."""
    invitation = usable_invitation(digest=digest, now=now)
    with transaction.atomic():
        claimed = PortalInvitation.objects.filter(
            Q(pk=invitation.pk, digest=digest, used_at__isnull=True, revoked_at__isnull=True)
            & Q(expires_at__gt=now)
        ).update(used_at=now)
        if not claimed:
            raise InvitationUnusable("used")
        user = user_for_invitation(invitation)
        if not user.is_active:
            raise InvitationUnusable("revoked")
        user.set_password(password)
        user.save()
        open_client_account(client=invitation.client, user=user, now=now, source=source)
        record_event(
            source=AuditSource(user=user, source_ip=source.source_ip),
            action=AuditAction.UPDATE,
            client_id=invitation.client_id,
            category=Category.DEMOGRAPHICS,
            detail="portal:invitation-accepted",
        )
    return user


def end_portal_access(*, actor: Actor, client_id: int, now: dt.datetime) -> bool:
    """Staff end a client's portal access: the account closes, open invitations are
    revoked and every session signed in ends; False when there was nothing to end."""
    client = access_client(
        actor, client_id, Category.DEMOGRAPHICS, action=AuditAction.UPDATE, detail="portal:end"
    )
    _check_may_change(actor, client, "portal:end")
    with transaction.atomic():
        revoked = PortalInvitation.objects.filter(
            client=client, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        account = (
            ClientAccount.objects.select_for_update()
            .filter(client=client, ended_at__isnull=True)
            .select_related("user")
            .first()
        )
        if account is not None:
            account.ended_at = now
            account.save(update_fields=["ended_at"])
            account.user.end_all_sessions()
        if account is None and not revoked:
            return False
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.DEMOGRAPHICS,
            detail="portal:access-ended",
        )
    return True


def sign_out_everywhere(*, actor: Actor) -> None:
    """The client signs out of every browser and device (this one included)."""
    if actor.client_id is None:
        raise FieldError("client", "Only a portal sign-in can do this here.")
    with transaction.atomic():
        actor.user.end_all_sessions()
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=actor.client_id,
            category=Category.DEMOGRAPHICS,
            detail="portal:signed-out-everywhere",
        )
