"""The console, the PDF, the medical page and the chart panels, through the test client."""

import datetime as dt
import zoneinfo
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from kapcare.audit.models import AuditEvent
from kapcare.core import clock
from kapcare.medicine.models import MedicineSession, VitalsReading
from kapcare.medicine.tests.fixtures import ready_medicine_appointment, screening_form
from kapcare.pathway.models import Clearance, MedicalScreening
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from tests.whole_chart import whole_chart

SignIn = Callable[[Role], HttpClient]
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def appointment(team_client: Client, staff: dict[Role, StaffMember]) -> Appointment:
    return ready_medicine_appointment(team_client, staff, start=clock.now() - 30 * MINUTE)


def _local(appointment: Appointment, moment: dt.datetime) -> str:
    assert appointment.location is not None
    return moment.astimezone(zoneinfo.ZoneInfo(appointment.location.time_zone)).strftime(
        "%Y-%m-%dT%H:%M"
    )


def _console(appointment: Appointment) -> str:
    return f"/appointments/{appointment.pk}/medicine/"


def test_the_console_shows_the_checklist_timer_and_forms(
    signed_in: SignIn, appointment: Appointment
) -> None:
    response = signed_in(Role.MONITOR).get(_console(appointment))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "1. Pre-dose checklist",
        "Vitals due next",
        "Pre-dose",
        "Record vitals",
        "Record dose",
        "6. Discharge",
        "Sign and lock as monitor",
        "medicine/console.js",
    ):
        assert text in html, text
    assert "<script>" not in html  # no inline script (CSP)


def test_recording_vitals_with_an_alert_shows_it(
    signed_in: SignIn, appointment: Appointment
) -> None:
    http = signed_in(Role.MONITOR)
    response = http.post(
        _console(appointment),
        {
            "form": "vitals",
            "vitals-at": _local(appointment, clock.now()),
            "vitals-systolic": "184",
            "vitals-diastolic": "96",
            "vitals-heart_rate": "88",
            "vitals-spo2": "97",
        },
        follow=True,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Systolic pressure 184 is at or above 180." in html
    assert VitalsReading.objects.get().systolic == 184


def test_a_refused_dose_lists_every_reason_with_422(
    signed_in: SignIn, appointment: Appointment
) -> None:
    response = signed_in(Role.MONITOR).post(
        _console(appointment),
        {
            "form": "dose",
            "dose-at": _local(appointment, clock.now()),
            "dose-route": "sublingual",
            "dose-dose_mg": "300",
            "dose-lot": "L1",
        },
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "would exceed the order&#x27;s maximum" in html
    assert "dose.exceeds_order" not in html  # the code stays in the API (test_api.py)
    assert "Confirm the client&#x27;s identity." in html
    assert "Take and record pre-dose vitals." in html


def test_a_therapist_cannot_post_a_dose(signed_in: SignIn, appointment: Appointment) -> None:
    response = signed_in(Role.THERAPIST).post(
        _console(appointment),
        {
            "form": "dose",
            "dose-at": _local(appointment, clock.now()),
            "dose-route": "sublingual",
            "dose-dose_mg": "100",
            "dose-lot": "L1",
        },
    )

    assert response.status_code == 404


def test_front_desk_never_sees_the_console_or_the_pdf(
    signed_in: SignIn, appointment: Appointment
) -> None:
    http = signed_in(Role.FRONT_DESK)

    assert http.get(_console(appointment)).status_code == 404
    assert http.get(_console(appointment) + "record.pdf").status_code == 404


def test_the_pdf_is_a_pdf_and_is_audited_as_a_print(
    signed_in: SignIn, appointment: Appointment
) -> None:
    response = signed_in(Role.THERAPIST).get(_console(appointment) + "record.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    prints = AuditEvent.objects.filter(action="print", client_id=appointment.client_id)
    # The print of the record, and the export of the file by its SHA-256 (ADR 0025).
    assert sorted(prints.values_list("detail", flat=True)) == [
        f"medicine:{appointment.pk}:pdf",
        f"pdf:medicine_record:sha256:{response['X-Content-SHA256']}",
    ]


def test_the_console_costs_a_fixed_number_of_queries(
    signed_in: SignIn, appointment: Appointment
) -> None:
    http = signed_in(Role.MONITOR)

    def count_after(readings: int) -> int:
        for _ in range(readings):
            VitalsReading.objects.create(
                session_id=_session(appointment),
                at=clock.now() - 5 * MINUTE,
                systolic=120,
                diastolic=80,
                heart_rate=70,
                spo2=98,
                recorded_by=appointment.staff.all()[0],
                recorded_at=clock.now(),
            )
        with CaptureQueriesContext(connection) as queries:
            assert http.get(_console(appointment)).status_code == 200
        return len(queries)

    few, many = count_after(1), count_after(8)

    assert few == many
    assert many <= 33  # includes the practice's settings and the pathway facts (one loader)


def _session(appointment: Appointment) -> int:
    session, _ = MedicineSession.objects.get_or_create(
        appointment=appointment,
        defaults={"client_id": appointment.client_id, "created_at": clock.now()},
    )
    return session.pk


def test_the_chart_shows_the_medicine_panels(
    signed_in: SignIn, appointment: Appointment, team_client: Client
) -> None:
    response = whole_chart(signed_in(Role.THERAPIST), team_client.pk)

    html = response.content.decode()
    assert "Medical screening and clearance" in html
    assert f"/appointments/{appointment.pk}/medicine/" in html
    assert "Cleared until" in html


def test_the_monitor_sees_sessions_but_not_the_medical_panel(
    signed_in: SignIn, appointment: Appointment, team_client: Client
) -> None:
    html = whole_chart(signed_in(Role.MONITOR), team_client.pk).content.decode()

    assert f"/appointments/{appointment.pk}/medicine/" in html
    assert "Medical screening and clearance" not in html


def test_the_medical_provider_records_a_screening_then_a_justified_clearance(
    signed_in: SignIn, team_client: Client
) -> None:
    http = signed_in(Role.MEDICAL_PROVIDER)
    page = f"/clients/{team_client.pk}/medical/"
    form = screening_form(yes="hepatic_impairment")

    assert http.post(page, form).status_code == 302
    MedicalScreening.objects.update(des_ii_total=8)  # as measures would have it
    page_html = http.get(page).content.decode()
    assert "Significant liver impairment" in page_html

    refused = http.post(
        page,
        {"form": "clearance", "clearance-status": "cleared", "clearance-valid_until": "2099-01-01"},
    )
    assert refused.status_code == 422
    refusal = refused.content.decode()
    assert "Write why clearing is safe despite this: " in refusal
    assert "clearance.justification_required" not in refusal  # the API says it (test_api.py)

    accepted = http.post(
        page,
        {
            "form": "clearance",
            "clearance-status": "cleared",
            "clearance-valid_until": "2099-01-01",
            "clearance-justify_hepatic_impairment": "LFTs normal in March; hepatology agrees.",
        },
    )
    assert accepted.status_code == 302
    assert Clearance.objects.get().status == "cleared"


def test_a_therapist_reads_the_medical_page_but_cannot_post(
    signed_in: SignIn, team_client: Client
) -> None:
    http = signed_in(Role.THERAPIST)
    page = f"/clients/{team_client.pk}/medical/"

    assert http.get(page).status_code == 200
    assert "Record screening" not in http.get(page).content.decode()
    assert http.post(page, {"form": "screening"}).status_code == 404
