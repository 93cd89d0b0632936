"""The planning page: pick clients, see the week, change a preference, book it."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.intensives.models import IntensivePlan
from kapcare.intensives.tests.records import MONDAY, office, ready_for_intensive
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment, WorkingHours
from tests.factories import make_staff

SignIn = Callable[[Role], HttpClient]
URL = "/intensives/plan/"


@pytest.fixture
def ready(practice: Practice, staff: dict[Role, StaffMember], team_client: Client) -> Client:
    office(practice, staff)
    ready_for_intensive(team_client, staff)
    return team_client


def form(client: Client, **extra: Any) -> dict[str, Any]:
    return {"clients": [client.pk], "days": 3, "earliest_start": MONDAY.isoformat(), **extra}


def test_the_page_lists_clients_with_an_intensive_plan(
    signed_in: SignIn, ready: Client, other_client: Client
) -> None:
    page = signed_in(Role.FRONT_DESK).get(URL)
    assert page.status_code == 200
    assert ready.display_name in page.content.decode()
    assert other_client.display_name not in page.content.decode()


def test_planning_shows_the_week_by_room_and_by_clinician_and_books_nothing(
    signed_in: SignIn, ready: Client, staff: dict[Role, StaffMember]
) -> None:
    page = signed_in(Role.FRONT_DESK).post(URL, form(ready, action="plan"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "By room" in body
    assert "By clinician" in body
    assert "Mon 7 Jan 2030" in body
    assert "8:00 am\N{EN DASH}9:30 am Preparation, " + ready.display_name in body
    assert staff[Role.MONITOR].display_name in body
    assert "Book this plan" in body
    assert "medicine." not in body  # no rule codes on the page
    assert not Appointment.objects.exists()


def test_a_changed_preference_is_planned_again(
    signed_in: SignIn, ready: Client, practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    second = make_staff(
        practice=practice, roles=[Role.THERAPIST], states=["PA"], user__full_name="Robin Second"
    )
    for weekday in range(5):
        WorkingHours.objects.create(
            staff=second,
            location=practice.locations.get(),
            weekday=weekday,
            start_time="08:00",
            end_time="18:00",
        )
    http = signed_in(Role.FRONT_DESK)
    first = http.post(URL, form(ready, action="plan")).content.decode()
    again = http.post(
        URL, form(ready, action="plan", **{f"prefer_{ready.pk}": second.pk})
    ).content.decode()
    # First only in the preference's choices; then also as a row of the week by clinician.
    assert first.count("Robin Second") == 1
    assert again.count("Robin Second") == 2
    assert '<th scope="row">Robin Second' in again


def test_booking_the_plan_books_every_appointment(signed_in: SignIn, ready: Client) -> None:
    http = signed_in(Role.FRONT_DESK)
    page = http.post(URL, form(ready, action="plan"))
    proposal = page.context["proposal"]
    booked = http.post(URL, form(ready, action="book", proposal=proposal))
    assert booked.status_code == 302
    assert Appointment.objects.filter(client=ready).count() == 9


def test_a_plan_that_cannot_be_made_says_why_in_words(
    signed_in: SignIn, ready: Client, staff: dict[Role, StaffMember]
) -> None:
    # The monitor works two hours a day: too short for a three-hour medicine session.
    WorkingHours.objects.filter(staff=staff[Role.MONITOR]).update(end_time="10:00")
    body = signed_in(Role.FRONT_DESK).post(URL, form(ready, action="plan")).content.decode()
    assert "No plan: every reason" in body
    assert "No monitor is free for a 180-minute medicine session on any approved dosing day" in body


def test_the_privacy_officer_does_not_plan(signed_in: SignIn) -> None:
    assert signed_in(Role.PRIVACY_OFFICER).get(URL).status_code == 404


def test_the_preferences_tried_are_saved_in_the_clients_plan(
    signed_in: SignIn, ready: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = staff[Role.THERAPIST]
    http = signed_in(Role.FRONT_DESK)
    wanted = {f"prefer_{ready.pk}": therapist.pk, f"ends_{ready.pk}": "16:30"}
    page = http.post(URL, form(ready, action="save", **wanted))
    assert page.status_code == 200
    assert "The preferences are saved in 1 intensive plan." in page.content.decode()
    plan = IntensivePlan.objects.get(client=ready)
    assert plan.day_ends_by == dt.time(16, 30)
    assert list(plan.preferred_clinicians.all()) == [therapist]
    event = AuditEvent.objects.filter(detail=f"intensive_plan:{plan.pk}:preferences").get()
    assert (event.action, event.category, event.client_id) == ("update", "schedule", ready.pk)
    assert not Appointment.objects.exists()
    # Nothing changed: nothing saved, the plan as it was.
    page = http.post(URL, form(ready, action="save"))
    assert "No preference was changed, so nothing was saved." in page.content.decode()
    assert IntensivePlan.objects.get(client=ready).day_ends_by == dt.time(16, 30)


def test_a_preference_for_a_therapist_who_is_not_one_is_refused_by_its_field(
    signed_in: SignIn, ready: Client, staff: dict[Role, StaffMember]
) -> None:
    page = signed_in(Role.FRONT_DESK).post(
        URL, form(ready, action="save", **{f"prefer_{ready.pk}": staff[Role.MONITOR].pk})
    )
    assert page.status_code == 200
    assert "from the list." in page.content.decode()
    assert not IntensivePlan.objects.get(client=ready).preferred_clinicians.exists()
