"""/api/v1/clients/{id}/plan|consents|medical-screenings|clearances|dose-orders|diagnoses,
the plan's problems, goals, interventions and reviews, /api/v1/consents/{id}/revoke,
/api/v1/diagnoses/{id}/resolve, /api/v1/plan-problems/{id} (reword, resolve) and
/api/v1/plan-interventions/{id}/end.

Thin: clients are reached through ``people.access`` and every change goes through
``pathway.services``; this module only translates shapes. The operation ids are the
ones these endpoints had before they moved here (generated clients name methods after
them).
"""

from django.http import HttpRequest
from ninja import Query, Router, Status

from kapcare.core import clock
from kapcare.core.api_errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from kapcare.core.pagination import Page, PageQuery
from kapcare.pathway import services
from kapcare.pathway.plan_schemas import (
    EndInterventionIn,
    GoalIn,
    GoalOut,
    GoalStatusIn,
    InterventionIn,
    InterventionOut,
    PlanDetailOut,
    ProblemIn,
    ProblemOut,
    ProblemRewordIn,
    ResolveProblemIn,
    ReviewIn,
    ReviewOut,
)
from kapcare.pathway.schemas import (
    ClearanceIn,
    ClearanceOut,
    ConsentIn,
    ConsentOut,
    ConsentRevokeIn,
    DiagnosisIn,
    DiagnosisOut,
    DiagnosisResolveIn,
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
        review_due_on=payload.review_due_on,
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


@router.get(
    "/clients/{int:client_id}/diagnoses",
    response={200: Page[DiagnosisOut], **LIST_ERRORS},
)
def list_diagnoses(request: HttpRequest, client_id: int) -> dict[str, object]:
    """The client's ICD-10-CM diagnoses (FHIR Condition), oldest first, all of them (a
    client has a handful): the list shape of every other list, ``items`` and ``count``."""
    items = [DiagnosisOut.of(d) for d in services.list_diagnoses(staff_actor(request), client_id)]
    return {"items": items, "count": len(items)}


@router.post(
    "/clients/{int:client_id}/diagnoses",
    response={201: DiagnosisOut, **WRITE_ERRORS},
)
def post_diagnosis(
    request: HttpRequest, client_id: int, payload: DiagnosisIn
) -> Status[DiagnosisOut]:
    """Record a diagnosis from the practice's ICD-10-CM list (therapist or medical provider)."""
    diagnosis = services.record_diagnosis(
        actor=staff_actor(request),
        client_id=client_id,
        code=payload.code,
        noted_on=payload.noted_on,
        now=clock.now(),
    )
    return Status(201, DiagnosisOut.of(diagnosis))


@router.post("/diagnoses/{int:diagnosis_id}/resolve", response={200: DiagnosisOut, **WRITE_ERRORS})
def resolve_diagnosis(
    request: HttpRequest, diagnosis_id: int, payload: DiagnosisResolveIn
) -> DiagnosisOut:
    """Date a diagnosis's resolution (therapist or medical provider); it is kept, never
    deleted. Refused (422, `resolved_on`) before the day it was noted, in the future, or
    when it is already resolved."""
    diagnosis = services.resolve_diagnosis(
        actor=staff_actor(request),
        diagnosis_id=diagnosis_id,
        resolved_on=payload.resolved_on,
        now=clock.now(),
    )
    return DiagnosisOut.of(diagnosis)


# --- the plan's problems, goals, interventions and signed reviews ------------------------


@router.get("/clients/{int:client_id}/plan", response={200: PlanDetailOut, **READ_ERRORS})
def get_plan(request: HttpRequest, client_id: int) -> PlanDetailOut:
    """The client's treatment plan with its problems, goals (each measurable one with its
    instrument's latest total), interventions and whether a review is due (`plan` is null
    before the plan is written)."""
    return PlanDetailOut.of(
        services.get_plan_detail(staff_actor(request), client_id, today=clock.today())
    )


@router.post("/clients/{int:client_id}/plan/problems", response={201: ProblemOut, **WRITE_ERRORS})
def post_plan_problem(
    request: HttpRequest, client_id: int, payload: ProblemIn
) -> Status[ProblemOut]:
    """Add a problem the plan addresses (therapist or medical provider on the care team;
    422 `plan` before the plan is written)."""
    problem = services.record_problem(
        actor=staff_actor(request),
        client_id=client_id,
        description=payload.description,
        now=clock.now(),
    )
    return Status(201, ProblemOut.of(problem))


@router.patch("/plan-problems/{int:problem_id}", response={200: ProblemOut, **WRITE_ERRORS})
def patch_plan_problem(
    request: HttpRequest, problem_id: int, payload: ProblemRewordIn
) -> ProblemOut:
    """Reword a problem still open (422 `description` once it is resolved); the wording
    it replaces is kept in `earlier_wordings`. Signed reviews are not changed."""
    problem = services.reword_problem(
        actor=staff_actor(request),
        problem_id=problem_id,
        description=payload.description,
        now=clock.now(),
    )
    return ProblemOut.of(problem)


@router.post("/plan-problems/{int:problem_id}/resolve", response={200: ProblemOut, **WRITE_ERRORS})
def resolve_plan_problem(
    request: HttpRequest, problem_id: int, payload: ResolveProblemIn
) -> ProblemOut:
    """Date a problem's resolution: once, on or after the day it was written, not in the
    future (422 `resolved_on`). The problem stays on the plan, resolved."""
    problem = services.resolve_problem(
        actor=staff_actor(request),
        problem_id=problem_id,
        resolved_on=payload.resolved_on,
        now=clock.now(),
    )
    return ProblemOut.of(problem)


def _goal_out(request: HttpRequest, client_id: int, goal_id: int) -> GoalOut:
    detail = services.get_plan_detail(
        staff_actor(request), client_id, today=clock.today(), detail="plan_goal"
    )
    return GoalOut.of(next(row for row in detail.goals if row.goal.pk == goal_id))


@router.post("/clients/{int:client_id}/plan/goals", response={201: GoalOut, **WRITE_ERRORS})
def post_plan_goal(request: HttpRequest, client_id: int, payload: GoalIn) -> Status[GoalOut]:
    """Add a goal; a measurable one names an instrument, a comparison and a target
    (`{"instrument": "PCL-5", "comparison": "below", "target": 33}`), all three or none
    (422 naming the missing one), and may target one of the instrument's subscales
    (`"subscale": "B"`: PCL-5 intrusion; 422 `subscale` for one it does not have)."""
    goal = services.record_goal(
        actor=staff_actor(request),
        client_id=client_id,
        goal=services.GoalIn(
            description=payload.description,
            problem_id=payload.problem,
            instrument=payload.instrument or "",
            subscale=payload.subscale or "",
            comparison=payload.comparison,
            target=payload.target,
            target_date=payload.target_date,
        ),
        now=clock.now(),
    )
    return Status(201, _goal_out(request, goal.client_id, goal.pk))


@router.patch("/plan-goals/{int:goal_id}", response={200: GoalOut, **WRITE_ERRORS})
def patch_plan_goal(request: HttpRequest, goal_id: int, payload: GoalStatusIn) -> GoalOut:
    """Mark a goal met, set it aside (`discontinued`) or take it up again (`active`)."""
    goal = services.change_goal_status(
        actor=staff_actor(request), goal_id=goal_id, status=payload.status, now=clock.now()
    )
    return _goal_out(request, goal.client_id, goal.pk)


@router.post(
    "/clients/{int:client_id}/plan/interventions",
    response={201: InterventionOut, **WRITE_ERRORS},
)
def post_plan_intervention(
    request: HttpRequest, client_id: int, payload: InterventionIn
) -> Status[InterventionOut]:
    """Add an intervention (kap, parts_work, emdr, relational or other), toward a goal
    or the plan as a whole."""
    row = services.record_intervention(
        actor=staff_actor(request),
        client_id=client_id,
        kind=payload.kind,
        description=payload.description,
        frequency=payload.frequency,
        goal_id=payload.goal,
        now=clock.now(),
    )
    return Status(201, InterventionOut.of(row))


@router.post(
    "/plan-interventions/{int:intervention_id}/end",
    response={200: InterventionOut, **WRITE_ERRORS},
)
def end_plan_intervention(
    request: HttpRequest, intervention_id: int, payload: EndInterventionIn
) -> InterventionOut:
    """Date the end of an intervention: once, on or after the day it was added, not in
    the future (422 `ended_on`). It stays on the plan, ended."""
    row = services.end_intervention(
        actor=staff_actor(request),
        intervention_id=intervention_id,
        ended_on=payload.ended_on,
        now=clock.now(),
    )
    return InterventionOut.of(row)


@router.get("/clients/{int:client_id}/plan/reviews", response={200: Page[ReviewOut], **LIST_ERRORS})
def list_plan_reviews(request: HttpRequest, client_id: int) -> dict[str, object]:
    """The plan's signed reviews, newest first, each with every goal's progress and its
    instrument's total when signed (all of them: a plan has a handful)."""
    detail = services.get_plan_detail(
        staff_actor(request), client_id, today=clock.today(), detail="plan_reviews"
    )
    return {"items": [ReviewOut.of(r) for r in detail.reviews], "count": len(detail.reviews)}


@router.post("/clients/{int:client_id}/plan/reviews", response={201: ReviewOut, **WRITE_ERRORS})
def post_plan_review(request: HttpRequest, client_id: int, payload: ReviewIn) -> Status[ReviewOut]:
    """Sign a review of the plan (locked once signed): every goal in progress judged
    (422 `goal_<id>` otherwise), the next review after this one. Each measurable goal
    keeps its instrument's latest total and whether it met the target."""
    review = services.sign_plan_review(
        actor=staff_actor(request),
        client_id=client_id,
        reviewed_on=payload.reviewed_on,
        next_review_on=payload.next_review_on,
        summary=payload.summary,
        judgements={
            j.goal: services.GoalJudgement(progress=j.progress, note=j.note) for j in payload.goals
        },
        now=clock.now(),
    )
    detail = services.get_plan_detail(
        staff_actor(request), client_id, today=clock.today(), detail="plan_review"
    )
    return Status(201, ReviewOut.of(next(r for r in detail.reviews if r.pk == review.pk)))
