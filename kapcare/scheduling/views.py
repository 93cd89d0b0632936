"""Scheduling pages: the calendar, booking, rescheduling, status changes, the plan and
consents.

Thin: clients are reached through ``people.access``; every change goes through
``scheduling.services`` (the one booking service the API and admin use too), so a page
refuses exactly what the API refuses, with the same plain-language messages.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core import clock
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.form_errors import add_field_error
from kapcare.core.ids import MAX_ID
from kapcare.core.violations import Refused
from kapcare.people import policy
from kapcare.people.access import (
    Actor,
    NotFound,
    access_client,
    actor_for_request,
    audit_list_read,
    deny,
    may_access,
    visible_clients,
)
from kapcare.people.models import Client
from kapcare.people.policy import Category
from kapcare.scheduling import services
from kapcare.scheduling.forms import (
    FOLLOW_UP_PREFIX,
    BookingForm,
    CalendarForm,
    RescheduleForm,
    StatusForm,
    load_places,
    practice_zone,
    zone_of,
)
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.vocabulary import (
    KIND_LABELS,
    MODALITY_LABELS,
    STATUS_LABELS,
    AppointmentKind,
    AppointmentStatus,
    Modality,
)

# The chart is gated on safety data (people.views.CHART_CATEGORY); front desk has no chart.
CHART_CATEGORY = Category.SAFETY


def _actor(request: HttpRequest) -> Actor:
    actor = actor_for_request(request)
    if actor is None or actor.staff is None:
        raise NotFound
    return actor


def _schedules(actor: Actor) -> bool:
    """Whether the actor's roles ever reach schedules (everyone but the privacy officer)."""
    return Category.SCHEDULE in policy.allowed_categories(actor.roles, on_care_team=True)


def _require_schedules(actor: Actor, detail: str) -> None:
    if not _schedules(actor):
        raise deny(actor, category=Category.SCHEDULE, action=AuditAction.READ, detail=detail)


def _next_url(request: HttpRequest, fallback: str) -> str:
    """Where to go after a change: a same-site ``next`` or the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _after_booking(actor: Actor, appointment: Appointment) -> str:
    if may_access(actor, appointment.client_id, CHART_CATEGORY):
        return reverse("people:client-chart", args=[appointment.client_id]) + "#sessions"
    zone = zone_of(appointment.location, practice_zone(actor.practice_id))
    day = appointment.start.astimezone(zone).date()
    return reverse("scheduling:calendar") + "?" + urlencode({"view": "day", "date": day})


def _appointment_client(actor: Actor, appointment_id: int, action: AuditAction) -> Client:
    """The client of an appointment of the actor's practice the actor may schedule for."""
    client_id = (
        Appointment.objects.filter(pk=appointment_id, client__practice_id=actor.practice_id)
        .values_list("client_id", flat=True)
        .first()
        if 0 < appointment_id <= MAX_ID
        else None
    )
    if client_id is None:
        raise deny(actor, category=Category.SCHEDULE, action=action, detail="page:appointment")
    return access_client(
        actor, client_id, Category.SCHEDULE, action=action, detail="page:appointment"
    )


def _appointment(appointment_id: int) -> Appointment:
    return (
        Appointment.objects.select_related("location", "room")
        .prefetch_related(
            Prefetch("staff_links", AppointmentStaff.objects.select_related("staff__user"))
        )
        .get(pk=appointment_id)
    )


# --- booking ----------------------------------------------------------------------------


def _initial_booking(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    """Prefill from the link that opened the form (chart, calendar); all optional."""
    initial: dict[str, Any] = {"modality": Modality.IN_PERSON.value, "fu_modality": "in_person"}
    for key in ("client", "kind", "modality", "location", "room", "date", "start_time", "end_time"):
        value = request.GET.get(key)
        if value and len(value) <= 20:
            initial[key] = value
    # A medicine slot from "Find a time" names the therapist and the monitor.
    staff = [s for s in request.GET.getlist("staff")[:10] if s.isdigit() and len(s) <= 19]
    if staff:
        initial["staff"] = staff
    elif actor.staff is not None and not actor.sees_all_clients:
        initial["staff"] = [str(actor.staff.pk)]
    return initial


def _audit_unseen_client(actor: Actor, posted: str, visible: set[int]) -> None:
    """A client id the actor may not book for is refused like the API refuses it: audited."""
    if posted.isdigit() and len(posted) <= 19 and int(posted) not in visible:
        deny(
            actor,
            client_id=int(posted),
            category=Category.SCHEDULE,
            action=AuditAction.CREATE,
            detail="appointment",
        )


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require_schedules(actor, "page:book")
    clients = [
        (c.pk, c.display_name)
        for c in visible_clients(actor, Category.SCHEDULE).order_by(
            "legal_family_name", "legal_given_name", "pk"
        )
    ]
    audit_list_read(actor, Category.DEMOGRAPHICS, "page:book")
    places = load_places(actor.practice_id)
    form = BookingForm(
        request.POST if request.method == "POST" else None,
        initial=_initial_booking(request, actor),
        places=places,
        clients=clients,
    )
    checked: bool | None = None
    if form.is_bound and "client" in form.errors:
        _audit_unseen_client(actor, request.POST.get("client", ""), {pk for pk, _ in clients})
    if form.is_bound and form.is_valid():
        booking = form.booking_request()
        try:
            if request.POST.get("action") == "check":
                violations = services.check_appointment_request(actor=actor, request=booking)
                form.add_violations(violations)
                checked = not violations
            else:
                booked = services.book_appointment(actor=actor, request=booking, now=clock.now())
        except Refused as refused:
            if refused.conflict:
                form.add_error(None, "Someone else booked this time a moment ago.")
            form.add_violations(refused.violations)
        except FieldError as error:
            form.add_field_error(error)
        except PermissionDenied:  # audited by the service
            raise NotFound from None
        else:
            if checked is None:
                appointment = booked.appointment
                text = "The appointment was booked."
                if booked.follow_up is not None:
                    text = "The appointment and its integration session were booked."
                messages.success(request, text)
                return redirect(_after_booking(actor, appointment))
    ok = checked is True
    return render(
        request,
        "scheduling/book.html",
        {
            "form": form,
            "checked_ok": ok,
            "follow_up_prefix": FOLLOW_UP_PREFIX,
        },
        status=422 if form.is_bound and not ok else 200,
    )


# --- one appointment: reschedule, status ------------------------------------------------


def _local_initial(appointment: Appointment, default: zoneinfo.ZoneInfo) -> dict[str, Any]:
    zone = zone_of(appointment.location, default)
    start, end = appointment.start.astimezone(zone), appointment.end.astimezone(zone)
    return {
        "date": start.date(),
        "start_time": start.time().replace(second=0, microsecond=0),
        "end_time": end.time().replace(second=0, microsecond=0),
        "location": str(appointment.location_id or ""),
        "room": str(appointment.room_id or ""),
        "staff": [str(link.staff_id) for link in appointment.staff_links.all()],
    }


@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, appointment_id: int) -> HttpResponse:
    actor = _actor(request)
    action = AuditAction.UPDATE if request.method == "POST" else AuditAction.READ
    client = _appointment_client(actor, appointment_id, action)
    appointment = _appointment(appointment_id)
    places = load_places(actor.practice_id)
    form = RescheduleForm(
        request.POST if request.method == "POST" else None,
        initial=_local_initial(appointment, places.zone),
        places=places,
    )
    if form.is_bound and form.is_valid():
        try:
            moved = services.reschedule_appointment(
                actor=actor, appointment_id=appointment.pk, now=clock.now(), **form.changes()
            )
        except Refused as refused:
            if refused.conflict:
                form.add_error(None, "Someone else booked this time a moment ago.")
            form.add_violations(refused.violations)
        except FieldError as error:
            form.add_field_error(error)
        except PermissionDenied:  # audited by the service
            raise NotFound from None
        else:
            messages.success(request, "The appointment was moved.")
            return redirect(_next_url(request, _after_booking(actor, moved)))
    return render(
        request,
        "scheduling/reschedule.html",
        {
            "form": form,
            "appointment": appointment,
            "client": client,
            "row": AppointmentRow.of(appointment, visible=True, default_zone=places.zone),
            "next": _next_url(request, ""),
        },
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def appointment_status(request: HttpRequest, appointment_id: int) -> HttpResponse:
    actor = _actor(request)
    action = AuditAction.UPDATE if request.method == "POST" else AuditAction.READ
    client = _appointment_client(actor, appointment_id, action)
    appointment = _appointment(appointment_id)
    wanted = request.GET.get("status", "")
    form = StatusForm(
        request.POST if request.method == "POST" else None,
        initial={"status": wanted} if wanted in {s.value for s in AppointmentStatus} else {},
    )
    if form.is_bound and form.is_valid():
        try:
            services.set_appointment_status(
                actor=actor,
                appointment_id=appointment.pk,
                status=AppointmentStatus(form.cleaned_data["status"]),
                reason=form.cleaned_data["reason"],
                now=clock.now(),
            )
        except FieldError as error:
            add_field_error(form, error)
        except PermissionDenied:  # audited by the service
            raise NotFound from None
        else:
            label = dict(form.fields["status"].choices)[form.cleaned_data["status"]]  # type: ignore[attr-defined]
            messages.success(request, f"The appointment is now marked: {label}.")
            return redirect(_next_url(request, _after_booking(actor, appointment)))
    return render(
        request,
        "scheduling/status.html",
        {
            "form": form,
            "appointment": appointment,
            "client": client,
            "row": AppointmentRow.of(
                appointment, visible=True, default_zone=practice_zone(actor.practice_id)
            ),
            "next": _next_url(request, ""),
        },
        status=422 if form.is_bound else 200,
    )


# --- plan and consents ------------------------------------------------------------------


# --- the calendar -----------------------------------------------------------------------


@dataclass(frozen=True)
class AppointmentRow:
    """One appointment as a calendar or chart line, in its location's time zone."""

    appointment: Appointment
    visible: bool
    start: dt.datetime
    end: dt.datetime
    kind: str
    where: str
    staff: str
    status: str

    @staticmethod
    def of(
        appointment: Appointment, *, visible: bool, default_zone: zoneinfo.ZoneInfo
    ) -> "AppointmentRow":
        zone = zone_of(appointment.location, default_zone)
        if appointment.modality == Modality.TELEHEALTH.value:
            where = MODALITY_LABELS[Modality.TELEHEALTH]
        else:
            room = appointment.room.name if appointment.room else ""
            location = appointment.location.name if appointment.location else ""
            where = ", ".join(p for p in (location, room) if p)
        status = AppointmentStatus(appointment.status)
        return AppointmentRow(
            appointment=appointment,
            visible=visible,
            start=appointment.start.astimezone(zone),
            end=appointment.end.astimezone(zone),
            kind=KIND_LABELS[AppointmentKind(appointment.kind)],
            where=where,
            staff=", ".join(
                sorted(link.staff.display_name for link in appointment.staff_links.all())
            ),
            status=STATUS_LABELS[status],
        )

    @property
    def booked(self) -> bool:
        return self.appointment.status == AppointmentStatus.BOOKED.value

    @property
    def started(self) -> bool:
        return self.appointment.start <= clock.now()


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    rows: list[AppointmentRow]
    book_url: str


def _calendar_query(actor: Actor, start: dt.datetime, end: dt.datetime) -> Any:
    seen = visible_clients(actor, Category.SCHEDULE).filter(pk=OuterRef("client_id"))
    return (
        Appointment.objects.filter(client__practice_id=actor.practice_id)
        .filter(start__lt=end, end__gt=start)
        .select_related("location", "room", "client")
        .prefetch_related(
            Prefetch("staff_links", AppointmentStaff.objects.select_related("staff__user"))
        )
        .annotate(visible=Exists(seen))
        .order_by("start", "id")
    )


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require_schedules(actor, "page:calendar")
    places = load_places(actor.practice_id)
    query = request.GET.copy()
    own = str(actor.staff.pk) if actor.staff is not None else ""
    if not ({"staff", "location", "room"} & set(query)) and own in dict(places.staff_choices):
        query["staff"] = own  # by default, the person's own schedule (front desk: everyone)
    query.setdefault("date", clock.today().isoformat())
    form = CalendarForm(query, places=places)
    form.is_valid()  # a bad filter is shown as an error; the good ones still apply
    data = form.cleaned_data
    staff_id: int | None = data.get("staff") or None
    location_id: int | None = data.get("location") or None
    room_id: int | None = data.get("room") or None
    view = data.get("view") or "week"
    chosen = data.get("date") or clock.today()
    location = places.locations.get(location_id) if location_id else None
    zone = zone_of(location, places.zone)
    first = chosen if view == "day" else chosen - dt.timedelta(days=chosen.weekday())
    days = [first + dt.timedelta(days=n) for n in range(1 if view == "day" else 7)]
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(), tzinfo=zone)

    appointments = _calendar_query(actor, start, end)
    if staff_id is not None:
        appointments = appointments.filter(
            Exists(AppointmentStaff.objects.filter(appointment=OuterRef("pk"), staff_id=staff_id))
        )
    if location_id is not None:
        appointments = appointments.filter(location_id=location_id)
    if room_id is not None:
        appointments = appointments.filter(room_id=room_id)
    found = list(appointments)
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=sorted({a.client_id for a in found if a.visible}),
        category=Category.SCHEDULE,
        detail="page:calendar",
    )
    charts = set(
        visible_clients(actor, CHART_CATEGORY)
        .filter(pk__in={a.client_id for a in found if a.visible})
        .values_list("pk", flat=True)
    )
    by_day: dict[dt.date, list[AppointmentRow]] = {day: [] for day in days}
    for appointment in found:
        row = AppointmentRow.of(appointment, visible=appointment.visible, default_zone=zone)
        local = appointment.start.astimezone(zone).date()
        if local in by_day:  # one that began the evening before shows on its own day
            by_day[local].append(row)

    def link(**changes: object) -> str:
        params: dict[str, object] = {"view": view, "date": chosen}
        for key, value in (("staff", staff_id), ("location", location_id), ("room", room_id)):
            if value is not None:
                params[key] = value
        if staff_id is None and "staff" in query:
            params["staff"] = ""
        params.update(changes)
        return "?" + urlencode(params)

    def book_link(day: dt.date) -> str:
        params: dict[str, object] = {"date": day}
        for key, value in (("staff", staff_id), ("location", location_id), ("room", room_id)):
            if value is not None:
                params[key] = value
        return reverse("scheduling:book") + "?" + urlencode(params)

    step = dt.timedelta(days=1 if view == "day" else 7)
    subject = "Whole practice"
    if staff_id is not None:
        subject = dict(places.staff_choices).get(str(staff_id), "Staff member")
    elif room_id is not None:
        subject = "Room " + next(
            (
                label
                for _, group in places.room_choices[1:]
                for v, label in group
                if v == str(room_id)
            ),
            "",
        )
    elif location is not None:
        subject = location.name
    return render(
        request,
        "scheduling/calendar.html",
        {
            "form": form,
            "view": view,
            "days": [CalendarDay(day, by_day[day], book_link(day)) for day in days],
            "first": days[0],
            "last": days[-1],
            "subject": subject,
            "zone": zone.key,
            "previous_url": link(date=chosen - step),
            "next_url": link(date=chosen + step),
            "today_url": link(date=clock.today()),
            "day_url": link(view="day"),
            "week_url": link(view="week"),
            "charts": charts,
            "today": clock.today(),
            "here": request.get_full_path(),
        },
        status=422 if form.errors else 200,
    )
