"""/api/v1/clients/{id}/plan|consents|medical-screenings|clearances|dose-orders and
/api/v1/consents/{id}/revoke.

Thin: clients are reached through ``people.access`` and every change goes through
``pathway.services``; this module only translates shapes. The operation ids are the
ones these endpoints had before they moved here (generated clients name methods after
them).
"""

from django.http import HttpRequest
from ninja import Query, Router, Status

from kapcare.core import clock
from kapcare.core.api_errors import LIST_ERRORS, WRITE_ERRORS
from kapcare.core.pagination import Page, PageQuery
from kapcare.pathway import services
from kapcare.pathway.schemas import (
    ClearanceIn,
    ClearanceOut,
    ConsentIn,
    ConsentOut,
    ConsentRevokeIn,
    DoseOrderIn,
    DoseOrderOut,
    PlanIn,
    PlanOut,
    ScreeningIn,
    ScreeningOut,
)
from kapcare.pathway.vocabulary import Answer, Route
from kapcare.people.access import staff_actor

router = Router(tags=["pathway"])


@router.put(
    "/clients/{int:client_id}/plan",
    response={200: PlanOut, **WRITE_ERRORS},
    operation_id="kapcare_scheduling_api_put_plan",
)
def put_plan(request: HttpRequest, client_id: int, payload: PlanIn) -> PlanOut:
    """Set the client's treatment plan; pausing needs no reason. Every change is kept."""
    plan = services.record_plan(
        actor=staff_actor(request),
        client_id=client_id,
        plan_format=payload.format,
        status=payload.status,
        modalities=payload.modalities,
        relational_goals=payload.relational_goals,
        planned_preparation_count=payload.planned_preparation_count,
        now=clock.now(),
    )
    return PlanOut.of(plan)


@router.post(
    "/clients/{int:client_id}/consents",
    response={201: ConsentOut, **WRITE_ERRORS},
    operation_id="kapcare_scheduling_api_post_consent",
)
def post_consent(request: HttpRequest, client_id: int, payload: ConsentIn) -> Status[ConsentOut]:
    """Record a signed consent (kap_informed_consent, telehealth or financial)."""
    consent = services.record_consent(
        actor=staff_actor(request),
        client_id=client_id,
        kind=payload.kind,
        version=payload.version,
        signed_on=payload.signed_on,
        now=clock.now(),
    )
    return Status(201, ConsentOut.of(consent))


@router.post(
    "/consents/{int:consent_id}/revoke",
    response={200: ConsentOut, **WRITE_ERRORS},
    operation_id="kapcare_scheduling_api_revoke_consent",
)
def revoke_consent(request: HttpRequest, consent_id: int, payload: ConsentRevokeIn) -> ConsentOut:
    """Date a consent's revocation (the consent is kept, never deleted)."""
    consent = services.revoke_consent(
        actor=staff_actor(request),
        consent_id=consent_id,
        revoked_on=payload.revoked_on,
        now=clock.now(),
    )
    return ConsentOut.of(consent)


@router.post(
    "/clients/{int:client_id}/clearances",
    response={201: ClearanceOut, **WRITE_ERRORS},
    operation_id="kapcare_scheduling_api_post_clearance",
)
def post_clearance(
    request: HttpRequest, client_id: int, payload: ClearanceIn
) -> Status[ClearanceOut]:
    """Record a medical clearance decision (medical providers only).

    `cleared` rests on the latest medical screening: refused (422, every reason) without
    one, while an absolute contraindication stands or an item is unknown, and without a
    justification for each relative contraindication found.
    """
    clearance = services.record_clearance(
        actor=staff_actor(request),
        client_id=client_id,
        status=payload.status,
        valid_until=payload.valid_until,
        note=payload.note,
        now=clock.now(),
        justifications=payload.justifications,
    )
    return Status(201, ClearanceOut.of(clearance))


@router.post(
    "/clients/{int:client_id}/dose-orders",
    response={201: DoseOrderOut, **WRITE_ERRORS},
    operation_id="kapcare_scheduling_api_post_dose_order",
)
def post_dose_order(
    request: HttpRequest, client_id: int, payload: DoseOrderIn
) -> Status[DoseOrderOut]:
    """Write a dose order (medical providers only); active from today unless dated."""
    order = services.record_dose_order(
        actor=staff_actor(request),
        client_id=client_id,
        route=Route(payload.route),
        dose_mg=payload.dose_mg,
        max_dose_mg=payload.max_dose_mg,
        active_from=payload.active_from,
        active_to=payload.active_to,
        now=clock.now(),
    )
    return Status(201, DoseOrderOut.of(order))


@router.post(
    "/clients/{int:client_id}/medical-screenings",
    response={201: ScreeningOut, **WRITE_ERRORS},
    operation_id="kapcare_medicine_api_post_medical_screening",
)
def post_medical_screening(
    request: HttpRequest, client_id: int, payload: ScreeningIn
) -> Status[ScreeningOut]:
    """Record a new version of the client's medical screening (medical providers) and
    answer its evaluation: absolute and relative findings, and what is still unknown."""
    record, evaluation = services.record_screening(
        actor=staff_actor(request),
        client_id=client_id,
        data=services.ScreeningInput(
            answers={code: (Answer(a.answer), a.notes) for code, a in payload.answers.items()},
            pregnancy_status=payload.pregnancy_status,
            history=payload.history,
            medications=payload.medications,
            baseline_systolic=payload.baseline_systolic,
            baseline_diastolic=payload.baseline_diastolic,
            baseline_heart_rate=payload.baseline_heart_rate,
            baseline_spo2=payload.baseline_spo2,
            baseline_weight_kg=payload.baseline_weight_kg,
        ),
        now=clock.now(),
    )
    return Status(201, ScreeningOut.of(record, evaluation))


@router.get(
    "/clients/{int:client_id}/medical-screenings",
    response={200: Page[ScreeningOut], **LIST_ERRORS},
    operation_id="kapcare_medicine_api_list_medical_screenings",
)
def list_medical_screenings(
    request: HttpRequest, client_id: int, page: Query[PageQuery]
) -> dict[str, object]:
    """The client's medical screenings, newest version first, each with its evaluation
    (therapist and medical provider on the care team)."""
    items, count = services.list_screenings(
        actor=staff_actor(request), client_id=client_id, offset=page.offset, limit=page.limit
    )
    return {"items": [ScreeningOut.of(r, e) for r, e in items], "count": count}
