"""The iCalendar feed: it parses, holds only initials and kinds, is audited and revocable."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from icalendar import Calendar

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.core import clock
from kapcare.people.access import Actor
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling import ical
from kapcare.scheduling.models import Appointment, AppointmentStaff, CalendarFeed
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus
from tests.factories import make_location, make_room

# The feed shows the 30 days before and the year after the real now.
NOW = clock.now().replace(microsecond=0)


@pytest.fixture
def booked(
    practice: Practice, staff: dict[Role, StaffMember], team_client: Client
) -> list[Appointment]:
    """Two appointments of the therapist with a client who has a distinctive record."""
    Client.objects.filter(pk=team_client.pk).update(
        legal_given_name="Marigold",
        legal_family_name="Teamclientsson",
        preferred_name="",
        email="marigold@example.com",
        phone="610-555-0199",
    )
    location = make_location(practice=practice, name="Bryn Mawr")
    room = make_room(location=location, kind=RoomKind.MEDICINE, name="Medicine")
    made = []
    for days, kind, status in (
        (3, AppointmentKind.MEDICINE, AppointmentStatus.BOOKED),
        (4, AppointmentKind.INTEGRATION, AppointmentStatus.BOOKED),
        (5, AppointmentKind.THERAPY, AppointmentStatus.CANCELLED),
    ):
        start = NOW + dt.timedelta(days=days)
        appointment = Appointment.objects.create(
            client=team_client,
            kind=kind.value,
            modality="in_person",
            start=start,
            end=start + dt.timedelta(hours=2),
            location=location,
            room=room,
            status=status.value,
            status_changed_by=staff[Role.FRONT_DESK] if status.value != "booked" else None,
            status_changed_at=NOW if status.value != "booked" else None,
            created_by=staff[Role.FRONT_DESK],
            created_at=NOW,
        )
        AppointmentStaff.objects.create(
            appointment=appointment,
            staff=staff[Role.THERAPIST],
            start=appointment.start,
            end=appointment.end,
            status=appointment.status,
        )
        made.append(appointment)
    return made


def test_initials() -> None:
    assert ical.initials("marigold", "Teamclientsson") == "M.T."
    assert ical.initials("", "Teamclientsson") == "T."
    assert ical.initials(" ", "") == ""


def test_the_feed_parses_and_says_only_kind_initials_time_and_place(
    staff: dict[Role, StaffMember],
    booked: list[Appointment],
    actor: Callable[[Role], Actor],
    client: HttpClient,
    settings: Any,
) -> None:
    # Given a feed of the therapist
    feed, secret = ical.rotate_feed(
        actor=actor(Role.THERAPIST), staff_id=staff[Role.THERAPIST].pk, now=NOW
    )
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    # When a calendar app fetches it, without signing in
    response = client.get(f"/feeds/calendar/{secret}.ics")

    # Then it is RFC 5545 that icalendar parses, one event per appointment not cancelled
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"].startswith("max-age=0")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [
        "Medicine session · M.T.",
        "Integration session · M.T.",
    ]
    assert [e.decoded("DTSTART") for e in events] == [b.start for b in booked[:2]]
    assert {str(e["LOCATION"]) for e in events} == {"Bryn Mawr, Medicine"}
    assert [str(e["UID"]) for e in events] == [
        f"appointment-{booked[0].pk}@kapcare",
        f"appointment-{booked[1].pk}@kapcare",
    ]
    # And no name, contact detail or note: only these properties, with these values
    body = response.content.decode()
    for secret_word in ("Marigold", "Teamclientsson", "marigold@", "610-555", "DESCRIPTION"):
        assert secret_word not in body
    assert {name for e in events for name in e} == {
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "LOCATION",
        "STATUS",
        "TRANSP",
    }
    # And the fetch is an EXPORT in the feed owner's name, per client
    exports = list(AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.EXPORT))
    assert [(e.client_id, e.actor_id, e.category) for e in exports] == [
        (booked[0].client_id, staff[Role.THERAPIST].user_id, "schedule")
    ]
    assert CalendarFeed.objects.get(pk=feed.pk).last_fetched_at is not None


def test_only_a_digest_is_stored_and_rotating_or_revoking_stops_the_old_address(
    staff: dict[Role, StaffMember], actor: Callable[[Role], Actor], client: HttpClient
) -> None:
    therapist = staff[Role.THERAPIST]
    first, old_secret = ical.rotate_feed(
        actor=actor(Role.THERAPIST), staff_id=therapist.pk, now=NOW
    )
    assert old_secret not in first.secret_digest
    assert first.secret_digest == ical.digest(old_secret)
    assert client.get(f"/feeds/calendar/{old_secret}.ics").status_code == 200

    _, new_secret = ical.rotate_feed(actor=actor(Role.THERAPIST), staff_id=therapist.pk, now=NOW)
    assert client.get(f"/feeds/calendar/{old_secret}.ics").status_code == 404
    assert client.get(f"/feeds/calendar/{new_secret}.ics").status_code == 200
    assert CalendarFeed.objects.filter(staff=therapist, revoked_at__isnull=True).count() == 1

    assert ical.revoke_feed(actor=actor(Role.THERAPIST), staff_id=therapist.pk, now=NOW) == 1
    assert client.get(f"/feeds/calendar/{new_secret}.ics").status_code == 404


def test_a_colleague_cannot_rotate_someone_elses_feed_but_front_desk_can(
    staff: dict[Role, StaffMember], signed_in: Callable[[Role], HttpClient]
) -> None:
    path = f"/api/v1/staff/{staff[Role.THERAPIST].pk}/calendar-feed"
    assert signed_in(Role.MONITOR).post(path).status_code == 404
    assert not CalendarFeed.objects.exists()

    response = signed_in(Role.FRONT_DESK).post(path)
    assert response.status_code == 201
    url = response.json()["url"]
    assert url.startswith("http://testserver/feeds/calendar/")
    assert signed_in(Role.FRONT_DESK).get(path).json()["active"] is True
    assert signed_in(Role.FRONT_DESK).delete(path).json()["active"] is False
    assert signed_in(Role.THERAPIST).get(path).json()["active"] is False


def test_the_settings_page_shows_the_address_once_and_revokes(
    staff: dict[Role, StaffMember], signed_in: Callable[[Role], HttpClient]
) -> None:
    http = signed_in(Role.THERAPIST)
    assert (
        "You have no active calendar feed." in http.get("/schedule/calendar-feed/").content.decode()
    )
    shown = http.post("/schedule/calendar-feed/", {"action": "rotate"}).content.decode()
    assert "http://testserver/feeds/calendar/" in shown
    again = http.get("/schedule/calendar-feed/").content.decode()
    assert "A feed is active" in again
    assert "/feeds/calendar/" not in again  # the secret is shown only once
    http.post("/schedule/calendar-feed/", {"action": "revoke"})
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()


def test_an_inactive_staff_members_feed_stops(
    staff: dict[Role, StaffMember], actor: Callable[[Role], Actor], client: HttpClient
) -> None:
    therapist = staff[Role.THERAPIST]
    _, secret = ical.rotate_feed(actor=actor(Role.THERAPIST), staff_id=therapist.pk, now=NOW)
    StaffMember.objects.filter(pk=therapist.pk).update(is_active=False)
    assert client.get(f"/feeds/calendar/{secret}.ics").status_code == 404


def test_the_feed_costs_the_same_queries_however_many_appointments(
    staff: dict[Role, StaffMember],
    booked: list[Appointment],
    actor: Callable[[Role], Actor],
    client: HttpClient,
    django_assert_max_num_queries: Any,
) -> None:
    _, secret = ical.rotate_feed(
        actor=actor(Role.THERAPIST), staff_id=staff[Role.THERAPIST].pk, now=NOW
    )
    # Lookup, appointments, initials, feed's last fetch, and the audit chain (one append
    # for every client shown), whatever the number of appointments.
    with django_assert_max_num_queries(12):
        assert client.get(f"/feeds/calendar/{secret}.ics").status_code == 200
