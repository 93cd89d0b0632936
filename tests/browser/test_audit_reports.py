"""The privacy officer's audit reports in real Chromium: filter by person, sort by a
column, the export links, and who looked at a client's record; axe on both pages."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_the_privacy_officer_reads_the_audit_reports(
    page: Page,
    staff: dict[Role, StaffMember],
    team_client: Client,
    assert_accessible: Callable[[Page], None],
) -> None:
    therapist = staff[Role.THERAPIST].user
    record_event(
        source=AuditSource(user=therapist, source_ip="10.0.0.9"),
        action=AuditAction.READ,
        client_id=team_client.pk,
        category="clinical",
        detail="page:chart",
    )
    sign_in(page, staff[Role.PRIVACY_OFFICER].user.email, TEST_PASSWORD)
    page.goto("/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    assert_accessible(page)

    # filter by the therapist, then sort by the kind of data
    page.get_by_label("Person").select_option(label=f"{therapist.full_name} ({therapist.email})")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("table")).to_contain_text("on the chart page")
    expect(page.get_by_role("link", name="CSV (spreadsheet)")).to_be_visible()
    expect(page.get_by_role("link", name="PDF", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Data")).click()
    expect(page.get_by_role("columnheader", name=re.compile(r"^Data"))).to_have_attribute(
        "aria-sort", "ascending"
    )
    assert_accessible(page)

    # who looked at the client's record
    page.get_by_role("link", name="who looked").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who looked at")
    expect(page.get_by_role("row", name=re.compile(therapist.full_name))).to_contain_text(
        "clinical"
    )
    assert_accessible(page)
