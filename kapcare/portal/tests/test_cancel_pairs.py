"""Integration after every dose, when a client cancels in the portal: the integration
session a medicine session counts on is refused with why (page and API), and cancelling
a medicine session offers to cancel its integration session too. A preparation session a
booked medicine session needs for its count is refused the same way."""

import datetime as dt
import json

import pytest
from django.test import Client as HttpClient

from kapcare.core import clock
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.portal.models import CareTeamNotice
from kapcare.portal.tests.fixtures import session_start
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.rules.cancellation import (
    BookedSession,
    integration_needed_by,
    paired_integration,
    preparation_needed_by,
)
from kapcare.scheduling.vocabulary import AppointmentKind
from tests.factories import make_location, make_room

pytestmark = pytest.mark.django_db
Staff = dict[Role, StaffMember]
T0 = dt.datetime(2026, 3, 10, 15, tzinfo=dt.UTC)


def _s(pk: int, kind: AppointmentKind, days: float) -> BookedSession:
    start = T0 + dt.timedelta(days=days)
    return BookedSession(pk, kind, start, start + dt.timedelta(hours=1))


MED, INT = AppointmentKind.MEDICINE, AppointmentKind.INTEGRATION
PREP = AppointmentKind.PREPARATION


def test_the_first_integration_within_the_window_is_the_pair() -> None:
    medicine = _s(1, MED, 0)
    sessions = [medicine, _s(2, INT, 9), _s(3, INT, 3), _s(4, INT, 5)]
    assert paired_integration(medicine, sessions, within_days=7) == sessions[2]
    assert paired_integration(medicine, [medicine, _s(2, INT, 9)], within_days=7) is None


def test_only_the_sole_integration_of_a_dose_is_needed() -> None:
    medicine, only = _s(1, MED, 0), _s(2, INT, 2)
    assert integration_needed_by(only, [medicine, only], within_days=7) == medicine
    spare = _s(3, INT, 4)
    assert integration_needed_by(only, [medicine, only, spare], within_days=7) is None
    late = _s(4, INT, 8)
    assert integration_needed_by(late, [medicine, late], within_days=7) is None
    before = _s(5, INT, -1)
    assert integration_needed_by(before, [medicine, before], within_days=7) is None


def test_a_preparation_is_needed_only_by_a_later_dose_short_of_its_count() -> None:
    first, second, medicine = _s(1, PREP, 0), _s(2, PREP, 1), _s(3, MED, 3)
    sessions = [first, second, medicine]
    assert preparation_needed_by(first, sessions, needed=2) == medicine
    assert preparation_needed_by(second, sessions, needed=2) == medicine
    assert preparation_needed_by(first, sessions, needed=1) is None
    assert preparation_needed_by(first, [*sessions, _s(4, PREP, 2)], needed=2) is None
    # One ending after the dose starts does not count for it, so it is no spare.
    overlapping = _s(5, PREP, 3 - 1 / 48)
    assert preparation_needed_by(first, [*sessions, overlapping], needed=2) == medicine
    after = _s(6, PREP, 5)
    assert preparation_needed_by(after, [*sessions, after], needed=2) is None
    # The soonest dose that falls short is named.
    later = _s(7, MED, 10)
    assert preparation_needed_by(second, [*sessions, later], needed=2) == medicine
    assert preparation_needed_by(first, [first, medicine], needed=0) is None


def _book(client: Client, staff: Staff, kind: AppointmentKind, days: int) -> Appointment:
    start = session_start(days=days)
    location = make_location(practice=client.practice, name=f"Office {kind} {days}")
    room = make_room(
        location=location,
        kind=RoomKind.MEDICINE if kind is AppointmentKind.MEDICINE else RoomKind.THERAPY,
    )
    appointment = Appointment.objects.create(
        client=client,
        kind=kind.value,
        modality="in_person",
        start=start,
        end=start + dt.timedelta(hours=2),
        location=location,
        room=room,
        created_by=staff[Role.FRONT_DESK],
        created_at=clock.now(),
    )
    AppointmentStaff.objects.create(
        appointment=appointment,
        staff=staff[Role.THERAPIST],
        start=appointment.start,
        end=appointment.end,
        status="booked",
    )
    return appointment


@pytest.fixture
def pair(team_client: Client, staff: Staff) -> tuple[Appointment, Appointment]:
    return (
        _book(team_client, staff, AppointmentKind.MEDICINE, 3),
        _book(team_client, staff, AppointmentKind.INTEGRATION, 5),
    )


def test_the_integration_a_dose_counts_on_is_refused_with_why(
    portal: HttpClient, pair: tuple[Appointment, Appointment]
) -> None:
    _, integration = pair
    page = portal.get(f"/portal/sessions/{integration.pk}/cancel/").content.decode()
    assert "follows your medicine session on" in page
    assert "Please call the practice" in page
    assert ">Cancel this session</button>" not in page
    refused = portal.post(f"/portal/sessions/{integration.pk}/cancel/", {"reason": ""})
    assert refused.status_code == 422
    api = portal.post(
        f"/api/v1/portal/sessions/{integration.pk}/cancel", "{}", content_type="application/json"
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["field"] == "status"
    assert "every medicine session has one after it" in api.json()["errors"][0]["message"]
    integration.refresh_from_db()
    assert integration.status == "booked"


def test_cancelling_the_dose_offers_to_cancel_its_integration_too(
    portal: HttpClient, team_client: Client, pair: tuple[Appointment, Appointment]
) -> None:
    medicine, integration = pair
    page = portal.get(f"/portal/sessions/{medicine.pk}/cancel/").content.decode()
    assert "follows this medicine session" in page
    assert "Cancel that integration session too" in page
    done = portal.post(
        f"/portal/sessions/{medicine.pk}/cancel/", {"reason": "", "with_integration": "yes"}
    )
    assert done.status_code == 302
    for session in (medicine, integration):
        session.refresh_from_db()
        assert session.status == "cancelled"
    notice = CareTeamNotice.objects.get(client=team_client, kind="session_cancelled")
    assert "Medicine session" in notice.detail
    assert " and Integration session" in notice.detail


def test_the_integration_may_be_kept(
    portal: HttpClient, pair: tuple[Appointment, Appointment]
) -> None:
    medicine, integration = pair
    kept = portal.post(
        f"/api/v1/portal/sessions/{medicine.pk}/cancel",
        json.dumps({"with_integration": False}),
        content_type="application/json",
    )
    assert kept.status_code == 200
    medicine.refresh_from_db()
    integration.refresh_from_db()
    assert (medicine.status, integration.status) == ("cancelled", "booked")
    # With the dose gone, the integration session is the client's to cancel
    again = portal.post(
        f"/api/v1/portal/sessions/{integration.pk}/cancel", "{}", content_type="application/json"
    )
    assert again.status_code == 200


def test_a_preparation_a_booked_dose_needs_is_refused_and_a_spare_one_is_not(
    portal: HttpClient, team_client: Client, staff: Staff
) -> None:
    # No plan yet: the ongoing format's two preparation sessions apply.
    first = _book(team_client, staff, AppointmentKind.PREPARATION, 2)
    _book(team_client, staff, AppointmentKind.PREPARATION, 3)
    _book(team_client, staff, AppointmentKind.MEDICINE, 5)
    page = portal.get(f"/portal/sessions/{first.pk}/cancel/").content.decode()
    assert "needs this preparation session before it" in page
    assert ">Cancel this session</button>" not in page
    api = portal.post(
        f"/api/v1/portal/sessions/{first.pk}/cancel", "{}", content_type="application/json"
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["field"] == "status"
    first.refresh_from_db()
    assert first.status == "booked"
    _book(team_client, staff, AppointmentKind.PREPARATION, 4)
    spare = portal.post(
        f"/api/v1/portal/sessions/{first.pk}/cancel", "{}", content_type="application/json"
    )
    assert spare.status_code == 200
    first.refresh_from_db()
    assert first.status == "cancelled"
