"""Reading the journal: the client's own entries, and the ones shared with the care team."""

from django.db.models import QuerySet

from kapcare.audit.models import AuditAction
from kapcare.people.access import Actor, access_client
from kapcare.people.policy import Category
from kapcare.portal.access import own_client
from kapcare.portal.models import JournalEntry

__all__ = ["my_entries", "shared_entries"]


def my_entries(actor: Actor, *, detail: str) -> QuerySet[JournalEntry]:
    """Every entry of the signed-in client, newest first (the read is audited)."""
    client = own_client(actor, Category.CLINICAL, detail=detail)
    return JournalEntry.objects.filter(client=client).order_by("-written_at", "-id")


def shared_entries(actor: Actor, client_id: int, *, detail: str) -> QuerySet[JournalEntry]:
    """What the client shared with their care team, newest first: clinical data, so the
    clinicians on the care team read it (audited); private entries never leave here."""
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.READ, detail=detail
    )
    return JournalEntry.objects.filter(client=client, shared_at__isnull=False).order_by(
        "-shared_at", "-id"
    )
