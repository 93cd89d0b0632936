"""The portal's API: ``/api/v1/portal/...`` for the signed-in client (their own records
only, through ``portal.access``), and what the care team reads of it under
``/api/v1/clients/{id}/...``. Thin: every change goes through ``portal.services``, the
same services the portal's pages use."""

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Status

from kapcare.core import clock
from kapcare.core.api_errors import LIST_ERRORS, WRITE_ERRORS, Message
from kapcare.core.api_schema import Schema
from kapcare.core.errors import FieldError
from kapcare.core.pagination import Page, PageQuery, page_of
from kapcare.pathway import services as pathway_services
from kapcare.people.access import staff_actor
from kapcare.people.policy import Category
from kapcare.people.schemas import StateCode
from kapcare.portal.access import own_client, portal_actor
from kapcare.portal.api.router import router
from kapcare.portal.consent_documents import document_kinds, editor
from kapcare.portal.journal import my_entries, shared_entries
from kapcare.portal.schemas import (
    BookIn,
    CancelIn,
    ClientBookableKind,
    ConsentDocumentIn,
    ConsentDocumentOut,
    JournalEntryIn,
    JournalEntryOut,
    LocationIn,
    MedicineRequestIn,
    NoteIn,
    PauseOut,
    SessionLocationOut,
    SessionOut,
    SlotOut,
    SlotsOut,
)
from kapcare.portal.services import pause as pause_service
from kapcare.portal.services import sessions as session_services
from kapcare.portal.services.journal import share_entry, write_entry
from kapcare.portal.services.sessions import SELF_BOOKING_LEAD, SLOTS_SHOWN
from kapcare.portal.upcoming import (
    UpcomingSession,
    session_row,
    upcoming_sessions,
    with_details,
)
from kapcare.scheduling.facts import policy_for_practice
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.requests import AppointmentRequest
from kapcare.scheduling.rules.cancellation import client_cancellation_problem
from kapcare.scheduling.services.availability import (
    DEFAULT_DURATIONS,
    AvailabilityQuery,
    search_availability,
)
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality


def _site(request: HttpRequest) -> str:
    """The address e-mails link back to (the care team's chart)."""
    return request.build_absolute_uri("/").rstrip("/")


@router.get("/portal/journal", response={200: Page[JournalEntryOut], **LIST_ERRORS})
def list_my_journal(request: HttpRequest, page: Query[PageQuery]) -> dict[str, object]:
    """The signed-in client's intentions and journal entries, newest first (shared or not)."""
    items, count = page_of(my_entries(portal_actor(request), detail="api:portal-journal"), page)
    return {"items": [JournalEntryOut.of(e) for e in items], "count": count}


@router.post("/portal/journal", response={201: JournalEntryOut, **WRITE_ERRORS})
def post_my_journal(request: HttpRequest, payload: JournalEntryIn) -> Status[JournalEntryOut]:
    """Write intentions (tied to the next medicine session) or a journal entry (tied to the
    latest one); private unless ``share`` is true, which tells the care team."""
    entry = write_entry(
        actor=portal_actor(request),
        kind=payload.kind,
        body=payload.body,
        share=payload.share,
        now=clock.now(),
    )
    return Status(201, JournalEntryOut.of(entry))


@router.post(
    "/portal/journal/{int:entry_id}/share", response={200: JournalEntryOut, **WRITE_ERRORS}
)
def share_my_journal_entry(request: HttpRequest, entry_id: int) -> JournalEntryOut:
    """Share one of the client's own entries with their care team (once; again is a no-op)."""
    entry = share_entry(actor=portal_actor(request), entry_id=entry_id, now=clock.now())
    return JournalEntryOut.of(entry)


@router.get(
    "/clients/{int:client_id}/shared-journal",
    response={200: Page[JournalEntryOut], **LIST_ERRORS},
)
def list_shared_journal(
    request: HttpRequest, client_id: int, page: Query[PageQuery]
) -> dict[str, object]:
    """What the client chose to share from their portal (intentions and journal entries),
    newest shared first: clinicians on the care team. Private entries are never listed."""
    entries = shared_entries(staff_actor(request), client_id, detail="api:shared-journal")
    items, count = page_of(entries, page)
    return {"items": [JournalEntryOut.of(e) for e in items], "count": count}


# --- sessions -------------------------------------------------------------------------


def _session_out(row: UpcomingSession, *, notice_hours: int, now: dt.datetime) -> SessionOut:
    problem = client_cancellation_problem(
        start=row.start,
        status=AppointmentStatus(row.appointment.status),
        now=now,
        notice_hours=notice_hours,
    )
    return SessionOut.of(
        row,
        cancel_problem=problem,
        calendar_file=reverse("portal:session-ics", args=[row.appointment.pk]),
    )


def _notice_hours(practice_id: int) -> int:
    return policy_for_practice(practice_id).client_cancel_notice_hours.value


@router.get("/portal/sessions", response={200: Page[SessionOut], **LIST_ERRORS})
def list_my_sessions(request: HttpRequest) -> dict[str, object]:
    """The signed-in client's booked sessions that have not ended, soonest first, each
    with whether it may still be cancelled here and its calendar file."""
    actor = portal_actor(request)
    client = own_client(actor, Category.SCHEDULE, detail="api:portal-sessions")
    now = clock.now()
    hours = _notice_hours(client.practice_id)
    items = [
        _session_out(r, notice_hours=hours, now=now) for r in upcoming_sessions(client, now=now)
    ]
    return {"items": items, "count": len(items)}


def _one(appointment: Appointment) -> SessionOut:
    row = session_row(
        with_details(Appointment.objects.select_related("client")).get(pk=appointment.pk)
    )
    return _session_out(
        row, notice_hours=_notice_hours(row.appointment.client.practice_id), now=clock.now()
    )


@router.post("/portal/sessions/{int:session_id}/cancel", response={200: SessionOut, **WRITE_ERRORS})
def cancel_my_session(request: HttpRequest, session_id: int, payload: CancelIn) -> SessionOut:
    """Cancel one of the client's own sessions, up to the practice's notice before it
    starts (422 on ``status`` within it, in plain words); the care team is told. The
    integration session a medicine session counts on is refused (422 on ``status``);
    ``with_integration`` cancels a medicine session's integration session with it."""
    appointment = session_services.cancel_my_session(
        actor=portal_actor(request),
        appointment_id=session_id,
        reason=payload.reason,
        now=clock.now(),
        site_url=_site(request),
        with_integration=payload.with_integration,
    )
    return _one(appointment)


@router.post(
    "/portal/sessions/{int:session_id}/location",
    response={200: SessionLocationOut, **WRITE_ERRORS},
)
def confirm_my_location(
    request: HttpRequest, session_id: int, payload: LocationIn
) -> SessionLocationOut:
    """At the start of a video session (from 30 minutes before until it ends): where the
    client is. Kept on the session and checked against licensure; a state where the
    session cannot be held answers 422 on ``state`` (and the care team is told)."""
    check = session_services.confirm_my_location(
        actor=portal_actor(request),
        appointment_id=session_id,
        state=payload.state,
        city=payload.city,
        now=clock.now(),
    )
    if check.problem is not None:
        raise FieldError("state", check.problem)
    a = check.appointment
    return SessionLocationOut(
        id=a.pk,
        client_location_state=a.client_location_state,
        client_location_city=a.client_location_city,
        confirmed_at=a.client_location_confirmed_at or clock.now(),
    )


class AvailabilityIn(Schema):
    # Optional here so that only the client learns what is missing (a field error);
    # anyone else is answered 404 before the query is read.
    kind: ClientBookableKind | None = None
    staff: int | None = None
    location: int | None = None
    state: StateCode | None = None


def _request_of(
    client_id: int, payload: AvailabilityIn | BookIn, start: dt.datetime
) -> AppointmentRequest:
    video = payload.location is None
    kind = AppointmentKind(payload.kind or AppointmentKind.THERAPY)  # checked by the caller
    return AppointmentRequest(
        client_id=client_id,
        kind=kind,
        modality=Modality.TELEHEALTH if video else Modality.IN_PERSON,
        start=start,
        end=start + dt.timedelta(minutes=DEFAULT_DURATIONS[kind]),
        staff_ids=(payload.staff,) if payload.staff is not None else (),
        location_id=payload.location,
        room_id=payload.room if isinstance(payload, BookIn) else None,
        client_location_state=payload.state if video else None,
    )


@router.get("/portal/availability", response={200: SlotsOut, **LIST_ERRORS})
def list_my_availability(request: HttpRequest, query: Query[AvailabilityIn]) -> SlotsOut:
    """The next times the client may book (from the next day on), with one of their
    therapists, by video (no ``location``) or at an office: the same search and rules
    as the practice's availability page."""
    actor = portal_actor(request)
    client = own_client(actor, Category.SCHEDULE, detail="api:portal-availability")
    if query.kind is None:
        raise FieldError("kind", "Choose the kind of session: preparation, integration or therapy.")
    if query.staff is None:
        raise FieldError("staff", "Choose someone on your care team.")
    probe = _request_of(client.pk, query, clock.now())
    search = search_availability(
        actor=actor,
        query=AvailabilityQuery(
            client_id=client.pk,
            kind=probe.kind,
            modality=probe.modality,
            staff_ids=probe.staff_ids,
            after=clock.now() + SELF_BOOKING_LEAD,
            location_id=probe.location_id,
            client_location_state=probe.client_location_state,
            count=SLOTS_SHOWN,
        ),
    )
    items = [
        SlotOut(start=s.start, end=s.end, room=s.room.id if s.room else None) for s in search.slots
    ]
    return SlotsOut(
        items=items,
        count=len(items),
        blocked_by=[v.message for v in search.blocked_by] if not items else [],
    )


@router.post("/portal/sessions", response={201: SessionOut, **WRITE_ERRORS})
def book_my_session(request: HttpRequest, payload: BookIn) -> Status[SessionOut]:
    """Book a preparation, integration or therapy session with a therapist on the care
    team, through the one booking service (every rule applies; refusals answer 422 with
    their reasons). Medicine sessions are asked for (``/portal/medicine-requests``)."""
    actor = portal_actor(request)
    client = own_client(actor, Category.SCHEDULE, detail="api:portal-book")
    booked = session_services.book_my_session(
        actor=actor,
        request=_request_of(client.pk, payload, payload.start),
        now=clock.now(),
        site_url=_site(request),
    )
    return Status(201, _one(booked.appointment))


@router.post("/portal/medicine-requests", response={202: Message, **WRITE_ERRORS})
def ask_for_medicine_session(request: HttpRequest, payload: MedicineRequestIn) -> Status[Message]:
    """Ask the care team for a medicine session (the practice arranges it, in person)."""
    session_services.ask_for_medicine_session(
        actor=portal_actor(request), note=payload.note, now=clock.now(), site_url=_site(request)
    )
    return Status(202, Message(detail="Your care team has your request."))


@router.post("/portal/pause", response={200: PauseOut, **WRITE_ERRORS})
def pause_my_plan(request: HttpRequest, payload: NoteIn) -> PauseOut:
    """Ask to pause ("I'd like to pause"): the plan pauses (medicine sessions stop; integration and
    therapy stay open) and the care team is told, with the note if there is one."""
    plan = pause_service.ask_to_pause(
        actor=portal_actor(request), note=payload.note, now=clock.now()
    )
    return PauseOut(plan_status=plan.status if plan is not None else None)


# --- the practice's consent documents (staff) ---------------------------------------


@router.get("/consent-documents", response={200: Page[ConsentDocumentOut], **LIST_ERRORS})
def list_consent_documents(request: HttpRequest) -> dict[str, object]:
    """Every version of the practice's consent documents, newest first within each kind,
    with how many signatures name it (front desk, therapists, medical providers)."""
    actor = editor(staff_actor(request))
    items = [
        ConsentDocumentOut.of(v.document, v.signed_count)
        for k in document_kinds(actor, detail="api:consent-documents", names=False)
        for v in k.versions
    ]
    return {"items": items, "count": len(items)}


@router.post("/consent-documents", response={201: ConsentDocumentOut, **WRITE_ERRORS})
def publish_consent_document(
    request: HttpRequest, payload: ConsentDocumentIn
) -> Status[ConsentDocumentOut]:
    """Publish the next version of one of the practice's consent documents; clients are
    asked to sign it from now on (front desk, therapists, medical providers; others 403)."""
    document = pathway_services.publish_consent_document(
        actor=staff_actor(request),
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        now=clock.now(),
    )
    return Status(201, ConsentDocumentOut.of(document, 0))
