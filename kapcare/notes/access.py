"""How a view, API endpoint or service reaches the notes app's records.

Session notes, parts and EMDR targets are the client's clinical record: reached through
``people.access`` on the ``clinical`` category (therapists and medical providers on the
care team), missing and forbidden answering the same audited 404. Writing them is for
the clinicians who hold the session (``WRITER_ROLES``); others who may read get an
audited 403. Psychotherapy notes are in ``notes.psychotherapy``: author only.
"""

from kapcare.audit.models import AuditAction
from kapcare.notes.models import EmdrTarget, Part, SessionNote
from kapcare.people.access import Actor, access_client, access_record, refuse_change
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Category, Role

__all__ = [
    "CLINICAL",
    "WRITER_ROLES",
    "access_emdr_target",
    "access_note",
    "access_part",
    "client_for_change",
    "require_writer",
]

CLINICAL = Category.CLINICAL
# Who writes session notes, parts and EMDR records: the clinicians of the session.
WRITER_ROLES = frozenset({Role.THERAPIST, Role.MEDICAL_PROVIDER})


def require_writer(actor: Actor, client_id: int, detail: str) -> StaffMember:
    """The actor's staff record if they write clinical notes; else an audited 403."""
    if actor.staff is None or not actor.roles & WRITER_ROLES:
        raise refuse_change(actor, client_id=client_id, category=CLINICAL, detail=detail)
    return actor.staff


def client_for_change(actor: Actor, client_id: int, detail: str) -> tuple[Client, StaffMember]:
    """The client and the writing clinician, for a change to the client's therapy record."""
    client = access_client(actor, client_id, CLINICAL, action=AuditAction.CREATE, detail=detail)
    return client, require_writer(actor, client.pk, f"create:{detail}")


def access_note(
    actor: Actor, note_id: int, *, action: AuditAction = AuditAction.READ, detail: str
) -> tuple[SessionNote, Client]:
    return access_record(
        actor, SessionNote.objects.all(), note_id, CLINICAL, action=action, detail=detail
    )


def access_part(
    actor: Actor, part_id: int, *, action: AuditAction = AuditAction.READ, detail: str
) -> tuple[Part, Client]:
    return access_record(actor, Part.objects.all(), part_id, CLINICAL, action=action, detail=detail)


def access_emdr_target(
    actor: Actor, target_id: int, *, action: AuditAction = AuditAction.READ, detail: str
) -> tuple[EmdrTarget, Client]:
    return access_record(
        actor, EmdrTarget.objects.all(), target_id, CLINICAL, action=action, detail=detail
    )
