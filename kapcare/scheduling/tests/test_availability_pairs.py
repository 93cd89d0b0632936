"""Find a time for a medicine session paired with its integration session: the pure search
(the window, the next day on, a medicine time without integration not offered), the
service, the API (`follow_up`, `booking`), the page's "Book both", and booking the pair
as one act (a refused integration saves neither)."""

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client as HttpClient

from kapcare.core.violations import Refused
from kapcare.pathway.vocabulary import PlanFormat
from kapcare.people.access import Actor
from kapcare.people.models import Client, Location, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling import services
from kapcare.scheduling.availability import FollowUpSlotRequest, SlotRequest, find_slots
from kapcare.scheduling.hours import StaffSchedule, WorkingWindow
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.services import booking as booking_service
from kapcare.scheduling.services.availability import (
    AvailabilityQuery,
    FollowUpQuery,
    search_availability,
)
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
    without,
)
from kapcare.scheduling.tests.test_availability import (
    MONDAY,
    NOW,
    _book_raw,
    _ready_for_medicine,
    office,
)
from kapcare.scheduling.vocabulary import AppointmentKind, Modality

__all__ = ["office"]  # the fixture, shared with test_availability

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
TUESDAY = local(2025, 3, 11, 0)


def _pathway(plan_format: PlanFormat = PlanFormat.ONGOING) -> Any:
    """Ready for a medicine session on Tuesday 11 March 2025, with no integration booked."""
    return without(
        ready_pathway(TUESDAY.replace(hour=8), plan_format=plan_format),
        AppointmentKind.INTEGRATION,
    )


def _medicine_search(**changes: Any) -> SlotRequest:
    base: dict[str, Any] = {
        "kind": AppointmentKind.MEDICINE,
        "modality": Modality.IN_PERSON,
        "duration": 3 * HOUR,
        "staff": (THERAPIST, MONITOR),
        "after": TUESDAY,
        "location": BRYN_MAWR,
        "rooms": (BM_MEDICINE, BM_THERAPY),
        "step": dt.timedelta(minutes=60),
        "horizon": dt.timedelta(days=6),
        "count": 1,
        "follow_up": FollowUpSlotRequest(
            modality=Modality.IN_PERSON,
            duration=HOUR,
            staff=(THERAPIST,),
            location=BRYN_MAWR,
            rooms=(BM_MEDICINE, BM_THERAPY),
        ),
    }
    return SlotRequest(**{**base, **changes})


def _when(moment: dt.datetime) -> str:
    return f"{moment.astimezone(NY):%a %d %H:%M}"


# --- the pure search ----------------------------------------------------------------------


def test_a_medicine_slot_comes_with_its_integration_the_next_day_in_a_therapy_room() -> None:
    found = find_slots(_medicine_search(), client=CLIENT, pathway=_pathway())

    (slot,) = found.slots
    assert (_when(slot.start), slot.room) == ("Tue 11 08:00", BM_MEDICINE)
    assert slot.follow_up is not None
    # not the same afternoon: from the next morning, in the therapy room first
    assert (_when(slot.follow_up.start), _when(slot.follow_up.end)) == (
        "Wed 12 08:00",
        "Wed 12 09:00",
    )
    assert slot.follow_up.room == BM_THERAPY
    assert found.follow_up_staff == (THERAPIST.id,)
    assert found.blocked_by == ()


def test_the_integration_is_found_past_the_therapists_busy_days_inside_the_window() -> None:
    # Given the therapist booked all of Wednesday and Thursday
    busy = appt(
        AppointmentKind.THERAPY, local(2025, 3, 12, 0), local(2025, 3, 14, 0), staff=[THERAPIST]
    )
    found = find_slots(_medicine_search(), client=CLIENT, pathway=_pathway(), calendar=[busy])

    (slot,) = found.slots
    assert _when(slot.start) == "Tue 11 08:00"
    assert slot.follow_up is not None
    assert _when(slot.follow_up.start) == "Fri 14 08:00"


def test_an_intensive_needs_its_integration_within_two_days_or_the_time_is_not_offered() -> None:
    # Given an intensive plan (integration within 2 days) and the therapist busy from
    # Wednesday to Thursday night
    busy = appt(
        AppointmentKind.THERAPY, local(2025, 3, 12, 0), local(2025, 3, 14, 0), staff=[THERAPIST]
    )
    found = find_slots(
        _medicine_search(horizon=dt.timedelta(days=10)),
        client=CLIENT,
        pathway=_pathway(PlanFormat.INTENSIVE),
        calendar=[busy],
    )

    # Then Tuesday is not offered (no integration by Thursday), nor Wednesday and Thursday
    # (the therapist is busy), nor Friday (no weekday in its window); Monday is, with Tuesday
    (slot,) = found.slots
    assert slot.follow_up is not None
    assert (_when(slot.start), _when(slot.follow_up.start)) == ("Mon 17 08:00", "Tue 18 08:00")


def test_when_no_integration_fits_any_free_medicine_time_the_search_says_so() -> None:
    # Given the integration therapist works only at another office
    elsewhere = WorkingWindow(THERAPIST.id, 99, 0, dt.time(9), dt.time(17))
    other_therapist = dataclasses.replace(THERAPIST, id=106, name="Ola Other")
    follow = FollowUpSlotRequest(
        modality=Modality.IN_PERSON,
        duration=HOUR,
        staff=(THERAPIST,),
        location=BRYN_MAWR,
        rooms=(BM_THERAPY,),
    )
    found = find_slots(
        _medicine_search(staff=(other_therapist, MONITOR), follow_up=follow),
        client=CLIENT,
        pathway=_pathway(),
        schedule=StaffSchedule((elsewhere,)),
    )

    assert found.slots == ()
    assert [(v.rule, v.subject) for v in found.blocked_by] == [
        ("medicine.requires_integration", "follow_up")
    ]
    assert "no free time within 7 days after any of them" in found.blocked_by[0].message


def test_without_a_follow_up_a_medicine_slot_is_offered_alone() -> None:
    found = find_slots(_medicine_search(follow_up=None), client=CLIENT, pathway=_pathway())
    (slot,) = found.slots
    assert slot.follow_up is None
    assert found.needs_follow_up is True


def test_only_a_medicine_session_is_paired() -> None:
    with pytest.raises(ValueError, match="Only a medicine session"):
        _medicine_search(kind=AppointmentKind.THERAPY)


# --- the service and the booking of the pair -------------------------------------------------


def _query(
    client: Client,
    staff: dict[Role, StaffMember],
    location: Location,
    follow_up: FollowUpQuery | None = None,
) -> AvailabilityQuery:
    return AvailabilityQuery(
        client_id=client.pk,
        kind=AppointmentKind.MEDICINE,
        modality=Modality.IN_PERSON,
        staff_ids=(staff[Role.THERAPIST].pk, staff[Role.MONITOR].pk),
        after=MONDAY,
        location_id=location.pk,
        count=2,
        follow_up=follow_up or FollowUpQuery(),
    )


def test_every_pair_found_books_in_one_request(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    actor: Callable[[Role], Actor],
) -> None:
    # Given a client ready for a medicine session
    location, therapy_room, medicine_room = office
    _ready_for_medicine(team_client, staff, therapy_room)
    front_desk = actor(Role.FRONT_DESK)

    # When front desk looks for a medicine time (the therapist holds the integration)
    found = search_availability(actor=front_desk, query=_query(team_client, staff, location))

    # Then each medicine slot comes with an integration slot the next day, in the therapy room
    assert len(found.slots) == 2
    assert found.follow_up_staff == (staff[Role.THERAPIST].pk,)
    for slot in found.slots:
        assert slot.follow_up is not None
        assert slot.follow_up.room is not None
        assert slot.follow_up.room.id == therapy_room.pk
        assert slot.follow_up.start.astimezone(NY).date() == (slot.end.astimezone(NY).date() + DAY)
    # and the first pair books as one request
    first = found.slots[0]
    assert first.room is not None
    assert first.follow_up is not None
    booked = services.book_appointment(
        actor=front_desk,
        request=services.AppointmentRequest(
            client_id=team_client.pk,
            kind=AppointmentKind.MEDICINE,
            modality=Modality.IN_PERSON,
            start=first.start,
            end=first.end,
            staff_ids=(staff[Role.THERAPIST].pk, staff[Role.MONITOR].pk),
            location_id=location.pk,
            room_id=medicine_room.pk,
            follow_up=services.FollowUpRequest(
                kind=AppointmentKind.INTEGRATION,
                modality=Modality.IN_PERSON,
                start=first.follow_up.start,
                end=first.follow_up.end,
                staff_ids=found.follow_up_staff,
                location_id=location.pk,
                room_id=therapy_room.pk,
            ),
        ),
        now=NOW,
    )
    assert booked.follow_up is not None
    assert booked.follow_up.follow_up_of_id == booked.appointment.pk


def test_a_search_without_a_therapist_asks_who_holds_the_integration(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    actor: Callable[[Role], Actor],
) -> None:
    from kapcare.core.errors import FieldError

    query = dataclasses.replace(
        _query(team_client, staff, office[0]),
        staff_ids=(staff[Role.MEDICAL_PROVIDER].pk, staff[Role.MONITOR].pk),
    )
    with pytest.raises(FieldError) as refused:
        search_availability(actor=actor(Role.FRONT_DESK), query=query)
    assert refused.value.field == "follow_up.staff"


# --- the API ---------------------------------------------------------------------------------


def _api(http: HttpClient, **params: Any) -> Any:
    return http.get("/api/v1/availability", params)


def _medicine_params(
    client: Client, staff: dict[Role, StaffMember], location: Location, **more: Any
) -> dict[str, Any]:
    return {
        "client": client.pk,
        "kind": "medicine",
        "modality": "in_person",
        "location": location.pk,
        "staff": [staff[Role.THERAPIST].pk, staff[Role.MONITOR].pk],
        "after": "2030-01-07T00:00:00-05:00",
        "count": 1,
        **more,
    }


def test_the_api_offers_the_pair_and_the_request_that_books_both(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    # Given a client ready for a medicine session
    location, therapy_room, medicine_room = office
    _ready_for_medicine(team_client, staff, therapy_room)
    http = signed_in(Role.FRONT_DESK)

    # When front desk searches a medicine time through the API
    response = _api(http, **_medicine_params(team_client, staff, location))

    # Then the slot carries its integration session and the booking request
    assert response.status_code == 200, response.content
    (slot,) = response.json()["slots"]
    therapist = staff[Role.THERAPIST].pk
    assert slot["start"] == "2030-01-07T13:00:00Z"  # 08:00 in Bryn Mawr
    assert slot["follow_up"] == {
        "start": "2030-01-08T13:00:00Z",
        "end": "2030-01-08T14:00:00Z",
        "modality": "in_person",
        "location": location.pk,
        "room": therapy_room.pk,
        "room_name": "Willow",
        "staff": [therapist],
    }
    body = slot["booking"]
    assert (body["kind"], body["room"], body["follow_up"]["kind"]) == (
        "medicine",
        medicine_room.pk,
        "integration",
    )
    assert "with_follow_up=on" in slot["book_url"]
    assert "fu_start_time=08%3A00" in slot["book_url"]

    # When that request is posted: both are booked, linked
    booked = http.post("/api/v1/appointments", body, content_type="application/json")
    assert booked.status_code == 201, booked.content
    answer = booked.json()
    assert answer["follow_up"]["follow_up_of"] == answer["appointment"]["id"]
    assert answer["follow_up"]["start"] == slot["follow_up"]["start"]


def test_the_api_books_neither_when_the_integration_was_taken_meanwhile(
    practice: Any,
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    # Given the pair found for a client
    location, therapy_room, _ = office
    _ready_for_medicine(team_client, staff, therapy_room)
    http = signed_in(Role.FRONT_DESK)
    (slot,) = _api(http, **_medicine_params(team_client, staff, location)).json()["slots"]
    # and then someone books the therapist at the integration's time
    from tests.factories import make_care_team_member, make_client

    other = make_client(practice=practice)
    make_care_team_member(client=other, staff=staff[Role.THERAPIST], role=Role.THERAPIST)
    start = dt.datetime.fromisoformat(slot["follow_up"]["start"])
    _book_raw(other, therapy_room, staff[Role.THERAPIST], start, 60)
    before = Appointment.objects.filter(client=team_client).count()

    # When the pair is booked
    refused = http.post("/api/v1/appointments", slot["booking"], content_type="application/json")

    # Then it is refused on the integration, and the medicine session is not saved either
    assert refused.status_code == 422
    assert {(v["rule"], v["subject"]) for v in refused.json()["violations"]} == {
        ("conflict.clinician", "follow_up"),
        ("conflict.room", "follow_up"),
    }
    assert Appointment.objects.filter(client=team_client).count() == before


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only"
)
def test_a_lost_race_on_the_integration_books_neither(
    practice: Any,
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    actor: Callable[[Role], Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the pair found, and the integration's room taken by someone else since
    location, therapy_room, medicine_room = office
    _ready_for_medicine(team_client, staff, therapy_room)
    front_desk = actor(Role.FRONT_DESK)
    found = search_availability(actor=front_desk, query=_query(team_client, staff, location))
    first = found.slots[0]
    assert first.follow_up is not None
    from tests.factories import make_care_team_member, make_client

    other = make_client(practice=practice)
    make_care_team_member(client=other, staff=staff[Role.THERAPIST], role=Role.THERAPIST)
    _book_raw(other, therapy_room, staff[Role.THERAPIST], first.follow_up.start, 60)
    # and the check passing as if it ran before that booking (the race)
    monkeypatch.setattr(booking_service, "check", lambda facts, policy: [])
    before = Appointment.objects.filter(client=team_client).count()

    # When the pair is booked
    with pytest.raises(Refused) as lost:
        services.book_appointment(
            actor=front_desk,
            request=services.AppointmentRequest(
                client_id=team_client.pk,
                kind=AppointmentKind.MEDICINE,
                modality=Modality.IN_PERSON,
                start=first.start,
                end=first.end,
                staff_ids=(staff[Role.THERAPIST].pk, staff[Role.MONITOR].pk),
                location_id=location.pk,
                room_id=medicine_room.pk,
                follow_up=services.FollowUpRequest(
                    kind=AppointmentKind.INTEGRATION,
                    modality=Modality.IN_PERSON,
                    start=first.follow_up.start,
                    end=first.follow_up.end,
                    staff_ids=found.follow_up_staff,
                    location_id=location.pk,
                    room_id=therapy_room.pk,
                ),
            ),
            now=NOW,
        )

    # Then it is a lost race (409), and neither session was saved
    assert lost.value.conflict is True
    assert Appointment.objects.filter(client=team_client).count() == before


@pytest.mark.parametrize(
    ("more", "field"),
    [
        ({"kind": "therapy", "follow_up_staff": [1]}, "follow_up_staff"),
        ({"follow_up_duration": 2}, "follow_up_duration"),
        ({"follow_up_modality": "carrier_pigeon"}, "follow_up_modality"),
        ({"follow_up_location": 999999}, "follow_up_location"),
    ],
)
def test_bad_follow_up_searches_are_422s_on_their_field(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
    more: dict[str, Any],
    field: str,
) -> None:
    response = _api(
        signed_in(Role.FRONT_DESK), **_medicine_params(team_client, staff, office[0], **more)
    )
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_with_follow_up_false_offers_the_medicine_time_alone(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    _ready_for_medicine(team_client, staff, office[1])
    response = _api(
        signed_in(Role.FRONT_DESK),
        **_medicine_params(team_client, staff, office[0], with_follow_up="false"),
    )
    (slot,) = response.json()["slots"]
    assert slot["follow_up"] is None
    assert slot["booking"]["follow_up"] is None
    assert response.json()["needs_follow_up"] is True


# --- the page ----------------------------------------------------------------------------------


def test_the_page_books_the_medicine_session_and_its_integration_in_one_click(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    # Given the page's medicine search for a ready client
    location, therapy_room, medicine_room = office
    _ready_for_medicine(team_client, staff, therapy_room)
    http = signed_in(Role.FRONT_DESK)
    search = {
        "client": str(team_client.pk),
        "kind": "medicine",
        "modality": "in_person",
        "location": str(location.pk),
        "staff": [str(staff[Role.THERAPIST].pk), str(staff[Role.MONITOR].pk)],
        "after": "2030-01-07",
        "count": "1",
    }
    page = http.get("/schedule/availability/", search).content.decode()
    assert "Integration session</th>" in page
    assert "Willow" in page
    form = page.split('action="/appointments/new/"', 1)[1].split("</form>", 1)[0]
    assert "Book both" in form
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)

    # When "Book both" is pressed
    response = http.post(
        "/appointments/new/",
        urlencode([*fields, ("action", "book")]),
        content_type="application/x-www-form-urlencoded",
    )

    # Then the medicine session and its integration are booked together
    assert response.status_code == 302, response.content.decode()[:2000]
    medicine = Appointment.objects.get(client=team_client, kind="medicine")
    integration = Appointment.objects.get(client=team_client, kind="integration")
    assert (medicine.room_id, integration.room_id) == (medicine_room.pk, therapy_room.pk)
    assert integration.follow_up_of_id == medicine.pk
    assert integration.start.astimezone(NY).date() == medicine.start.astimezone(NY).date() + DAY


def test_the_pages_change_first_link_fills_the_integration_part_of_the_booking_form(
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    location, therapy_room, _ = office
    _ready_for_medicine(team_client, staff, therapy_room)
    http = signed_in(Role.FRONT_DESK)
    (slot,) = _api(http, **_medicine_params(team_client, staff, location)).json()["slots"]

    form = http.get(slot["book_url"]).content.decode()

    assert re.search(r'name="with_follow_up"[^>]*checked', form)
    assert 'name="fu_date" value="2030-01-08"' in form
    assert 'name="fu_start_time" value="08:00"' in form
    assert re.search(rf'<option value="{therapy_room.pk}" selected', form)


def test_the_pair_search_costs_the_same_queries_however_full_the_calendar(
    practice: Any,
    staff: dict[Role, StaffMember],
    team_client: Client,
    office: tuple[Location, Room, Room],
    signed_in: Callable[[Role], HttpClient],
    django_assert_max_num_queries: Any,
) -> None:
    # Given a client ready for a medicine session, the therapist's first Monday booked, and
    # the search warmed up
    location, therapy_room, _ = office
    _ready_for_medicine(team_client, staff, therapy_room)
    from tests.factories import make_care_team_member, make_client

    other = make_client(practice=practice)
    make_care_team_member(client=other, staff=staff[Role.THERAPIST], role=Role.THERAPIST)
    _book_raw(other, therapy_room, staff[Role.THERAPIST], MONDAY + 9 * HOUR, 60)
    http = signed_in(Role.FRONT_DESK)
    params = _medicine_params(team_client, staff, location, count=3)
    assert _api(http, **params).status_code == 200
    with django_assert_max_num_queries(40) as few:
        assert _api(http, **params).status_code == 200
    # When the therapist's next days fill up with other clients' sessions
    for day in range(1, 10):
        _book_raw(other, therapy_room, staff[Role.THERAPIST], MONDAY + day * DAY + 9 * HOUR, 60)

    # Then the search (medicine times and their integration) costs the same queries
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = _api(http, **params)
    assert response.status_code == 200
    assert len(response.json()["slots"]) == 3
