"""The staff side's portal panels. The home page's "From the portal": what clients did
that their care team should know (a consent revoked, a pause asked for, a journal entry
shared...); the chart's "Portal": access and invitations; the chart's "Shared from the
portal": the intentions and journal entries the client chose to share.

Shown to clinicians on the care team (clinical data) for the clients they may see;
every client listed is a read of its clinical data, audited.
"""

from typing import Any

from django import template

from kapcare.core import clock
from kapcare.people.access import Actor, access_client, may_edit_demographics, visible_clients
from kapcare.people.home_panels import first_waiting
from kapcare.people.models import Client, ClientAccount
from kapcare.people.policy import Category, may_edit_practice_documents
from kapcare.portal.intake_view import intake_reflection
from kapcare.portal.journal import shared_entries
from kapcare.portal.models import CareTeamNotice, Intake, PortalInvitation
from kapcare.portal.services.invitations import invitation_problem
from kapcare.portal.vocabulary import INVITATION_STATUS_LABELS, InvitationStatus

register = template.Library()

SHARED_SHOWN = 10


@register.inclusion_tag("portal/_notices_panel.html", takes_context=True)
def portal_notices_panel(context: template.Context) -> dict[str, Any]:
    actor = context.get("actor")
    if not isinstance(actor, Actor) or actor.staff is None:
        return {"notices": [], "more": 0}
    unseen = CareTeamNotice.objects.filter(
        seen_at__isnull=True, client__in=visible_clients(actor, Category.CLINICAL)
    )
    notices, more = first_waiting(
        actor,
        unseen.select_related("client").order_by("created_at", "id"),
        category=Category.CLINICAL,
        detail="home:portal-notices",
    )
    return {
        "notices": notices,
        "more": more,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("portal/_access_panel.html", takes_context=True)
def portal_access_panel(
    context: template.Context, client: Client, back: str = "chart"
) -> dict[str, Any]:
    """The chart's "Portal" panel: whether the client signs in, the latest invitation,
    and (for those who may change the client's details) invite / end access."""
    actor = context.get("actor")
    if not isinstance(actor, Actor) or actor.staff is None:
        return {"shown": False}
    access_client(actor, client.pk, Category.DEMOGRAPHICS, detail="chart:portal")
    now = clock.now()
    account = _account_of(client)
    latest = PortalInvitation.objects.filter(client=client).first()
    status = latest.status(now) if latest is not None else None
    signs_in = account is not None and account.ended_at is None
    problem = None if signs_in else invitation_problem(client, account)
    return {
        "shown": True,
        "client": client,
        "back": back,
        "signs_in": signs_in,
        "ended_at": account.ended_at if account is not None else None,
        "invitation": latest,
        "status_label": INVITATION_STATUS_LABELS[status] if status is not None else "",
        "waiting": status in {InvitationStatus.QUEUED, InvitationStatus.SENT},
        "may_change": may_edit_demographics(actor, client.pk),
        "problem": problem.message if problem is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


def _account_of(client: Client) -> ClientAccount | None:
    """The client's portal account, if any (read with the client on the chart)."""
    try:
        return client.portal_account
    except ClientAccount.DoesNotExist:
        return None


@register.inclusion_tag("portal/_intake_panel.html", takes_context=True)
def portal_intake_panel(context: template.Context, client: Client) -> dict[str, Any]:
    """The chart's "Intake from the portal": what the client last sent (a draft is
    theirs alone). Clinical data: the caller shows it to those who see it."""
    actor = context.get("actor")
    if not isinstance(actor, Actor) or actor.staff is None:
        return {"intake": None}
    access_client(actor, client.pk, Category.CLINICAL, detail="chart:portal-intake")
    intake = Intake.objects.filter(client=client, submitted_at__isnull=False).first()
    return {"intake": intake, "reflection": intake_reflection(intake) if intake else []}


@register.inclusion_tag("portal/_shared_journal_panel.html", takes_context=True)
def shared_journal_panel(context: template.Context, client: Client) -> dict[str, Any]:
    """The newest entries the client shared (one query; the chart reads clinical data
    once per page view)."""
    actor = context.get("actor")
    if not isinstance(actor, Actor):
        raise template.TemplateSyntaxError("The chart panels need the request's actor.")
    entries = shared_entries(actor, client.pk, detail="chart:shared-journal").select_related(
        "appointment"
    )
    return {"entries": list(entries[:SHARED_SHOWN])}


@register.inclusion_tag("portal/_consent_documents_link.html", takes_context=True)
def consent_documents_link(context: template.Context) -> dict[str, Any]:
    """The practice page's way to the consent documents, for those who publish them."""
    actor = context.get("actor")
    shown = isinstance(actor, Actor) and may_edit_practice_documents(actor.roles)
    return {"shown": shown}
