"""The three roles' days, in real Chromium with axe: front desk books a medicine session
from the calendar grid; the monitor opens it from the calendar in one click and runs the
console, each refusal in its own card; the therapist pauses a plan and still books the
integration of a dose already given (and only the medicine session is refused)."""

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from kapcare.core import clock
from kapcare.core.wording import fmt_date
from kapcare.medicine.tests.fixtures import ready_medicine_appointment
from kapcare.pathway.models import Consent, DoseOrder, TreatmentPlan
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES, Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.models import Appointment
from tests.browser.conftest import sign_in
from tests.browser.steps import fill_checklist, fill_integration
from tests.factories import (
    TEST_PASSWORD,
    make_appointment,
    make_care_team_member,
    make_clearance,
    make_client,
    make_location,
    make_room,
)

pytestmark = pytest.mark.browser

WARM_UP_MS = 60_000
"""The live server's first request imports every view; on a busy machine it is slow."""

MINUTE = dt.timedelta(minutes=1)
A11y = Callable[[Page], None]


def _signed_in(page: Page, member: StaffMember) -> None:
    page.goto("/accounts/sign-in/", timeout=WARM_UP_MS)  # a loaded machine's first request
    sign_in(page, member.user.email, TEST_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _ready_for_medicine(practice: Practice, staff: dict[Role, StaffMember]) -> Client:
    """A client with an intensive plan (no preparation count), consent, clearance, order."""
    client = make_client(
        practice=practice, legal_given_name="Harper", legal_family_name="Vale", home_state="PA"
    )
    for role in CARE_TEAM_ROLES:
        make_care_team_member(client=client, staff=staff[role], role=role)
    now, today = clock.now(), clock.today()
    therapist, doctor = staff[Role.THERAPIST], staff[Role.MEDICAL_PROVIDER]
    TreatmentPlan.objects.create(
        client=client, format="intensive", status="active", updated_by=therapist, updated_at=now
    )
    Consent.objects.create(
        client=client, kind="kap_informed_consent", version="1", signed_on=today,
        recorded_by=therapist, recorded_at=now,
    )  # fmt: skip
    make_clearance(
        client=client, status="cleared", valid_until=today + dt.timedelta(days=120),
        recorded_by=doctor, recorded_at=now,
    )  # fmt: skip
    DoseOrder.objects.create(
        client=client, route="sublingual", dose_mg=Decimal(100), max_dose_mg=Decimal(200),
        active_from=today, ordered_by=doctor, ordered_at=now,
    )  # fmt: skip
    return client


def test_front_desk_books_a_medicine_session_from_the_calendar_grid(
    page: Page, practice: Practice, staff: dict[Role, StaffMember], assert_accessible: A11y
) -> None:
    # Given an office with a medicine room and a client ready for a medicine session
    office = make_location(practice=practice, name="Bryn Mawr office")
    willow = make_room(location=office, name="Willow", kind=RoomKind.THERAPY)
    make_room(location=office, name="Harbor", kind=RoomKind.MEDICINE)
    client = _ready_for_medicine(practice, staff)
    today = clock.today()
    day = today + dt.timedelta(days=14 - today.weekday())  # a Monday two weeks on
    zone = zoneinfo.ZoneInfo(office.time_zone)
    preparation = dt.datetime.combine(day - dt.timedelta(days=3), dt.time(10), tzinfo=zone)
    make_appointment(
        client=client, kind="preparation", start=preparation,
        end=preparation + dt.timedelta(minutes=50), location=office, room=willow,
        staff=[staff[Role.THERAPIST]],
    )  # fmt: skip
    _signed_in(page, staff[Role.FRONT_DESK])

    # When front desk opens the calendar, goes to that day, a column per room
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("table", name=re.compile("appointments by time"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Show").select_option(label="Day")
    page.get_by_label(re.compile(r"^Date")).fill(day.isoformat())
    page.get_by_role("button", name="Show", exact=True).click()
    page.get_by_role("link", name="A column per room").click()
    grid = page.get_by_role("table", name=re.compile("one column per room"))
    expect(grid.get_by_role("columnheader", name="Harbor (Bryn Mawr office)")).to_be_visible()

    # and chooses the free 09:00 in the medicine room
    grid.get_by_role(
        "link", name=f"Book {fmt_date(day)} at 9:00 am in Harbor (Bryn Mawr office)"
    ).click()

    # Then the booking form has that day, time, office and room
    session = page.get_by_role("group", name="Session", exact=True)
    expect(session.get_by_label("Date", exact=True)).to_have_value(day.isoformat())
    expect(session.get_by_label("Starts at", exact=True)).to_have_value("09:00")
    expect(session.get_by_label(re.compile(r"^Room"))).to_have_value(re.compile(r"\d+"))
    assert_accessible(page)

    # When they finish it: the client, a medicine session of three hours, therapist and
    # monitor, and its integration the next day
    session.get_by_label("Client", exact=True).select_option(label=client.display_name)
    session.get_by_label("Kind of session", exact=True).select_option(label="Medicine session")
    session.get_by_label("Ends at", exact=True).fill("12:00")
    session.get_by_role("checkbox", name="Test Therapist (Therapist)").check()
    session.get_by_role("checkbox", name="Test Monitor (Monitor)").check()
    fill_integration(
        page,
        day=day + dt.timedelta(days=1),
        office="Bryn Mawr office",
        room="Willow (therapy room)",
    )
    page.get_by_role("button", name="Book", exact=True).click()

    # Then both are booked and the day's grid shows the medicine session from 9:00 am to 12:00 pm
    expect(page.get_by_role("status")).to_contain_text(
        "The appointment and its integration session were booked."
    )
    # in the therapist's and the monitor's column
    block = page.locator("td.block.kind-medicine").first
    expect(block).to_contain_text("9:00 am\u201312:00 pm")
    expect(block).to_contain_text(client.display_name)
    assert block.get_attribute("rowspan") == "12"
    medicine = Appointment.objects.get(kind="medicine")
    assert Appointment.objects.get(kind="integration").follow_up_of_id == medicine.pk
    assert_accessible(page)


def _local(appointment: Appointment, moment: dt.datetime) -> str:
    assert appointment.location is not None
    zone = zoneinfo.ZoneInfo(appointment.location.time_zone)
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def test_the_monitor_opens_the_session_from_the_calendar_and_sees_each_refusal_in_its_card(
    page: Page,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    assert_accessible: A11y,
) -> None:
    # Given today's medicine session, begun an hour ago
    appointment = ready_medicine_appointment(
        team_clients[0], staff, start=clock.now() - 60 * MINUTE
    )
    page.set_viewport_size({"width": 820, "height": 1180})
    _signed_in(page, staff[Role.MONITOR])

    # When the monitor opens the calendar and the session's block: one click to the console
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    page.locator("td.block.kind-medicine").get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/appointments/{appointment.pk}/medicine/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Medicine session")

    # When they record the dose before the checklist
    dose = page.get_by_role("region", name="3. Dose")
    dose.get_by_label("Time").fill(_local(appointment, clock.now() - MINUTE))
    dose.get_by_label("Dose (mg)").fill("100")
    dose.get_by_label("Lot number").fill("LOT-9")
    dose.get_by_role("button", name="Record dose").click()

    # Then the refusal is in the dose card, in view, and only there
    refusal = page.get_by_role("region", name="3. Dose").get_by_role("alert")
    expect(refusal).to_be_in_viewport()
    expect(page.get_by_role("alert")).to_have_count(1)
    page.wait_for_load_state()
    assert_accessible(page)

    # When they try to discharge straight away
    discharge = page.get_by_role("region", name="6. Discharge")
    discharge.get_by_label("Time").fill(_local(appointment, clock.now()))
    discharge.get_by_label("Alert and oriented").check()
    discharge.get_by_role("button", name="Discharge").click()

    # Then the reasons are in the discharge card, and the card does not list them twice
    discharge = page.get_by_role("region", name="6. Discharge")
    expect(discharge.get_by_role("alert")).to_be_in_viewport()
    expect(page.get_by_role("alert")).to_have_count(1)
    expect(discharge).not_to_contain_text("Not yet, from the record")
    expect(page.get_by_role("region", name="3. Dose").get_by_role("alert")).to_have_count(0)

    # When they save the checklist, the page confirms it in its card's place
    checklist = fill_checklist(page)
    checklist.get_by_role("button", name="Save checklist").click()
    expect(page.get_by_role("status")).to_contain_text("Checklist saved.")
    expect(page.get_by_role("alert")).to_have_count(0)


def test_the_therapist_pauses_the_plan_and_still_books_the_integration(
    page: Page,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    assert_accessible: A11y,
) -> None:
    # Given a client whose medicine session was held two days ago, its integration not booked
    client = team_clients[0]
    held = ready_medicine_appointment(client, staff, start=clock.now() - dt.timedelta(days=2))
    Appointment.objects.filter(pk=held.pk).update(
        status="completed", status_changed_by=staff[Role.MONITOR], status_changed_at=held.end
    )
    _signed_in(page, staff[Role.THERAPIST])

    # When the therapist pauses the plan from the chart
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("button", name="Pause the plan").click()
    expect(page.get_by_role("status")).to_contain_text("The plan is paused.")
    assert TreatmentPlan.objects.get(client=client).status == "paused"

    # and books the integration session by video next week
    when = clock.today() + dt.timedelta(days=7 - clock.today().weekday())
    page.goto(f"/appointments/new/?client={client.pk}")
    session = page.get_by_role("group", name="Session", exact=True)
    session.get_by_label("Kind of session", exact=True).select_option(label="Integration")
    session.get_by_role("radio", name="Telehealth (video)").check()
    session.get_by_label("Date", exact=True).fill(when.isoformat())
    session.get_by_label("Starts at", exact=True).fill("10:00")
    session.get_by_label("Ends at", exact=True).fill("10:50")
    session.get_by_role("checkbox", name="Test Therapist (Therapist)").check()
    page.get_by_role("button", name="Book", exact=True).click()

    # Then it is booked: pausing never cuts a client off from integration
    expect(page.get_by_role("status")).to_contain_text("The appointment was booked.")
    assert Appointment.objects.filter(client=client, kind="integration").count() == 1

    # But a new medicine session is refused, next to the kind of session
    page.goto(f"/appointments/new/?client={client.pk}")
    session = page.get_by_role("group", name="Session", exact=True)
    session.get_by_label("Kind of session", exact=True).select_option(label="Medicine session")
    session.get_by_label("Date", exact=True).fill((when + dt.timedelta(days=2)).isoformat())
    session.get_by_label("Starts at", exact=True).fill("09:00")
    session.get_by_label("Ends at", exact=True).fill("12:00")
    session.get_by_role("checkbox", name="Test Therapist (Therapist)").check()
    session.get_by_role("checkbox", name="Test Monitor (Monitor)").check()
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.locator("#id_kind_error")).to_contain_text("paused")
    assert Appointment.objects.filter(client=client, kind="medicine").count() == 1
    assert_accessible(page)
