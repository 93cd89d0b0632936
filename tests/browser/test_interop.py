"""Exports and import in real Chromium: a front desk member starts an export and follows
its progress to the files (the worker's run stands in for the background worker), and
imports clients from a CSV file after the check lists a problem by line and column;
axe on every page."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kapcare.interop.exports import run_export
from kapcare.interop.models import ExportJob
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

HEADER = "legal_given_name,legal_family_name,date_of_birth,home_state"


def test_front_desk_exports_the_clients_and_downloads_a_file(
    page: Page, staff: dict[Role, StaffMember], team_clients: list[Client],
    assert_accessible: Callable[[Page], None],
) -> None:  # fmt: skip
    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exports")
    assert_accessible(page)

    page.get_by_label("The clients' records I may see").check()
    page.get_by_label("Patient", exact=True).check()
    page.get_by_role("button", name="Start the export").click()
    expect(page.get_by_text("Waiting to start")).to_be_visible()
    assert_accessible(page)

    run_export(ExportJob.objects.get().pk)  # what the background worker does

    # The page's script sees the job finish and shows its files.
    link = page.get_by_role("link", name="Patient.ndjson")
    expect(link).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Ready")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert len(lines) == 2
    assert all('"resourceType":"Patient"' in line for line in lines)


def test_front_desk_checks_then_imports_a_csv_file(
    page: Page, staff: dict[Role, StaffMember], tmp_path: Path,
    assert_accessible: Callable[[Page], None],
) -> None:  # fmt: skip
    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Import clients").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import clients")
    assert_accessible(page)

    wrong = tmp_path / "clients.csv"
    wrong.write_text(f"{HEADER}\nAlder,Newcomb,1984-06-01,PA\nBirch,Newcomb,1986-07-02,XX\n")
    page.get_by_label("File", exact=True).set_input_files(wrong)
    page.get_by_role("button", name="Check the file").click()
    expect(page).to_have_title(re.compile(r"^Error: Import clients"))
    row = page.get_by_role("row", name=re.compile("^3 home_state"))
    expect(row).to_contain_text("is not a valid choice")
    assert_accessible(page)
    assert not Client.objects.filter(legal_family_name="Newcomb").exists()

    fixed = tmp_path / "fixed.csv"
    fixed.write_text(f"{HEADER}\nAlder,Newcomb,1984-06-01,PA\nBirch,Newcomb,1986-07-02,NJ\n")
    page.get_by_label("File", exact=True).set_input_files(fixed)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("2 clients added.")).to_be_visible()
    assert_accessible(page)
    assert Client.objects.filter(legal_family_name="Newcomb").count() == 2
