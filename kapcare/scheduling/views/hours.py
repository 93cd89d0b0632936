"""A staff member's working hours and time off (their own, or everyone's for front desk)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.people import policy
from kapcare.people.access import (
    staff_actor,
)
from kapcare.people.models import StaffMember
from kapcare.scheduling.access import access_staff, may_change_schedule
from kapcare.scheduling.facts import policy_for_practice
from kapcare.scheduling.forms.hours import TimeOffForm, VideoRoomForm, WindowForm
from kapcare.scheduling.hours import WEEKDAY_NAMES
from kapcare.scheduling.models import TimeOff, WorkingHours
from kapcare.scheduling.services import hours as hours_services
from kapcare.scheduling.services.video_room import set_video_room


@require_GET
def my_hours(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    assert actor.staff is not None  # noqa: S101 (checked by _actor)
    return redirect("scheduling:staff-hours", staff_id=actor.staff.pk)


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
    actor = staff_actor(request)
    may_change = may_change_schedule(actor, staff_id)
    member = access_staff(actor, staff_id, change=request.method == "POST", detail="page:hours")
    zone = policy_for_practice(member.practice_id).time_zone.value
    rows = _windows(member.pk)
    action = request.POST.get("action") if request.method == "POST" else None
    window_form = WindowForm(
        request.POST if action == "add_window" else None, practice_id=member.practice_id
    )
    time_off_form = TimeOffForm(request.POST if action == "add_time_off" else None, time_zone=zone)
    video_form = VideoRoomForm(
        request.POST if action == "set_video_room" else None,
        initial={"url": member.video_room_url},
    )
    try:
        if action == "set_video_room" and video_form.is_valid():
            set_video_room(actor=actor, staff_id=member.pk, url=video_form.cleaned_data["url"])
            messages.success(request, "Video room link saved.")
            return redirect("scheduling:staff-hours", staff_id=member.pk)
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
            return redirect("scheduling:staff-hours", staff_id=member.pk)
        if action == "remove_window":
            keep = [w for w in rows if str(w.pk) != request.POST.get("window")]
            hours_services.set_working_hours(
                actor=actor, staff_id=member.pk, windows=_as_input(keep)
            )
            messages.success(request, "Working hours removed.")
            return redirect("scheduling:staff-hours", staff_id=member.pk)
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
            return redirect("scheduling:staff-hours", staff_id=member.pk)
        if action == "remove_time_off":
            entry = request.POST.get("time_off", "")
            hours_services.delete_time_off(
                actor=actor,
                staff_id=member.pk,
                time_off_id=int(entry) if entry.isdigit() and len(entry) < 19 else 0,
            )
            messages.success(request, "Time off removed.")
            return redirect("scheduling:staff-hours", staff_id=member.pk)
    except FieldError as error:
        if action == "set_video_room":
            video_form.add_error("url", error.message)
        else:
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
    bound = action in {"add_window", "add_time_off", "set_video_room"}
    return render(
        request,
        "scheduling/hours_staff.html",
        {
            "member": member,
            "rows": [(WEEKDAY_NAMES[w.weekday], w) for w in rows],
            "may_change": may_change,
            "window_form": window_form,
            "time_off_form": time_off_form,
            "video_form": video_form,
            "time_off": time_off,
            "zone": zone,
            "colleagues": colleagues,
        },
        status=422 if bound else 200,
    )
