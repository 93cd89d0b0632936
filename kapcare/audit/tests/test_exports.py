"""Integrity of exported PDFs (issue 12, ONC 170.315(d)(8); ADR 0025).

Each PDF is recorded by the SHA-256 of its exact bytes when it is exported; staff verify a
file (uploaded) or a hash at /verify/ and through GET /api/v1/exports/verify/{sha256}.
"""

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from kapcare.audit.models import AuditAction, AuditEvent, DocumentKind, ExportedDocument
from kapcare.interop.tests.records import FullRecord, full_record
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_client, make_practice, make_staff

SignIn = Callable[[Role], HttpClient]
KAPCARE = Path(__file__).resolve().parents[2]


@pytest.fixture
def record(team_client: Client, staff: dict[Role, StaffMember]) -> FullRecord:
    return full_record(team_client, staff)


@pytest.fixture
def exported(signed_in: SignIn, record: FullRecord) -> bytes:
    response = signed_in(Role.THERAPIST).get(f"/clients/{record.client.pk}/progress.pdf")
    assert response.status_code == 200
    return response.content


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _as(client: HttpClient, staff: StaffMember) -> HttpClient:
    client.force_login(staff.user)
    return client


def test_the_download_carries_its_sha256_and_it_is_recorded_in_the_chain(
    signed_in: SignIn, record: FullRecord, staff: dict[Role, StaffMember]
) -> None:
    response = signed_in(Role.THERAPIST).get(f"/clients/{record.client.pk}/progress.pdf")
    digest = hashlib.sha256(response.content)
    assert response["X-Content-SHA256"] == digest.hexdigest()
    assert response["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest.digest()).decode()}:"
    document = ExportedDocument.objects.get()
    assert (document.sha256, document.kind, document.client_id, document.size) == (
        digest.hexdigest(), DocumentKind.PROGRESS_REPORT, record.client.pk, len(response.content)
    )  # fmt: skip
    assert document.exported_by == staff[Role.THERAPIST].user
    assert document.practice_id == record.client.practice_id
    event = AuditEvent.objects.get(seq=document.audit_seq)
    assert (event.action, event.client_id, event.detail) == (
        AuditAction.PRINT, record.client.pk, f"pdf:progress_report:sha256:{digest.hexdigest()}"
    )  # fmt: skip


def test_the_audit_log_pdf_is_recorded_too(signed_in: SignIn) -> None:
    response = signed_in(Role.PRIVACY_OFFICER).get("/audit/?format=pdf")
    document = ExportedDocument.objects.get()
    assert document.kind == DocumentKind.AUDIT_LOG
    assert document.client_id is None
    assert document.sha256 == _sha(b"".join([response.content]))


def test_every_pdf_is_made_in_the_one_place_that_records_it() -> None:
    # A new PDF that called the renderer directly would go out with no recorded hash.
    callers = sorted(
        str(path.relative_to(KAPCARE))
        for path in KAPCARE.rglob("*.py")
        if "/tests/" not in str(path) and re.search(r"\bhtml_to_pdf\b", path.read_text())
    )
    assert callers == ["audit/exports.py", "core/pdf.py"]


def test_staff_verify_by_uploading_the_file(
    signed_in: SignIn, exported: bytes, record: FullRecord
) -> None:
    http = signed_in(Role.MEDICAL_PROVIDER)
    upload = SimpleUploadedFile("report.pdf", exported, content_type="application/pdf")
    response = http.post("/verify/", {"document": upload})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{_sha(exported)}/"
    page = http.get(response["Location"]).content.decode()
    assert "Exported by this practice" in page
    assert "Progress report" in page
    assert "Test Therapist" in page
    assert record.client.display_name in page  # on the reader's care team


def test_one_changed_byte_is_not_ours(signed_in: SignIn, exported: bytes) -> None:
    changed = exported.replace(b"%PDF-", b"%PDF ", 1)
    http = signed_in(Role.THERAPIST)
    upload = SimpleUploadedFile("report.pdf", changed, content_type="application/pdf")
    page = http.get(http.post("/verify/", {"document": upload})["Location"]).content.decode()
    assert "Not exported by this practice" in page
    assert "Exports with this SHA-256" not in page


def test_verify_by_hash_in_either_case_and_with_a_prefix(
    signed_in: SignIn, exported: bytes
) -> None:
    http = signed_in(Role.FRONT_DESK)
    typed = "SHA256:" + _sha(exported).upper()
    response = http.post("/verify/", {"sha256": typed})
    assert response["Location"] == f"/verify/{_sha(exported)}/"
    upper = http.get(f"/verify/{_sha(exported).upper()}/")
    assert upper.status_code == 302
    assert upper["Location"] == f"/verify/{_sha(exported)}/"


def test_the_client_is_named_only_to_a_reader_who_may_see_them(
    client: HttpClient, practice: Practice, exported: bytes, record: FullRecord
) -> None:
    off_team = make_staff(practice=practice, roles=[Role.THERAPIST], user__full_name="Off Team")
    url = f"/verify/{_sha(exported)}/"
    page = _as(client, off_team).get(url).content.decode()
    assert "Exported by this practice" in page
    assert record.client.display_name not in page
    assert "A client whose record you cannot open" in page
    api = client.get(f"/api/v1/exports/verify/{_sha(exported)}").json()
    assert api["documents"][0]["client"] is None
    assert api["documents"][0]["client_hidden"] is True


def test_another_practice_never_learns_of_the_export(client: HttpClient, exported: bytes) -> None:
    elsewhere = make_staff(
        practice=make_practice(name="Other Practice"), roles=[Role.PRIVACY_OFFICER]
    )
    page = _as(client, elsewhere).get(f"/verify/{_sha(exported)}/").content.decode()
    assert "Not exported by this practice" in page
    api = client.get(f"/api/v1/exports/verify/{_sha(exported)}").json()
    assert api == {"sha256": _sha(exported), "exported": False, "documents": []}


def test_each_lookup_is_audited_with_the_hash(
    signed_in: SignIn, exported: bytes, record: FullRecord
) -> None:
    http = signed_in(Role.THERAPIST)
    http.get(f"/verify/{_sha(exported)}/")
    unknown = "0" * 64
    http.get(f"/verify/{unknown}/")
    lookups = AuditEvent.objects.filter(detail__startswith="verify-export:").order_by("seq")
    assert [(e.detail, e.client_id, e.category) for e in lookups] == [
        (f"verify-export:found:{_sha(exported)}", record.client.pk, "audit"),
        (f"verify-export:unknown:{unknown}", None, "audit"),
    ]
    # The name shown is a read of the client's demographics.
    assert AuditEvent.objects.filter(
        detail="verify-export", client_id=record.client.pk, category="demographics"
    ).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"sha256": "abc"}, "sha256", "64 letters"),
        ({"sha256": "g" * 64}, "sha256", "64 letters"),
        ({}, "document", "Choose the PDF file"),
    ],
)
def test_bad_input_is_a_field_error(
    signed_in: SignIn, data: dict[str, str], field: str, message: str
) -> None:
    response = signed_in(Role.THERAPIST).post("/verify/", data)
    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])


def test_a_malformed_hash_in_the_address_is_422(signed_in: SignIn) -> None:
    response = signed_in(Role.THERAPIST).get("/verify/not-a-hash/")
    assert response.status_code == 422
    assert "64 letters" in response.content.decode()


def test_only_signed_in_staff_reach_the_page(client: HttpClient, exported: bytes) -> None:
    client.logout()
    assert client.get("/verify/").status_code in (302, 404)
    assert client.get(f"/api/v1/exports/verify/{_sha(exported)}").status_code in (401, 404)


def test_the_page_lists_my_own_pdfs_with_their_hashes(signed_in: SignIn, exported: bytes) -> None:
    mine = signed_in(Role.THERAPIST).get("/verify/").content.decode()
    assert _sha(exported) in mine
    theirs = signed_in(Role.FRONT_DESK).get("/verify/").content.decode()
    assert _sha(exported) not in theirs


def test_the_api_answers_the_export(
    signed_in: SignIn, exported: bytes, record: FullRecord, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.THERAPIST)
    body = http.get(f"/api/v1/exports/verify/{_sha(exported).upper()}").json()
    document = ExportedDocument.objects.get()
    assert body["sha256"] == _sha(exported)
    assert body["exported"] is True
    (answer,) = body["documents"]
    assert {k: answer[k] for k in ("kind", "exported_by", "client", "size", "audit_event")} == {
        "kind": "progress_report",
        "exported_by": staff[Role.THERAPIST].user.pk,
        "client": record.client.pk,
        "size": len(exported),
        "audit_event": document.audit_seq,
    }
    bad = http.get("/api/v1/exports/verify/xyz")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "sha256"


def test_the_operation_is_in_the_openapi_schema(client: HttpClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/exports/verify/{sha256}"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "404", "422"}


def test_the_verify_page_costs_the_same_queries_however_many_matches(
    signed_in: SignIn, exported: bytes, practice: Practice
) -> None:
    http = signed_in(Role.THERAPIST)
    url = f"/verify/{_sha(exported)}/"
    http.get(url)  # the session and the chain's head are warm

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        return len(queries)

    one = count()
    first = ExportedDocument.objects.get()
    for _ in range(3):
        other = make_client(practice=practice)
        ExportedDocument.objects.create(
            sha256=first.sha256, kind=DocumentKind.SUPERBILL, practice_id=practice.pk,
            client_id=other.pk, exported_by=make_staff(practice=practice).user,
            exported_at=first.exported_at, size=first.size, audit_seq=first.audit_seq,
        )  # fmt: skip
    assert count() == one
