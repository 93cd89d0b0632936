"""/api/v1/instruments (what can be scored, stateless scoring) and a client's measures.

Scoring stores nothing and reads no client record, so it is not audited; it
still needs a signed-in staff member or a staff member's token. Everything under
``/clients/{id}/`` goes through ``measures.access`` (reads) and ``measures.services``
(changes), which check the care team and write the audit trail.
"""

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Status

from kapcare.core import clock
from kapcare.core.api_errors import LIST_ERRORS, WRITE_ERRORS, ApiFieldError, error_responses
from kapcare.core.api_fields import Text
from kapcare.core.pagination import Page, PageQuery, page_of
from kapcare.measures import access, registry, services
from kapcare.measures.schemas import (
    AssignmentIn,
    AssignmentOut,
    FlagReviewIn,
    InstrumentList,
    InstrumentOut,
    LinkIn,
    LinkOut,
    LinkStatusOut,
    MeasureFilter,
    MeasureIn,
    MeasureOut,
    RiskFlagFilter,
    RiskFlagOut,
    ScoreIn,
    ScoreOut,
)
from kapcare.measures.scoring import AnswerError
from kapcare.people.access import NotFound, staff_actor

router = Router(tags=["measures"])


@router.get("/instruments", response={200: InstrumentList, **error_responses(401, 404)})
def list_instruments(request: HttpRequest) -> dict[str, object]:
    """Every instrument that can be scored: codes, names, item counts and sources."""
    staff_actor(request)
    items = [InstrumentOut.of(i) for i in registry.list_instruments()]
    return {"items": items, "count": len(items)}


@router.post(
    "/instruments/{code}/score",
    # 404: no instrument has the code.
    response={200: ScoreOut, **error_responses(400, 401, 404, 413, 415, 422)},
    exclude_unset=True,
)
def score_instrument(request: HttpRequest, code: Text, payload: ScoreIn) -> ScoreOut:
    """Score one set of answers (one per item, in the published order). Nothing is stored.

    A wrong number of answers, an answer off the item's scale or a missing required
    answer is a 422 naming the item (``answers.3`` is the fourth answer).
    """
    staff_actor(request)
    try:
        instrument = registry.get_instrument(code)
    except registry.UnknownInstrument:
        raise NotFound from None
    try:
        result = instrument.score(payload.answers)
    except AnswerError as exc:
        raise ApiFieldError(exc.field, exc.message) from None
    return ScoreOut.of(instrument, result)


# --- measures in care: a client's responses, risk flags, assignments and links ----------
# Responses and assignments are clinical (the care team's therapist and medical
# provider); risk flags are safety (the monitor sees them too), reviewed by clinicians.


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@router.post(
    "/clients/{int:client_id}/measures",
    response={201: MeasureOut, **WRITE_ERRORS},
    tags=["measures"],
)
def record_measure(request: HttpRequest, client_id: int, payload: MeasureIn) -> Status[MeasureOut]:
    """Record a response entered by staff (e.g. from paper): scored, stored, flags raised.

    Answers as for ``/instruments/{code}/score``. A PHQ-9 item 9 above zero or a positive
    ASQ raises a risk flag (``risk_flags``) that blocks booking a medicine session until a
    clinician reviews it; a DES-II of 30 or more does so with a medicine session booked in
    the next 30 days. The care team is emailed that a flag needs review.
    """
    recorded = services.record_response(
        actor=staff_actor(request),
        client_id=client_id,
        instrument_code=payload.instrument,
        answers=payload.answers,
        assignment_id=payload.assignment,
        now=clock.now(),
        site_url=_site_url(request),
    )
    return Status(201, MeasureOut.of(recorded.response, recorded.risk_flags))


@router.get(
    "/clients/{int:client_id}/measures",
    response={200: Page[MeasureOut], **LIST_ERRORS},
    tags=["measures"],
)
def list_measures(
    request: HttpRequest, client_id: int, filters: Query[MeasureFilter]
) -> dict[str, object]:
    """The client's responses with their scores, newest first (``?instrument=PHQ-9``)."""
    responses = access.get_responses(
        staff_actor(request), client_id, instrument=filters.instrument, detail="api:list_measures"
    ).prefetch_related("risk_flags")
    items, count = page_of(responses, filters)
    return {"items": [MeasureOut.of(r, list(r.risk_flags.all())) for r in items], "count": count}


@router.get(
    "/clients/{int:client_id}/risk-flags",
    response={200: Page[RiskFlagOut], **LIST_ERRORS},
    tags=["measures"],
)
def list_risk_flags(
    request: HttpRequest, client_id: int, filters: Query[RiskFlagFilter]
) -> dict[str, object]:
    """The client's risk flags, newest first; ``?open=true`` for the unreviewed ones."""
    flags = access.get_risk_flags(
        staff_actor(request), client_id, open_only=bool(filters.open), detail="api:list_risk_flags"
    )
    if filters.open is False:
        flags = flags.filter(reviewed_at__isnull=False)
    items, count = page_of(flags, filters)
    return {"items": [RiskFlagOut.of(f, f.response.instrument_code) for f in items], "count": count}


@router.post(
    "/clients/{int:client_id}/risk-flags/{int:flag_id}/review",
    response={200: RiskFlagOut, **WRITE_ERRORS},
    tags=["measures"],
)
def review_risk_flag(
    request: HttpRequest, client_id: int, flag_id: int, payload: FlagReviewIn
) -> RiskFlagOut:
    """Review an open risk flag with a note (a therapist or medical provider on the team).

    A reviewed flag stays on the record and no longer blocks booking. A monitor, who
    sees flags, gets 403; a flag reviewed already is a 422 on ``flag``.
    """
    flag = services.review_flag(
        actor=staff_actor(request),
        client_id=client_id,
        flag_id=flag_id,
        note=payload.note,
        now=clock.now(),
    )
    return RiskFlagOut.of(flag, flag.response.instrument_code)


@router.get(
    "/clients/{int:client_id}/measure-assignments",
    response={200: Page[AssignmentOut], **LIST_ERRORS},
    tags=["measures"],
)
def list_measure_assignments(
    request: HttpRequest, client_id: int, filters: Query[PageQuery]
) -> dict[str, object]:
    """The client's open assignments, each with its next due date and whether it is overdue."""
    statuses = access.get_assignments(
        staff_actor(request), client_id, now=clock.now(), detail="api:list_measure_assignments"
    )
    page = statuses[filters.offset : filters.offset + filters.limit]
    return {
        "items": [
            AssignmentOut.of(s.assignment, next_due=s.next_due, overdue=s.overdue) for s in page
        ],
        "count": len(statuses),
    }


@router.post(
    "/clients/{int:client_id}/measure-assignments",
    response={201: AssignmentOut, **WRITE_ERRORS},
    tags=["measures"],
)
def create_measure_assignment(
    request: HttpRequest, client_id: int, payload: AssignmentIn
) -> Status[AssignmentOut]:
    """Assign a measure once or on a schedule: ``once``, ``before_medicine`` (the week
    before each medicine session), ``each_integration`` (within two days of each
    integration session) or ``monthly``. One open assignment per instrument and schedule.
    """
    now = clock.now()
    assignment = services.assign_measure(
        actor=staff_actor(request),
        client_id=client_id,
        instrument_code=payload.instrument,
        schedule=payload.schedule,
        due_on=payload.due_on,
        now=now,
        site_url=_site_url(request),
    )
    status = access.assignment_statuses(client_id, [assignment], now=now)[0]
    return Status(
        201, AssignmentOut.of(assignment, next_due=status.next_due, overdue=status.overdue)
    )


@router.post(
    "/clients/{int:client_id}/measure-assignments/{int:assignment_id}/end",
    response={200: AssignmentOut, **WRITE_ERRORS},
    tags=["measures"],
)
def end_measure_assignment(
    request: HttpRequest, client_id: int, assignment_id: int
) -> AssignmentOut:
    """Stop asking for a measure; the assignment and its responses are kept."""
    assignment = services.end_assignment(
        actor=staff_actor(request),
        client_id=client_id,
        assignment_id=assignment_id,
        now=clock.now(),
    )
    return AssignmentOut.of(assignment, next_due=None, overdue=False)


@router.post(
    "/clients/{int:client_id}/measure-links",
    response={201: LinkOut, **WRITE_ERRORS},
    tags=["measures"],
)
def issue_measure_link(request: HttpRequest, client_id: int, payload: LinkIn) -> Status[LinkOut]:
    """A signed, single-use link for the client to complete a measure without signing in.

    The ``url`` is answered once: only a digest of its token is stored. It stops working
    when used, when it expires (``valid_for_hours``, default 7 days) or is withdrawn.
    """
    issued = services.issue_link(
        actor=staff_actor(request),
        client_id=client_id,
        instrument_code=payload.instrument,
        valid_for=dt.timedelta(hours=payload.valid_for_hours),
        assignment_id=payload.assignment,
        now=clock.now(),
    )
    return Status(
        201,
        LinkOut(
            id=issued.link.pk,
            client=issued.link.client_id,
            instrument=issued.link.instrument_code,
            url=request.build_absolute_uri(reverse("measures:complete", args=[issued.token])),
            expires_at=issued.link.expires_at,
        ),
    )


@router.post(
    "/clients/{int:client_id}/measure-links/{int:link_id}/withdraw",
    response={200: LinkStatusOut, **WRITE_ERRORS},
    tags=["measures"],
)
def withdraw_measure_link(request: HttpRequest, client_id: int, link_id: int) -> LinkStatusOut:
    """Withdraw a link that has not been used; opening it then answers 410."""
    link = services.withdraw_link(
        actor=staff_actor(request), client_id=client_id, link_id=link_id, now=clock.now()
    )
    return LinkStatusOut.of(link)
