"""Availability search: the pure search, the property that every slot books, the API, the page."""

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kapcare.pathway.models import Consent, DoseOrder, TreatmentPlan
from kapcare.people.access import Actor
from kapcare.people.models import Client, Location, Practice, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling import services
from kapcare.scheduling.availability import SlotRequest, find_slots
from kapcare.scheduling.hours import Absence, StaffSchedule, WorkingWindow
from kapcare.scheduling.models import Appointment, AppointmentStaff, TimeOff, WorkingHours
from kapcare.scheduling.rules import PathwayFacts
from kapcare.scheduling.services.availability import AvailabilityQuery, search_availability
from kapcare.scheduling.tests import (
    BM_MEDICINE,
    BM_THERAPY,
    BRYN_MAWR,
    CLIENT,
    MONITOR,
    NY,
    THERAPIST,
    appt,
    local,
    ready_pathway,
)
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality
from tests.factories import (
    make_care_team_member,
    make_clearance,
    make_client,
    make_location,
    make_room,
)

HOUR = dt.timedelta(hours=1)
TUESDAY_MORNING = WorkingWindow(THERAPIST.id, BRYN_MAWR.id, 1, dt.time(9), dt.time(12))


def therapy_search(**changes: Any) -> SlotRequest:
    base = {
        "kind": AppointmentKind.THERAPY,
        "modality": Modality.IN_PERSON,
        "duration": HOUR,
        "staff": (THERAPIST,),
        "after": local(2025, 3, 11, 0),  # Tuesday
        "location": BRYN_MAWR,
        "rooms": (BM_THERAPY,),
        "step": dt.timedelta(minutes=30),
        "horizon": dt.timedelta(days=6),
    }
    return SlotRequest(**{**base, **changes})


def starts(found: Any) -> list[str]:
    return [f"{s.start.astimezone(NY):%a %H:%M}" for s in found.slots]


# --- the pure search ----------------------------------------------------------------------


def test_slots_are_the_working_hours_on_the_step_grid_around_other_bookings() -> None:
    # Given Tuesday 09:00-12:00 and a booking of the therapist 09:30-10:30
    busy = appt(
        AppointmentKind.THERAPY,
        local(2025, 3, 11, 9, 30),
        local(2025, 3, 11, 10, 30),
        staff=[THERAPIST],
    )
    found = find_slots(
        therapy_search(count=3, horizon=dt.timedelta(days=8)),
        client=CLIENT,
        pathway=PathwayFacts(plan=None),
        calendar=[busy],
        schedule=StaffSchedule((TUESDAY_MORNING,)),
    )
    # Then 10:30 and 11:00 fit that morning; the next Tuesday is the following slot
    assert starts(found) == ["Tue 10:30", "Tue 11:00", "Tue 09:00"]
    assert [s.room for s in found.slots] == [BM_THERAPY] * 3
    assert found.needs_follow_up is False


def test_per_day_spreads_the_slots_across_days() -> None:
    # Given Tuesday and Wednesday mornings 09:00-12:00 (the step is 30 minutes)
    wednesday = WorkingWindow(THERAPIST.id, BRYN_MAWR.id, 2, dt.time(9), dt.time(12))
    hours = StaffSchedule((TUESDAY_MORNING, wednesday))

    def search(per_day: int | None) -> list[str]:
        found = find_slots(
            therapy_search(count=4, per_day=per_day),
            client=CLIENT,
            pathway=PathwayFacts(plan=None),
            schedule=hours,
        )
        return starts(found)

    # Then in a row they fill Tuesday; two a day they reach Wednesday and next Tuesday
    assert search(None) == ["Tue 09:00", "Tue 09:30", "Tue 10:00", "Tue 10:30"]
    assert search(2) == ["Tue 09:00", "Tue 09:30", "Wed 09:00", "Wed 09:30"]
    with pytest.raises(ValueError, match="at least one slot a day"):
        therapy_search(per_day=0)


def test_time_off_and_count() -> None:
    away = Absence(THERAPIST.id, local(2025, 3, 11, 9), local(2025, 3, 11, 11))
    found = find_slots(
        therapy_search(count=1),
        client=CLIENT,
        pathway=PathwayFacts(plan=None),
        schedule=StaffSchedule((TUESDAY_MORNING,), (away,)),
    )
    assert starts(found) == ["Tue 11:00"]


def test_without_working_hours_the_search_uses_weekday_office_hours() -> None:
    found = find_slots(
        therapy_search(after=local(2025, 3, 15, 12), count=2),  # a Saturday noon
        client=CLIENT,
        pathway=PathwayFacts(plan=None),
    )
    assert starts(found) == ["Mon 08:00", "Mon 08:30"]


def test_a_medicine_session_gets_the_medicine_room_and_needs_its_follow_up() -> None:
    start = local(2025, 3, 11, 0)
    found = find_slots(
        therapy_search(
            kind=AppointmentKind.MEDICINE,
            duration=3 * HOUR,
            staff=(THERAPIST, MONITOR),
            rooms=(BM_THERAPY, BM_MEDICINE),
            count=1,
        ),
        client=CLIENT,
        pathway=ready_pathway(start.replace(hour=8)),
    )
    assert starts(found) == ["Tue 08:00"]
    assert found.slots[0].room == BM_MEDICINE
    assert found.needs_follow_up is True


def test_when_nothing_fits_the_search_says_which_rule_refused_every_time() -> None:
    pathway = ready_pathway(local(2025, 3, 11, 8), consents=())
    found = find_slots(
        therapy_search(
            kind=AppointmentKind.MEDICINE,
            duration=3 * HOUR,
            staff=(THERAPIST, MONITOR),
            rooms=(BM_MEDICINE,),
        ),
        client=CLIENT,
        pathway=pathway,
    )
    assert found.slots == ()
    assert [v.rule for v in found.blocked_by] == ["medicine.requires_consent"]


def test_no_working_hours_at_the_location_is_explained() -> None:
    elsewhere = WorkingWindow(THERAPIST.id, 99, 1, dt.time(9), dt.time(17))
    found = find_slots(
        therapy_search(),
        client=CLIENT,
        pathway=PathwayFacts(plan=None),
        schedule=StaffSchedule((elsewhere,)),
    )
    assert found.slots == ()
    assert [v.rule for v in found.blocked_by] == ["staff.outside_working_hours"]
    assert "no working hours at Bryn Mawr office" in found.blocked_by[0].message


def test_a_fully_booked_week_finds_nothing_and_blames_the_conflict() -> None:
    busy = appt(AppointmentKind.THERAPY, local(2025, 3, 10), local(2025, 3, 18), staff=[THERAPIST])
    found = find_slots(
        therapy_search(), client=CLIENT, pathway=PathwayFacts(plan=None), calendar=[busy]
    )
    assert found.slots == ()
    assert [v.rule for v in found.blocked_by] == ["conflict.clinician"]


# --- the database, the property --------------------------------------------------------

NOW = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)
MONDAY = dt.datetime(2030, 1, 7, tzinfo=NY)


@pytest.fixture
def office(practice: Practice) -> tuple[Location, Room, Room]:
    location = make_location(practice=practice, name="Bryn Mawr")
    return (
        location,
        make_room(location=location, kind=RoomKind.THERAPY, name="Willow"),
        make_room(location=location, kind=RoomKind.MEDICINE, name="Medicine"),
    )


def _book_raw(
    client: Client, room: Room, member: StaffMember, start: dt.datetime, minutes: int
) -> None:
    """An existing booking of someone else, put straight into the calendar."""
    appointment = Appointment.objects.create(
        client=client,
        kind="therapy",
        modality="in_person",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        location=room.location,
        room=room,
        created_by=member,
        created_at=NOW,
    )
    AppointmentStaff.objects.create(
        appointment=appointment,
        staff=member,
        start=appointment.start,
        end=appointment.end,
        status=AppointmentStatus.BOOKED.value,
    )


busy_spans = st.lists(
    st.tuples(st.integers(0, 4), st.integers(8 * 4, 17 * 4), st.integers(1, 12), st.booleans()),
    max_size=6,
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    busy=busy_spans,
    day_start=st.integers(7, 10),
    day_end=st.integers(13, 19),
    away_day=st.none() | st.integers(0, 4),
    minutes=st.sampled_from([30, 50, 60, 90]),
    kind=st.sampled_from([AppointmentKind.THERAPY, AppointmentKind.PREPARATION]),
)
def test_every_slot_found_books_through_the_booking_service(
    practice: Practice,
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    actor: Callable[[Role], Actor],
    busy: list[tuple[int, int, int, bool]],
    day_start: int,
    day_end: int,
    away_day: int | None,
    minutes: int,
    kind: AppointmentKind,
) -> None:
    location, therapy_room, _ = office
    therapist = staff[Role.THERAPIST]
    front_desk = actor(Role.FRONT_DESK)
    with transaction.atomic():
        # Given working hours, time off and other clients' bookings of the therapist/room
        for weekday in range(5):
            WorkingHours.objects.create(
                staff=therapist,
                location=location,
                weekday=weekday,
                start_time=dt.time(day_start),
                end_time=dt.time(day_end),
            )
        if away_day is not None:
            TimeOff.objects.create(
                staff=therapist,
                start=MONDAY + dt.timedelta(days=away_day, hours=11),
                end=MONDAY + dt.timedelta(days=away_day, hours=15),
                created_by=therapist,
                created_at=NOW,
            )
        for day, quarter, length, same_room in busy:
            start = MONDAY + dt.timedelta(days=day, minutes=quarter * 15)
            member = therapist if not same_room else staff[Role.MEDICAL_PROVIDER]
            room = therapy_room if same_room else make_room(location=location)
            if (
                not Appointment.objects.filter(
                    start__lt=start + dt.timedelta(minutes=length * 15),
                    end__gt=start,
                    staff_links__staff=member,
                ).exists()
                and not Appointment.objects.filter(
                    start__lt=start + dt.timedelta(minutes=length * 15), end__gt=start, room=room
                ).exists()
            ):
                _book_raw(make_client(practice=practice), room, member, start, length * 15)

        # When searching
        found = search_availability(
            actor=front_desk,
            query=AvailabilityQuery(
                client_id=team_client.pk,
                kind=kind,
                modality=Modality.IN_PERSON,
                staff_ids=(therapist.pk,),
                after=MONDAY,
                location_id=location.pk,
                duration_minutes=minutes,
                count=5,
                horizon_days=7,
            ),
        )

        # Then every slot books (each on its own, then undone)
        assert len(found.slots) == 5
        for slot in found.slots:
            with transaction.atomic():
                booked = services.book_appointment(
                    actor=front_desk,
                    request=services.AppointmentRequest(
                        client_id=team_client.pk,
                        kind=kind,
                        modality=Modality.IN_PERSON,
                        start=slot.start,
                        end=slot.end,
                        staff_ids=(therapist.pk,),
                        location_id=location.pk,
                        room_id=slot.room.id if slot.room else None,
                    ),
                    now=NOW,
                )
                assert booked.appointment.start == slot.start
                transaction.set_rollback(True)
        transaction.set_rollback(True)


def _ready_for_medicine(client: Client, staff: dict[Role, StaffMember], room: Room) -> None:
    medical = staff[Role.MEDICAL_PROVIDER]
    TreatmentPlan.objects.create(
        client=client, format="ongoing", status="active", updated_by=medical, updated_at=NOW
    )
    Consent.objects.create(
        client=client,
        kind="kap_informed_consent",
        version="1",
        signed_on=dt.date(2029, 12, 1),
        recorded_by=medical,
        recorded_at=NOW,
    )
    make_clearance(
        client=client,
        status="cleared",
        valid_until=dt.date(2030, 6, 1),
        recorded_by=medical,
        recorded_at=NOW,
    )
    DoseOrder.objects.create(
        client=client,
        route="sublingual",
        dose_mg=Decimal("100"),
        max_dose_mg=Decimal("200"),
        active_from=dt.date(2029, 12, 1),
        ordered_by=medical,
        ordered_at=NOW,
    )
    for days_before in (14, 7):
        start = MONDAY - dt.timedelta(days=days_before) + dt.timedelta(hours=10)
        appointment = Appointment.objects.create(
            client=client,
            kind="preparation",
            modality="in_person",
            start=start,
            end=start + HOUR,
            location=room.location,
            room=room,
            status="completed",
            status_changed_by=medical,
            status_changed_at=NOW,
            created_by=medical,
            created_at=NOW,
        )
        AppointmentStaff.objects.create(
            appointment=appointment,
            staff=staff[Role.THERAPIST],
            start=start,
            end=start + HOUR,
            status="completed",
        )


def test_a_medicine_slot_books_with_the_integration_slot_found_after_it(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    actor: Callable[[Role], Actor],
) -> None:
    location, therapy_room, medicine_room = office
    _ready_for_medicine(team_client, staff, therapy_room)
    front_desk = actor(Role.FRONT_DESK)
    therapist, monitor = staff[Role.THERAPIST], staff[Role.MONITOR]

    medicine = search_availability(
        actor=front_desk,
        query=AvailabilityQuery(
            client_id=team_client.pk,
            kind=AppointmentKind.MEDICINE,
            modality=Modality.IN_PERSON,
            staff_ids=(therapist.pk, monitor.pk),
            after=MONDAY,
            location_id=location.pk,
            count=1,
        ),
    ).slots[0]
    assert medicine.room is not None
    assert medicine.room.id == medicine_room.pk
    integration = search_availability(
        actor=front_desk,
        query=AvailabilityQuery(
            client_id=team_client.pk,
            kind=AppointmentKind.INTEGRATION,
            modality=Modality.IN_PERSON,
            staff_ids=(therapist.pk,),
            after=medicine.end,
            location_id=location.pk,
            count=1,
        ),
    ).slots[0]

    booked = services.book_appointment(
        actor=front_desk,
        request=services.AppointmentRequest(
            client_id=team_client.pk,
            kind=AppointmentKind.MEDICINE,
            modality=Modality.IN_PERSON,
            start=medicine.start,
            end=medicine.end,
            staff_ids=(therapist.pk, monitor.pk),
            location_id=location.pk,
            room_id=medicine_room.pk,
            follow_up=services.FollowUpRequest(
                kind=AppointmentKind.INTEGRATION,
                modality=Modality.IN_PERSON,
                start=integration.start,
                end=integration.end,
                staff_ids=(therapist.pk,),
                location_id=location.pk,
                room_id=integration.room.id if integration.room else None,
            ),
        ),
        now=NOW,
    )
    assert booked.follow_up is not None


# --- the API and the page -------------------------------------------------------------------


def _get(http: HttpClient, **params: Any) -> Any:
    response = http.get("/api/v1/availability", params)
    return response.status_code, response.json()


def test_the_api_answers_slots_with_booking_links(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    location, therapy_room, _ = office
    therapist = staff[Role.THERAPIST]
    status, answer = _get(
        signed_in(Role.FRONT_DESK),
        client=team_client.pk,
        kind="therapy",
        modality="in_person",
        location=location.pk,
        staff=[therapist.pk],
        after="2030-01-07T10:00:00-05:00",
        duration=50,
        count=2,
    )
    assert status == 200
    assert [s["start"] for s in answer["slots"]] == [
        "2030-01-07T15:00:00Z",
        "2030-01-07T15:15:00Z",
    ]
    first = answer["slots"][0]
    assert (first["room"], first["location"], first["staff"]) == (
        therapy_room.pk,
        location.pk,
        [therapist.pk],
    )
    assert first["book_url"].startswith("/appointments/new/?client=")
    assert "start_time=10%3A00" in first["book_url"]
    assert "date=2030-01-07" in first["book_url"]
    assert answer["blocked_by"] == []
    assert answer["needs_follow_up"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "therapy", "modality": "in_person", "staff": [1]}, "client"),
        ({"kind": "dance", "modality": "in_person"}, "kind"),
        ({"kind": "therapy", "modality": "in_person", "after": "2030-01-07T10:00:00"}, "after"),
        ({"kind": "therapy", "modality": "in_person", "count": 0}, "count"),
    ],
)
def test_bad_searches_are_precise_422s(
    staff: dict[Role, StaffMember],
    team_client: Client,
    signed_in: Callable[[Role], HttpClient],
    params: dict[str, Any],
    field: str,
) -> None:
    query = {"client": team_client.pk, "staff": [staff[Role.THERAPIST].pk], **params}
    if field == "client":
        del query["client"]
    status, answer = _get(signed_in(Role.FRONT_DESK), **query)
    assert status == 422
    assert field in [e["field"] for e in answer["errors"]]


def test_an_in_person_search_needs_a_location(
    staff: dict[Role, StaffMember], team_client: Client, signed_in: Callable[[Role], HttpClient]
) -> None:
    status, answer = _get(
        signed_in(Role.FRONT_DESK),
        client=team_client.pk,
        kind="therapy",
        modality="in_person",
        staff=[staff[Role.THERAPIST].pk],
    )
    assert (status, answer["errors"][0]["field"]) == (422, "location")


def test_a_client_off_the_care_team_is_not_found(
    staff: dict[Role, StaffMember],
    other_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    status, _ = _get(
        signed_in(Role.THERAPIST),
        client=other_client.pk,
        kind="therapy",
        modality="in_person",
        location=office[0].pk,
        staff=[staff[Role.THERAPIST].pk],
    )
    assert status == 404


def test_the_search_costs_the_same_queries_however_full_the_calendar(
    practice: Practice,
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
    django_assert_num_queries: Any,
) -> None:
    location, therapy_room, _ = office
    therapist = staff[Role.THERAPIST]
    http = signed_in(Role.FRONT_DESK)
    params: dict[str, Any] = {
        "client": team_client.pk,
        "kind": "therapy",
        "modality": "in_person",
        "location": location.pk,
        "staff": [therapist.pk],
        "after": "2030-01-07T00:00:00-05:00",
    }
    other = make_client(practice=practice)
    make_care_team_member(client=other, staff=therapist, role=Role.THERAPIST)
    _book_raw(other, therapy_room, therapist, MONDAY + dt.timedelta(hours=9), 60)
    http.get("/api/v1/availability", params)  # warm the session

    with CaptureQueriesContext(connection) as few:
        assert http.get("/api/v1/availability", params).status_code == 200
    for day in range(1, 10):
        _book_raw(other, therapy_room, therapist, MONDAY + dt.timedelta(days=day, hours=9), 60)
    with CaptureQueriesContext(connection) as many:
        assert http.get("/api/v1/availability", params).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def _therapy_search(
    staff: dict[Role, StaffMember], client: Client, office: tuple[Location, Room, Room], count: int
) -> dict[str, str | list[str]]:
    """The page's search for an in-person therapy session with the therapist, from 2030."""
    return {
        "client": str(client.pk),
        "kind": "therapy",
        "modality": "in_person",
        "location": str(office[0].pk),
        "staff": [str(staff[Role.THERAPIST].pk)],
        "after": "2030-01-07",
        "count": str(count),
    }


def test_the_page_finds_times_and_links_to_the_booking_form(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    http = signed_in(Role.FRONT_DESK)
    assert http.get("/schedule/availability/").status_code == 200
    response = http.get("/schedule/availability/", _therapy_search(staff, team_client, office, 3))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<button type="submit" name="action" value="book"') == 3  # one click
    assert body.count("Change first") == 3  # or the booking form, filled in
    assert "count=8#results-title" in body  # show more
    assert "/appointments/new/?client=" in body
    bad = http.get(
        "/schedule/availability/",
        {"client": str(team_client.pk), "kind": "therapy", "modality": "in_person"},
    )
    assert bad.status_code == 422
    assert "Choose the office for an in-person session." in bad.content.decode()


def test_json_shape_is_stable(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    status, answer = _get(
        signed_in(Role.THERAPIST),
        client=team_client.pk,
        kind="therapy",
        modality="telehealth",
        staff=[staff[Role.THERAPIST].pk],
        after="2030-01-07T00:00:00-05:00",
        count=1,
    )
    assert status == 200, json.dumps(answer)
    assert sorted(answer) == ["blocked_by", "needs_follow_up", "slots"]
    assert sorted(answer["slots"][0]) == [
        "book_url",
        "booking",
        "end",
        "follow_up",
        "location",
        "room",
        "room_name",
        "staff",
        "start",
    ]
    assert answer["slots"][0]["room"] is None


def test_a_found_time_books_in_one_click(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    # Given the first free time found for a therapy session
    http = signed_in(Role.FRONT_DESK)
    search = _therapy_search(staff, team_client, office, 1)
    page = http.get("/schedule/availability/", search).content.decode()
    form = page.split('action="/appointments/new/"', 1)[1].split("</form>", 1)[0]
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)

    # When its Book button is pressed (the hidden fields, as the browser posts them)
    posted = urlencode([*fields, ("action", "book")])
    response = http.post(
        "/appointments/new/", posted, content_type="application/x-www-form-urlencoded"
    )

    # Then it is booked at that time, with that room and therapist
    assert response.status_code == 302
    booked = Appointment.objects.get(client=team_client)
    found = dict(fields)
    zone = zoneinfo.ZoneInfo(office[0].time_zone)
    assert booked.start.astimezone(zone).strftime("%Y-%m-%d %H:%M") == (
        f"{found['date']} {found['start_time']}"
    )
    assert booked.room_id == int(found["room"])
    assert [link.staff_id for link in booked.staff_links.all()] == [staff[Role.THERAPIST].pk]


def test_the_api_spreads_slots_across_days_on_request(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    http = signed_in(Role.FRONT_DESK)
    query: dict[str, str | int | list[int]] = {
        "client": team_client.pk,
        "kind": "therapy",
        "modality": "telehealth",
        "staff": [staff[Role.THERAPIST].pk],
        "after": "2030-01-07T00:00:00-05:00",
        "count": 4,
    }

    def days(**more: int) -> list[str]:
        response = http.get("/api/v1/availability", {**query, **more})
        assert response.status_code == 200, response.content
        return [slot["start"][:10] for slot in response.json()["slots"]]

    assert len(set(days())) == 1  # the next four, in a row
    assert days(per_day=2) == ["2030-01-07", "2030-01-07", "2030-01-08", "2030-01-08"]
    bad = http.get("/api/v1/availability", {**query, "per_day": 0})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "per_day"
