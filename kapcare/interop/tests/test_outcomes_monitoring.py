"""The outcomes page's monthly 0820T-0822T totals and its completed / stopped retention,
against hand-worked records; the months suppressed alike on the page, its CSV and the API."""

import csv
import datetime as dt
from collections.abc import Callable

from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.interop.reports.outcomes import MonitoringRow
from kapcare.interop.reports.practice import (
    MonthOfMonitoring,
    completed_clients,
    monitoring_months,
    practice_outcomes,
)
from kapcare.interop.tests.records import SPACING, START, discharged_record, full_record
from kapcare.medicine.models import MedicineSession
from kapcare.medicine.services.record import monitoring_bill, monitoring_units
from kapcare.pathway.models import TreatmentPlan
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import AppointmentStaff
from tests.factories import make_client

SignIn = Callable[[Role], HttpClient]


def test_monitoring_units_per_month_are_the_superbills_own(
    practice: Practice, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    march = discharged_record(team_client, staff, START)
    second = make_client(practice=practice)
    discharged_record(second, staff, START + dt.timedelta(days=31))  # 2 April 2026
    # Three hours from the dose: first clinician 3 units of 0820T, the second clinician 3
    # of +0821T, the monitor (clinical staff) 3 of +0822T; newest month first.
    assert monitoring_months(practice.pk) == [
        MonthOfMonitoring(dt.date(2026, 4, 1), 1, (3, 3, 3), (1, 1, 1)),
        MonthOfMonitoring(dt.date(2026, 3, 1), 1, (3, 3, 3), (1, 1, 1)),
    ]
    bill = monitoring_bill(march.medicine, START + dt.timedelta(days=60))
    assert bill is not None
    assert tuple(bill.units(code) for code in ("0820T", "0821T", "0822T")) == (3, 3, 3)
    # One session a month is a small cell: published, both months are withheld.
    outcomes = practice_outcomes(practice.pk, now=START + dt.timedelta(days=60))
    assert outcomes.monitoring == [
        MonitoringRow(dt.date(2026, 4, 1), None, (None, None, None)),
        MonitoringRow(dt.date(2026, 3, 1), None, (None, None, None)),
    ]
    assert outcomes.medicine_sessions is None


def test_a_session_not_yet_discharged_bills_nothing(
    practice: Practice, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    full_record(team_client, staff)
    assert practice_outcomes(practice.pk, now=START).monitoring == []


def test_a_closed_plan_is_completed_after_an_integrated_dose_else_stopped(
    practice: Practice, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    therapist = staff[Role.THERAPIST]
    discharged_record(team_client, staff, START)  # dose held, integration held after it
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
    discharged_record(team_client, staff, START)
    page = signed_in(Role.THERAPIST).get("/reports/outcomes/").content.decode()
    assert "Monitoring billed per month" in page
    assert "Mar 2026" in page
    assert "0820T first clinician" in page
    assert team_client.display_name not in page


def _march(practice: Practice, staff: dict[Role, StaffMember], n: int, monitored: int) -> None:
    """``n`` discharged sessions from 2 March 2026, the monitor booked on ``monitored``."""
    for i in range(n):
        record = discharged_record(make_client(practice=practice), staff, START + i * SPACING)
        if i >= monitored:
            AppointmentStaff.objects.filter(
                appointment=record.medicine, staff=staff[Role.MONITOR]
            ).delete()


def _csv(http: HttpClient) -> list[list[str]]:
    response = http.get("/reports/outcomes/monitoring.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(response.content.decode().splitlines()))


HEADER = ["month", "medicine_sessions", "0820T_units", "0821T_units", "0822T_units"]


def test_small_cells_are_withheld_alike_on_the_page_the_csv_and_the_api(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    # Given 12 sessions in March, the monitor (+0822T) on 2 of them only
    _march(practice, staff, 12, monitored=2)
    http = signed_in(Role.THERAPIST)

    # Then March is published, its 0822T units withheld (2 sessions billed them)
    page = http.get("/reports/outcomes/").content.decode()
    assert (
        '<th scope="row">Mar 2026</th><td class="num">12</td><td class="num">36</td>'
        '<td class="num">36</td><td class="num">not shown</td>'
    ) in page
    assert "(12 held)" in page
    assert _csv(http) == [HEADER, ["2026-03", "12", "36", "36", "not shown"]]
    body = http.get("/api/v1/reports/outcomes").json()
    assert body["monitoring"] == [
        {"month": "2026-03-01", "medicine_sessions": 12,
         "units": {"0820T": 36, "0821T": 36, "0822T": None}},
    ]  # fmt: skip
    assert (body["medicine_sessions"], body["adverse_events"], body["safety_flags"]) == (
        12, 12, 12,
    )  # fmt: skip

    # When one session is held in April (a small cell)
    discharged_record(make_client(practice=practice), staff, START + dt.timedelta(days=31))

    # Then April is withheld, and March with it: 13 held less March's 12 would be April's
    page = http.get("/reports/outcomes/").content.decode()
    for month in ("Apr 2026", "Mar 2026"):
        assert f'<th scope="row">{month}</th><td colspan="4">fewer than 11</td>' in page
    assert "(13 held)" in page
    hidden = ["fewer than 11"] * 4
    assert _csv(http) == [HEADER, ["2026-04", *hidden], ["2026-03", *hidden]]
    body = http.get("/api/v1/reports/outcomes").json()
    assert [m["medicine_sessions"] for m in body["monitoring"]] == [None, None]
    assert [set(m["units"].values()) for m in body["monitoring"]] == [{None}, {None}]
    assert body["medicine_sessions"] == 13


def test_one_session_is_never_a_published_count(
    signed_in: SignIn, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    discharged_record(team_client, staff, START)
    http = signed_in(Role.THERAPIST)
    body = http.get("/api/v1/reports/outcomes").json()
    assert body["monitoring"] == [
        {"month": "2026-03-01", "medicine_sessions": None,
         "units": {"0820T": None, "0821T": None, "0822T": None}},
    ]  # fmt: skip
    # One session, one adverse event, one flag: each a count of 1, withheld.
    assert {k: body[k] for k in ("medicine_sessions", "adverse_events", "safety_flags")} == {
        "medicine_sessions": None, "adverse_events": None, "safety_flags": None,
    }  # fmt: skip
    assert body["retention_categories"] == ["active", "paused", "completed", "stopped"]
    # Fewer than 11 plans in a format: the row is withheld (null), never a small count.
    assert all(row["total"] in (None, 0) for row in body["retention"])
    assert team_client.display_name not in str(body)
    page = http.get("/reports/outcomes/").content.decode()
    assert "(fewer than 11 held)" in page
    assert _csv(http) == [HEADER, ["2026-03", *["fewer than 11"] * 4]]


def test_the_csv_is_audited_as_an_export_of_the_practice_s_figures(
    signed_in: SignIn, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    discharged_record(team_client, staff, START)
    http = signed_in(Role.PRIVACY_OFFICER)
    before = AuditEvent.objects.count()
    _csv(http)
    events = AuditEvent.objects.order_by("seq")[before:]
    assert [(e.action, e.category, e.detail, e.client_id) for e in events] == [
        ("export", "practice", "outcomes:monitoring-csv", None)
    ]
    assert signed_in(Role.FRONT_DESK).get("/reports/outcomes/monitoring.csv").status_code == 404


def test_the_api_refuses_those_the_page_refuses(signed_in: SignIn) -> None:
    response = signed_in(Role.FRONT_DESK).get("/api/v1/reports/outcomes")
    assert response.status_code == 404  # as the page: the report is not there for them
    assert "monitoring" not in response.json()


def test_sessions_alike_share_a_bill_and_no_other_does(
    practice: Practice, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    # Given three discharged sessions: three hours with three clinicians booked, then
    # 100 minutes with the same three, then three hours without the monitor
    records = [discharged_record(team_client, staff, START)]
    for n, (length, without) in enumerate(
        [(dt.timedelta(minutes=100), None), (dt.timedelta(hours=3), Role.MONITOR)], start=1
    ):
        record = discharged_record(
            make_client(practice=practice), staff, START + dt.timedelta(days=31 * n)
        )
        session = MedicineSession.objects.get(appointment=record.medicine)
        session.discharged_at = record.dose.at + length
        session.save()
        if without is not None:
            AppointmentStaff.objects.filter(
                appointment=record.medicine, staff=staff[without]
            ).delete()
        records.append(record)

    # Then each session's units are its own superbill's
    now = START + dt.timedelta(days=120)
    own = []
    for record in records:
        bill = monitoring_bill(record.medicine, now)
        assert bill is not None
        own.append((record.dose.at, {c: bill.units(c) for c in ("0820T", "0821T", "0822T")}))
    got = sorted(
        (at, {c: units.get(c, 0) for c in ("0820T", "0821T", "0822T")})
        for at, units in monitoring_units(practice.pk)
    )
    assert got == sorted(own)
    assert [units for _, units in got] == [
        {"0820T": 3, "0821T": 3, "0822T": 3},
        {"0820T": 2, "0821T": 2, "0822T": 2},
        {"0820T": 3, "0821T": 3, "0822T": 0},
    ]
