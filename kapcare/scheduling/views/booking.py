"""Booking, rescheduling and the status of one appointment.

Thin: every change goes through ``scheduling.services`` (the one booking service the
API and admin use too), so a page refuses exactly what the API refuses, with the same
plain-language messages, each next to the field it is about.
"""

import zoneinfo
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.form_errors import submitting
from kapcare.people.access import (
    Actor,
    audit_list_read,
    deny,
    may_access,
    staff_actor,
    visible_clients,
)
from kapcare.people.models import Client
from kapcare.people.policy import Category
from kapcare.scheduling import services
from kapcare.scheduling.access import access_appointment
from kapcare.scheduling.forms.booking import (
    FOLLOW_UP_PREFIX,
    BookingForm,
    RescheduleForm,
    StatusForm,
)
from kapcare.scheduling.forms.places import load_places, practice_zone, zone_of
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.views.calendar import CHART_CATEGORY, AppointmentRow, _require_schedules
from kapcare.scheduling.vocabulary import (
    AppointmentStatus,
    Modality,
)


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


def _appointment(
    actor: Actor, appointment_id: int, action: AuditAction
) -> tuple[Appointment, Client]:
    """An appointment (with its place and staff) the actor may schedule for, and its client."""
    return access_appointment(
        actor,
        appointment_id,
        action=action,
        detail="page:appointment",
        records=Appointment.objects.select_related("location", "room").prefetch_related(
            Prefetch("staff_links", AppointmentStaff.objects.select_related("staff__user"))
        ),
    )


def _initial_booking(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    """Prefill from the link that opened the form (chart, calendar); all optional."""
    initial: dict[str, Any] = {"modality": Modality.IN_PERSON.value, "fu_modality": "in_person"}
    place = ("location", "room", "date", "start_time", "end_time", "client_location_state")
    keys = ("client", "kind", "modality", *place, "fu_modality", *(f"fu_{k}" for k in place))
    for key in keys:
        value = request.GET.get(key)
        if value and len(value) <= 20:
            initial[key] = value
    if request.GET.get("with_follow_up") == "on":
        # A medicine slot from "Find a time" comes with its integration session.
        initial["with_follow_up"] = True

    def staff_of(key: str) -> list[str]:
        return [s for s in request.GET.getlist(key)[:10] if s.isdigit() and len(s) <= 19]

    # A medicine slot from "Find a time" names the therapist and the monitor.
    if staff_of("staff"):
        initial["staff"] = staff_of("staff")
    elif actor.staff is not None and not actor.sees_all_clients:
        initial["staff"] = [str(actor.staff.pk)]
    if staff_of("fu_staff"):
        initial["fu_staff"] = staff_of("fu_staff")
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
    actor = staff_actor(request)
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
        with submitting(form.add_field_error, refused=form.add_refusal) as submitted:
            if request.POST.get("action") == "check":
                violations = services.check_appointment_request(actor=actor, request=booking)
                form.add_violations(violations)
                checked = not violations
            else:
                booked = services.book_appointment(actor=actor, request=booking, now=clock.now())
        if submitted.ok and checked is None:
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
    actor = staff_actor(request)
    action = AuditAction.UPDATE if request.method == "POST" else AuditAction.READ
    appointment, client = _appointment(actor, appointment_id, action)
    places = load_places(actor.practice_id)
    form = RescheduleForm(
        request.POST if request.method == "POST" else None,
        initial=_local_initial(appointment, places.zone),
        places=places,
    )
    if form.is_bound and form.is_valid():
        with submitting(form.add_field_error, refused=form.add_refusal) as submitted:
            moved = services.reschedule_appointment(
                actor=actor, appointment_id=appointment.pk, now=clock.now(), **form.changes()
            )
        if submitted.ok:
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
    actor = staff_actor(request)
    action = AuditAction.UPDATE if request.method == "POST" else AuditAction.READ
    appointment, client = _appointment(actor, appointment_id, action)
    wanted = request.GET.get("status", "")
    form = StatusForm(
        request.POST if request.method == "POST" else None,
        initial={"status": wanted} if wanted in {s.value for s in AppointmentStatus} else {},
    )
    if form.is_bound and form.is_valid():
        with submitting(form) as submitted:
            services.set_appointment_status(
                actor=actor,
                appointment_id=appointment.pk,
                status=AppointmentStatus(form.cleaned_data["status"]),
                reason=form.cleaned_data["reason"],
                now=clock.now(),
            )
        if submitted.ok:
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
