"""Find a time: the next free times for a client that pass every booking rule."""

import datetime as dt
import zoneinfo
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import add_field_error
from kapcare.people import policy
from kapcare.people.access import (
    Actor,
    deny,
    staff_actor,
    visible_clients,
)
from kapcare.people.models import Location
from kapcare.people.policy import Category
from kapcare.scheduling.api.availability import book_url, follow_up_out
from kapcare.scheduling.availability import DEFAULT_COUNT
from kapcare.scheduling.facts import policy_for_practice
from kapcare.scheduling.forms.availability import AvailabilityForm
from kapcare.scheduling.services.availability import (
    MAX_COUNT,
    AvailabilityQuery,
    FollowUpQuery,
    search_availability,
)
from kapcare.scheduling.vocabulary import AppointmentKind, Modality

SLOTS_A_DAY = 2
"""The page offers at most two times a day, so the times found spread across days."""
MORE = 5
""""Show more" asks for this many more times."""

_PLACE = ("location", "room", "date", "start_time", "end_time", "staff", "client_location_state")
BOOKING_FIELDS = frozenset(
    {"client", "kind", "modality", *_PLACE, "with_follow_up", "fu_modality"}
    | {f"fu_{name}" for name in _PLACE}
)
"""What a found slot posts to the booking page (its wall-clock spelling of the time): a
medicine slot with its integration session, so one click books both (or neither)."""


def _schedules(actor: Actor) -> bool:
    return Category.SCHEDULE in policy.allowed_categories(actor.roles, on_care_team=True)


@require_GET
def availability(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
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
    more_url = ""
    blocked: list[Any] = []
    needs_follow_up = False
    zone_name = policy_for_practice(actor.practice_id).time_zone.value
    follow_up_zone = zone_name
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        modality = Modality(d["modality"])
        location: Location | None = d["location"] if modality is Modality.IN_PERSON else None
        zone_name = location.time_zone if location is not None else zone_name
        kind = AppointmentKind(d["kind"])
        follow_up = None
        if kind is AppointmentKind.MEDICINE:
            follow_up = FollowUpQuery(
                modality=Modality(d["follow_up__modality"] or Modality.IN_PERSON.value),
                staff_ids=tuple(s.pk for s in d["follow_up__staff"]),
                duration_minutes=d["follow_up__duration"],
            )
        after = clock.now()
        if d["after"] is not None:
            start_of_day = dt.datetime.combine(d["after"], dt.time(), zoneinfo.ZoneInfo(zone_name))
            after = max(after, start_of_day)
        query = AvailabilityQuery(
            client_id=d["client"],
            kind=kind,
            modality=modality,
            staff_ids=tuple(s.pk for s in d["staff"]),
            after=after,
            location_id=location.pk if location is not None else None,
            duration_minutes=d["duration"],
            count=d["count"] or DEFAULT_COUNT,
            per_day=SLOTS_A_DAY,
            client_location_state=d["client_location_state"] or None,
            follow_up=follow_up,
        )
        try:
            found = search_availability(actor=actor, query=query)
        except FieldError as error:
            add_field_error(form, error)
        else:
            results = []
            for s in found.slots:
                room_id = s.room.id if s.room else None
                url = book_url(
                    query,
                    s.start,
                    s.end,
                    room_id,
                    found.time_zone,
                    follow_up=follow_up_out(s, query, found),
                    follow_up_zone=found.follow_up_time_zone,
                )
                # One click books it: the booking form's own fields, posted to the booking
                # page (which checks every rule again, and shows a refusal by its field).
                fields = [(k, v) for k, v in parse_qsl(urlsplit(url).query) if k in BOOKING_FIELDS]
                results.append({"slot": s, "url": url, "fields": fields, "follow_up": s.follow_up})
            blocked = list(found.blocked_by)
            asked = d["count"] or DEFAULT_COUNT
            if len(found.slots) >= asked and asked < MAX_COUNT:
                more = request.GET.copy()
                more["count"] = str(min(MAX_COUNT, asked + MORE))
                more_url = "?" + more.urlencode() + "#results-title"
            needs_follow_up = found.needs_follow_up
            zone_name = found.time_zone
            follow_up_zone = found.follow_up_time_zone
    return render(
        request,
        "scheduling/availability_search.html",
        {
            "form": form,
            "results": results,
            "blocked": blocked,
            "needs_follow_up": needs_follow_up,
            "zone": zone_name,
            "follow_up_zone": follow_up_zone,
            "paired": bool(results) and any(r["follow_up"] for r in results or []),
            "more_url": more_url,
        },
        status=422 if form.is_bound and form.errors else 200,
    )
