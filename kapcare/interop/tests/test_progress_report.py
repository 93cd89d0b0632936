"""The progress report: page and PDF from the chart, for the client's clinicians."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.interop.tests.records import START, FullRecord, full_record
from kapcare.measures.models import MeasureResponse, ResponseSource
from kapcare.pathway.models import TreatmentPlan
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment

SignIn = Callable[[Role], HttpClient]


def _phq9(record: FullRecord, therapist: StaffMember, days: int, total: int) -> None:
    MeasureResponse.objects.create(
        client=record.client, instrument_code="PHQ-9", instrument_version="1.0",
        answers=[0] * 9, source=ResponseSource.STAFF, entered_by=therapist,
        completed_at=START + dt.timedelta(days=days), total=Decimal(total), severity="mild",
    )  # fmt: skip


@pytest.fixture
def record(team_client: Client, staff: dict[Role, StaffMember]) -> FullRecord:
    found = full_record(team_client, staff)
    TreatmentPlan.objects.filter(client=team_client).update(
        relational_goals="Feel safe enough to ask for help from a partner."
    )
    _phq9(found, staff[Role.THERAPIST], 30, 3)  # baseline 10 (moderate), now 3
    Appointment.objects.filter(pk=found.telehealth.pk).update(status="no_show")
    return found


def test_the_report_shows_goals_diagnoses_attendance_and_reliable_change(
    signed_in: SignIn, record: FullRecord
) -> None:
    response = signed_in(Role.THERAPIST).get(f"/clients/{record.client.pk}/progress/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Feel safe enough to ask for help from a partner." in page
    assert "F43.12 Post-traumatic stress disorder, chronic" in page
    report = response.context["report"]
    assert [(a.kind, a.held, a.no_show, a.booked) for a in report.attendance] == [
        ("preparation", 2, 0, 0),
        ("medicine", 0, 0, 1),
        ("integration", 0, 1, 0),
    ]
    phq9 = next(p for p in report.panels if p.series.code == "PHQ-9")
    assert (phq9.series.baseline.total, phq9.series.latest.total) == (10.0, 3.0)
    assert phq9.change is not None
    assert phq9.change.category == "recovered"
    assert "Recovered" in page
    assert f'href="/clients/{record.client.pk}/progress.pdf"' in page
    # Psychotherapy notes and session notes are no part of it; the adverse event's note neither.
    assert "Rested; resolved." not in page


def test_the_pdf_is_the_same_report_and_audited_as_a_print(
    signed_in: SignIn, record: FullRecord
) -> None:
    http = signed_in(Role.MEDICAL_PROVIDER)
    before = AuditEvent.objects.count()
    response = http.get(f"/clients/{record.client.pk}/progress.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    events = AuditEvent.objects.order_by("seq")[before:]
    # The third event records the file's SHA-256 (ADR 0025: the export is verifiable).
    assert sorted((e.action, e.category, e.detail) for e in events) == [
        (
            AuditAction.PRINT,
            "clinical",
            f"pdf:progress_report:sha256:{response['X-Content-SHA256']}",
        ),
        (AuditAction.PRINT, "clinical", "progress-report:pdf"),
        (AuditAction.PRINT, "schedule", "progress-report:pdf"),
    ]


def test_the_page_read_is_audited_per_category(signed_in: SignIn, record: FullRecord) -> None:
    http = signed_in(Role.THERAPIST)
    before = AuditEvent.objects.count()
    http.get(f"/clients/{record.client.pk}/progress/")
    events = AuditEvent.objects.order_by("seq")[before:]
    assert sorted((e.action, e.category, e.detail, e.client_id) for e in events) == [
        (AuditAction.READ, "clinical", "progress-report", record.client.pk),
        (AuditAction.READ, "schedule", "progress-report", record.client.pk),
    ]


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.MONITOR, Role.PRIVACY_OFFICER])
def test_only_the_clients_clinicians_get_it(
    signed_in: SignIn, record: FullRecord, role: Role
) -> None:
    http = signed_in(role)
    for path in ("progress/", "progress.pdf"):
        assert http.get(f"/clients/{record.client.pk}/{path}").status_code == 404, (role, path)


def test_another_teams_client_and_a_missing_one_answer_not_found(
    signed_in: SignIn, record: FullRecord, other_client: Client
) -> None:
    http = signed_in(Role.THERAPIST)
    assert http.get(f"/clients/{other_client.pk}/progress/").status_code == 404
    assert http.get("/clients/999999/progress.pdf").status_code == 404


def test_the_client_head_links_the_report_for_clinicians_and_the_superbill_for_billers(
    signed_in: SignIn, record: FullRecord
) -> None:
    chart, profile = f"/clients/{record.client.pk}/", f"/clients/{record.client.pk}/profile/"
    links = {
        role: signed_in(role).get(chart).content.decode() for role in (Role.THERAPIST, Role.MONITOR)
    }
    # The front desk does not open the chart; the client's details page carries the head.
    links[Role.FRONT_DESK] = signed_in(Role.FRONT_DESK).get(profile).content.decode()
    progress = f'href="/clients/{record.client.pk}/progress/"'
    superbill = f'href="/clients/{record.client.pk}/superbill/"'
    shown = {role: (progress in page, superbill in page) for role, page in links.items()}
    assert shown == {
        Role.THERAPIST: (True, True),
        Role.FRONT_DESK: (False, True),
        Role.MONITOR: (False, False),
    }


def test_the_page_runs_a_fixed_number_of_queries(
    signed_in: SignIn, record: FullRecord, staff: dict[Role, StaffMember],
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    http = signed_in(Role.THERAPIST)
    path = f"/clients/{record.client.pk}/progress/"
    http.get(path)
    for day in range(40, 60):
        _phq9(record, staff[Role.THERAPIST], day, 5)
    with django_assert_max_num_queries(QUERY_BOUND, info="progress report"):
        assert http.get(path).status_code == 200


# Session, user, staff, roles, client, care team; plan, diagnoses, sessions by kind, the
# first held, instruments, responses, medicine sessions, practice, the preparer; the
# audit append (savepoint, chain head, insert, update, release).
QUERY_BOUND = 20
