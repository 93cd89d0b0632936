"""API shapes for plans, consents, clearances, dose orders and appointments.

A stable contract (issue 3): keep these names, add freely. Times are ISO-8601 with an
offset (a time without one is refused with 422); dates are ``YYYY-MM-DD``.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, cast

from ninja import Field, Schema
from pydantic import AfterValidator

from kapcare.core.api_errors import ViolationOut
from kapcare.core.api_fields import Instant, RecordId
from kapcare.pathway.models import Clearance, Consent, DoseOrder, TreatmentPlan
from kapcare.pathway.vocabulary import (
    ClearanceStatus,
    ConsentKind,
    OrderableRoute,
    PlanFormat,
    PlanStatus,
    TreatmentModality,
)
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.rules import AppointmentKind, AppointmentStatus, Modality


def _upper(value: str) -> str:
    return value.strip().upper()


# Checked by the rules (``appointment.client_location_state_invalid``), not here, so the
# person booking gets the same plain explanation everywhere.
StateAttested = Annotated[str, Field(max_length=2), AfterValidator(_upper)]
Milligrams = Annotated[Decimal, Field(gt=0, max_digits=6, decimal_places=2)]
Version = Annotated[str, Field(min_length=1, max_length=40)]


class PlanIn(Schema):
    format: PlanFormat
    status: PlanStatus
    modalities: list[TreatmentModality] = Field(min_length=1, max_length=3)
    relational_goals: str | None = Field(None, max_length=5000)
    planned_preparation_count: int | None = Field(None, ge=0, le=50)


class PlanOut(Schema):
    id: int
    client: int
    format: PlanFormat
    status: PlanStatus
    modalities: list[TreatmentModality]
    relational_goals: str
    planned_preparation_count: int | None
    updated_at: dt.datetime

    @staticmethod
    def of(plan: TreatmentPlan) -> "PlanOut":
        return PlanOut(
            id=plan.pk,
            client=plan.client_id,
            format=PlanFormat(plan.format),
            status=PlanStatus(plan.status),
            modalities=plan.modalities,
            relational_goals=plan.relational_goals,
            planned_preparation_count=plan.planned_preparation_count,
            updated_at=plan.updated_at,
        )


class ConsentIn(Schema):
    kind: ConsentKind
    signed_on: dt.date
    version: Version


class ConsentOut(Schema):
    id: int
    client: int
    kind: ConsentKind
    version: str
    signed_on: dt.date
    revoked_on: dt.date | None

    @staticmethod
    def of(consent: Consent) -> "ConsentOut":
        return ConsentOut(
            id=consent.pk,
            client=consent.client_id,
            kind=ConsentKind(consent.kind),
            version=consent.version,
            signed_on=consent.signed_on,
            revoked_on=consent.revoked_on,
        )


class ConsentRevokeIn(Schema):
    revoked_on: dt.date


ContraindicationCode = Annotated[str, Field(min_length=1, max_length=80)]
Justification = Annotated[str, Field(max_length=2000)]


class ClearanceIn(Schema):
    status: ClearanceStatus
    valid_until: dt.date
    note: str = Field("", max_length=2000)
    justifications: dict[ContraindicationCode, Justification] = Field(
        default_factory=dict,
        max_length=40,
        description=(
            "For `cleared`: a written justification per relative contraindication the latest "
            'medical screening found, by its code (e.g. `{"contraindication.cystitis": '
            '"Urology review: resolved."}`). A missing one is refused with '
            "`clearance.justification_required`."
        ),
    )


class ClearanceOut(Schema):
    id: int
    client: int
    status: ClearanceStatus
    valid_until: dt.date
    note: str
    recorded_at: dt.datetime

    @staticmethod
    def of(clearance: Clearance) -> "ClearanceOut":
        return ClearanceOut(
            id=clearance.pk,
            client=clearance.client_id,
            status=ClearanceStatus(clearance.status),
            valid_until=clearance.valid_until,
            note=clearance.note,
            recorded_at=clearance.recorded_at,
        )


class DoseOrderIn(Schema):
    route: OrderableRoute
    dose_mg: Milligrams
    max_dose_mg: Milligrams
    active_from: dt.date | None = None
    active_to: dt.date | None = None


class DoseOrderOut(Schema):
    id: int
    client: int
    route: OrderableRoute
    dose_mg: Decimal
    max_dose_mg: Decimal
    active_from: dt.date
    active_to: dt.date | None

    @staticmethod
    def of(order: DoseOrder) -> "DoseOrderOut":
        return DoseOrderOut(
            id=order.pk,
            client=order.client_id,
            route=cast(OrderableRoute, order.route),
            dose_mg=order.dose_mg,
            max_dose_mg=order.max_dose_mg,
            active_from=order.active_from,
            active_to=order.active_to,
        )


class FollowUpIn(Schema):
    """The integration session booked with a medicine session (no client: the same one)."""

    kind: AppointmentKind
    modality: Modality
    start: Instant
    end: Instant
    location: RecordId | None = None
    room: RecordId | None = None
    staff: list[RecordId] = Field(max_length=10)
    client_location_state: StateAttested | None = None


class AppointmentIn(FollowUpIn):
    client: RecordId
    follow_up: FollowUpIn | None = None


class CheckOut(Schema):
    ok: bool
    violations: list[ViolationOut]


class AppointmentOut(Schema):
    id: int
    client: int
    kind: AppointmentKind
    modality: Modality
    start: dt.datetime
    end: dt.datetime
    location: int | None
    room: int | None
    staff: list[int]
    status: AppointmentStatus
    status_reason: str
    client_location_state: str | None
    follow_up_of: int | None

    @staticmethod
    def of(appointment: Appointment) -> "AppointmentOut":
        """Needs ``staff_links`` prefetched (or it costs a query per appointment)."""
        return AppointmentOut(
            id=appointment.pk,
            client=appointment.client_id,
            kind=AppointmentKind(appointment.kind),
            modality=Modality(appointment.modality),
            start=appointment.start,
            end=appointment.end,
            location=appointment.location_id,
            room=appointment.room_id,
            staff=sorted(link.staff_id for link in appointment.staff_links.all()),
            status=AppointmentStatus(appointment.status),
            status_reason=appointment.status_reason,
            client_location_state=appointment.client_location_state or None,
            follow_up_of=appointment.follow_up_of_id,
        )


class BookedOut(Schema):
    appointment: AppointmentOut
    follow_up: AppointmentOut | None


class RescheduleIn(Schema):
    """Where and when to move a booked appointment; a field left out keeps its value.

    ``location`` and ``room`` may be sent as null (no location, no room: telehealth).
    """

    start: Instant | None = None
    end: Instant | None = None
    location: RecordId | None = None
    room: RecordId | None = None
    staff: list[RecordId] | None = Field(None, max_length=10)


class StatusIn(Schema):
    status: AppointmentStatus
    reason: str = Field("", max_length=200)
