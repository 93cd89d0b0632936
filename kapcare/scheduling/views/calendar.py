"""The calendar: a day or a week per clinician (their own by default), location or room,
in the location's time zone; and the row an appointment shows as (calendar and chart).
"""

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core import clock
from kapcare.people import policy
from kapcare.people.access import (
    Actor,
    deny,
    staff_actor,
    visible_clients,
)
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Category
from kapcare.scheduling.forms.calendar import CalendarForm
from kapcare.scheduling.forms.places import PlaceFields, Zoned, load_places, zone_of
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.spans import appointments_overlapping
from kapcare.scheduling.views.calendar_grid import GridRequest, build_grid
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
NAME_FIELDS = ("legal_given_name", "legal_family_name", "preferred_name")
"""What the calendar shows of a client (``Client.display_name``)."""
SHOWN_FIELDS = (
    "client_id",
    "kind",
    "modality",
    "start",
    "end",
    "status",
    "location_id",
    "room_id",
)
"""What the calendar shows of an appointment (``AppointmentRow``, the grid, the list)."""


def _schedules(actor: Actor) -> bool:
    """Whether the actor's roles ever reach schedules (everyone but the privacy officer)."""
    return Category.SCHEDULE in policy.allowed_categories(actor.roles, on_care_team=True)


def _require_schedules(actor: Actor, detail: str) -> None:
    if not _schedules(actor):
        raise deny(actor, category=Category.SCHEDULE, action=AuditAction.READ, detail=detail)


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

    staff_ids: tuple[int, ...] = ()

    @staticmethod
    def of(
        appointment: Appointment,
        *,
        visible: bool,
        default_zone: zoneinfo.ZoneInfo,
        staff: Sequence[tuple[int, str]] | None = None,
        places: PlaceFields | None = None,
    ) -> "AppointmentRow":
        """``staff`` (id, name) when the caller has them; else from ``staff_links``
        prefetched with their staff and users. The location and room from ``places`` when
        the caller has them (the calendar), else from the appointment's own."""
        location: Zoned | None
        if places is not None:
            location = places.locations.get(appointment.location_id or 0)
            room = places.room_names.get(appointment.room_id or 0, "")
        else:
            location = appointment.location
            room = appointment.room.name if appointment.room else ""
        zone = zone_of(location, default_zone)
        if appointment.modality == Modality.TELEHEALTH.value:
            where = MODALITY_LABELS[Modality.TELEHEALTH]
        else:
            named = location.name if location is not None else ""
            where = ", ".join(p for p in (named, room) if p)
        if staff is None:
            staff = [
                (link.staff_id, link.staff.display_name) for link in appointment.staff_links.all()
            ]
        status = AppointmentStatus(appointment.status)
        return AppointmentRow(
            appointment=appointment,
            visible=visible,
            start=appointment.start.astimezone(zone),
            end=appointment.end.astimezone(zone),
            kind=KIND_LABELS[AppointmentKind(appointment.kind)],
            where=where,
            staff=", ".join(sorted(name for _, name in staff)),
            status=STATUS_LABELS[status],
            staff_ids=tuple(pk for pk, _ in staff),
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


def _calendar_query(
    actor: Actor,
    start: dt.datetime,
    end: dt.datetime,
    *,
    staff_id: int | None,
    location_id: int | None,
    room_id: int | None,
) -> QuerySet[Appointment]:
    """The appointments overlapping ``[start, end)``, narrowed to a clinician, location or
    room: each through the index of its span (``scheduling.spans``); a clinician's
    through their bookings, whose times copy the appointment's.

    Narrowed, the practice is checked on the clients found (``_shown_clients``): joined
    here, the planner hashed every client of the practice to keep a week's few hundred
    (EXPLAIN at 10,000 clients: 9 ms of 10). The whole practice's calendar has nothing
    narrower than the practice, so it joins.
    """
    narrowed = staff_id is not None or location_id is not None or room_id is not None
    appointments = Appointment.objects.all()
    if not narrowed:
        appointments = appointments.filter(client__practice_id=actor.practice_id)
    appointments = appointments_overlapping(
        appointments, after=start, before=end, location_id=location_id, staff_id=staff_id
    )
    if room_id is not None:
        appointments = appointments.filter(room_id=room_id)
    # The location and room are named from the practice's places (``AppointmentRow.of``):
    # joined here, each of a week's few hundred rows built two more models. Only the
    # columns the page shows (a field read beyond them would cost a query per row: the
    # query-count tests would see it).
    return appointments.only(*SHOWN_FIELDS).order_by("start", "id")


def _staff_of(appointment_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Each appointment's staff as (id, name), in one query of plain values: a week's few
    hundred bookings as models (with their staff and users) cost more than the rest of
    the page's reads together."""
    links = AppointmentStaff.objects.filter(appointment_id__in=appointment_ids).values_list(
        "appointment_id", "staff_id", "staff__user__full_name", "staff__credentials"
    )
    names: dict[int, str] = {}
    staff: dict[int, list[tuple[int, str]]] = {pk: [] for pk in appointment_ids}
    for appointment_id, staff_id, full_name, credentials in links.order_by(
        "appointment_id", "staff_id"
    ):
        if staff_id not in names:  # named as everywhere (StaffMember.display_name)
            member = StaffMember(pk=staff_id, credentials=credentials)
            member.user = User(full_name=full_name)
            names[staff_id] = member.display_name
        staff[appointment_id].append((staff_id, names[staff_id]))
    return staff


@dataclass(frozen=True)
class ShownClients:
    clients: dict[int, Client]
    """The clients of the actor's practice among those asked, with their names."""
    visible: set[int]
    """Whose schedule the actor sees (the others show as busy)."""
    charts: set[int]
    """Whose chart the actor may open."""


def _shown_clients(actor: Actor, client_ids: set[int]) -> ShownClients:
    """Of these clients, those of the actor's practice, with their names and whether the
    actor sees their schedule and opens their chart, in one query. Each test is asked of
    these clients alone, so the database looks them up by id and never lists the
    practice's clients to decide."""
    if not client_ids:
        return ShownClients({}, set(), set())

    def sees(category: Category) -> Exists:
        return Exists(visible_clients(actor, category).filter(pk__in=client_ids, pk=OuterRef("pk")))

    found = list(
        Client.objects.filter(pk__in=client_ids, practice_id=actor.practice_id)
        .only(*NAME_FIELDS)
        .annotate(schedule=sees(Category.SCHEDULE), chart=sees(CHART_CATEGORY))
        .order_by()
    )
    visible = {c.pk for c in found if c.schedule}
    charts = {c.pk for c in found if c.schedule and c.chart}
    return ShownClients({c.pk: c for c in found}, visible, charts)


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
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
    layout = data.get("layout") or "grid"
    by = data.get("by") or "staff"
    chosen = data.get("date") or clock.today()
    location = places.locations.get(location_id) if location_id else None
    zone = zone_of(location, places.zone)
    first = chosen if view == "day" else chosen - dt.timedelta(days=chosen.weekday())
    days = [first + dt.timedelta(days=n) for n in range(1 if view == "day" else 7)]
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(), tzinfo=zone)

    appointments = _calendar_query(
        actor, start, end, staff_id=staff_id, location_id=location_id, room_id=room_id
    )
    booked = list(appointments)
    shown = _shown_clients(actor, {a.client_id for a in booked})
    visible, charts = shown.visible, shown.charts
    found = [a for a in booked if a.client_id in shown.clients]  # the practice's only
    for appointment in found:
        appointment.client = shown.clients[appointment.client_id]
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=sorted(visible),
        category=Category.SCHEDULE,
        detail="page:calendar",
    )
    staff = _staff_of([a.pk for a in found])
    by_day: dict[dt.date, list[AppointmentRow]] = {day: [] for day in days}
    for appointment in found:
        row = AppointmentRow.of(
            appointment,
            visible=appointment.client_id in visible,
            default_zone=zone,
            staff=staff[appointment.pk],
            places=places,
        )
        local = appointment.start.astimezone(zone).date()
        if local in by_day:  # one that began the evening before shows on its own day
            by_day[local].append(row)

    def link(**changes: object) -> str:
        params: dict[str, object] = {"view": view, "layout": layout, "by": by, "date": chosen}
        for key, value in (("staff", staff_id), ("location", location_id), ("room", room_id)):
            if value is not None:
                params[key] = value
        if staff_id is None and "staff" in query:
            params["staff"] = ""
        params.update(changes)
        return "?" + urlencode(params)

    def book_params(day: dt.date) -> dict[str, object]:
        params: dict[str, object] = {"date": day}
        for key, value in (("staff", staff_id), ("location", location_id), ("room", room_id)):
            if value is not None:
                params[key] = value
        if room_id is not None and location_id is None:
            room = places.rooms_by_id.get(room_id)
            if room is not None:
                params["location"] = room.location_id
        return params

    def book_link(day: dt.date) -> str:
        return reverse("scheduling:book") + "?" + urlencode(book_params(day))

    grid = None
    if layout == "grid":
        rows = [row for day in days for row in by_day[day]]
        grid = build_grid(
            GridRequest(view, by, days, zone, staff_id, location_id, room_id, clock.now()),
            places,
            rows,
            charts,
            book_params,
        )

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
            "layout": layout,
            "by": by,
            "grid": grid,
            "kinds": [(kind.value, label) for kind, label in KIND_LABELS.items()],
            "grid_url": link(layout="grid"),
            "list_url": link(layout="list"),
            "by_staff_url": link(by="staff"),
            "by_room_url": link(by="room"),
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
