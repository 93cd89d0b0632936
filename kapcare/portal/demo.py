"""The demo's portal: the practice's consent documents (version 1, written from the
program's descriptions) and one demo client's sign-in (Farah Lindell, preparing for her
first medicine session) with the demo password, so the portal can be tried from
``make run``."""

from django.db import transaction

from kapcare.accounts.models import User
from kapcare.audit.services import AuditSource
from kapcare.core import clock
from kapcare.pathway.models import ConsentDocument
from kapcare.pathway.services import publish_practice_consent_document
from kapcare.people.demo import DEMO_PASSWORD, PRACTICE_NAME
from kapcare.people.models import Client, Practice
from kapcare.portal.demo_documents import DEMO_CONSENT_DOCUMENTS
from kapcare.portal.services.accounts import open_client_account

__all__ = ["DEMO_CLIENT_EMAIL", "load_demo_portal"]

DEMO_CLIENT_EMAIL = "farah.lindell@example.com"


@transaction.atomic
def load_demo_portal() -> bool:
    """Publish the demo consent documents and open the demo client's portal account;
    False when the account was already there."""
    practice = Practice.objects.filter(name=PRACTICE_NAME).first()
    if practice is not None:
        for kind, (title, body) in DEMO_CONSENT_DOCUMENTS.items():
            if not ConsentDocument.objects.filter(practice=practice, kind=kind.value).exists():
                publish_practice_consent_document(
                    practice=practice,
                    kind=kind,
                    title=title,
                    body=body,
                    now=clock.now(),
                    published_by=None,
                    source=AuditSource(user=None, source_ip=None),
                )
    client = Client.objects.filter(practice__name=PRACTICE_NAME, email=DEMO_CLIENT_EMAIL).first()
    if client is None or hasattr(client, "portal_account"):
        return False
    user = User.objects.filter(email=DEMO_CLIENT_EMAIL).first() or User.objects.create_user(
        DEMO_CLIENT_EMAIL, DEMO_PASSWORD, full_name=client.display_name
    )
    open_client_account(
        client=client, user=user, now=clock.now(), source=AuditSource(user=None, source_ip=None)
    )
    return True
