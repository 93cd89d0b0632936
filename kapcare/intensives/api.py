"""/api/v1/intensives/...: templates, clients' intensive plans, planning and booking.

Thin: clients are reached through ``people.access``, every change goes through
``intensives.services``; this module only translates shapes.
"""

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.api_errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, ViolationsOut
from kapcare.core.ids import is_record_id
from kapcare.core.pagination import Page, PageQuery, page_of
from kapcare.core.violations import Refused
from kapcare.intensives import services
from kapcare.intensives.models import IntensivePlan, PatternTemplate
from kapcare.intensives.schemas import (
    BookedIntensivesOut,
    IntensivePlanIn,
    IntensivePlanOut,
    PlanRequestIn,
    ProposalIn,
    ProposalOut,
    TemplateIn,
    TemplateOut,
)
from kapcare.people.access import access_client, deny, staff_actor, staff_of
from kapcare.people.policy import Category
from kapcare.scheduling.api.appointments import booking_request
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.requests import AppointmentRequest
from kapcare.scheduling.schemas import AppointmentIn, AppointmentOut, FollowUpIn

router = Router(tags=["intensives"])


@router.get("/intensives/templates", response={200: Page[TemplateOut], **LIST_ERRORS})
def list_templates(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, object]:
    """The practice's pattern templates, by name."""
    staff = staff_of(staff_actor(request), Category.SCHEDULE)
    items, count = page_of(PatternTemplate.objects.filter(practice=staff.practice_id), paging)
    return {"items": [TemplateOut.of(t) for t in items], "count": count}


@router.post("/intensives/templates", response={201: TemplateOut, **WRITE_ERRORS})
def post_template(request: HttpRequest, payload: TemplateIn) -> Status[TemplateOut]:
    """Add a pattern template to the practice (front desk and clinicians)."""
    template = services.record_template(
        actor=staff_actor(request), name=payload.name, pattern=payload.pattern, now=clock.now()
    )
    return Status(201, TemplateOut.of(template))


def _template(request: HttpRequest, template_id: int) -> PatternTemplate:
    """One of the practice's templates (404 otherwise; templates hold no client data)."""
    staff = staff_of(staff_actor(request), Category.SCHEDULE)
    found = (
        PatternTemplate.objects.filter(pk=template_id, practice_id=staff.practice_id).first()
        if is_record_id(template_id)
        else None
    )
    if found is None:
        raise Http404
    return found


@router.get("/intensives/templates/{int:template_id}", response={200: TemplateOut, **READ_ERRORS})
def get_template(request: HttpRequest, template_id: int) -> TemplateOut:
    """One pattern template of the practice."""
    return TemplateOut.of(_template(request, template_id))


@router.put("/intensives/templates/{int:template_id}", response={200: TemplateOut, **WRITE_ERRORS})
def put_template(request: HttpRequest, template_id: int, payload: TemplateIn) -> TemplateOut:
    """Change a pattern template: its name and days. Clients' plans made from it keep
    their own copy of the pattern (a plan is changed on its own)."""
    template = services.record_template(
        actor=staff_actor(request),
        name=payload.name,
        pattern=payload.pattern,
        now=clock.now(),
        template_id=_template(request, template_id).pk,
    )
    return TemplateOut.of(template)


def _plan(client_id: int) -> IntensivePlan | None:
    return (
        IntensivePlan.objects.filter(client_id=client_id)
        .prefetch_related("preferred_clinicians")
        .first()
    )


@router.get(
    "/clients/{int:client_id}/intensive-plan", response={200: IntensivePlanOut, **READ_ERRORS}
)
def get_intensive_plan(request: HttpRequest, client_id: int) -> IntensivePlanOut:
    """The client's intensive plan (404 when there is none, or it is not yours to see)."""
    actor = staff_actor(request)
    plan = _plan(client_id) if is_record_id(client_id) else None
    if plan is None:
        # Like a missing record: refused before the client is read (audited).
        raise deny(
            actor,
            client_id=client_id,
            category=Category.SCHEDULE,
            action=AuditAction.READ,
            detail="intensive_plan",
        )
    access_client(actor, client_id, Category.SCHEDULE, detail="api:intensive_plan")
    return IntensivePlanOut.of(plan)


@router.put(
    "/clients/{int:client_id}/intensive-plan", response={200: IntensivePlanOut, **WRITE_ERRORS}
)
def put_intensive_plan(
    request: HttpRequest, client_id: int, payload: IntensivePlanIn
) -> IntensivePlanOut:
    """Set the client's intensive plan: its pattern (or a template's), approved dosing days
    (medical providers only), preferred clinicians, earliest start and end-of-day wish."""
    plan = services.record_intensive_plan(
        actor=staff_actor(request),
        client_id=client_id,
        earliest_start=payload.earliest_start,
        pattern=payload.pattern,
        template_id=payload.template,
        approved_dosing_days=payload.approved_dosing_days,
        preferred_clinicians=payload.preferred_clinicians,
        day_ends_by=payload.day_ends_by,
        virtual_location_state=payload.virtual_location_state,
        now=clock.now(),
    )
    return IntensivePlanOut.of(plan)


def proposal_item(request: AppointmentRequest) -> AppointmentIn:
    follow = request.follow_up
    return AppointmentIn(
        client=request.client_id,
        kind=request.kind,
        modality=request.modality,
        start=request.start,
        end=request.end,
        location=request.location_id,
        room=request.room_id,
        staff=list(request.staff_ids),
        client_location_state=request.client_location_state,
        follow_up=(
            FollowUpIn(
                kind=follow.kind,
                modality=follow.modality,
                start=follow.start,
                end=follow.end,
                location=follow.location_id,
                room=follow.room_id,
                staff=list(follow.staff_ids),
                client_location_state=follow.client_location_state,
            )
            if follow is not None
            else None
        ),
    )


@router.post(
    "/intensives/plan",
    response={200: ProposalOut, **WRITE_ERRORS, 422: ViolationsOut},
)
def plan_intensives(request: HttpRequest, payload: PlanRequestIn) -> ProposalOut:
    """The best schedule for these clients' intensives (their plans supply the days,
    durations, dosing days and preferences), or 422 with every reason none exists.

    Each appointment has the shape of a ``POST /api/v1/appointments`` body (a medicine
    session carries its integration as ``follow_up``). Nothing is booked.
    """
    outcome = services.plan_for_clients(
        actor=staff_actor(request),
        client_ids=payload.clients,
        days=payload.days,
        earliest_start=payload.earliest_start,
    )
    if isinstance(outcome, list):
        raise Refused(outcome)
    return ProposalOut(appointments=[proposal_item(r) for r in outcome.requests])


@router.post(
    "/intensives/book",
    response={201: BookedIntensivesOut, **WRITE_ERRORS, 409: ViolationsOut, 422: ViolationsOut},
)
def book_intensives(request: HttpRequest, payload: ProposalIn) -> Status[BookedIntensivesOut]:
    """Book a proposal atomically: every appointment under the rules of a booking by hand,
    all or nothing. 422 lists the reasons (``subject`` names the appointment, e.g.
    ``appointments[2]``); 409 means someone took a slot a moment ago. Nothing is booked
    then."""
    booked = services.book_intensives(
        actor=staff_actor(request),
        requests=[booking_request(item) for item in payload.appointments],
        now=clock.now(),
    )
    ids = [a.pk for b in booked for a in (b.appointment, b.follow_up) if a is not None]
    saved = {
        a.pk: a for a in Appointment.objects.filter(pk__in=ids).prefetch_related("staff_links")
    }
    return Status(201, BookedIntensivesOut(appointments=[AppointmentOut.of(saved[i]) for i in ids]))
