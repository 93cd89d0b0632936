"""The outcomes page's monthly 0820T-0822T totals and its completed / stopped retention,
against hand-worked records."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client as HttpClient

from kapcare.interop.reports.practice import (
    MonthOfMonitoring,
    completed_clients,
    practice_outcomes,
)
from kapcare.interop.tests.records import START, full_record
from kapcare.medicine.models import MedicineSession
from kapcare.medicine.services.record import monitoring_bill
from kapcare.pathway.models import TreatmentPlan
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import AppointmentStaff
from tests.factories import make_client

SignIn = Callable[[Role], HttpClient]


def _discharged(client: Client, staff: dict[Role, StaffMember], start: dt.datetime) -> Any:
    """A medicine session with the therapist, the medical provider and the monitor booked:
    dosed 10 minutes in, discharged 3 hours after the dose; its integration held after."""
    record = full_record(client, staff, start=start)
    session = MedicineSession.objects.get(appointment=record.medicine)
    session.discharged_at = record.dose.at + dt.timedelta(hours=3)
    session.discharge_alert_oriented = session.discharge_steady_gait = True
    session.discharge_escort_present = True
    session.discharged_by = staff[Role.MEDICAL_PROVIDER]
    session.save()
    record.medicine.status = "completed"
    record.medicine.status_changed_by = staff[Role.THERAPIST]
    record.medicine.status_changed_at = session.discharged_at
    record.medicine.save()
    AppointmentStaff.objects.filter(appointment=record.medicine).update(status="completed")
    return record


def test_monitoring_units_per_month_are_the_superbills_own(
    practice: Practice, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    march = _discharged(team_client, staff, START)
    second = make_client(practice=practice)
    _discharged(second, staff, START + dt.timedelta(days=31))  # 2 April 2026
    outcomes = practice_outcomes(practice.pk, now=START + dt.timedelta(days=60))
    # Three hours from the dose: first clinician 3 units of 0820T, the second clinician 3
    # of +0821T, the monitor (clinical staff) 3 of +0822T; newest month first.
    assert outcomes.monitoring == [
        MonthOfMonitoring(dt.date(2026, 4, 1), 1, (3, 3, 3)),
        MonthOfMonitoring(dt.date(2026, 3, 1), 1, (3, 3, 3)),
    ]
    bill = monitoring_bill(march.medicine, START + dt.timedelta(days=60))
    assert bill is not None
    assert tuple(bill.units(code) for code in ("0820T", "0821T", "0822T")) == (3, 3, 3)


def test_a_session_not_yet_discharged_bills_nothing(
    practice: Practice, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    full_record(team_client, staff)
    assert practice_outcomes(practice.pk, now=START).monitoring == []


def test_a_closed_plan_is_completed_after_an_integrated_dose_else_stopped(
    practice: Practice, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    therapist = staff[Role.THERAPIST]
    _discharged(team_client, staff, START)  # dose held, integration held after it
    stopped = make_client(practice=practice)
    clients = [team_client, stopped]
    for client in clients:
        TreatmentPlan.objects.update_or_create(
            client=client,
            defaults={"format": "intensive", "status": "closed", "updated_by": therapist,
                      "updated_at": START},
        )  # fmt: skip
    retention = practice_outcomes(practice.pk, now=START).retention
    counts = {row.label: [c.count for c in row.cells] for row in retention}
    # Two plans are fewer than 11: the row is suppressed, so read the arithmetic directly.
    assert counts["Intensive format"] == [None, None, None, None]
    assert completed_clients(practice.pk) == {team_client.pk}


def test_the_page_shows_the_months_in_words(
    signed_in: SignIn, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    _discharged(team_client, staff, START)
    page = signed_in(Role.THERAPIST).get("/reports/outcomes/").content.decode()
    assert "Monitoring billed per month" in page
    assert "Mar 2026" in page
    assert "0820T first clinician" in page
    assert team_client.display_name not in page


def test_the_api_gives_the_page_s_figures(
    signed_in: SignIn, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    _discharged(team_client, staff, START)
    body = signed_in(Role.THERAPIST).get("/api/v1/reports/outcomes").json()
    assert body["monitoring"] == [
        {"month": "2026-03-01", "medicine_sessions": 1,
         "units": {"0820T": 3, "0821T": 3, "0822T": 3}},
    ]  # fmt: skip
    assert body["retention_categories"] == ["active", "paused", "completed", "stopped"]
    # Fewer than 11 plans in a format: the row is withheld (null), never a small count.
    assert all(row["total"] in (None, 0) for row in body["retention"])
    assert team_client.display_name not in str(body)


def test_the_api_refuses_those_the_page_refuses(signed_in: SignIn) -> None:
    response = signed_in(Role.FRONT_DESK).get("/api/v1/reports/outcomes")
    assert response.status_code == 404  # as the page: the report is not there for them
    assert "monitoring" not in response.json()
