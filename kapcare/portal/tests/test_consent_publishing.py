"""Staff publish a new version of a consent document and see who signed which version."""

import json

from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.pathway.models import ConsentDocument
from kapcare.pathway.vocabulary import ConsentKind
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.tests.fixtures import portal_user_of

KAP = ConsentKind.KAP_INFORMED_CONSENT
Staff = dict[Role, StaffMember]
Documents = dict[ConsentKind, ConsentDocument]


def _sign(http: HttpClient, document: ConsentDocument) -> None:
    http.post(f"/portal/consents/{document.pk}/", {"agree": "on", "typed_name": "Robin Test"})


def test_a_therapist_publishes_version_2_and_clients_are_asked_to_sign_it(
    staff: Staff, consent_documents: Documents, portal: HttpClient
) -> None:
    client = HttpClient()
    client.force_login(staff[Role.THERAPIST].user)
    form = client.get(f"/practice/consent-documents/{KAP.value}/publish/")
    assert form.status_code == 200
    assert form.context["form"].initial["title"] == consent_documents[KAP].title

    response = client.post(
        f"/practice/consent-documents/{KAP.value}/publish/",
        {"title": "Informed consent (2027)", "body": "New words.\n\nA second paragraph."},
        follow=True,
    )

    assert "Version 2 of the" in response.content.decode()
    latest = ConsentDocument.objects.filter(kind=KAP.value).order_by("-published_at", "-id")[0]
    assert (latest.version, latest.published_by_id) == ("2", staff[Role.THERAPIST].pk)
    assert f"/portal/consents/{latest.pk}/" in portal.get("/portal/consents/").content.decode()


def test_the_page_shows_who_signed_which_version_to_the_care_team_only(
    staff: Staff,
    consent_documents: Documents,
    portal: HttpClient,
    team_client: Client,
    other_client: Client,
) -> None:
    # Given the team client and another client signed version 1
    _sign(portal, consent_documents[KAP])
    other = HttpClient()
    other.force_login(portal_user_of(other_client, email="other.person@example.com"))
    _sign(other, consent_documents[KAP])

    # When the therapist (on team_client's care team only) and front desk read the page
    client = HttpClient()
    client.force_login(staff[Role.THERAPIST].user)
    therapist_page = client.get("/practice/consent-documents/").content.decode()
    client.force_login(staff[Role.FRONT_DESK].user)
    desk_page = client.get("/practice/consent-documents/").content.decode()

    # Then both see the count; the therapist sees only their client's name
    assert "2 clients" in therapist_page
    assert team_client.display_name in therapist_page
    assert other_client.display_name not in therapist_page
    assert "2 clients" in desk_page
    assert team_client.display_name not in desk_page
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, client_id=team_client.pk, detail="consent-documents"
    ).exists()


def test_an_empty_text_is_refused_next_to_its_field(
    client: HttpClient, staff: Staff, consent_documents: Documents
) -> None:
    client.force_login(staff[Role.FRONT_DESK].user)

    response = client.post(
        f"/practice/consent-documents/{KAP.value}/publish/", {"title": "T", "body": ""}
    )

    assert response.status_code == 422
    assert 'id="id_body_error"' in response.content.decode()
    assert ConsentDocument.objects.filter(kind=KAP.value).count() == 1


def test_a_monitor_or_privacy_officer_finds_nothing(client: HttpClient, staff: Staff) -> None:
    for role in (Role.MONITOR, Role.PRIVACY_OFFICER):
        client.force_login(staff[role].user)
        assert client.get("/practice/consent-documents/").status_code == 404
        assert (
            client.post(
                f"/practice/consent-documents/{KAP.value}/publish/", {"title": "T", "body": "B"}
            ).status_code
            == 404
        )
    assert not ConsentDocument.objects.exists()


def test_the_api_lists_versions_with_counts_and_publishes(
    staff: Staff, consent_documents: Documents, portal: HttpClient
) -> None:
    _sign(portal, consent_documents[KAP])
    client = HttpClient()
    client.force_login(staff[Role.MEDICAL_PROVIDER].user)

    created = client.post(
        "/api/v1/consent-documents",
        json.dumps({"kind": "financial", "title": "Fees", "body": "The fees."}),
        content_type="application/json",
    )
    listed = client.get("/api/v1/consent-documents").json()

    assert created.status_code == 201
    assert created.json()["version"] == "2"
    counts = {(i["kind"], i["version"]): i["signed_count"] for i in listed["items"]}
    assert counts[(KAP.value, "1")] == 1
    assert counts[("financial", "2")] == 0
    assert listed["count"] == 4
