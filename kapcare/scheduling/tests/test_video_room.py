"""A clinician's video room link: set by the person (or front desk) on the hours page and
through the API, only https, audited; clients see it for their video sessions in the
portal (page and API) and in the reminder."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.tests.fixtures import book_video_therapy, portal_user_of
from kapcare.scheduling.reminders import compose
from kapcare.scheduling.vocabulary import AppointmentKind

pytestmark = pytest.mark.django_db
Staff = dict[Role, StaffMember]
SignIn = Callable[[Role], HttpClient]
ROOM = "https://video.example.com/room/dr-bloom"


def _put(http: HttpClient, staff_id: int, url: str) -> Any:
    return http.put(
        f"/api/v1/staff/{staff_id}/video-room",
        json.dumps({"url": url}),
        content_type="application/json",
    )


def test_the_therapist_sets_their_own_room_on_the_hours_page(
    signed_in: SignIn, staff: Staff
) -> None:
    therapist = staff[Role.THERAPIST]
    http = signed_in(Role.THERAPIST)
    page = f"/schedule/staff/{therapist.pk}/hours/"
    assert "Video room link" in http.get(page).content.decode()
    saved = http.post(page, {"action": "set_video_room", "url": ROOM})
    assert saved.status_code == 302
    therapist.refresh_from_db()
    assert therapist.video_room_url == ROOM
    assert AuditEvent.objects.filter(detail=f"video_room:{therapist.pk}:set").exists()


@pytest.mark.parametrize(
    "bad", ["http://video.example.com/room", "javascript:alert(1)", "video.example.com"]
)
def test_only_an_https_link_is_taken(signed_in: SignIn, staff: Staff, bad: str) -> None:
    therapist = staff[Role.THERAPIST]
    http = signed_in(Role.THERAPIST)
    page = http.post(
        f"/schedule/staff/{therapist.pk}/hours/", {"action": "set_video_room", "url": bad}
    )
    assert page.status_code == 422
    assert "starting with https://" in page.content.decode()
    refused = _put(http, therapist.pk, bad)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "url"
    therapist.refresh_from_db()
    assert therapist.video_room_url == ""


def test_front_desk_sets_anyones_a_colleague_no_ones_but_their_own(
    signed_in: SignIn, staff: Staff
) -> None:
    therapist = staff[Role.THERAPIST]
    front_desk = signed_in(Role.FRONT_DESK)
    assert _put(front_desk, therapist.pk, ROOM).json() == {"staff": therapist.pk, "url": ROOM}
    monitor = signed_in(Role.MONITOR)
    assert _put(monitor, therapist.pk, "https://elsewhere.example.com/x").status_code == 404
    assert monitor.get(f"/api/v1/staff/{therapist.pk}/video-room").json()["url"] == ROOM
    front_desk = signed_in(Role.FRONT_DESK)
    assert _put(front_desk, therapist.pk, "").json()["url"] == ""  # cleared


def test_the_client_sees_the_clinicians_room_for_a_video_session(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    StaffMember.objects.filter(pk=staff[Role.THERAPIST].pk).update(video_room_url=ROOM)
    session = book_video_therapy(team_client, staff, days=3)
    client.force_login(portal_user_of(team_client))
    for page in ("/portal/sessions/", "/portal/"):
        body = client.get(page).content.decode()
        assert f'href="{ROOM}"' in body, page
        assert "Open the video room" in body
    [row] = client.get("/api/v1/portal/sessions").json()["items"]
    assert (row["id"], row["video_link"]) == (session.pk, ROOM)


def test_no_room_link_without_one_set(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    book_video_therapy(team_client, staff, days=3)
    client.force_login(portal_user_of(team_client))
    assert "Open the video room" not in client.get("/portal/sessions/").content.decode()
    assert client.get("/api/v1/portal/sessions").json()["items"][0]["video_link"] == ""


def test_the_reminder_of_a_video_session_gives_the_room() -> None:
    email = compose(
        kind=AppointmentKind.INTEGRATION,
        start=dt.datetime(2030, 1, 7, 15, tzinfo=dt.UTC),
        time_zone="America/New_York",
        place="by video (telehealth)",
        to_client=True,
        practice="Main Line Relational Healing",
        video_link=ROOM,
    )
    assert f"Join your video room here: {ROOM}" in email.body
    assert "asks where you are" in email.body
