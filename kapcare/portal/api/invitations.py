"""/api/v1/clients/{id}/portal-invitation and portal access (staff only).

Thin: the invitation services check the caller (front desk, clinicians on the care
team, as for the client's details) and audit; this module translates shapes.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Status

from kapcare.core import clock
from kapcare.core.api_errors import READ_ERRORS, WRITE_ERRORS
from kapcare.core.api_schema import Schema
from kapcare.people.access import access_client, staff_actor
from kapcare.people.models import ClientAccount
from kapcare.people.policy import Category
from kapcare.portal.api.router import router
from kapcare.portal.models import PortalInvitation
from kapcare.portal.services.invitations import end_portal_access, invite_client
from kapcare.portal.tasks import queue_invitation
from kapcare.portal.vocabulary import InvitationStatus


class InvitationOut(Schema):
    id: int
    client: int
    email: str
    status: InvitationStatus
    created_at: dt.datetime
    sent_at: dt.datetime | None
    expires_at: dt.datetime | None

    @classmethod
    def of(cls, invitation: PortalInvitation, now: dt.datetime) -> "InvitationOut":
        return cls(
            id=invitation.pk,
            client=invitation.client_id,
            email=invitation.email,
            status=invitation.status(now),
            created_at=invitation.created_at,
            sent_at=invitation.sent_at,
            expires_at=invitation.expires_at,
        )


class PortalAccessOut(Schema):
    client: int
    signs_in: bool  # an open portal account
    ended_at: dt.datetime | None  # when staff last ended it, if it is ended
    invitation: InvitationOut | None  # the latest


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _access_out(client_id: int, now: dt.datetime) -> PortalAccessOut:
    account = ClientAccount.objects.filter(client_id=client_id).first()
    latest = PortalInvitation.objects.filter(client_id=client_id).first()
    return PortalAccessOut(
        client=client_id,
        signs_in=account is not None and account.ended_at is None,
        ended_at=account.ended_at if account is not None else None,
        invitation=InvitationOut.of(latest, now) if latest is not None else None,
    )


@router.post(
    "/clients/{int:client_id}/portal-invitation",
    response={201: InvitationOut, **WRITE_ERRORS},
)
def create_portal_invitation(request: HttpRequest, client_id: int) -> Status[InvitationOut]:
    """Invite the client to the portal: the task queue mails a single-use link to their
    e-mail address, valid 72 hours, to choose a password. An earlier invitation not yet
    used stops working. 422 on ``email`` without a usable address, on ``client`` when
    they already sign in."""
    now = clock.now()
    invitation = invite_client(actor=staff_actor(request), client_id=client_id, now=now)
    queue_invitation(invitation.pk, _site_url(request))
    return Status(201, InvitationOut.of(invitation, now))


@router.get(
    "/clients/{int:client_id}/portal-access", response={200: PortalAccessOut, **READ_ERRORS}
)
def get_portal_access(request: HttpRequest, client_id: int) -> PortalAccessOut:
    """Whether the client signs in to the portal, and their latest invitation."""
    client = access_client(
        staff_actor(request), client_id, Category.DEMOGRAPHICS, detail="api:portal-access"
    )
    return _access_out(client.pk, clock.now())


@router.post(
    "/clients/{int:client_id}/portal-access/end",
    response={200: PortalAccessOut, **WRITE_ERRORS},
)
def end_client_portal_access(request: HttpRequest, client_id: int) -> PortalAccessOut:
    """End the client's portal access: their sign-in stops working, every session they
    have ends at once and an invitation not yet used is withdrawn. Inviting again
    restores it."""
    now = clock.now()
    end_portal_access(actor=staff_actor(request), client_id=client_id, now=now)
    return _access_out(client_id, now)
