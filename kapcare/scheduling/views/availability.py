"""Find a time: the next free times for a client that pass every booking rule."""

import datetime as dt
import zoneinfo
from typing import Any

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
from kapcare.scheduling.api.availability import book_url
from kapcare.scheduling.facts import policy_for_practice
from kapcare.scheduling.forms.availability import AvailabilityForm
from kapcare.scheduling.services.availability import AvailabilityQuery, search_availability
from kapcare.scheduling.vocabulary import AppointmentKind, Modality


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
    blocked: list[Any] = []
    needs_follow_up = False
    zone_name = policy_for_practice(actor.practice_id).time_zone.value
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
