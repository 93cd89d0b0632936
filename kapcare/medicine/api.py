"""/api/v1/appointments/{id}/medicine-record and /api/v1/clients/{id}/medical-screenings.

Thin: everything goes through ``medicine.services``. A refusal by the rules answers
422 ``{"detail", "violations": [{"rule", "message", "subject"}]}`` listing every
reason; a record the caller may not see answers 404, a change their role may not
make 403.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Status

from kapcare.core import clock
from kapcare.core.api_errors import WRITE_ERRORS, ViolationsOut, error_responses
from kapcare.core.api_fields import FILLED, Text
from kapcare.core.api_schema import Schema
from kapcare.core.errors import FieldError
from kapcare.core.practice_overrides import overrides_schema
from kapcare.medicine import services
from kapcare.medicine.practice_settings import SETTING_NAMES, SETTING_SCHEMAS, setting_rows
from kapcare.medicine.schemas import (
    AdverseEventIn,
    AdverseEventOut,
    ChecklistIn,
    DischargeIn,
    DoseIn,
    DoseOut,
    MedicineAddendumIn,
    MedicineAddendumOut,
    ObservationIn,
    ObservationOut,
    RecordOut,
    SignIn,
    TherapistNoteIn,
    VitalsIn,
)
from kapcare.medicine.services import settings as settings_services
from kapcare.people.access import Actor, staff_actor

router = Router(tags=["medicine"])

RULE_ERRORS = {**WRITE_ERRORS, 422: ViolationsOut}
RECORD = "/appointments/{int:medicine_appointment_id}/medicine-record"


def _record(actor: Actor, medicine_appointment_id: int) -> RecordOut:
    """The record after a change (the change's own audit row covers this read)."""
    view = services.get_record(
        actor=actor, appointment_id=medicine_appointment_id, now=clock.now(), detail="after_change"
    )
    return RecordOut.of(view)


@router.get(RECORD, response={200: RecordOut, **error_responses(401, 404, 422)})
def get_medicine_record(request: HttpRequest, medicine_appointment_id: int) -> RecordOut:
    """The medicine-session record of a medicine appointment, with `alerts` (out-of-range
    vitals), what is due next, what still stops a dose or a discharge, signatures and the
    billable CPT 0820T/0821T/0822T units. Front desk and privacy officer: 404."""
    view = services.get_record(
        actor=staff_actor(request),
        appointment_id=medicine_appointment_id,
        now=clock.now(),
        detail="api:read",
    )
    return RecordOut.of(view)


@router.put(f"{RECORD}/checklist", response={200: RecordOut, **RULE_ERRORS})
def put_medicine_checklist(
    request: HttpRequest, medicine_appointment_id: int, payload: ChecklistIn
) -> RecordOut:
    """Save the pre-dose checklist. It may stay incomplete; `checklist.missing` says what a
    dose still needs (consent and preparation come from the record)."""
    actor = staff_actor(request)
    services.save_checklist(
        actor=actor,
        appointment_id=medicine_appointment_id,
        checklist=services.ChecklistInput(
            identity_confirmed=payload.identity_confirmed,
            fasting_confirmed=payload.fasting_confirmed,
            escort_name=payload.escort_name,
            no_driving_agreed=payload.no_driving_agreed,
            intention=payload.intention,
            todays_measures_done=payload.todays_measures_done,
            last_food_at=payload.last_food_at,
            last_liquids_at=payload.last_liquids_at,
        ),
        now=clock.now(),
    )
    return _record(actor, medicine_appointment_id)


@router.post(f"{RECORD}/vitals", response={201: RecordOut, **RULE_ERRORS})
def post_medicine_vitals(
    request: HttpRequest, medicine_appointment_id: int, payload: VitalsIn
) -> Status[RecordOut]:
    """Record vital signs (the time may be in the past, never in the future). Out-of-range
    values are recorded as alerts and listed in the answer's `alerts`."""
    actor = staff_actor(request)
    services.record_vitals(
        actor=actor,
        appointment_id=medicine_appointment_id,
        at=payload.at,
        systolic=payload.systolic,
        diastolic=payload.diastolic,
        heart_rate=payload.heart_rate,
        spo2=payload.spo2,
        now=clock.now(),
    )
    return Status(201, _record(actor, medicine_appointment_id))


@router.post(f"{RECORD}/predose-acknowledgement", response={200: RecordOut, **RULE_ERRORS})
def acknowledge_medicine_predose(request: HttpRequest, medicine_appointment_id: int) -> RecordOut:
    """A medical provider acknowledges the latest pre-dose reading at or above 140/90 (below
    the hold level, which nothing lifts)."""
    actor = staff_actor(request)
    services.acknowledge_predose(
        actor=actor, appointment_id=medicine_appointment_id, now=clock.now()
    )
    return _record(actor, medicine_appointment_id)


@router.post(f"{RECORD}/doses", response={201: DoseOut, **RULE_ERRORS})
def post_medicine_dose(
    request: HttpRequest, medicine_appointment_id: int, payload: DoseIn
) -> Status[DoseOut]:
    """Record a dose given (monitor or medical provider). Refused with every reason: no
    active order (`dose.no_active_order`), above its maximum counting earlier doses
    (`dose.exceeds_order`), checklist incomplete, preparation incomplete, or a pre-dose
    vitals hold."""
    dose = services.record_dose(
        actor=staff_actor(request),
        appointment_id=medicine_appointment_id,
        at=payload.at,
        route=payload.route,
        dose_mg=payload.dose_mg,
        lot=payload.lot,
        administered_by_id=payload.administered_by,
        now=clock.now(),
    )
    return Status(
        201,
        DoseOut(
            id=dose.pk,
            at=dose.at,
            route=payload.route,
            dose_mg=dose.dose_mg,
            lot=dose.lot,
            administered_by=dose.administered_by_id,
            order=dose.order_id,
        ),
    )


@router.post(f"{RECORD}/observations", response={201: ObservationOut, **RULE_ERRORS})
def post_medicine_observation(
    request: HttpRequest, medicine_appointment_id: int, payload: ObservationIn
) -> Status[ObservationOut]:
    """Record dissociation (0-10), sedation (MOAA/S 0-5), an observation or what emerged."""
    saved = services.record_observation(
        actor=staff_actor(request),
        appointment_id=medicine_appointment_id,
        at=payload.at,
        dissociation=payload.dissociation,
        sedation=payload.sedation,
        note=payload.note,
        emerged=payload.emerged,
        now=clock.now(),
    )
    return Status(
        201,
        ObservationOut(
            id=saved.pk,
            at=saved.at,
            dissociation=saved.dissociation,
            sedation=saved.sedation,
            note=saved.note,
            emerged=saved.emerged,
        ),
    )


@router.post(f"{RECORD}/adverse-events", response={201: AdverseEventOut, **RULE_ERRORS})
def post_medicine_adverse_event(
    request: HttpRequest, medicine_appointment_id: int, payload: AdverseEventIn
) -> Status[AdverseEventOut]:
    """Record an adverse event. A serious one flags the chart and e-mails the client's
    medical provider(s) (no client data in the e-mail)."""
    event = services.record_adverse_event(
        actor=staff_actor(request),
        appointment_id=medicine_appointment_id,
        at=payload.at,
        kind=payload.kind,
        severity=payload.severity,
        action=payload.action,
        provider_notified=payload.provider_notified,
        now=clock.now(),
    )
    return Status(
        201,
        AdverseEventOut(
            id=event.pk,
            at=event.at,
            kind=payload.kind,
            severity=payload.severity,
            action=event.action,
            provider_notified=event.provider_notified,
            serious=event.serious,
            notification_sent_at=event.notification_sent_at,
        ),
    )


@router.post(f"{RECORD}/discharge", response={200: RecordOut, **RULE_ERRORS})
def post_medicine_discharge(
    request: HttpRequest, medicine_appointment_id: int, payload: DischargeIn
) -> RecordOut:
    """Discharge the client, or 422 listing every reason not to yet
    (`discharge.min_monitoring`, `discharge.vitals_out_of_range`, `discharge.vitals_not_recent`,
    `discharge.not_oriented`, `discharge.unsteady_gait`, `discharge.escort_missing`)."""
    actor = staff_actor(request)
    services.record_discharge(
        actor=actor,
        appointment_id=medicine_appointment_id,
        at=payload.at,
        alert_oriented=payload.alert_oriented,
        steady_gait=payload.steady_gait,
        escort_present=payload.escort_present,
        now=clock.now(),
    )
    return _record(actor, medicine_appointment_id)


@router.put(f"{RECORD}/note", response={200: RecordOut, **RULE_ERRORS})
def put_therapist_note(
    request: HttpRequest, medicine_appointment_id: int, payload: TherapistNoteIn
) -> RecordOut:
    """Save the therapist's note of the session (the whole text; therapists only, 403 to
    others on the care team). Refused with `record.locked` once the record is signed."""
    actor = staff_actor(request)
    services.save_therapist_note(
        actor=actor, appointment_id=medicine_appointment_id, text=payload.text, now=clock.now()
    )
    return _record(actor, medicine_appointment_id)


@router.post(f"{RECORD}/sign", response={200: RecordOut, **RULE_ERRORS})
def sign_medicine_record(
    request: HttpRequest, medicine_appointment_id: int, payload: SignIn
) -> RecordOut:
    """Sign the record (after discharge), confirming it with the signer's password.

    The first signature locks it; monitor and therapist sign, the medical provider
    co-signs when a dose or adverse event is recorded. A wrong password is a 422 on
    `password` (audited); nothing is signed.
    """
    actor = staff_actor(request)
    services.sign_record(
        actor=actor,
        appointment_id=medicine_appointment_id,
        password=payload.password,
        role=payload.role,
        now=clock.now(),
    )
    return _record(actor, medicine_appointment_id)


@router.post(f"{RECORD}/addenda", response={201: MedicineAddendumOut, **RULE_ERRORS})
def post_medicine_addendum(
    request: HttpRequest, medicine_appointment_id: int, payload: MedicineAddendumIn
) -> Status[MedicineAddendumOut]:
    """Amend a signed (locked) record with an addendum."""
    addendum = services.add_addendum(
        actor=staff_actor(request),
        appointment_id=medicine_appointment_id,
        text=payload.text,
        now=clock.now(),
    )
    return Status(
        201,
        MedicineAddendumOut(
            id=addendum.pk,
            text=addendum.text,
            written_by=addendum.written_by_id,
            written_at=addendum.written_at,
        ),
    )


# --- practice medicine settings ------------------------------------------------------


class MedicineSettingOut(Schema):
    name: str
    label: str
    value: int
    default: int
    source: str
    overridden: bool


class MedicineSettingsOut(Schema):
    settings: list[MedicineSettingOut]
    may_change: bool


class MedicineSettingsIn(Schema):
    overrides: dict[Text, Any] = Field(
        default_factory=dict,
        description=f"Setting name to a whole number (null: back to the default). Names: "
        f"{', '.join(SETTING_NAMES)}",
        json_schema_extra=overrides_schema(SETTING_SCHEMAS),
    )
    reason: Annotated[Text, FILLED] = Field(
        ..., min_length=1, max_length=200, description="Why (kept as the source)"
    )


def _settings_out(actor: Actor) -> MedicineSettingsOut:
    stored = settings_services.get_settings(actor.practice_id)
    return MedicineSettingsOut(
        settings=[MedicineSettingOut(**vars(row)) for row in setting_rows(stored.overrides)],
        may_change=settings_services.may_change_medicine_settings(actor.roles),
    )


@router.get(
    "/practice/medicine-settings",
    response={200: MedicineSettingsOut, **error_responses(401, 404)},
    operation_id="get_medicine_settings",
)
def get_medicine_settings(request: HttpRequest) -> MedicineSettingsOut:
    """The medicine-session thresholds in force for the practice, their defaults and sources."""
    return _settings_out(staff_actor(request))


@router.put(
    "/practice/medicine-settings",
    response={200: MedicineSettingsOut, **WRITE_ERRORS},
    operation_id="put_medicine_settings",
)
def put_medicine_settings(request: HttpRequest, payload: MedicineSettingsIn) -> MedicineSettingsOut:
    """Change medicine-session thresholds (medical providers); audited, the reason is the source.

    Only the names sent change; `null` returns a setting to its default. A bad value is a
    422 naming the setting, and nothing is saved.
    """
    actor = staff_actor(request)
    if len(payload.overrides) > len(SETTING_NAMES):
        raise FieldError("overrides", "Too many settings.")
    settings_services.update_settings(
        actor=actor, values=payload.overrides, reason=payload.reason, now=clock.now()
    )
    return _settings_out(actor)
