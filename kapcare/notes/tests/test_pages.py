"""The therapy pages: the note editor (draft, autosave, sign, addendum), the parts map
and timeline, EMDR targets with their chart, psychotherapy notes, the chart's panels and
the home page's notes to sign."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.core import clock
from kapcare.notes.crypto import KEY_ENV
from kapcare.notes.models import EmdrSession, NoteAddendum, Part, PsychotherapyNote, SessionNote
from kapcare.notes.tests.fixtures import START, held_appointment
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_care_team_member, make_staff
from tests.whole_chart import whole_chart

SignIn = Callable[[Role], HttpClient]


@pytest.fixture(autouse=True)
def _notes_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "a" * 64)


def _part(client: Client, staff: StaffMember, name: str, role: str = "manager") -> Part:
    return Part.objects.create(client=client, name=name, role=role, created_by=staff,
                               created_at=START, updated_at=START)  # fmt: skip


def _form(note: SessionNote, **changes: object) -> dict[str, object]:
    # As the page sends it: the proposed codes ticked (a 50-minute session: 90834).
    data: dict[str, object] = {"narrative": "", "risk_notes": "", "cpt_reason": "",
                               "held_minutes": note.held_minutes or "",
                               "cpt_codes": ["90834"]}  # fmt: skip
    data.update(changes)
    return data


def test_a_therapist_writes_saves_and_signs_a_note_on_the_page(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    guard = _part(team_client, staff[Role.THERAPIST], "The Guard")
    appointment = held_appointment(team_client, staff[Role.THERAPIST])

    # Given the chart offers to write the session's note
    chart = whole_chart(therapist, team_client.pk)
    assert f"/appointments/{appointment.pk}/note/".encode() in chart.content
    started = therapist.post(f"/appointments/{appointment.pk}/note/")
    note = SessionNote.objects.get()
    assert started["Location"] == f"/notes/{note.pk}/"
    page = therapist.get(f"/notes/{note.pk}/")
    assert b"Intentions" in page.content
    assert b"Support person" in page.content

    # When the script saves as the therapist types
    autosaved = therapist.post(
        f"/notes/{note.pk}/",
        _form(
            note,
            f_intentions="To stay with the fear",
            **{f"part_{guard.pk}": "on", f"shifted_{guard.pk}": "Agreed to watch"},
        ),
        HTTP_X_KAPCARE_AUTOSAVE="1",
    )
    assert autosaved.status_code == 200
    assert autosaved.json()["saved"] is True
    note.refresh_from_db()
    assert note.fields["intentions"] == "To stay with the fear"
    assert list(note.appearances.values_list("part__name", "what_shifted")) == [
        ("The Guard", "Agreed to watch")
    ]

    # and signs without the risk section: refused next to the field, nothing signed
    refused = therapist.post(f"/notes/{note.pk}/", _form(note, action="sign"))
    assert refused.status_code == 422
    assert b"Record the risk assessment before signing." in refused.content
    assert SessionNote.objects.get().signed_at is None

    # Then with the risk section it signs and the page is read-only
    signed = therapist.post(f"/notes/{note.pk}/", _form(note, action="sign", risk_level="low"))
    assert signed.status_code == 302
    page = therapist.get(f"/notes/{note.pk}/")
    assert b"Sign and lock" not in page.content
    assert b"Add the addendum" in page.content
    addendum = therapist.post(f"/notes/{note.pk}/addenda/", {"text": "Called the next day."})
    assert addendum.status_code == 302
    assert NoteAddendum.objects.get().text == "Called the next day."


def test_a_bad_autosave_answers_json_naming_the_field(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    therapist.post(f"/appointments/{held_appointment(team_client, staff[Role.THERAPIST]).pk}/note/")
    note = SessionNote.objects.get()
    response = therapist.post(f"/notes/{note.pk}/", _form(note, held_minutes="-5"),
                              HTTP_X_KAPCARE_AUTOSAVE="1")  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Minutes held"


def test_the_parts_map_shows_each_parts_timeline(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    created = therapist.post(f"/clients/{team_client.pk}/parts/",
                             {"name": "The Guard", "role": "manager",
                              "permission": "not_asked"})  # fmt: skip
    assert created.status_code == 302
    guard = Part.objects.get()
    for kind, shift in (("preparation", "Expected"), ("medicine", "Blocked"),
                        ("integration", "Quiet"), ("integration", "Softened")):  # fmt: skip
        appointment = held_appointment(team_client, staff[Role.THERAPIST], kind=kind)
        note = SessionNote.objects.create(
            client=team_client, appointment=appointment, kind=kind,
            author=staff[Role.THERAPIST], created_at=START, updated_at=START,
        )  # fmt: skip
        note.appearances.create(part=guard, what_shifted=shift)

    page = therapist.get(f"/clients/{team_client.pk}/parts/")
    text = page.content.decode()
    assert (
        text.index("Preparation 1") < text.index("Medicine session 1") < text.index("Integration 2")
    )
    assert "Integration 2</a> · " in text
    assert "Softened" in text


def test_a_part_without_a_name_is_refused_next_to_the_field(
    signed_in: SignIn, team_client: Client
) -> None:
    response = signed_in(Role.THERAPIST).post(
        f"/clients/{team_client.pk}/parts/", {"name": "", "role": "exile", "permission": "granted"}
    )
    assert response.status_code == 422
    assert b"Give the part the name the client uses for it." in response.content
    assert not Part.objects.exists()


def test_an_emdr_session_from_sud_7_to_2_is_on_the_chart(
    signed_in: SignIn, team_client: Client
) -> None:
    therapist = signed_in(Role.THERAPIST)
    created = therapist.post(f"/clients/{team_client.pk}/emdr/", {
        "image": "The door", "negative_cognition": "I am alone",
        "positive_cognition": "I can reach out", "voc": 2, "emotion": "Dread", "sud": 8,
        "prong": "past",
    })  # fmt: skip
    assert created.status_code == 302
    # The page's time is wall-clock time where the practice is.
    held = timezone.localtime(clock.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    target_url = created["Location"]
    recorded = therapist.post(target_url, {
        "held_at": held, "phase_reached": "installation", "sud_start": 7, "sud_end": 2,
        "voc_start": 3, "voc_end": 6, "bls_type": "eye_movements", "bls_sets": 18,
        "closure": "complete",
    })  # fmt: skip
    assert recorded.status_code == 302
    page = therapist.get(target_url).content.decode()
    assert "7 → 2" in page
    assert "SUD 7 to 2" in page  # the chart's description
    assert page.count('class="dot line-0"') == 3  # assessment, start and end
    out_of_range = therapist.post(target_url, {"held_at": held, "sud_start": 11})
    assert out_of_range.status_code == 422
    assert EmdrSession.objects.count() == 1


@pytest.mark.parametrize("role", [Role.MEDICAL_PROVIDER, Role.MONITOR, Role.PRIVACY_OFFICER])
def test_psychotherapy_notes_page_is_the_authors_only(
    signed_in: SignIn, team_client: Client, role: Role
) -> None:
    therapist = signed_in(Role.THERAPIST)
    url = f"/clients/{team_client.pk}/psychotherapy-notes/"
    assert therapist.post(url, {"text": "A process note"}).status_code == 302
    assert b"A process note" in therapist.get(url).content
    other = signed_in(role)
    assert other.get(url).status_code == 404
    assert b"A process note" not in whole_chart(other, team_client.pk).content
    assert PsychotherapyNote.objects.count() == 1


def test_home_lists_my_notes_unsigned_after_a_day(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    now = clock.now()
    old, fresh = (
        SessionNote.objects.create(
            client=team_client, appointment=held_appointment(team_client, staff[Role.THERAPIST]),
            kind="preparation", author=staff[Role.THERAPIST], created_at=at, updated_at=at,
        )
        for at in (now - dt.timedelta(hours=25), now - dt.timedelta(hours=2))
    )  # fmt: skip
    home = therapist.get("/").content.decode()
    assert f"/notes/{old.pk}/" in home
    assert f"/notes/{fresh.pk}/" not in home


def test_home_lists_a_note_to_co_sign_only_while_its_client_is_reachable(
    client: HttpClient, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    # Given a note signed by the therapist, awaiting a supervisor on the care team
    supervisor = make_staff(practice=team_client.practice, roles=[Role.THERAPIST])
    member = make_care_team_member(client=team_client, staff=supervisor, role=Role.THERAPIST)
    now = clock.now()
    note = SessionNote.objects.create(
        client=team_client, appointment=held_appointment(team_client, staff[Role.THERAPIST]),
        kind="therapy", author=staff[Role.THERAPIST], created_at=now, updated_at=now,
        signed_at=now, cosigner=supervisor,
    )  # fmt: skip
    client.force_login(supervisor.user)
    home = client.get("/").content.decode()
    assert f"/notes/{note.pk}/" in home
    assert "awaiting your co-signature" in home

    # When the supervisor leaves the client's care team
    member.delete()
    before = AuditEvent.objects.filter(client_id=team_client.pk).count()
    home = client.get("/").content.decode()

    # Then the home page names neither the note nor the client (it could not be opened),
    # and records no read of their record
    assert f"/notes/{note.pk}/" not in home
    assert team_client.display_name not in home
    assert AuditEvent.objects.filter(client_id=team_client.pk).count() == before
    assert client.get(f"/notes/{note.pk}/").status_code == 404


def test_the_author_is_told_when_the_co_signer_cannot_reach_the_note(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    # Given a note signed by the therapist, awaiting a supervisor not on the care team
    supervisor = make_staff(
        practice=team_client.practice, roles=[Role.THERAPIST], user__full_name="Dana Super"
    )
    now = clock.now()
    note = SessionNote.objects.create(
        client=team_client, appointment=held_appointment(team_client, staff[Role.THERAPIST]),
        kind="therapy", author=staff[Role.THERAPIST], created_at=now, updated_at=now,
        signed_at=now, cosigner=supervisor, risk_level="none",
    )  # fmt: skip
    http = signed_in(Role.THERAPIST)
    off_team = "Dana Super is not on this client's care team, so cannot open this note"
    # Then the note says so, and where to add them
    page = http.get(f"/notes/{note.pk}/").content.decode()
    assert off_team in page
    assert f'href="/clients/{team_client.pk}/care-team/"' in page
    # and once they are on the team, it only waits for them
    make_care_team_member(client=team_client, staff=supervisor, role=Role.THERAPIST)
    page = http.get(f"/notes/{note.pk}/").content.decode()
    assert off_team not in page
    assert "Awaiting Dana Super" in page


def test_the_chart_and_parts_map_take_a_fixed_number_of_queries(
    signed_in: SignIn,
    team_client: Client,
    staff: dict[Role, StaffMember],
    django_assert_max_num_queries: Any,
) -> None:
    therapist = signed_in(Role.THERAPIST)
    for index in range(6):
        part = _part(team_client, staff[Role.THERAPIST], f"Part {index}")
        appointment = held_appointment(team_client, staff[Role.THERAPIST])
        note = SessionNote.objects.create(
            client=team_client, appointment=appointment, kind="therapy",
            author=staff[Role.THERAPIST], created_at=START, updated_at=START,
        )  # fmt: skip
        note.appearances.create(part=part, what_shifted="x")
    with django_assert_max_num_queries(30):
        assert therapist.get(f"/clients/{team_client.pk}/parts/").status_code == 200
