"""Pages: a staff member's working hours and time off, availability search, the calendar
feed settings, the practice's scheduling settings; and the feed itself.

Thin: changes go through ``hours_services``, ``settings_services`` and ``ical``; the
availability search through ``availability_service``; clients through ``people.access``.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core import clock
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.form_errors import add_field_error
from kapcare.people import policy
from kapcare.people.access import (
    Actor,
    NotFound,
    actor_for_request,
    deny,
    request_ip,
    visible_clients,
)
from kapcare.people.models import Location, StaffMember
from kapcare.people.policy import Category
from kapcare.scheduling import hours_services, ical, settings_services
from kapcare.scheduling.api_more import book_url
from kapcare.scheduling.availability_service import AvailabilityQuery, search_availability
from kapcare.scheduling.forms_more import AvailabilityForm, SettingsForm, TimeOffForm, WindowForm
from kapcare.scheduling.hours import WEEKDAY_NAMES
from kapcare.scheduling.models import CalendarFeed, TimeOff, WorkingHours
from kapcare.scheduling.practice_settings import setting_rows
from kapcare.scheduling.vocabulary import AppointmentKind, Modality

FEED_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _actor(request: HttpRequest) -> Actor:
    actor = actor_for_request(request)
    if actor is None or actor.staff is None:
        raise NotFound
    return actor


# --- working hours and time off -----------------------------------------------------------


@require_GET
def my_hours(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    assert actor.staff is not None  # noqa: S101 (checked by _actor)
    return redirect("scheduling_more:staff-hours", staff_id=actor.staff.pk)


def _windows(member_id: int) -> list[WorkingHours]:
    return list(
        WorkingHours.objects.filter(staff_id=member_id)
        .select_related("location")
        .order_by("weekday", "start_time", "id")
    )


def _as_input(rows: list[WorkingHours]) -> list[hours_services.WindowIn]:
    return [
        hours_services.WindowIn(w.weekday, w.start_time, w.end_time, w.location_id) for w in rows
    ]


@require_http_methods(["GET", "POST"])
def staff_hours(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Working hours (anyone on the staff may look) and time off (the person, front desk)."""
    actor = _actor(request)
    may_change = hours_services.may_change(actor, staff_id)
    member = hours_services.access_staff(
        actor, staff_id, change=request.method == "POST", detail="page:hours"
    )
    zone = settings_services.policy_for_practice(member.practice_id).time_zone.value
    rows = _windows(member.pk)
    action = request.POST.get("action") if request.method == "POST" else None
    window_form = WindowForm(
        request.POST if action == "add_window" else None, practice_id=member.practice_id
    )
    time_off_form = TimeOffForm(request.POST if action == "add_time_off" else None, time_zone=zone)
    try:
        if action == "add_window" and window_form.is_valid():
            d = window_form.cleaned_data
            hours_services.set_working_hours(
                actor=actor,
                staff_id=member.pk,
                windows=[
                    *_as_input(rows),
                    hours_services.WindowIn(d["weekday"], d["start"], d["end"], d["location"].pk),
                ],
            )
            messages.success(request, "Working hours added.")
            return redirect("scheduling_more:staff-hours", staff_id=member.pk)
        if action == "remove_window":
            keep = [w for w in rows if str(w.pk) != request.POST.get("window")]
            hours_services.set_working_hours(
                actor=actor, staff_id=member.pk, windows=_as_input(keep)
            )
            messages.success(request, "Working hours removed.")
            return redirect("scheduling_more:staff-hours", staff_id=member.pk)
        if action == "add_time_off" and time_off_form.is_valid():
            start, end = time_off_form.span()
            hours_services.add_time_off(
                actor=actor,
                staff_id=member.pk,
                start=start,
                end=end,
                reason=time_off_form.cleaned_data["reason"],
                now=clock.now(),
            )
            messages.success(request, "Time off added.")
            return redirect("scheduling_more:staff-hours", staff_id=member.pk)
        if action == "remove_time_off":
            entry = request.POST.get("time_off", "")
            hours_services.delete_time_off(
                actor=actor,
                staff_id=member.pk,
                time_off_id=int(entry) if entry.isdigit() and len(entry) < 19 else 0,
            )
            messages.success(request, "Time off removed.")
            return redirect("scheduling_more:staff-hours", staff_id=member.pk)
    except FieldError as error:
        target = window_form if action == "add_window" else time_off_form
        target.add_error(None, error.message)
    time_off = (
        list(TimeOff.objects.filter(staff=member, end__gt=clock.now()).order_by("start", "id"))
        if may_change
        else []
    )
    colleagues = (
        list(
            StaffMember.objects.filter(practice_id=member.practice_id, is_active=True)
            .select_related("user")
            .order_by("user__full_name")
        )
        if policy.may_manage_staff_schedules(actor.roles)
        else []
    )
    bound = action in {"add_window", "add_time_off"}
    return render(
        request,
        "scheduling/hours_staff.html",
        {
            "member": member,
            "rows": [(WEEKDAY_NAMES[w.weekday], w) for w in rows],
            "may_change": may_change,
            "window_form": window_form,
            "time_off_form": time_off_form,
            "time_off": time_off,
            "zone": zone,
            "colleagues": colleagues,
        },
        status=422 if bound else 200,
    )


# --- availability -----------------------------------------------------------------------


def _schedules(actor: Actor) -> bool:
    return Category.SCHEDULE in policy.allowed_categories(actor.roles, on_care_team=True)


@require_GET
def availability(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not _schedules(actor):
        raise deny(
            actor, category=Category.SCHEDULE, action=AuditAction.READ, detail="page:availability"
        )
    clients = [
        (c.pk, c.display_name)
        for c in visible_clients(actor, Category.SCHEDULE).order_by(
            "legal_family_name", "legal_given_name", "pk"
        )
    ]
    # The client list names people: one read event per client shown.
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=[pk for pk, _ in clients],
        category=Category.DEMOGRAPHICS,
        detail="page:availability",
    )
    form = AvailabilityForm(
        request.GET if "client" in request.GET else None,
        practice_id=actor.practice_id,
        clients=clients,
    )
    results: list[dict[str, Any]] | None = None
    blocked: list[Any] = []
    needs_follow_up = False
    zone_name = settings_services.policy_for_practice(actor.practice_id).time_zone.value
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        modality = Modality(d["modality"])
        location: Location | None = d["location"] if modality is Modality.IN_PERSON else None
        zone_name = location.time_zone if location is not None else zone_name
        after = clock.now()
        if d["after"] is not None:
            start_of_day = dt.datetime.combine(d["after"], dt.time(), zoneinfo.ZoneInfo(zone_name))
            after = max(after, start_of_day)
        query = AvailabilityQuery(
            client_id=d["client"],
            kind=AppointmentKind(d["kind"]),
            modality=modality,
            staff_ids=tuple(s.pk for s in d["staff"]),
            after=after,
            location_id=location.pk if location is not None else None,
            duration_minutes=d["duration"],
            count=d["count"] or 5,
            client_location_state=d["client_location_state"] or None,
        )
        try:
            found = search_availability(actor=actor, query=query)
        except FieldError as error:
            add_field_error(form, error)
        else:
            results = [
                {
                    "slot": s,
                    "url": book_url(
                        query, s.start, s.end, s.room.id if s.room else None, found.time_zone
                    ),
                }
                for s in found.slots
            ]
            blocked = list(found.blocked_by)
            needs_follow_up = found.needs_follow_up
            zone_name = found.time_zone
    return render(
        request,
        "scheduling/availability_search.html",
        {
            "form": form,
            "results": results,
            "blocked": blocked,
            "needs_follow_up": needs_follow_up,
            "zone": zone_name,
        },
        status=422 if form.is_bound and form.errors else 200,
    )


# --- calendar feed ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def feed_settings(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own calendar feed: make (or replace) the address, or revoke."""
    actor = _actor(request)
    assert actor.staff is not None  # noqa: S101 (checked by _actor)
    new_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rotate":
            _, secret = ical.rotate_feed(actor=actor, staff_id=actor.staff.pk, now=clock.now())
            new_url = request.build_absolute_uri(ical.feed_path(secret))
        elif action == "revoke":
            ical.revoke_feed(actor=actor, staff_id=actor.staff.pk, now=clock.now())
            messages.success(request, "The calendar feed is revoked: its address no longer works.")
            return redirect("scheduling_more:feed-settings")
    feed: CalendarFeed | None = ical.live_feed(actor.staff.pk)
    response = render(request, "scheduling/feed_settings.html", {"feed": feed, "new_url": new_url})
    return response


@login_not_required
@never_cache
@require_GET
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed: no sign-in (calendar apps cannot), the secret in the URL is the key."""
    found = ical.find_feed(secret)
    if found is None:
        raise Http404("No such calendar feed.")
    body = ical.render_feed(found, now=clock.now(), source_ip=request_ip(request))
    response = HttpResponse(body, content_type=FEED_CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="kapcare.ics"'
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- practice settings ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def practice_settings(request: HttpRequest) -> HttpResponse:
    """Booking-rule settings: everyone on the staff may read them, front desk changes them."""
    actor = _actor(request)
    may_change = policy.may_change_scheduling_settings(actor.roles)
    if request.method == "POST" and not may_change:
        raise deny(
            actor, category=Category.SCHEDULE, action=AuditAction.UPDATE, detail="page:settings"
        )
    stored = settings_services.get_settings(actor.practice_id)
    rows = setting_rows(stored.overrides)
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        rows=rows,
        initial={"reminder_hours_before": stored.reminder_hours_before},
    )
    if form.is_bound and form.is_valid():
        try:
            settings_services.update_settings(
                actor=actor,
                values=form.changed_values(),
                reason=form.cleaned_data["reason"],
                reminder_hours_before=form.cleaned_data["reminder_hours_before"],
                now=clock.now(),
            )
        except PermissionDenied:  # audited by the service
            raise NotFound from None
        except FieldError as error:
            key = error.field.replace(".", "__")
            form.add_error(key if key in form.fields else None, error.message)
        else:
            messages.success(request, "The scheduling settings are saved.")
            return redirect("scheduling_more:practice-settings")
    return render(
        request,
        "scheduling/settings_practice.html",
        {"form": form, "rows": rows, "may_change": may_change, "stored": stored},
        status=422 if form.is_bound else 200,
    )
