"""The client's intake: saved as a draft or sent to the care team (who are told).

The contact part is the client's own record (phone, emergency contact), changed here by
the client themself; the rest is the ``Intake`` row. One transaction, audited.
"""

import datetime as dt
from collections.abc import Mapping

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.people.access import Actor, access_client
from kapcare.people.policy import Category
from kapcare.portal.intake_rules import missing_to_send
from kapcare.portal.models import Intake
from kapcare.portal.services.notices import tell_care_team
from kapcare.portal.vocabulary import FIT_STATEMENTS, NoticeKind

__all__ = ["CONTACT_FIELDS", "INTAKE_FIELDS", "save_intake"]

CONTACT_FIELDS = (
    "phone",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
)
INTAKE_FIELDS = ("history", "goals", "medications", *FIT_STATEMENTS)


def save_intake(*, actor: Actor, values: Mapping[str, str], send: bool, now: dt.datetime) -> Intake:
    """Save the client's intake (``values`` from the cleaned form); ``send`` sends it to
    the care team, refused with a field error for the first thing still missing."""
    if actor.client_id is None:
        raise FieldError("client", "Only the client fills in their intake.")
    client = access_client(
        actor,
        actor.client_id,
        Category.CLINICAL,
        action=AuditAction.UPDATE,
        detail="portal:intake",
    )
    if send:
        missing = missing_to_send(values)
        if missing:
            field, message = next(iter(missing.items()))
            raise FieldError(field, message)
    with transaction.atomic():
        contact = {name: str(values.get(name, "")).strip() for name in CONTACT_FIELDS}
        changed = [name for name, value in contact.items() if getattr(client, name) != value]
        if changed:
            for name in changed:
                setattr(client, name, contact[name])
            client.save(update_fields=[*changed, "updated_at"])
            record_event(
                source=actor.audit_source,
                action=AuditAction.UPDATE,
                client_id=client.pk,
                category=Category.DEMOGRAPHICS,
                detail="portal:intake:" + ",".join(sorted(changed)),
            )
        fields = {name: str(values.get(name, "")).strip() for name in INTAKE_FIELDS}
        intake, _ = Intake.objects.update_or_create(
            client=client,
            defaults={**fields, "saved_at": now, **({"submitted_at": now} if send else {})},
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail="portal:intake:sent" if send else "portal:intake:draft",
        )
        if send:
            tell_care_team(actor=actor, client=client, kind=NoticeKind.INTAKE_SUBMITTED, now=now)
    return intake
