"""Appointment and Encounter: sessions booked and sessions held (the ``schedule`` category).

An Encounter exists for an appointment that was held: marked completed, or with a
medicine-session record. Both carry the appointment's id.
"""

from collections.abc import Sequence
from typing import Any

from kapcare.interop.fhir.codes import ACT_CODE, KAPCARE_APPOINTMENT_KIND, coding, instant, ref
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import KIND_LABELS, AppointmentKind, AppointmentStatus, Modality

APPOINTMENT_STATUS = {
    AppointmentStatus.BOOKED: "booked",
    AppointmentStatus.COMPLETED: "fulfilled",
    AppointmentStatus.CANCELLED: "cancelled",
    AppointmentStatus.NO_SHOW: "noshow",
}


def _kind(appointment: Appointment) -> dict[str, Any]:
    label = KIND_LABELS[AppointmentKind(appointment.kind)]
    return {"coding": [coding(KAPCARE_APPOINTMENT_KIND, appointment.kind, label)], "text": label}


def _is_telehealth(appointment: Appointment) -> bool:
    return bool(appointment.modality == Modality.TELEHEALTH)


def appointment(appointment: Appointment, staff_ids: Sequence[int]) -> dict[str, Any]:
    participants: list[dict[str, Any]] = [
        {
            "actor": ref("Patient", appointment.client_id),
            "required": "required",
            "status": "accepted",
        }
    ]
    participants += [
        {"actor": ref("Practitioner", staff_id), "required": "required", "status": "accepted"}
        for staff_id in sorted(staff_ids)
    ]
    if appointment.location_id is not None:
        participants.append(
            {"actor": ref("Location", appointment.location_id), "status": "accepted"}
        )
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": str(appointment.pk),
        "status": APPOINTMENT_STATUS[AppointmentStatus(appointment.status)],
        "serviceType": [_kind(appointment)],
        "start": instant(appointment.start),
        "end": instant(appointment.end),
        "participant": participants,
    }
    if _is_telehealth(appointment):
        resource["serviceCategory"] = [{"text": "Telehealth"}]
    if appointment.status == AppointmentStatus.CANCELLED:
        resource["cancelationReason"] = {"text": "Cancelled"}
    return resource


def is_encounter(appointment: Appointment, *, has_medicine_record: bool) -> bool:
    """Whether the appointment was held, so that it is also an Encounter."""
    return appointment.status == AppointmentStatus.COMPLETED or has_medicine_record


def encounter(appointment: Appointment, staff_ids: Sequence[int]) -> dict[str, Any]:
    virtual = _is_telehealth(appointment)
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": str(appointment.pk),
        "status": "finished"
        if appointment.status == AppointmentStatus.COMPLETED
        else "in-progress",
        "class": coding(
            ACT_CODE, "VR" if virtual else "AMB", "virtual" if virtual else "ambulatory"
        ),
        "serviceType": _kind(appointment),
        "subject": ref("Patient", appointment.client_id),
        "participant": [
            {"individual": ref("Practitioner", staff_id)} for staff_id in sorted(staff_ids)
        ],
        "appointment": [ref("Appointment", appointment.pk)],
        "period": {"start": instant(appointment.start), "end": instant(appointment.end)},
    }
    if appointment.location_id is not None:
        resource["location"] = [{"location": ref("Location", appointment.location_id)}]
    return resource
