"""Integrity of exports in real Chromium (issue 12, ONC (d)(8); ADR 0025): the privacy
officer exports the audit log as PDF, then checks that file by uploading it and by its
SHA-256, and a changed copy is not recognised; axe on every page."""

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import FilePayload, Page, expect

from kapcare.people.models import StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _pdf(content: bytes) -> FilePayload:
    return {"name": "audit-log.pdf", "mimeType": "application/pdf", "buffer": content}


def test_export_a_pdf_then_verify_it_by_upload_and_by_hash(
    page: Page, staff: dict[Role, StaffMember], tmp_path: Path,
    assert_accessible: Callable[[Page], None],
) -> None:  # fmt: skip
    sign_in(page, staff[Role.PRIVACY_OFFICER].user.email, TEST_PASSWORD)
    page.goto("/audit/")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).click()
    exported = Path(download.value.path()).read_bytes()
    assert exported.startswith(b"%PDF-")
    sha256 = hashlib.sha256(exported).hexdigest()

    page.get_by_role("link", name="Check an exported PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check an exported document")
    expect(page.get_by_role("table", name="Your latest 1")).to_contain_text(sha256)
    assert_accessible(page)

    # By upload: the answer names the kind, the time and who exported it.
    page.get_by_label("The PDF file").set_input_files(files=_pdf(exported))
    page.get_by_role("button", name="Check").click()
    expect(page).to_have_url(f"/verify/{sha256}/")
    expect(page.get_by_role("heading", name="Exported by this practice")).to_be_visible()
    row = page.get_by_role("table", name="Exports with this SHA-256").get_by_role("row").nth(1)
    expect(row).to_contain_text("Audit log report")
    expect(row).to_contain_text("Test Privacy officer")
    assert_accessible(page)

    # By hash, pasted in capitals with spaces around it.
    page.get_by_label("Or its SHA-256").fill(f"  {sha256.upper()} ")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("heading", name="Exported by this practice")).to_be_visible()

    # A copy changed by one byte is not the practice's document.
    changed = exported[:-2] + bytes([exported[-2] ^ 1]) + exported[-1:]
    page.get_by_label("The PDF file").set_input_files(files=_pdf(changed))
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("heading", name="Not exported by this practice")).to_be_visible()
    assert_accessible(page)

    # Nothing given: a field error, read out with the form.
    page.get_by_role("button", name="Check").click()
    expect(
        page.get_by_text("Choose the PDF file, or enter its SHA-256 below.").first
    ).to_be_visible()
    assert_accessible(page)
