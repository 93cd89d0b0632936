"""Consent in the portal: read, sign with a typed name, signed copy, revoke in one step."""

import datetime as dt

from django.test import Client as HttpClient

from kapcare.accounts.models import User
from kapcare.audit.services import AuditSource
from kapcare.core import clock
from kapcare.pathway import rules
from kapcare.pathway.facts import load_pathway_records
from kapcare.pathway.models import Consent, ConsentDocument
from kapcare.pathway.services import publish_practice_consent_document, record_consent
from kapcare.pathway.vocabulary import ConsentKind
from kapcare.people.access import actor_for_user
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.models import CareTeamNotice
from kapcare.portal.tests.fixtures import portal_user_of
from tests.factories import make_practice

KAP = ConsentKind.KAP_INFORMED_CONSENT
Documents = dict[ConsentKind, ConsentDocument]


def _sign(portal: HttpClient, document: ConsentDocument, name: str = "Robin Test") -> object:
    return portal.post(
        f"/portal/consents/{document.pk}/", {"agree": "on", "typed_name": f"  {name} "}
    )


def test_the_consent_page_lists_each_document_unsigned(
    portal: HttpClient, consent_documents: Documents
) -> None:
    body = portal.get("/portal/consents/").content.decode()
    assert body.count("Not signed yet.") == 3
    assert f"/portal/consents/{consent_documents[KAP].pk}/" in body


def test_signing_keeps_the_typed_name_time_address_and_the_documents_digest(
    portal: HttpClient, consent_documents: Documents, team_client: Client
) -> None:
    # Given
    document = consent_documents[KAP]
    page = portal.get(f"/portal/consents/{document.pk}/").content.decode()
    assert "Ketamine is a Schedule III controlled substance." in page

    # When
    response = _sign(portal, document)

    # Then
    assert response.status_code == 302  # type: ignore[attr-defined]
    consent = Consent.objects.get(client=team_client)
    assert (consent.kind, consent.version, consent.document_id) == (KAP.value, "1", document.pk)
    assert consent.signed_name == "Robin Test"
    assert consent.signed_from_ip == "127.0.0.1"
    assert consent.document_sha256 == document.sha256
    assert len(consent.document_sha256) == 64
    assert consent.signed_at is not None
    assert consent.signed_on == clock.today()
    assert consent.recorded_by is None
    notice = CareTeamNotice.objects.get(client=team_client)
    assert notice.kind == "consent_signed"


def test_a_portal_signature_satisfies_the_booking_rules_as_a_staff_recorded_one_does(
    portal: HttpClient,
    consent_documents: Documents,
    team_client: Client,
    other_client: Client,
    staff: dict[Role, StaffMember],
) -> None:
    # Given nothing signed, the medicine rule refuses
    assert not rules.consent_in_force(load_pathway_records(team_client.pk).consents, clock.today())

    # When the client signs in the portal, and staff record a paper one for another client
    _sign(portal, consent_documents[KAP])
    from kapcare.people.models import CareTeamMember

    CareTeamMember.objects.create(
        client=other_client, staff=staff[Role.THERAPIST], role=Role.THERAPIST.value
    )
    record_consent(
        actor=actor_for_user(staff[Role.THERAPIST].user),
        client_id=other_client.pk,
        kind=KAP,
        version="1",
        signed_on=clock.today(),
        now=clock.now(),
    )

    # Then the rules read the two alike
    signed = load_pathway_records(team_client.pk).consents
    recorded = load_pathway_records(other_client.pk).consents
    assert signed == recorded
    assert rules.consent_problem(signed, clock.today()) is None


def test_signing_without_a_name_or_agreement_is_refused_on_the_field(
    portal: HttpClient, consent_documents: Documents
) -> None:
    document = consent_documents[KAP]
    no_name = portal.post(f"/portal/consents/{document.pk}/", {"agree": "on", "typed_name": " "})
    no_agree = portal.post(f"/portal/consents/{document.pk}/", {"typed_name": "Robin Test"})
    assert no_name.status_code == 422
    assert "Type your full name to sign." in no_name.content.decode()
    assert no_agree.status_code == 422
    assert "Tick the box" in no_agree.content.decode()
    assert not Consent.objects.exists()


def test_an_earlier_version_cannot_be_signed(
    portal: HttpClient, consent_documents: Documents, practice: object
) -> None:
    # Given the practice published version 2
    old = consent_documents[KAP]
    publish_practice_consent_document(
        practice=old.practice,
        kind=KAP,
        title=old.title,
        body=old.body + "\n\nA new paragraph.",
        now=clock.now(),
        published_by=None,
        source=AuditSource(user=None, source_ip=None),
    )

    # When
    response = _sign(portal, old)

    # Then
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert not Consent.objects.exists()


def test_the_same_version_is_not_signed_twice(
    portal: HttpClient, consent_documents: Documents
) -> None:
    _sign(portal, consent_documents[KAP])
    again = _sign(portal, consent_documents[KAP])
    assert again.status_code == 422  # type: ignore[attr-defined]
    assert "You have signed this version." in again.content.decode()  # type: ignore[attr-defined]
    assert Consent.objects.count() == 1


def test_revoking_is_one_step_and_tells_the_care_team(
    portal: HttpClient, consent_documents: Documents, team_client: Client
) -> None:
    # Given a signed KAP consent
    _sign(portal, consent_documents[KAP])
    consent = Consent.objects.get()

    # When
    response = portal.post(f"/portal/consents/signed/{consent.pk}/revoke")

    # Then
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_on == clock.today()
    assert consent.revoked_by_client
    assert consent.revoked_by is None
    assert list(
        CareTeamNotice.objects.filter(client=team_client).values_list("kind", flat=True)
    ) == ["consent_signed", "consent_revoked"]
    assert not rules.consent_in_force(
        load_pathway_records(team_client.pk).consents, clock.today() + dt.timedelta(days=1)
    )
    page = portal.get("/portal/consents/").content.decode()
    assert "You can sign it again whenever you choose." in page


def test_the_signed_copy_is_a_pdf_named_by_id(
    portal: HttpClient, consent_documents: Documents, team_client: Client
) -> None:
    _sign(portal, consent_documents[KAP])
    consent = Consent.objects.get()
    response = portal.get(f"/portal/consents/signed/{consent.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        response["Content-Disposition"] == f'attachment; filename="signed-consent-{consent.pk}.pdf"'
    )


def test_another_clients_consent_is_not_found_by_changing_its_id(
    client: HttpClient,
    portal: HttpClient,
    consent_documents: Documents,
    other_client: Client,
    portal_user: User,
) -> None:
    # Given another client's signed consent
    other_user = portal_user_of(other_client, email="other.portal@example.com")
    other = HttpClient()
    other.force_login(other_user)
    _sign(other, consent_documents[KAP], name="Other Person")
    theirs = Consent.objects.get(client=other_client)

    # When the first client tries its id
    pdf = portal.get(f"/portal/consents/signed/{theirs.pk}.pdf")
    revoke = portal.post(f"/portal/consents/signed/{theirs.pk}/revoke")

    # Then nothing is found and nothing changes
    assert pdf.status_code == 404
    assert revoke.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_on is None


def test_another_practices_document_is_not_found(portal: HttpClient) -> None:
    elsewhere = publish_practice_consent_document(
        practice=make_practice(name="Elsewhere"),
        kind=KAP,
        title="Theirs",
        body="Text.",
        now=clock.now(),
        published_by=None,
        source=AuditSource(user=None, source_ip=None),
    )
    assert portal.get(f"/portal/consents/{elsewhere.pk}/").status_code == 404
