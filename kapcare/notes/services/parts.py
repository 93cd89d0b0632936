"""The parts map: parts recorded and changed by the client's clinicians."""

import datetime as dt
from dataclasses import dataclass, fields

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.core.errors import FieldError
from kapcare.core.text import clean_text
from kapcare.notes.access import access_part, client_for_change, require_writer
from kapcare.notes.models import Part
from kapcare.notes.services.common import audit
from kapcare.notes.vocabulary import PartRole, Permission, UnburdeningStep
from kapcare.people.access import Actor, lock_client
from kapcare.people.models import Client

__all__ = ["PartChanges", "record_part", "update_part"]


@dataclass(frozen=True)
class PartChanges:
    """A part's fields; ``None`` leaves one as it is (on a new part: empty)."""

    name: str | None = None
    role: PartRole | None = None
    body_location: str | None = None
    age_it_feels: str | None = None
    burdens: str | None = None
    fears: str | None = None
    feeling_toward: str | None = None
    permission: Permission | None = None
    unburdening_steps: list[UnburdeningStep] | None = None
    protects: list[int] | None = None


_TEXT_LIMITS = {
    "name": 100,
    "body_location": 200,
    "age_it_feels": 50,
    "burdens": 5000,
    "fears": 5000,
    "feeling_toward": 500,
}


def _apply(part: Part, client: Client, changes: PartChanges) -> list[int] | None:
    for name, limit in _TEXT_LIMITS.items():
        value = getattr(changes, name)
        if value is not None:
            setattr(part, name, clean_text(value, name, limit=limit))
    if not part.name:
        raise FieldError("name", "Give the part the name the client uses for it.")
    for name in ("role", "permission"):
        value = getattr(changes, name)
        if value is not None:
            setattr(part, name, value.value)
    if changes.unburdening_steps is not None:
        steps = [s.value for s in changes.unburdening_steps]
        if len(set(steps)) != len(steps):
            raise FieldError("unburdening_steps", "Name each step once.")
        part.unburdening_steps = steps
    if changes.protects is None:
        return None
    ids = list(dict.fromkeys(changes.protects))
    if part.pk is not None and part.pk in ids:
        raise FieldError("protects", "A part does not protect itself.")
    known = set(Part.objects.filter(client=client, pk__in=ids).values_list("pk", flat=True))
    if set(ids) - known:
        raise FieldError("protects", "Choose parts from this client's parts map.")
    return ids


def record_part(*, actor: Actor, client_id: int, changes: PartChanges, now: dt.datetime) -> Part:
    client, staff = client_for_change(actor, client_id, "part")
    if changes.role is None:
        raise FieldError("role", "Choose the part's role (or not known yet).")
    with transaction.atomic():
        part = Part(client=client, created_by=staff, created_at=now, updated_at=now)
        protects = _apply(part, client, changes)
        part.save()
        if protects is not None:
            part.protects.set(protects)
        audit(actor, client.pk, AuditAction.CREATE, f"part:{part.pk}")
    return part


def update_part(*, actor: Actor, part_id: int, changes: PartChanges, now: dt.datetime) -> Part:
    part, client = access_part(actor, part_id, action=AuditAction.UPDATE, detail="part")
    require_writer(actor, client.pk, f"update:part:{part.pk}")
    changed = [f.name for f in fields(changes) if getattr(changes, f.name) is not None]
    with transaction.atomic():
        lock_client(client.pk)
        part = Part.objects.select_for_update().get(pk=part.pk)
        protects = _apply(part, client, changes)
        part.updated_at = now
        part.save()
        if protects is not None:
            part.protects.set(protects)
        audit(actor, client.pk, AuditAction.UPDATE, f"part:{part.pk}:{','.join(changed)}")
    return part
