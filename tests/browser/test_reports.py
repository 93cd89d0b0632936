"""Reports in real Chromium: a therapist opens a client's progress report from the chart
and gets its PDF; the front desk gets a client's superbill from the client's page and
downloads its CSV; the privacy officer reads the practice outcomes (a month of one
medicine session withheld, on the page and in its CSV); axe on every page."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kapcare.interop.tests.billed import billed_record
from kapcare.interop.tests.records import START, discharged_record, full_record
from kapcare.interop.tests.test_outcomes_page import make_cohort
from kapcare.pathway.models import TreatmentPlan
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES, Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, make_care_team_member, make_client

pytestmark = pytest.mark.browser


@pytest.fixture
def new_client(practice: Practice, staff: dict[Role, StaffMember]) -> Client:
    """A client with no history: the hand-worked record writes all of it (a client given a
    stage already has sessions at the record's times, which PostgreSQL refuses to overlap)."""
    client = make_client(practice=practice, legal_given_name="Noor", legal_family_name="Haddad")
    for role in CARE_TEAM_ROLES:
        make_care_team_member(client=client, staff=staff[role], role=role)
    return client


def test_a_therapist_opens_the_progress_report_from_the_chart_and_gets_its_pdf(
    page: Page, staff: dict[Role, StaffMember], new_client: Client,
    assert_accessible: Callable[[Page], None],
) -> None:  # fmt: skip
    client = new_client
    full_record(client, staff)
    TreatmentPlan.objects.filter(client=client).update(relational_goals="Trust a partner.")
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("link", name="Progress report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress report")
    expect(page.get_by_text("Trust a partner.")).to_be_visible()
    expect(page.get_by_role("heading", name="PHQ-9 Patient Health Questionnaire")).to_be_visible()
    expect(page.get_by_role("table", name="Sessions by kind")).to_be_visible()
    assert_accessible(page)
    pdf = page.get_by_role("link", name="Download the PDF")
    response = page.request.get(str(pdf.get_attribute("href")))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_the_front_desk_gets_a_superbill_from_the_clients_page_and_downloads_the_csv(
    page: Page, staff: dict[Role, StaffMember], new_client: Client, practice: Practice,
    assert_accessible: Callable[[Page], None],
) -> None:  # fmt: skip
    client = new_client
    billed_record(client, staff, practice)
    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)
    page.goto(f"/clients/{client.pk}/profile/")
    page.get_by_role("link", name="Superbill").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Superbill")
    assert_accessible(page)
    page.get_by_label("From").fill("2026-02-01")
    page.get_by_label("To").fill("2026-03-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table", name="Services billed: 6")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Total"))).to_contain_text("$1405.00")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("client_id,client_name,date_of_birth,service_date")
    assert len(lines) == 1 + 6
    assert sum(",0820T," in line for line in lines) == 1


def test_the_privacy_officer_reads_the_practice_outcomes(
    page: Page, staff: dict[Role, StaffMember], practice: Practice, new_client: Client,
    assert_accessible: Callable[[Page], None],
) -> None:  # fmt: skip
    make_cohort(practice, staff[Role.THERAPIST], ("ongoing", "active"), 20, 5, 12)
    discharged_record(new_client, staff, START)  # one medicine session in March: a small cell
    sign_in(page, staff[Role.PRIVACY_OFFICER].user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice outcomes")
    table = page.get_by_role("table", name="PHQ-9: clients by change from their first result")
    expect(table.get_by_role("row", name=re.compile("^All clients"))).to_contain_text("12 (100.0%)")
    expect(page.get_by_role("img", name=re.compile("^PHQ-9: the share of clients"))).to_be_visible()
    months = page.get_by_role("table", name=re.compile("^Units of continuous monitoring"))
    expect(months.get_by_role("row", name=re.compile("^Mar 2026"))).to_have_text(
        re.compile(r"^Mar 2026\s*fewer than 11$")
    )
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the months as CSV").click()
    assert Path(download.value.path()).read_text().splitlines() == [
        "month,medicine_sessions,0820T_units,0821T_units,0822T_units",
        "2026-03,fewer than 11,fewer than 11,fewer than 11,fewer than 11",
    ]
