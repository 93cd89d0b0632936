"""The client's sessions in the portal: the list, add to calendar, cancel within the
practice's notice, say where they are for a video session, book through the booking
rules, ask for a medicine session."""

import datetime as dt
import json

import pytest
from django.test import Client as HttpClient
from icalendar import Calendar

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.core import clock
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.models import CareTeamNotice
from kapcare.portal.tests.fixtures import book_video_therapy, session_start
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentStatus

Staff = dict[Role, StaffMember]


def _hold_clock(monkeypatch: pytest.MonkeyPatch, at: dt.datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: at)


def test_the_sessions_page_lists_what_is_coming_and_what_was(
    portal: HttpClient, team_client: Client, staff: Staff
) -> None:
    coming = book_video_therapy(team_client, staff, days=3)

    page = portal.get("/portal/sessions/").content.decode()

    assert "Therapy" in page
    assert f"/portal/sessions/{coming.pk}.ics" in page
    assert f"/portal/sessions/{coming.pk}/cancel/" in page
    assert "No sessions yet." in page


def test_a_session_downloads_as_an_ics_file_with_its_time_and_nothing_else(
    portal: HttpClient, team_client: Client, staff: Staff
) -> None:
    session = book_video_therapy(team_client, staff, days=3)

    response = portal.get(f"/portal/sessions/{session.pk}.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == (f'attachment; filename="session-{session.pk}.ics"')
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "Therapy session"
    assert event.decoded("DTSTART") == session.start
    assert str(event["LOCATION"]) == "By video"
    assert team_client.legal_family_name.encode() not in response.content
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, client_id=team_client.pk).exists()


def test_another_clients_session_is_not_found(
    portal: HttpClient, other_client: Client, staff: Staff
) -> None:
    theirs = book_video_therapy(other_client, staff, days=3)

    for path in (
        f"/portal/sessions/{theirs.pk}.ics",
        f"/portal/sessions/{theirs.pk}/cancel/",
        f"/portal/sessions/{theirs.pk}/location/",
    ):
        assert portal.get(path).status_code == 404, path
    assert portal.post(f"/portal/sessions/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AppointmentStatus.BOOKED.value


def test_the_client_cancels_ahead_of_the_notice_and_the_care_team_is_told(
    portal: HttpClient, team_client: Client, staff: Staff
) -> None:
    session = book_video_therapy(team_client, staff, days=3)

    response = portal.post(
        f"/portal/sessions/{session.pk}/cancel/", {"reason": "A work trip."}, follow=True
    )

    assert "Your therapy session is cancelled. Your care team has been told." in (
        response.content.decode()
    )
    session.refresh_from_db()
    assert session.status == AppointmentStatus.CANCELLED.value
    assert (session.status_changed_by_id, session.status_changed_by_client) == (None, True)
    assert session.status_reason == "A work trip."
    assert session.staff_links.get().status == AppointmentStatus.CANCELLED.value
    notice = CareTeamNotice.objects.get(client=team_client)
    assert notice.kind == "session_cancelled"
    assert notice.detail.startswith("Therapy session, ")
    assert notice.detail.endswith("A work trip.")


def test_within_the_notice_the_client_is_asked_to_call(
    portal: HttpClient, team_client: Client, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = book_video_therapy(team_client, staff, days=2)
    _hold_clock(monkeypatch, session.start - dt.timedelta(hours=3))

    listing = portal.get("/portal/sessions/").content.decode()
    response = portal.post(f"/portal/sessions/{session.pk}/cancel/")

    assert f"/portal/sessions/{session.pk}/cancel/" not in listing
    assert "so it can no longer be cancelled here" in listing
    assert response.status_code == 422
    assert "Please call the practice to let your care team know." in response.content.decode()
    session.refresh_from_db()
    assert session.status == AppointmentStatus.BOOKED.value
    assert not CareTeamNotice.objects.exists()


def test_a_practice_sets_its_own_notice(
    portal: HttpClient, team_client: Client, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kapcare.scheduling.models import PracticeSchedulingSettings

    session = book_video_therapy(team_client, staff, days=2)
    PracticeSchedulingSettings.objects.create(
        practice=team_client.practice,
        overrides={"client_cancel_notice_hours": {"value": 2, "source": "Our policy."}},
    )
    _hold_clock(monkeypatch, session.start - dt.timedelta(hours=3))

    response = portal.post(f"/portal/sessions/{session.pk}/cancel/")

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == AppointmentStatus.CANCELLED.value


# --- where the client is, for a video session ---------------------------------------


def test_the_client_confirms_a_licensed_state_and_it_is_kept_on_the_session(
    portal: HttpClient, team_client: Client, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = book_video_therapy(team_client, staff, days=1)
    _hold_clock(monkeypatch, session.start - dt.timedelta(minutes=10))
    assert (
        f"/portal/sessions/{session.pk}/location/"
        in portal.get("/portal/sessions/").content.decode()
    )

    response = portal.post(
        f"/portal/sessions/{session.pk}/location/", {"state": "NJ", "city": "Cherry Hill"}
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.client_location_state, session.client_location_city) == ("NJ", "Cherry Hill")
    assert session.client_location_confirmed_at == session.start - dt.timedelta(minutes=10)
    assert not CareTeamNotice.objects.exists()


def test_an_unlicensed_state_is_refused_in_plain_words_and_the_care_team_told(
    portal: HttpClient, team_client: Client, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = book_video_therapy(team_client, staff, days=1)
    _hold_clock(monkeypatch, session.start + dt.timedelta(minutes=1))

    response = portal.post(f"/portal/sessions/{session.pk}/location/", {"state": "NY"})

    assert response.status_code == 422
    page = response.content.decode()
    assert "only while you are in New Jersey or Pennsylvania" in page
    assert "you are in New York" in page
    assert "telehealth." not in page  # no rule code
    session.refresh_from_db()
    assert session.client_location_state == "NY"
    assert CareTeamNotice.objects.get(client=team_client).kind == "location_unlicensed"


def test_the_location_question_opens_half_an_hour_before(
    portal: HttpClient, team_client: Client, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = book_video_therapy(team_client, staff, days=1)
    _hold_clock(monkeypatch, session.start - dt.timedelta(minutes=31))

    response = portal.post(f"/portal/sessions/{session.pk}/location/", {"state": "PA"})

    assert response.status_code == 422
    assert "from half an hour before the session until it ends" in response.content.decode()
    session.refresh_from_db()
    assert session.client_location_confirmed_at is None


def test_a_missing_state_is_named_by_its_field(
    portal: HttpClient, team_client: Client, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = book_video_therapy(team_client, staff, days=1)
    _hold_clock(monkeypatch, session.start)

    response = portal.post(f"/portal/sessions/{session.pk}/location/", {"state": ""})

    assert response.status_code == 422
    assert 'id="id_state_error"' in response.content.decode()


# --- booking ------------------------------------------------------------------------


def _search(team_client: Client, staff: Staff) -> dict[str, str]:
    return {
        "kind": "integration",
        "staff": str(staff[Role.THERAPIST].pk),
        "where": "video",
        "state": "PA",
    }


def test_the_client_finds_times_and_books_one_through_the_booking_rules(
    portal: HttpClient, team_client: Client, staff: Staff
) -> None:
    book_video_therapy(team_client, staff, days=40)  # records the telehealth consent
    query = _search(team_client, staff)

    page = portal.get("/portal/sessions/book/", query)
    assert page.status_code == 200
    slots = page.context["search"].slots
    assert slots
    first = slots[0]
    assert first.start >= clock.now() + dt.timedelta(hours=24)

    response = portal.post("/portal/sessions/book/", {**query, "start": first.start.isoformat()})

    assert response.status_code == 302
    booked = Appointment.objects.get(client=team_client, kind="integration")
    assert (booked.start, booked.end - booked.start) == (first.start, dt.timedelta(minutes=60))
    assert (booked.created_by_id, booked.booked_by_client) == (None, True)
    assert booked.client_location_state == "PA"
    assert list(booked.staff.all()) == [staff[Role.THERAPIST]]


def test_the_rules_refuse_a_client_as_they_refuse_staff(
    portal: HttpClient, team_client: Client, staff: Staff
) -> None:
    # Given the therapist is already booked with the client at that time
    taken = book_video_therapy(team_client, staff, days=5)
    query = _search(team_client, staff)

    response = portal.post("/portal/sessions/book/", {**query, "start": taken.start.isoformat()})

    assert response.status_code == 422
    page = response.content.decode()
    assert "That time could not be booked" in page
    assert "conflict." not in page  # no rule code
    assert Appointment.objects.count() == 1


def test_a_medicine_session_is_never_booked_online(
    portal: HttpClient, team_client: Client, staff: Staff
) -> None:
    query = {**_search(team_client, staff), "kind": "medicine"}

    response = portal.post(
        "/portal/sessions/book/", {**query, "start": session_start(days=5).isoformat()}
    )

    assert response.status_code == 422
    assert 'id="id_kind_error"' in response.content.decode()
    assert not Appointment.objects.exists()


def test_only_the_care_teams_therapists_can_be_chosen(
    portal: HttpClient, team_client: Client, staff: Staff
) -> None:
    query = {**_search(team_client, staff), "staff": str(staff[Role.FRONT_DESK].pk)}

    response = portal.get("/portal/sessions/book/", query)

    assert response.status_code == 422
    assert 'id="id_staff_error"' in response.content.decode()


def test_asking_for_a_medicine_session_tells_the_care_team(
    portal: HttpClient, team_client: Client
) -> None:
    response = portal.post("/portal/sessions/medicine-request/", {"note": "Tuesdays suit me."})

    assert response.status_code == 302
    notice = CareTeamNotice.objects.get(client=team_client)
    assert (notice.kind, notice.detail) == ("medicine_session_requested", "Tuesdays suit me.")
    assert not Appointment.objects.exists()


# --- the API ------------------------------------------------------------------------


def test_the_api_lists_cancels_and_confirms(
    portal: HttpClient, team_client: Client, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = book_video_therapy(team_client, staff, days=5)
    soon = book_video_therapy(team_client, staff, days=1)
    # Two days ahead of the sooner session, whatever the hour the suite runs at: the
    # practice's 24 hours of notice leave both cancellable.
    _hold_clock(monkeypatch, soon.start - dt.timedelta(days=2))

    listed = portal.get("/api/v1/portal/sessions").json()
    assert [s["id"] for s in listed["items"]] == [soon.pk, later.pk]
    assert listed["items"][0]["can_cancel"] is True

    cancelled = portal.post(
        f"/api/v1/portal/sessions/{later.pk}/cancel",
        json.dumps({"reason": ""}),
        content_type="application/json",
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"

    _hold_clock(monkeypatch, soon.start)
    refused = portal.post(
        f"/api/v1/portal/sessions/{soon.pk}/location",
        json.dumps({"state": "NY", "city": ""}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "state"
