"""The client's sessions: upcoming and past, add to calendar, cancel within the practice's
notice, say where they are for a video session, book, and ask for a medicine session."""

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import add_field_error
from kapcare.core.violations import Refused
from kapcare.people.access import Actor
from kapcare.people.models import CareTeamMember, Client, Location
from kapcare.people.policy import Category, Role
from kapcare.portal.access import own_client, portal_actor
from kapcare.portal.forms import (
    VIDEO,
    BookingSearchForm,
    CancelForm,
    LocationForm,
    MedicineRequestForm,
)
from kapcare.portal.services.sessions import (
    SELF_BOOKING_LEAD,
    SLOTS_SHOWN,
    ask_for_medicine_session,
    book_my_session,
    cancel_my_session,
    confirm_my_location,
)
from kapcare.portal.upcoming import (
    UpcomingSession,
    past_sessions,
    session_row,
    upcoming_sessions,
    with_details,
)
from kapcare.scheduling.access import access_appointment
from kapcare.scheduling.availability import SlotSearch
from kapcare.scheduling.facts import policy_for_practice
from kapcare.scheduling.ical import KIND_WORDS, FeedEvent, build_calendar
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.requests import AppointmentRequest
from kapcare.scheduling.rules.cancellation import client_cancellation_problem
from kapcare.scheduling.services.availability import (
    DEFAULT_DURATIONS,
    AvailabilityQuery,
    search_availability,
)
from kapcare.scheduling.services.booking import CLIENT_BOOKABLE
from kapcare.scheduling.services.client import cancel_dependency, may_confirm_location
from kapcare.scheduling.vocabulary import (
    KIND_LABELS,
    AppointmentKind,
    AppointmentStatus,
    Modality,
)

UNPROCESSABLE = 422


def _site(request: HttpRequest) -> str:
    """The address e-mails link back to (the care team's chart)."""
    return request.build_absolute_uri("/").rstrip("/")


def _session(
    actor: Actor, appointment_id: int, *, detail: str, action: AuditAction = AuditAction.READ
) -> UpcomingSession:
    """One of the client's own sessions, as the portal shows it (another's: 404)."""
    appointment, _ = access_appointment(
        actor,
        appointment_id,
        action=action,
        detail=detail,
        records=with_details(Appointment.objects.select_related("client")),
    )
    return session_row(appointment)


@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    client = own_client(actor, Category.SCHEDULE, detail="portal:sessions")
    now = clock.now()
    notice = policy_for_practice(client.practice_id).client_cancel_notice_hours.value
    upcoming = [
        (
            s,
            client_cancellation_problem(
                start=s.start, status=AppointmentStatus.BOOKED, now=now, notice_hours=notice
            ),
            may_confirm_location(s.appointment, now=now),
        )
        for s in upcoming_sessions(client, now=now)
    ]
    return render(
        request,
        "portal/sessions.html",
        {"upcoming": upcoming, "past": past_sessions(client, now=now), "notice_hours": notice},
    )


@require_GET
def session_ics(request: HttpRequest, session_id: int) -> HttpResponse:
    """One session as an iCalendar file for the client's own calendar: its kind, time and
    place only (a calendar app syncs it elsewhere)."""
    actor = portal_actor(request)
    row = _session(actor, session_id, detail="portal:ics", action=AuditAction.EXPORT)
    appointment = row.appointment
    record_event(
        source=actor.audit_source,
        action=AuditAction.EXPORT,
        client_id=appointment.client_id,
        category=Category.SCHEDULE,
        detail=f"portal:ics:{appointment.pk}",
    )
    body = build_calendar(
        [
            FeedEvent(
                uid=f"appointment-{appointment.pk}",
                kind=AppointmentKind(appointment.kind),
                start=appointment.start,
                end=appointment.end,
                initials="",
                where=row.where,
                status=AppointmentStatus(appointment.status),
            )
        ],
        name="KAP Care",
        stamp=clock.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{appointment.pk}.ics"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = portal_actor(request)
    session = _session(actor, session_id, detail="portal:cancel")
    client = session.appointment.client
    policy = policy_for_practice(client.practice_id)
    problem = client_cancellation_problem(
        start=session.start,
        status=AppointmentStatus(session.appointment.status),
        now=clock.now(),
        notice_hours=policy.client_cancel_notice_hours.value,
    )
    # Integration after every dose: an integration a medicine session counts on is
    # refused here (with why); a medicine session offers to take its integration along.
    dependency = cancel_dependency(session.appointment, policy=policy)
    problem = problem or dependency.refusal
    integration = session_row(dependency.integration) if dependency.integration else None
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            cancel_my_session(
                actor=actor,
                appointment_id=session.appointment.pk,
                reason=form.cleaned_data["reason"],
                now=clock.now(),
                site_url=_site(request),
                with_integration=request.POST.get("with_integration") == "yes",
            )
        except FieldError as error:
            if error.field == "status":
                problem = error.message
            else:
                add_field_error(form, error)
        else:
            messages.success(
                request,
                f"Your {KIND_WORDS[AppointmentKind(session.appointment.kind)].lower()} is "
                "cancelled. Your care team has been told.",
            )
            return redirect("portal:sessions")
    status = UNPROCESSABLE if request.method == "POST" and (problem or form.errors) else 200
    return render(
        request,
        "portal/session_cancel.html",
        {"session": session, "problem": problem, "form": form, "integration": integration},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def session_location(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = portal_actor(request)
    session = _session(actor, session_id, detail="portal:location")
    client = session.appointment.client
    form = LocationForm(
        request.POST if request.method == "POST" else None, initial={"state": client.home_state}
    )
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            check = confirm_my_location(
                actor=actor,
                appointment_id=session.appointment.pk,
                state=form.cleaned_data["state"],
                city=form.cleaned_data["city"],
                now=clock.now(),
            )
        except FieldError as error:
            add_field_error(form, error)
        else:
            if check.problem is None:
                messages.success(request, "Thank you. Your clinician will join you shortly.")
                return redirect("portal:sessions")
            problem = check.problem
    status = UNPROCESSABLE if form.errors or problem else 200
    return render(
        request,
        "portal/session_location.html",
        {
            "session": session,
            "form": form,
            "problem": problem,
            "open": may_confirm_location(session.appointment, now=clock.now()),
        },
        status=status,
    )


def _booking_form(client: Client, data: object) -> BookingSearchForm:
    team = [
        (m.staff_id, m.staff.user.full_name)
        for m in CareTeamMember.objects.filter(client=client, role=Role.THERAPIST.value)
        .select_related("staff__user")
        .order_by("staff__user__full_name")
    ]
    offices = [
        (loc.pk, loc.name)
        for loc in Location.objects.filter(practice_id=client.practice_id).order_by("name")
    ]
    kinds = [(k.value, KIND_LABELS[k]) for k in AppointmentKind if k in CLIENT_BOOKABLE]
    return BookingSearchForm(
        data,
        kinds=kinds,
        team=team,
        offices=offices,
        initial={"state": client.home_state, "where": VIDEO},
    )


def _request_of(client: Client, data: dict[str, object], start: dt.datetime) -> AppointmentRequest:
    kind = AppointmentKind(str(data["kind"]))
    video = data["where"] == VIDEO
    return AppointmentRequest(
        client_id=client.pk,
        kind=kind,
        modality=Modality.TELEHEALTH if video else Modality.IN_PERSON,
        start=start,
        end=start + dt.timedelta(minutes=DEFAULT_DURATIONS[kind]),
        staff_ids=(int(str(data["staff"])),),
        location_id=None if video else int(str(data["where"])),
        client_location_state=str(data["state"]) if video else None,
    )


@require_http_methods(["GET", "POST"])
def session_book(request: HttpRequest) -> HttpResponse:
    """Choose the kind, with whom and where; see the next times every booking rule
    allows; book one (the same booking service and rules as the practice's pages)."""
    actor = portal_actor(request)
    client = own_client(actor, Category.SCHEDULE, detail="portal:book")
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = _booking_form(client, data)
    search: SlotSearch | None = None
    refusals: list[str] = []
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        if request.method == "POST":
            start = parse_datetime(request.POST.get("start", ""))
            room = request.POST.get("room", "")
            if start is None or start.tzinfo is None:
                refusals.append("That time could not be read. Choose one of the times below.")
            else:
                booking = _request_of(client, cleaned, start)
                if booking.modality is Modality.IN_PERSON and room.isdigit():
                    booking = AppointmentRequest(**{**vars(booking), "room_id": int(room)})
                try:
                    book_my_session(
                        actor=actor, request=booking, now=clock.now(), site_url=_site(request)
                    )
                except FieldError as error:
                    add_field_error(form, error)
                except Refused as refused:
                    refusals = [v.message for v in refused.violations]
                else:
                    messages.success(
                        request,
                        f"Your {KIND_WORDS[booking.kind].lower()} is booked. "
                        "You can add it to your calendar below.",
                    )
                    return redirect("portal:sessions")
        if not form.errors:
            probe = _request_of(client, cleaned, clock.now())
            try:
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
            except FieldError as error:
                add_field_error(form, error)
    return render(
        request,
        "portal/session_book.html",
        {"form": form, "search": search, "refusals": refusals},
        status=UNPROCESSABLE if form.errors or refusals else 200,
    )


@require_http_methods(["GET", "POST"])
def medicine_request(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    own_client(actor, Category.SCHEDULE, detail="portal:medicine-request")
    form = MedicineRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ask_for_medicine_session(
                actor=actor,
                note=form.cleaned_data["note"],
                now=clock.now(),
                site_url=_site(request),
            )
        except FieldError as error:
            add_field_error(form, error)
        else:
            messages.success(
                request,
                "Thank you. Your care team has your request and will be in touch to arrange "
                "a time with you.",
            )
            return redirect("portal:sessions")
    return render(
        request,
        "portal/medicine_request.html",
        {"form": form},
        status=UNPROCESSABLE if form.errors else 200,
    )
