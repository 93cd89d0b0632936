"""The chart's list of a client's medicine sessions and serious adverse events."""

from dataclasses import dataclass

from kapcare.medicine.access import (
    SESSION,
)
from kapcare.medicine.models import (
    AdverseEvent,
    MedicineSession,
)
from kapcare.medicine.vocabulary import AdverseEventSeverity
from kapcare.people.access import Actor, access_client
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus


@dataclass(frozen=True)
class SessionRow:
    appointment: Appointment
    session: MedicineSession | None

    @property
    def state(self) -> str:
        s = self.session
        if s is None:
            return "Not started"
        if s.completed_at is not None:
            return "Signed and complete"
        if s.locked_at is not None:
            return "Signed, awaiting co-signature"
        if s.discharged_at is not None:
            return "Discharged, to sign"
        return "In progress"


def list_medicine_sessions(
    *, actor: Actor, client_id: int
) -> tuple[list[SessionRow], list[AdverseEvent]]:
    """The client's medicine appointments with their records, and serious adverse events."""
    client = access_client(actor, client_id, SESSION, detail="medicine:list")
    appointments = list(
        Appointment.objects.filter(client=client, kind=AppointmentKind.MEDICINE.value)
        .exclude(status=AppointmentStatus.CANCELLED.value)
        .select_related("location", "medicine_record")
        .order_by("-start", "-id")
    )
    serious = list(
        AdverseEvent.objects.filter(
            session__client=client, severity=AdverseEventSeverity.SERIOUS.value
        )
        .select_related("session")
        .order_by("-at")
    )
    rows = [SessionRow(a, getattr(a, "medicine_record", None)) for a in appointments]
    return rows, serious
