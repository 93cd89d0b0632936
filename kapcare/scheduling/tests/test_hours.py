"""Working hours and time off: the pure rules, the booking service, the API and the page."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from hypothesis import given
from hypothesis import strategies as st

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.core.violations import Refused
from kapcare.people.access import Actor
from kapcare.people.models import Client, Practice, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling import services
from kapcare.scheduling.hours import (
    Absence,
    StaffSchedule,
    WorkingWindow,
    check_staff_availability,
)
from kapcare.scheduling.models import TimeOff, WorkingHours
from kapcare.scheduling.tests import (
    BRYN_MAWR,
    NY,
    PHILADELPHIA,
    THERAPIST,
    local,
    proposed,
    virtual,
)
from kapcare.scheduling.vocabulary import AppointmentKind, Modality, Subject
from tests.factories import make_location, make_room

# Tuesday 11 March 2025 (tests/__init__: START), Bryn Mawr's clock.
TUESDAY = 1
NINE_TO_FIVE = WorkingWindow(THERAPIST.id, BRYN_MAWR.id, TUESDAY, dt.time(9), dt.time(17))


def codes_for(booking: Any, schedule: StaffSchedule) -> list[str]:
    return [
        v.rule for v in check_staff_availability(booking, schedule, time_zone="America/New_York")
    ]


def therapy_at(hour: int, minute: int = 0, minutes: int = 60, **changes: Any) -> Any:
    start = local(2025, 3, 11, hour, minute)
    return proposed(
        AppointmentKind.THERAPY, start, start + dt.timedelta(minutes=minutes), **changes
    )


# --- pure rules: tables -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "minutes", "windows", "expected"),
    [
        (10, 0, 60, (NINE_TO_FIVE,), []),
        (9, 0, 60, (NINE_TO_FIVE,), []),  # starts exactly when work starts
        (16, 0, 60, (NINE_TO_FIVE,), []),  # ends exactly when work ends
        (8, 59, 60, (NINE_TO_FIVE,), ["staff.outside_working_hours"]),
        (16, 1, 60, (NINE_TO_FIVE,), ["staff.outside_working_hours"]),
        (20, 0, 60, (NINE_TO_FIVE,), ["staff.outside_working_hours"]),
        (10, 0, 60, (), []),  # no hours recorded: not limited
        # Two windows that touch are one stretch of work.
        (
            11,
            0,
            120,
            (
                WorkingWindow(THERAPIST.id, BRYN_MAWR.id, TUESDAY, dt.time(9), dt.time(12)),
                WorkingWindow(THERAPIST.id, BRYN_MAWR.id, TUESDAY, dt.time(12), dt.time(17)),
            ),
            [],
        ),
        # A gap between two windows (lunch) is not working time.
        (
            11,
            0,
            120,
            (
                WorkingWindow(THERAPIST.id, BRYN_MAWR.id, TUESDAY, dt.time(9), dt.time(12)),
                WorkingWindow(THERAPIST.id, BRYN_MAWR.id, TUESDAY, dt.time(13), dt.time(17)),
            ),
            ["staff.outside_working_hours"],
        ),
        # Hours on another day, or at another office, do not count in person.
        (
            10,
            0,
            60,
            (WorkingWindow(THERAPIST.id, BRYN_MAWR.id, 2, dt.time(9), dt.time(17)),),
            ["staff.outside_working_hours"],
        ),
        (
            10,
            0,
            60,
            (WorkingWindow(THERAPIST.id, PHILADELPHIA.id, TUESDAY, dt.time(9), dt.time(17)),),
            ["staff.outside_working_hours"],
        ),
        # Somebody else's hours say nothing about this therapist's.
        (
            20,
            0,
            60,
            (WorkingWindow(999, BRYN_MAWR.id, TUESDAY, dt.time(9), dt.time(17)),),
            [],
        ),
    ],
)
def test_working_hours_table(
    hour: int, minute: int, minutes: int, windows: tuple[WorkingWindow, ...], expected: list[str]
) -> None:
    assert codes_for(therapy_at(hour, minute, minutes), StaffSchedule(windows)) == expected


def test_telehealth_may_fall_in_any_of_the_persons_windows() -> None:
    elsewhere = WorkingWindow(THERAPIST.id, PHILADELPHIA.id, TUESDAY, dt.time(9), dt.time(17))
    booking = virtual(AppointmentKind.THERAPY, local(2025, 3, 11, 10))
    assert codes_for(booking, StaffSchedule((elsewhere,))) == []
    late = virtual(AppointmentKind.THERAPY, local(2025, 3, 11, 18))
    assert codes_for(late, StaffSchedule((elsewhere,))) == ["staff.outside_working_hours"]


def test_an_appointment_past_midnight_is_outside_any_window() -> None:
    all_day = WorkingWindow(THERAPIST.id, BRYN_MAWR.id, TUESDAY, dt.time(0), dt.time(23, 59))
    booking = therapy_at(23, 30, 60)
    assert codes_for(booking, StaffSchedule((all_day,))) == ["staff.outside_working_hours"]


@pytest.mark.parametrize(
    ("away_from", "away_until", "expected"),
    [
        (local(2025, 3, 11, 9), local(2025, 3, 11, 10), []),  # ends as the session starts
        (local(2025, 3, 11, 11), local(2025, 3, 11, 12), []),  # starts as the session ends
        (local(2025, 3, 11, 9), local(2025, 3, 11, 10, 1), ["staff.time_off"]),
        (local(2025, 3, 11, 10, 59), local(2025, 3, 11, 12), ["staff.time_off"]),
        (local(2025, 3, 1), local(2025, 3, 20), ["staff.time_off"]),
    ],
)
def test_time_off_table(
    away_from: dt.datetime, away_until: dt.datetime, expected: list[str]
) -> None:
    schedule = StaffSchedule(absences=(Absence(THERAPIST.id, away_from, away_until),))
    assert codes_for(therapy_at(10), schedule) == expected


def test_messages_name_the_person_and_hours_not_the_reason() -> None:
    schedule = StaffSchedule(
        (NINE_TO_FIVE,), (Absence(THERAPIST.id, local(2025, 3, 11, 19), local(2025, 3, 11, 22)),)
    )
    violations = check_staff_availability(
        therapy_at(20), schedule, time_zone="America/New_York", subject=Subject.FOLLOW_UP
    )
    assert [v.rule for v in violations] == ["staff.outside_working_hours", "staff.time_off"]
    assert (
        "Dana Therapist has working hours on Tuesdays 9:00 am\N{EN DASH}5:00 pm "
        "at Bryn Mawr office." in (violations[0].message)
    )
    assert (
        "Dana Therapist is away (time off) from Tue 11 Mar 2025, 7:00 pm" in violations[1].message
    )
    assert {v.subject for v in violations} == {Subject.FOLLOW_UP}


@given(
    start_hour=st.integers(0, 22),
    minutes=st.integers(5, 120),
    away_start=st.integers(0, 23),
    away_hours=st.integers(1, 30),
)
def test_more_time_off_never_removes_a_violation(
    start_hour: int, minutes: int, away_start: int, away_hours: int
) -> None:
    booking = therapy_at(start_hour, 0, minutes)
    base = StaffSchedule((NINE_TO_FIVE,))
    more_start = local(2025, 3, 11, away_start)
    more = StaffSchedule(
        base.windows,
        (Absence(THERAPIST.id, more_start, more_start + dt.timedelta(hours=away_hours)),),
    )
    assert set(codes_for(booking, base)) <= set(codes_for(booking, more))


@given(start_hour=st.integers(0, 22), minutes=st.integers(5, 60))
def test_without_hours_or_time_off_nothing_is_refused(start_hour: int, minutes: int) -> None:
    assert codes_for(therapy_at(start_hour, 0, minutes), StaffSchedule()) == []


def test_a_window_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end after"):
        WorkingWindow(1, 1, 0, dt.time(10), dt.time(9))


# --- the booking service ----------------------------------------------------------------

NOW = dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)
MONDAY_10 = dt.datetime(2030, 1, 21, 10, tzinfo=NY)  # a Monday


def _room(practice: Practice) -> Room:
    return make_room(location=make_location(practice=practice), kind=RoomKind.THERAPY)


def _request(client: Client, room: Room, staff: StaffMember, start: dt.datetime) -> Any:
    return services.AppointmentRequest(
        client_id=client.pk,
        kind=AppointmentKind.THERAPY,
        modality=Modality.IN_PERSON,
        start=start,
        end=start + dt.timedelta(minutes=50),
        staff_ids=(staff.pk,),
        location_id=room.location_id,
        room_id=room.pk,
    )


def test_the_booking_service_refuses_outside_hours_and_during_time_off(
    practice: Practice,
    staff: dict[Role, StaffMember],
    team_client: Client,
    actor: Callable[[Role], Actor],
) -> None:
    # Given a therapist who works Mondays 09:00-17:00 and is away Monday 21st 14:00-18:00
    room = _room(practice)
    therapist = staff[Role.THERAPIST]
    WorkingHours.objects.create(
        staff=therapist,
        location=room.location,
        weekday=0,
        start_time=dt.time(9),
        end_time=dt.time(17),
    )
    TimeOff.objects.create(
        staff=therapist,
        start=MONDAY_10.replace(hour=14),
        end=MONDAY_10.replace(hour=18),
        created_by=therapist,
        created_at=NOW,
    )
    front_desk = actor(Role.FRONT_DESK)

    def refused(start: dt.datetime) -> list[str]:
        with pytest.raises(Refused) as caught:
            services.book_appointment(
                actor=front_desk, request=_request(team_client, room, therapist, start), now=NOW
            )
        return [v.rule for v in caught.value.violations]

    # When / then
    assert refused(MONDAY_10.replace(hour=8)) == ["staff.outside_working_hours"]
    assert refused(MONDAY_10.replace(hour=14)) == ["staff.time_off"]
    assert refused(MONDAY_10.replace(hour=16, minute=30)) == [
        "staff.outside_working_hours",
        "staff.time_off",
    ]
    booked = services.book_appointment(
        actor=front_desk, request=_request(team_client, room, therapist, MONDAY_10), now=NOW
    )
    assert booked.appointment.start == MONDAY_10


# --- the API ------------------------------------------------------------------------------


def _json(http: HttpClient, method: str, path: str, body: object | None = None) -> Any:
    response = http.generic(
        method, path, json.dumps(body) if body is not None else "", content_type="application/json"
    )
    return response.status_code, (response.json() if response.content else None)


def test_staff_edit_their_own_hours_and_front_desk_edits_anyones(
    practice: Practice,
    staff: dict[Role, StaffMember],
    signed_in: Callable[[Role], HttpClient],
) -> None:
    location = make_location(practice=practice)
    therapist = staff[Role.THERAPIST]
    path = f"/api/v1/staff/{therapist.pk}/working-hours"
    body = {"windows": [{"weekday": 0, "start": "09:00", "end": "17:00", "location": location.pk}]}

    # The therapist sets their own
    status, answer = _json(signed_in(Role.THERAPIST), "PUT", path, body)
    assert status == 200
    assert answer == {
        "staff": therapist.pk,
        "windows": [{"weekday": 0, "start": "09:00", "end": "17:00", "location": location.pk}],
    }
    # A colleague may read them but not change them (404, audited)
    http = signed_in(Role.MEDICAL_PROVIDER)
    assert _json(http, "GET", path)[0] == 200
    assert _json(http, "PUT", path, {"windows": []})[0] == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=staff[Role.MEDICAL_PROVIDER].user
    ).exists()
    # Front desk may change anyone's
    status, answer = _json(signed_in(Role.FRONT_DESK), "PUT", path, {"windows": []})
    assert (status, answer["windows"]) == (200, [])
    assert WorkingHours.objects.filter(staff=therapist).count() == 0


@pytest.mark.parametrize(
    ("window", "field"),
    [
        ({"weekday": 0, "start": "17:00", "end": "09:00"}, "windows.0.end"),
        ({"weekday": 7, "start": "09:00", "end": "17:00"}, "windows.0.weekday"),
        ({"weekday": 0, "start": "9am", "end": "17:00"}, "windows.0.start"),
    ],
)
def test_bad_working_hours_are_a_precise_422_and_nothing_is_saved(
    practice: Practice,
    staff: dict[Role, StaffMember],
    signed_in: Callable[[Role], HttpClient],
    window: dict[str, object],
    field: str,
) -> None:
    location = make_location(practice=practice)
    therapist = staff[Role.THERAPIST]
    WorkingHours.objects.create(
        staff=therapist, location=location, weekday=1, start_time=dt.time(9), end_time=dt.time(12)
    )
    status, answer = _json(
        signed_in(Role.THERAPIST),
        "PUT",
        f"/api/v1/staff/{therapist.pk}/working-hours",
        {"windows": [{**window, "location": location.pk}]},
    )
    assert status == 422
    assert [e["field"] for e in answer["errors"]] == [field]
    assert WorkingHours.objects.filter(staff=therapist).count() == 1


def test_a_location_of_another_practice_is_refused(
    staff: dict[Role, StaffMember], signed_in: Callable[[Role], HttpClient]
) -> None:
    from tests.factories import make_practice

    elsewhere = make_location(practice=make_practice(name="Another practice"))
    therapist = staff[Role.THERAPIST]
    status, answer = _json(
        signed_in(Role.THERAPIST),
        "PUT",
        f"/api/v1/staff/{therapist.pk}/working-hours",
        {"windows": [{"weekday": 0, "start": "09:00", "end": "10:00", "location": elsewhere.pk}]},
    )
    assert (status, answer["errors"][0]["field"]) == (422, "windows.0.location")


def test_time_off_add_list_delete_and_privacy(
    staff: dict[Role, StaffMember],
    signed_in: Callable[[Role], HttpClient],
    django_assert_max_num_queries: Any,
) -> None:
    therapist = staff[Role.THERAPIST]
    path = f"/api/v1/staff/{therapist.pk}/time-off"
    http = signed_in(Role.THERAPIST)

    status, created = _json(
        http,
        "POST",
        path,
        {
            "start": "2030-02-01T00:00:00-05:00",
            "end": "2030-02-08T00:00:00-05:00",
            "reason": "Leave",
        },
    )
    assert status == 201
    assert created["reason"] == "Leave"
    for day in range(2, 12):
        TimeOff.objects.create(
            staff=therapist,
            start=dt.datetime(2030, 3, day, tzinfo=dt.UTC),
            end=dt.datetime(2030, 3, day, 12, tzinfo=dt.UTC),
            created_by=therapist,
            created_at=NOW,
        )
    with django_assert_max_num_queries(8):
        status, listed = _json(http, "GET", path + "?start=2030-01-01T00:00:00Z")
    assert (status, listed["count"]) == (200, 11)
    assert listed["items"][0]["id"] == created["id"]

    # A colleague does not see someone's time off (the reason may be personal)
    assert _json(signed_in(Role.MONITOR), "GET", path)[0] == 404
    http = signed_in(Role.THERAPIST)

    # Bad input: end before start, no offset
    bad = _json(
        http,
        "POST",
        path,
        {"start": "2030-02-08T00:00:00-05:00", "end": "2030-02-01T00:00:00-05:00"},
    )
    assert (bad[0], bad[1]["errors"][0]["field"]) == (422, "end")
    naive = _json(
        http, "POST", path, {"start": "2030-02-08T00:00:00", "end": "2030-02-09T00:00:00"}
    )
    assert (naive[0], naive[1]["errors"][0]["field"]) == (422, "start")

    # Delete
    assert _json(http, "DELETE", f"{path}/{created['id']}")[0] == 200
    assert not TimeOff.objects.filter(pk=created["id"]).exists()
    assert _json(http, "DELETE", f"{path}/{created['id']}")[0] == 404


def test_the_hours_page_adds_and_removes_hours_and_time_off(
    practice: Practice, staff: dict[Role, StaffMember], signed_in: Callable[[Role], HttpClient]
) -> None:
    location = make_location(practice=practice)
    therapist = staff[Role.THERAPIST]
    http = signed_in(Role.THERAPIST)
    page = f"/schedule/staff/{therapist.pk}/hours/"
    assert http.get("/schedule/hours/")["Location"] == page

    response = http.post(
        page,
        {
            "action": "add_window",
            "weekday": "2",
            "location": location.pk,
            "start": "09:00",
            "end": "13:00",
        },
    )
    assert response.status_code == 302
    window = WorkingHours.objects.get(staff=therapist)
    assert (window.weekday, window.start_time, window.end_time) == (2, dt.time(9), dt.time(13))

    bad = http.post(
        page,
        {
            "action": "add_window",
            "weekday": "2",
            "location": location.pk,
            "start": "13:00",
            "end": "09:00",
        },
    )
    assert bad.status_code == 422
    assert "must end after they start" in bad.content.decode()

    http.post(
        page,
        {
            "action": "add_time_off",
            "start_date": "2030-05-01",
            "start_time": "00:00",
            "end_date": "2030-05-03",
            "end_time": "23:59",
            "reason": "Conference",
        },
    )
    entry = TimeOff.objects.get(staff=therapist)
    assert entry.start == dt.datetime(2030, 5, 1, tzinfo=NY)
    body = http.get(page).content.decode()
    assert "Conference" in body
    assert "Wednesday" in body

    http.post(page, {"action": "remove_time_off", "time_off": str(entry.pk)})
    http.post(page, {"action": "remove_window", "window": str(window.pk)})
    assert not TimeOff.objects.filter(staff=therapist).exists()
    assert not WorkingHours.objects.filter(staff=therapist).exists()


def test_a_colleague_sees_hours_but_not_time_off_and_cannot_post(
    practice: Practice, staff: dict[Role, StaffMember], signed_in: Callable[[Role], HttpClient]
) -> None:
    therapist = staff[Role.THERAPIST]
    TimeOff.objects.create(
        staff=therapist,
        start=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
        end=dt.datetime(2099, 1, 2, tzinfo=dt.UTC),
        reason="Private matter",
        created_by=therapist,
        created_at=NOW,
    )
    http = signed_in(Role.MONITOR)
    page = f"/schedule/staff/{therapist.pk}/hours/"
    response = http.get(page)
    assert response.status_code == 200
    assert "Private matter" not in response.content.decode()
    assert http.post(page, {"action": "remove_window", "window": "1"}).status_code == 404


def test_the_demo_hours_load_once(db: None) -> None:
    from kapcare.people.demo import load_demo_practice
    from kapcare.scheduling.demo_hours import load_demo_hours

    load_demo_practice()
    assert load_demo_hours() == 5
    counts = (WorkingHours.objects.count(), TimeOff.objects.count())
    assert counts == (4 * 5 + 5, 1)
    assert load_demo_hours() == 0
    assert (WorkingHours.objects.count(), TimeOff.objects.count()) == counts


def test_the_hours_page_costs_the_same_queries_however_many_entries(
    practice: Practice, staff: dict[Role, StaffMember], signed_in: Callable[[Role], HttpClient]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    location = make_location(practice=practice)
    therapist = staff[Role.THERAPIST]
    http = signed_in(Role.FRONT_DESK)
    page = f"/schedule/staff/{therapist.pk}/hours/"

    def add(day: int) -> None:
        WorkingHours.objects.create(
            staff=therapist,
            location=location,
            weekday=day % 7,
            start_time=dt.time(9),
            end_time=dt.time(12),
        )
        TimeOff.objects.create(
            staff=therapist,
            start=dt.datetime(2099, 1, 1 + day, tzinfo=dt.UTC),
            end=dt.datetime(2099, 1, 1 + day, 12, tzinfo=dt.UTC),
            created_by=therapist,
            created_at=NOW,
        )

    add(0)
    http.get(page)
    with CaptureQueriesContext(connection) as few:
        assert http.get(page).status_code == 200
    for day in range(1, 12):
        add(day)
    with CaptureQueriesContext(connection) as many:
        assert http.get(page).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
