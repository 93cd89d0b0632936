"""A medicine session on a tablet, in real Chromium: checklist, dose, vitals with an alert,
a refused discharge listing every reason, then the discharge; and axe on the console."""

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from kapcare.audit.models import AuditEvent
from kapcare.core import clock
from kapcare.medicine import services
from kapcare.medicine.models import MedicineSession, VitalsAlert
from kapcare.medicine.tests.fixtures import ready_medicine_appointment, screening_all_no
from kapcare.pathway.vocabulary import Route
from kapcare.people.access import actor_for_user
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from tests.browser.conftest import sign_in
from tests.browser.steps import fill_checklist
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

TABLET: ViewportSize = {"width": 820, "height": 1180}
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def appointment(team_clients: list[Client], staff: dict[Role, StaffMember]) -> Appointment:
    return ready_medicine_appointment(team_clients[0], staff, start=clock.now() - 150 * MINUTE)


def _local(appointment: Appointment, moment: dt.datetime) -> str:
    assert appointment.location is not None
    zone = zoneinfo.ZoneInfo(appointment.location.time_zone)
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _vitals(page: Page, appointment: Appointment, at: dt.datetime, bp: tuple[int, int]) -> None:
    section = page.get_by_role("region", name="2. Vitals")
    section.get_by_label("Time").fill(_local(appointment, at))
    section.get_by_label("Systolic (mmHg)").fill(str(bp[0]))
    section.get_by_label("Diastolic (mmHg)").fill(str(bp[1]))
    section.get_by_label("Heart rate (/min)").fill("76")
    section.get_by_label("SpO2 (%)").fill("98")
    section.get_by_role("button", name="Record vitals").click()


def test_a_monitor_runs_a_whole_session_on_a_tablet(
    page: Page,
    staff: dict[Role, StaffMember],
    appointment: Appointment,
    assert_accessible: Callable[[Page], None],
) -> None:
    now = clock.now()
    page.set_viewport_size(TABLET)
    sign_in(page, staff[Role.MONITOR].user.email, TEST_PASSWORD)
    page.goto(f"/appointments/{appointment.pk}/medicine/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Medicine session")
    expect(page.get_by_role("region", name="Vitals due next")).to_contain_text("Pre-dose")
    page.wait_for_load_state()
    assert_accessible(page)

    # The checklist
    checklist = fill_checklist(page)
    checklist.get_by_label("Intention").fill("To meet the part that keeps watch.")
    checklist.get_by_role("button", name="Save checklist").click()
    expect(page.get_by_role("status")).to_contain_text("Checklist saved.")

    # Pre-dose vitals, then the dose (entered after the fact)
    dose_at = now - 125 * MINUTE
    _vitals(page, appointment, dose_at - 5 * MINUTE, (126, 82))
    expect(page.get_by_role("status")).to_contain_text("Vitals recorded.")
    dose = page.get_by_role("region", name="3. Dose")
    dose.get_by_label("Time").fill(_local(appointment, dose_at))
    dose.get_by_label("Dose (mg)").fill("100")
    dose.get_by_label("Lot number").fill("LOT-2026-7")
    dose.get_by_role("button", name="Record dose").click()
    expect(page.get_by_role("status")).to_contain_text("Dose recorded.")
    expect(page.get_by_role("region", name="Vitals due next")).to_contain_text(
        "minutes since the last dose"
    )

    # Vitals at the peak, one out of range: the alert shows on screen
    _vitals(page, appointment, dose_at + 40 * MINUTE, (186, 98))
    expect(page.get_by_role("status")).to_contain_text("Systolic pressure 186 is at or above 180.")
    expect(page.get_by_role("region", name="Alerts")).to_contain_text(
        "Systolic pressure 186 is at or above 180."
    )

    # Discharge refused, every reason listed
    discharge = page.get_by_role("region", name="6. Discharge")
    discharge.get_by_label("Alert and oriented").check()
    discharge.get_by_label("Walks steadily").check()
    discharge.get_by_role("button", name="Discharge").click()
    reasons = page.get_by_role("alert")
    # In words: the codes stay in the API.
    expect(reasons).to_contain_text("Take vitals before discharge")
    expect(reasons).to_contain_text("Blood pressure")
    expect(reasons).to_contain_text("The named escort must be present")
    expect(reasons).not_to_contain_text("discharge.")
    page.wait_for_load_state()
    assert_accessible(page)

    # Vitals back in range, escort here: discharged
    _vitals(page, appointment, clock.now() - MINUTE, (132, 84))
    discharge = page.get_by_role("region", name="6. Discharge")
    discharge.get_by_label("Time").fill(_local(appointment, clock.now()))
    for label in ("Alert and oriented", "Walks steadily", "Named escort present"):
        discharge.get_by_label(label).check()
    discharge.get_by_role("button", name="Discharge").click()
    expect(page.get_by_role("status")).to_contain_text("Discharge recorded.")
    expect(page.get_by_role("region", name="6. Discharge")).to_contain_text("Discharged at")
    expect(page.get_by_role("region", name="Billable monitoring time")).to_contain_text(
        re.compile(r"CPT 0820T\s*2 units")
    )

    # Sign: the card says what locking means and asks for the password again, on this page;
    # a wrong one is refused beside the field
    sign = page.get_by_role("region", name="7. Sign and lock")
    expect(sign).to_contain_text("Signing locks the record")
    sign.get_by_label("Your password").fill("not-my-password")
    sign.get_by_role("button", name="Sign and lock as monitor").click()
    sign = page.get_by_role("region", name="7. Sign and lock")
    expect(sign.locator("#id_sign-monitor-password_error")).to_contain_text(
        "That is not your password"
    )
    expect(page.get_by_role("region", name="6. Discharge")).to_contain_text("Discharged at")
    page.wait_for_load_state()
    assert_accessible(page)
    assert MedicineSession.objects.get().locked_at is None

    # The right password: the record locks
    sign.get_by_label("Your password").fill(TEST_PASSWORD)
    sign.get_by_role("button", name="Sign and lock as monitor").click()
    expect(page.get_by_role("status")).to_contain_text("The record is locked")
    expect(page.get_by_role("button", name="Record vitals")).to_have_count(0)
    page.wait_for_load_state()
    assert_accessible(page)

    session = MedicineSession.objects.get()
    assert session.discharged_at is not None
    assert session.locked_at is not None
    assert VitalsAlert.objects.filter(session=session).count() == 1
    steps = set(
        AuditEvent.objects.filter(detail__startswith=f"medicine:{appointment.pk}:").values_list(
            "detail", flat=True
        )
    )
    assert {f"medicine:{appointment.pk}:checklist", f"medicine:{appointment.pk}:discharge"} <= steps


def test_the_countdown_script_runs_under_the_csp(
    page: Page, staff: dict[Role, StaffMember], appointment: Appointment
) -> None:
    # Given a dose 21 minutes ago (the 30-minute check is due in about 9 minutes)
    monitor = actor_for_user(staff[Role.MONITOR].user)
    now = clock.now()
    services.save_checklist(
        actor=monitor,
        appointment_id=appointment.pk,
        checklist=services.ChecklistInput(
            identity_confirmed=True,
            fasting_confirmed=True,
            escort_name="Sam Ride",
            no_driving_agreed=True,
            intention="Curiosity.",
            todays_measures_done=True,
        ),
        now=now,
    )
    services.record_vitals(
        actor=monitor, appointment_id=appointment.pk, at=now - 25 * MINUTE,
        systolic=120, diastolic=80, heart_rate=70, spo2=98, now=now,
    )  # fmt: skip
    services.record_dose(
        actor=monitor, appointment_id=appointment.pk, at=now - 21 * MINUTE,
        route=Route.SUBLINGUAL, dose_mg=Decimal(100), lot="L", now=now,
    )  # fmt: skip
    page.set_viewport_size(TABLET)
    sign_in(page, staff[Role.MONITOR].user.email, TEST_PASSWORD)

    page.goto(f"/appointments/{appointment.pk}/medicine/")

    # Then the script (a static file) rewrote the server's state into minutes
    countdown = page.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"\((in \d+ min|due now|\d+ min overdue)\)"))


def test_the_chart_and_medical_page_are_accessible(
    page: Page,
    staff: dict[Role, StaffMember],
    appointment: Appointment,
    assert_accessible: Callable[[Page], None],
) -> None:
    screening_all_no(appointment.client, staff[Role.MEDICAL_PROVIDER], clock.now())
    page.set_viewport_size(TABLET)
    sign_in(page, staff[Role.MEDICAL_PROVIDER].user.email, TEST_PASSWORD)

    page.goto(f"/clients/{appointment.client_id}/")
    panel = page.get_by_role("region", name="Medicine sessions")
    expect(panel.get_by_role("link")).to_have_count(1)
    page.wait_for_load_state()
    assert_accessible(page)

    page.goto(f"/clients/{appointment.client_id}/medical/")
    expect(page.get_by_role("heading", name="New screening version")).to_be_visible()
    page.wait_for_load_state()
    assert_accessible(page)
