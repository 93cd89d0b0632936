"""Fixtures for the portal's tests: a client signed in to the portal."""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client as HttpClient

from kapcare.accounts.models import User
from kapcare.audit.services import AuditSource
from kapcare.core import clock
from kapcare.pathway.models import Consent, ConsentDocument
from kapcare.pathway.services import publish_practice_consent_document
from kapcare.pathway.vocabulary import ConsentKind
from kapcare.people.access import Actor, actor_for_user
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.demo_documents import DEMO_CONSENT_DOCUMENTS
from kapcare.portal.services.accounts import open_client_account
from kapcare.scheduling import services as scheduling
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, Modality
from tests.factories import make_user


def portal_user_of(client: Client, email: str = "portal.person@example.com") -> User:
    user = make_user(email=email, full_name=client.display_name)
    open_client_account(
        client=client, user=user, now=clock.now(), source=AuditSource(user=None, source_ip=None)
    )
    return user


@pytest.fixture
def portal_user(team_client: Client) -> User:
    """A portal sign-in for ``team_client``."""
    return portal_user_of(team_client)


@pytest.fixture
def portal_actor(portal_user: User) -> Actor:
    return actor_for_user(portal_user, source_ip="127.0.0.1")


@pytest.fixture
def portal(client: HttpClient, portal_user: User) -> HttpClient:
    """The test client signed in as ``team_client``'s portal account."""
    client.force_login(portal_user)
    return client


NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def session_start(*, days: int, hour: int = 10) -> dt.datetime:
    """``hour``:00 in Pennsylvania, ``days`` from today."""
    local = dt.datetime.combine(clock.today() + dt.timedelta(days=days), dt.time(hour), NEW_YORK)
    return local.astimezone(dt.UTC)


def book_video_therapy(
    client: Client, staff: dict[Role, StaffMember], *, days: int, hour: int = 10
) -> Appointment:
    """A 50-minute video therapy session with the therapist, booked by front desk (the
    telehealth consent it needs is recorded first, once)."""
    front_desk = actor_for_user(staff[Role.FRONT_DESK].user)
    if not Consent.objects.filter(client=client, kind=ConsentKind.TELEHEALTH.value).exists():
        Consent.objects.create(
            client=client,
            kind=ConsentKind.TELEHEALTH.value,
            version="1",
            signed_on=clock.today(),
            recorded_by=staff[Role.THERAPIST],
            recorded_at=clock.now(),
        )
    start = session_start(days=days, hour=hour)
    return scheduling.book_appointment(
        actor=front_desk,
        request=scheduling.AppointmentRequest(
            client_id=client.pk,
            kind=AppointmentKind.THERAPY,
            modality=Modality.TELEHEALTH,
            start=start,
            end=start + dt.timedelta(minutes=50),
            staff_ids=(staff[Role.THERAPIST].pk,),
            client_location_state="PA",
        ),
        now=clock.now(),
    ).appointment


@pytest.fixture
def consent_documents(practice: Practice) -> dict[ConsentKind, ConsentDocument]:
    """Version 1 of the demo's three consent documents, published for ``practice``."""
    return {
        kind: publish_practice_consent_document(
            practice=practice,
            kind=kind,
            title=title,
            body=body,
            now=clock.now(),
            published_by=None,
            source=AuditSource(user=None, source_ip=None),
        )
        for kind, (title, body) in DEMO_CONSENT_DOCUMENTS.items()
    }
