"""Superbills from the records against a hand-worked example; the CSV, PDF, claim file
and billing settings; who may bill."""

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.interop.models import PracticeBilling
from kapcare.interop.tests.billed import billed_record
from kapcare.interop.tests.records import FullRecord
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role

SignIn = Callable[[Role], HttpClient]
PERIOD = "?start=2026-02-01&end=2026-03-31"


@pytest.fixture
def billed(team_client: Client, staff: dict[Role, StaffMember], practice: Practice) -> FullRecord:
    return billed_record(team_client, staff, practice)


def _lines(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode())))


def test_the_superbill_matches_the_hand_worked_example(
    billed: FullRecord, signed_in: SignIn
) -> None:
    response = signed_in(Role.FRONT_DESK).get(f"/clients/{billed.client.pk}/superbill.csv{PERIOD}")
    assert response.status_code == 200
    rows = [
        (
            r["service_date"],
            r["place_of_service"],
            r["cpt"],
            r["modifiers"],
            r["units"],
            r["charge"],
        )
        for r in _lines(response.content)
    ]
    assert rows == [
        ("2026-02-03", "10", "90791", "95", "1", "250.00"),
        ("2026-02-10", "10", "90837", "95", "1", "200.00"),
        ("2026-02-10", "10", "90785", "95", "1", "25.00"),
        ("2026-03-02", "11", "0820T", "", "3", "450.00"),
        ("2026-03-02", "11", "0821T", "", "3", "300.00"),
        ("2026-03-02", "11", "0822T", "", "3", "180.00"),
    ]
    assert sum(Decimal(r[5]) for r in rows) == Decimal("1405.00")
    assert {r["billing_npi"] for r in _lines(response.content)} == {"1098765432"}
    # The diagnosis on the plan (F43.12, noted Jan 31) is active through the period.
    assert {r["diagnoses_icd10"] for r in _lines(response.content)} == {"F43.12"}
    page = signed_in(Role.THERAPIST).get(f"/clients/{billed.client.pk}/superbill/{PERIOD}")
    text = page.content.decode()
    assert "$1405.00" in text
    assert "F43.12 Post-traumatic stress disorder, chronic" in text
    assert "3 sessions held in this period have no signed note yet" in text


def test_the_pdf_is_printed_from_the_same_page_and_audited(
    billed: FullRecord, signed_in: SignIn
) -> None:
    response = signed_in(Role.FRONT_DESK).get(f"/clients/{billed.client.pk}/superbill.pdf{PERIOD}")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditAction.PRINT, client_id=billed.client.pk).exists()


def test_the_claim_file_holds_every_client_of_the_period(
    billed: FullRecord, signed_in: SignIn
) -> None:
    response = signed_in(Role.FRONT_DESK).get(f"/billing/claims.csv{PERIOD}")
    assert response.status_code == 200
    assert {r["client_id"] for r in _lines(response.content)} == {str(billed.client.pk)}
    assert len(_lines(response.content)) == 6
    assert {r["diagnoses_icd10"] for r in _lines(response.content)} == {"F43.12"}
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, detail="claims:csv").count() == 1
    assert signed_in(Role.THERAPIST).get(f"/billing/claims.csv{PERIOD}").status_code == 404


def test_who_may_see_a_superbill(
    billed: FullRecord, signed_in: SignIn, other_client: Client
) -> None:
    assert (
        signed_in(Role.MONITOR).get(f"/clients/{billed.client.pk}/superbill/{PERIOD}").status_code
        == 404
    )
    assert (
        signed_in(Role.PRIVACY_OFFICER)
        .get(f"/clients/{billed.client.pk}/superbill/{PERIOD}")
        .status_code
        == 404
    )
    assert (
        signed_in(Role.THERAPIST).get(f"/clients/{other_client.pk}/superbill/{PERIOD}").status_code
        == 404
    )


def test_a_bad_period_is_refused_next_to_its_field(billed: FullRecord, signed_in: SignIn) -> None:
    response = signed_in(Role.FRONT_DESK).get(
        f"/clients/{billed.client.pk}/superbill/?start=2026-03-31&end=2026-03-01"
    )
    assert response.status_code == 422
    assert "The end of the period is before its start." in response.content.decode()


def test_front_desk_sets_the_fee_schedule(signed_in: SignIn, practice: Practice) -> None:
    http = signed_in(Role.FRONT_DESK)
    bad = http.post("/billing/settings/", {"npi": "123", "telehealth_pos": "10"})
    assert bad.status_code == 422
    assert "An NPI is exactly 10 digits." in bad.content.decode()
    good = http.post(
        "/billing/settings/", {"npi": "1098765432", "telehealth_pos": "02", "fee_90837": "210.5"}
    )
    assert good.status_code == 302
    saved = PracticeBilling.objects.get(practice=practice)
    assert (saved.npi, saved.telehealth_pos, saved.fees) == (
        "1098765432",
        "02",
        {"90837": "210.50"},
    )
    refused = signed_in(Role.THERAPIST).post(
        "/billing/settings/", {"npi": "1111111111", "telehealth_pos": "10"}
    )
    assert refused.status_code == 404


def test_a_diagnosis_resolved_before_the_period_is_not_on_the_superbill(
    billed: FullRecord, signed_in: SignIn
) -> None:
    billed.diagnosis.resolved_on = dt.date(2026, 1, 31)
    billed.diagnosis.save()
    response = signed_in(Role.FRONT_DESK).get(f"/clients/{billed.client.pk}/superbill.csv{PERIOD}")
    assert {r["diagnoses_icd10"] for r in _lines(response.content)} == {""}
