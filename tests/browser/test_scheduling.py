"""Scheduling journeys in real Chromium: booking from the calendar, refusals in plain
words, rescheduling and cancelling, the chart's pathway panels; axe-core on each page."""

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from kapcare.core import clock
from kapcare.pathway.models import Consent, TreatmentPlan
from kapcare.pathway.vocabulary import PlanFormat
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from tests.browser.steps import fill_integration, sign_in_as
from tests.world import World

pytestmark = pytest.mark.browser


@pytest.fixture
def world(world: World) -> World:
    """The one world, its client in the intensive format: cleared, consented, with a
    sublingual dose order, all from today."""
    world.ready_for_medicine(
        at=clock.now(),
        valid_until=clock.today() + dt.timedelta(days=120),
        plan_format=PlanFormat.INTENSIVE,
        route="sublingual",
        dose_mg=Decimal(100),
        max_dose_mg=Decimal(200),
    )
    return world


def _session(page: Page) -> Locator:
    return page.get_by_role("group", name="Session", exact=True)


def _fill_session(
    page: Page, world: World, *, kind: str, day: dt.date, start: str, end: str, room: str | None
) -> None:
    session = _session(page)
    session.get_by_label("Client", exact=True).select_option(label=world.client.display_name)
    session.get_by_label("Kind of session", exact=True).select_option(label=kind)
    session.get_by_role("radio", name="In person" if room else "Telehealth (video)").check()
    session.get_by_label("Date", exact=True).fill(day.isoformat())
    session.get_by_label("Starts at", exact=True).fill(start)
    session.get_by_label("Ends at", exact=True).fill(end)
    if room:
        session.get_by_label(re.compile(r"^Location")).select_option(label=world.office.name)
        session.get_by_label(re.compile(r"^Room")).select_option(label=room)
    session.get_by_role("checkbox", name="Test Therapist (Therapist)").check()


def test_front_desk_books_preparation_then_medicine_with_integration(
    page: Page, world: World, assert_accessible: Callable[[Page], None]
) -> None:
    # Given front desk on the calendar
    sign_in_as(page, world, Role.FRONT_DESK)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar")
    assert_accessible(page)

    # When they book a preparation session
    page.get_by_role("link", name="Book an appointment").click()
    assert_accessible(page)
    _fill_session(
        page,
        world,
        kind="Preparation",
        day=world.day,
        start="10:00",
        end="10:50",
        room=f"{world.therapy_room.name} (therapy room)",
    )
    page.get_by_role("button", name="Book", exact=True).click()

    # Then it is on that day's calendar, in the office's time
    expect(page.get_by_role("status")).to_contain_text("The appointment was booked.")
    page.goto(f"/calendar/?layout=list&date={world.day.isoformat()}")
    day = page.get_by_role("region", name=re.compile(world.day.strftime("^%a %-d %b")))
    row = day.get_by_role("row", name=re.compile("10:00 am\u201310:50 am"))
    expect(row).to_contain_text("Preparation")

    # When they try a medicine session by telehealth
    page.get_by_role("link", name="Book an appointment").click()
    medicine_day = world.day + dt.timedelta(days=2)
    _fill_session(
        page,
        world,
        kind="Medicine session",
        day=medicine_day,
        start="09:00",
        end="12:00",
        room=None,
    )
    page.get_by_role("button", name="Book", exact=True).click()

    # Then the refusal is in plain words, next to the field, with what they typed kept
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Medicine sessions happen in person only")
    expect(summary).to_contain_text("needs a monitor")
    expect(page.locator("#id_modality_error")).to_contain_text("in person only")
    expect(_session(page).get_by_label("Starts at", exact=True)).to_have_value("09:00")
    assert Appointment.objects.filter(kind="medicine").count() == 0
    assert_accessible(page)

    # When they book it in person, in the medicine room, with a monitor and its integration
    _fill_session(
        page,
        world,
        kind="Medicine session",
        day=medicine_day,
        start="09:00",
        end="12:00",
        room=f"{world.medicine_room.name} (medicine room)",
    )
    _session(page).get_by_role("checkbox", name="Test Monitor (Monitor)").check()
    fill_integration(
        page,
        day=medicine_day + dt.timedelta(days=1),
        office=world.office.name,
        room=f"{world.therapy_room.name} (therapy room)",
    )
    page.get_by_role("button", name="Book", exact=True).click()

    # Then both are booked
    expect(page.get_by_role("status")).to_contain_text(
        "The appointment and its integration session were booked."
    )
    medicine = Appointment.objects.get(kind="medicine")
    assert Appointment.objects.get(kind="integration").follow_up_of_id == medicine.pk
    expect(page.get_by_role("row", name=re.compile("9:00 am\u201312:00 pm"))).to_contain_text(
        "Medicine session"
    )


def test_rescheduling_and_cancelling_from_the_calendar(page: Page, world: World) -> None:
    # Given a booked session on the therapist's calendar
    sign_in_as(page, world, Role.THERAPIST)
    page.goto(f"/appointments/new/?client={world.client.pk}")
    _fill_session(
        page,
        world,
        kind="Therapy",
        day=world.day,
        start="10:00",
        end="10:50",
        room=f"{world.therapy_room.name} (therapy room)",
    )
    page.get_by_role("button", name="Book", exact=True).click()
    page.goto(f"/calendar/?layout=list&date={world.day.isoformat()}")

    # When they reschedule it to the afternoon
    page.get_by_role("link", name=re.compile("^Reschedule")).click()
    page.get_by_label("Starts at", exact=True).fill("15:00")
    page.get_by_label("Ends at", exact=True).fill("15:50")
    page.get_by_role("button", name="Reschedule").click()

    # Then the calendar shows the new time
    expect(page.get_by_role("status")).to_contain_text("The appointment was moved.")
    moved = page.get_by_role("row", name=re.compile("3:00 pm\u20133:50 pm"))
    expect(moved).to_contain_text("Therapy")

    # When they cancel it with a reason
    page.get_by_role("link", name=re.compile("^Cancel")).click()
    page.get_by_label("Reason").fill("The client asked to move it.")
    page.get_by_role("button", name="Save the status").click()

    # Then it is marked cancelled, with no more actions
    expect(page.get_by_role("status")).to_contain_text("Cancelled")
    row = page.get_by_role("row", name=re.compile("3:00 pm\u20133:50 pm"))
    expect(row).to_contain_text("Cancelled")
    expect(row.get_by_role("link", name=re.compile("^Reschedule"))).to_have_count(0)


def test_the_chart_shows_the_pathway_and_pausing_is_one_click(
    page: Page, world: World, assert_accessible: Callable[[Page], None]
) -> None:
    # Given the therapist on the chart
    sign_in_as(page, world, Role.THERAPIST)
    page.goto(f"/clients/{world.client.pk}/")

    # Then the plan, consents and what is missing before a medicine session are shown
    plan = page.get_by_role("region", name="Treatment plan and consent")
    expect(plan).to_contain_text("Intensive")
    readiness = plan.get_by_role("list", name="Before the next medicine session")
    expect(readiness).to_contain_text("Done Medical clearance")
    expect(readiness).to_contain_text("Missing Preparation")
    expect(page.get_by_role("region", name="Sessions", exact=True)).to_contain_text(
        "Nothing booked."
    )
    assert_accessible(page)

    # When they pause the plan: one click, no reason asked
    plan.get_by_role("button", name="Pause the plan").click()

    # Then it is paused, and resuming is one click too
    expect(page.get_by_role("status")).to_contain_text("The plan is paused.")
    plan = page.get_by_role("region", name="Treatment plan and consent")
    expect(plan).to_contain_text("Paused by the client")
    plan.get_by_role("button", name="Resume the plan").click()
    expect(page.get_by_role("status")).to_contain_text("The plan is resumed.")
    assert TreatmentPlan.objects.get(client=world.client).history.count() == 2


def _booked(world: World) -> Appointment:
    start = dt.datetime.combine(world.day, dt.time(15), tzinfo=dt.UTC)
    appointment = Appointment.objects.create(
        client=world.client,
        kind="therapy",
        modality="telehealth",
        start=start,
        end=start + dt.timedelta(minutes=50),
        client_location_state="PA",
        created_by=world.staff[Role.FRONT_DESK],
        created_at=clock.now(),
    )
    return appointment


@pytest.mark.parametrize(
    "path",
    [
        "/appointments/{appointment}/reschedule/",
        "/appointments/{appointment}/status/?status=cancelled",
        "/clients/{client}/plan/",
        "/clients/{client}/consents/new/",
        "/consents/{consent}/revoke/",
        "/calendar/?view=day&date={day}",
    ],
)
def test_scheduling_pages_are_accessible(
    page: Page, world: World, assert_accessible: Callable[[Page], None], path: str
) -> None:
    url = path.format(
        appointment=_booked(world).pk,
        client=world.client.pk,
        consent=Consent.objects.get(client=world.client).pk,
        day=world.day.isoformat(),
    )
    sign_in_as(page, world, Role.THERAPIST)

    page.goto(url)

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    # and with the form's errors shown, where there is a form
    button = page.locator("main form[method=post] button[type=submit]").last
    if "revoke" in path or "consents/new" in path:
        page.locator("input[type=date]").fill("")
        button.click()
        expect(page.get_by_role("alert")).to_be_visible()
        assert_accessible(page)
