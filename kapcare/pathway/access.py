"""How a view, API endpoint or service reaches a pathway record by its own id.

Through ``people.access`` like every client record: missing, of another practice and
not allowed answer the same audited 404. A change only a medical provider may make
(screening, clearance, dose order) is refused with an audited 403 to others who may see
the client's medical data.
"""

from kapcare.audit.models import AuditAction
from kapcare.pathway.models import Consent
from kapcare.people.access import Actor, access_client, access_record, refuse_change
from kapcare.people.models import Client
from kapcare.people.policy import Category, Role

__all__ = ["access_consent", "access_for_medical_change"]


def access_consent(
    actor: Actor, consent_id: int, *, action: AuditAction = AuditAction.READ, detail: str
) -> tuple[Consent, Client]:
    """A consent and its client, if the actor may ``action`` the client's clinical data."""
    return access_record(
        actor, Consent.objects.all(), consent_id, Category.CLINICAL, action=action, detail=detail
    )


def access_for_medical_change(actor: Actor, client_id: int, detail: str) -> Client:
    """The client, for a medical provider on the care team (others: 404, or 403 if seen)."""
    client = access_client(
        actor, client_id, Category.MEDICAL, action=AuditAction.CREATE, detail=detail
    )
    if not actor.has_role(Role.MEDICAL_PROVIDER):
        raise refuse_change(
            actor, client_id=client.pk, category=Category.MEDICAL, detail=f"create:{detail}"
        )
    return client
