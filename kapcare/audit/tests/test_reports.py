"""Audit reports (issue 12, ONC (d)(3)): filters by person, client, data, action, outcome
and date range; sorting by any column; CSV (streamed) and PDF exports, themselves audited;
"who looked at this client's record"."""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.audit.services import AuditSource, record_event
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_client, make_practice

SignedIn = Callable[[Role], HttpClient]
LOG = "/audit/"
NEW_YORK = ZoneInfo("America/New_York")


def _seqs(html: str) -> list[int]:
    return [int(s) for s in re.findall(r"<tr[^>]*>\s*<td>(\d+)</td>", html)]


def _read(staff: StaffMember, client: Client, category: str = "clinical") -> AuditEvent:
    return record_event(
        source=AuditSource(user=staff.user, source_ip="10.0.0.9"),
        action=AuditAction.READ,
        client_id=client.pk,
        category=category,
        detail="page:chart",
    )


@pytest.fixture
def trail(
    staff: dict[Role, StaffMember], team_client: Client, other_client: Client
) -> list[AuditEvent]:
    return [
        _read(staff[Role.THERAPIST], team_client),
        _read(staff[Role.MEDICAL_PROVIDER], team_client, "medical"),
        _read(staff[Role.THERAPIST], other_client),
        record_event(
            source=AuditSource(user=staff[Role.MONITOR].user, source_ip=None),
            action=AuditAction.DENIED,
            outcome=AuditOutcome.DENIED,
            client_id=other_client.pk,
            category="medical",
            detail="read:page:medical",
        ),
    ]


def test_filter_by_person_data_and_outcome(
    signed_in: SignedIn, staff: dict[Role, StaffMember], trail: list[AuditEvent]
) -> None:
    http = signed_in(Role.PRIVACY_OFFICER)
    therapist = staff[Role.THERAPIST].user_id
    by_person = http.get(f"{LOG}?person={therapist}").content.decode()
    assert _seqs(by_person) == [trail[2].seq, trail[0].seq]
    by_data = http.get(f"{LOG}?category=medical").content.decode()
    assert _seqs(by_data) == [trail[3].seq, trail[1].seq]
    denied = http.get(f"{LOG}?outcome=denied&category=medical").content.decode()
    assert _seqs(denied) == [trail[3].seq]


def test_a_person_of_another_practice_is_not_a_choice(signed_in: SignedIn) -> None:
    response = signed_in(Role.PRIVACY_OFFICER).get(f"{LOG}?person=99999")
    assert response.status_code == 422
    assert "from the list." in response.content.decode()


def test_filter_by_date_range_in_the_practice_zone(
    signed_in: SignedIn,
    staff: dict[Role, StaffMember],
    team_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seqs = []
    for day in (1, 2, 3, 4):
        at = dt.datetime(2026, 3, day, 23, 30, tzinfo=NEW_YORK)
        monkeypatch.setattr("kapcare.core.clock.now", lambda at=at: at)
        seqs.append(_read(staff[Role.THERAPIST], team_client).seq)
    monkeypatch.undo()
    http = signed_in(Role.PRIVACY_OFFICER)
    html = http.get(f"{LOG}?date_from=2026-03-02&date_to=2026-03-03&action=read&category=clinical")
    assert _seqs(html.content.decode()) == [seqs[2], seqs[1]]
    backwards = http.get(f"{LOG}?date_from=2026-03-03&date_to=2026-03-02")
    assert backwards.status_code == 422
    assert "The last day cannot come before the first." in backwards.content.decode()


def test_sort_by_any_column(signed_in: SignedIn, trail: list[AuditEvent]) -> None:
    http = signed_in(Role.PRIVACY_OFFICER)
    mine = {e.seq for e in trail}
    html = http.get(f"{LOG}?sort=category&action=read").content.decode()
    # clinical, clinical, medical, then the sequence breaks ties
    assert [s for s in _seqs(html) if s in mine] == [trail[0].seq, trail[2].seq, trail[1].seq]
    assert 'aria-sort="ascending"' in html
    down = http.get(f"{LOG}?sort=-category&action=read").content.decode()
    assert [s for s in _seqs(down) if s in mine] == [trail[1].seq, trail[2].seq, trail[0].seq]
    assert http.get(f"{LOG}?sort=password").status_code == 422


def test_csv_export_is_streamed_and_audited(
    signed_in: SignedIn,
    staff: dict[Role, StaffMember],
    team_client: Client,
    trail: list[AuditEvent],
) -> None:
    http = signed_in(Role.PRIVACY_OFFICER)
    response = http.get(f"{LOG}?client={team_client.pk}&format=csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    export = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
    # the export names the client too, so it is in its own file, first
    assert [int(r["seq"]) for r in rows] == [export.seq, trail[1].seq, trail[0].seq]
    assert rows[2]["actor_email"] == staff[Role.THERAPIST].user.email
    assert rows[2]["hash"] == trail[0].hash
    assert (export.actor_id, export.category, export.client_id, export.detail) == (
        staff[Role.PRIVACY_OFFICER].user_id,
        "audit",
        team_client.pk,
        "export:audit_log:csv",
    )


def test_csv_cells_are_not_formulas(
    signed_in: SignedIn, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    record_event(
        source=AuditSource(user=None, source_ip=None),
        action=AuditAction.READ,
        detail="=HYPERLINK(1)",
    )
    body = b"".join(signed_in(Role.PRIVACY_OFFICER).get(f"{LOG}?format=csv").streaming_content)  # type: ignore[attr-defined]
    assert "'=HYPERLINK(1)" in body.decode()


def test_pdf_export_is_audited(signed_in: SignedIn, trail: list[AuditEvent]) -> None:
    response = signed_in(Role.PRIVACY_OFFICER).get(f"{LOG}?format=pdf&category=medical")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, detail="export:audit_log:pdf"
    ).exists()


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.FRONT_DESK])
@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_only_the_privacy_officer_exports(
    signed_in: SignedIn, staff: dict[Role, StaffMember], role: Role, kind: str
) -> None:
    response = signed_in(role).get(f"{LOG}?format={kind}")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor_id=staff[role].user_id, category="audit"
    ).exists()


def test_who_looked_at_a_clients_record(
    signed_in: SignedIn,
    staff: dict[Role, StaffMember],
    team_client: Client,
    trail: list[AuditEvent],
) -> None:
    _read(staff[Role.THERAPIST], team_client, "safety")
    response = signed_in(Role.PRIVACY_OFFICER).get(f"/audit/clients/{team_client.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Who looked at {team_client.display_name}" in html
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td>(\d+)</td>\s*<td>(.*?)</td>', html, re.S)
    people = [(" ".join(re.sub(r"<.*?>", " ", who).split()), int(n), what) for who, n, what in rows]
    officer = staff[Role.PRIVACY_OFFICER].user.email
    assert people == [
        # the officer opening this page reads the client's name
        (f"Test Privacy officer {officer}", 1, "demographics"),
        (f"Test Therapist {staff[Role.THERAPIST].user.email}", 2, "clinical, safety"),
        (f"Test Medical provider {staff[Role.MEDICAL_PROVIDER].user.email}", 1, "medical"),
    ]


def test_who_looked_is_the_privacy_officers(
    signed_in: SignedIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    assert signed_in(Role.THERAPIST).get(f"/audit/clients/{team_client.pk}/").status_code == 404


def test_who_looked_is_scoped_to_the_practice(
    signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    foreign_client = make_client(practice=make_practice(name="Elsewhere"))
    response = signed_in(Role.PRIVACY_OFFICER).get(f"/audit/clients/{foreign_client.pk}/")
    assert response.status_code == 404


def test_the_api_filters_by_data_and_outcome(signed_in: SignedIn, trail: list[AuditEvent]) -> None:
    http = signed_in(Role.PRIVACY_OFFICER)
    body = http.get("/api/v1/audit-events?category=medical&outcome=denied").json()
    assert [item["seq"] for item in body["items"]] == [trail[3].seq]
    assert http.get("/api/v1/audit-events?outcome=maybe").status_code == 422
