"""How a page, API endpoint or service reaches a medicine-session record.

Through ``people.access`` like every client record: a medicine appointment of the
actor's practice (not cancelled) whose client's medicine-session data the actor may
see; missing and not allowed answer the same audited 404. Writing needs one of the
writer roles too (else an audited 403).
"""

from kapcare.audit.models import AuditAction
from kapcare.medicine.vocabulary import SignerRole
from kapcare.people.access import Actor, access_record, refuse_change, staff_of
from kapcare.people.models import Client
from kapcare.people.policy import Category, Role
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus

__all__ = [
    "DOSE_WRITERS",
    "SESSION",
    "SESSION_WRITERS",
    "SIGNER_ROLES",
    "access_for_change",
    "access_medicine_record",
]

SESSION = Category.MEDICINE_SESSION
# Who may record what (besides seeing the client's medicine-session data).
SESSION_WRITERS = frozenset({Role.MONITOR, Role.THERAPIST, Role.MEDICAL_PROVIDER})
DOSE_WRITERS = frozenset({Role.MONITOR, Role.MEDICAL_PROVIDER})
# Which staff role signs a record in which capacity.
SIGNER_ROLES = {
    SignerRole.MONITOR: Role.MONITOR,
    SignerRole.THERAPIST: Role.THERAPIST,
    SignerRole.MEDICAL_PROVIDER: Role.MEDICAL_PROVIDER,
}


def access_medicine_record(
    actor: Actor, appointment_id: int, *, action: AuditAction, detail: str
) -> tuple[Appointment, Client]:
    """A medicine appointment whose record the actor may ``action`` (else 404, audited)."""
    staff_of(actor, SESSION)
    return access_record(
        actor,
        Appointment.objects.filter(kind=AppointmentKind.MEDICINE.value)
        .exclude(status=AppointmentStatus.CANCELLED.value)
        .select_related("location", "room"),
        appointment_id,
        SESSION,
        action=action,
        detail=f"medicine:{detail}",
    )


def access_for_change(
    actor: Actor, appointment_id: int, what: str, roles: frozenset[Role] = SESSION_WRITERS
) -> tuple[Appointment, Client]:
    appointment, client = access_medicine_record(
        actor, appointment_id, action=AuditAction.CREATE, detail=what
    )
    if not actor.roles & roles:
        raise refuse_change(
            actor, client_id=client.pk, category=SESSION, detail=f"create:medicine:{what}"
        )
    return appointment, client
