"""The therapist's note of a medicine session: saved with the record by the therapist
(service, API, console), read by the rest of the team, locked with the record, audited."""

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.core import clock
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.violations import Refused
from kapcare.medicine import services
from kapcare.medicine.models import MedicineSession
from kapcare.medicine.tests.fixtures import ready_medicine_appointment
from kapcare.people.access import Actor
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment

MakeActor = Callable[[Role], Actor]
SignIn = Callable[[Role], HttpClient]
NOTE = "Met the frightened part with curiosity; grief for the father came up, held well."


@pytest.fixture
def now() -> dt.datetime:
    return clock.now().replace(microsecond=0)


@pytest.fixture
def appointment(
    team_client: Client, staff: dict[Role, StaffMember], now: dt.datetime
) -> Appointment:
    return ready_medicine_appointment(team_client, staff, start=now - dt.timedelta(minutes=30))


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_the_therapist_saves_the_note_with_the_record_and_it_is_audited(
    actor: MakeActor, appointment: Appointment, staff: dict[Role, StaffMember], now: dt.datetime
) -> None:
    before = _last_seq()

    view = services.save_therapist_note(
        actor=actor(Role.THERAPIST), appointment_id=appointment.pk, text=f"  {NOTE}  ", now=now
    )

    assert view.session is not None
    record = MedicineSession.objects.get(appointment=appointment)
    assert (record.therapist_note, record.therapist_note_by, record.therapist_note_at) == (
        NOTE,
        staff[Role.THERAPIST],
        now,
    )
    details = list(
        AuditEvent.objects.filter(seq__gt=before, outcome="success").values_list(
            "detail", flat=True
        )
    )
    assert f"medicine:{appointment.pk}:note" in details
    assert NOTE not in " ".join(details)  # the audit trail names the change, not the words


def test_only_a_therapist_writes_it_and_a_refusal_creates_no_record(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    for role in (Role.MONITOR, Role.MEDICAL_PROVIDER):
        with pytest.raises(PermissionDenied):
            services.save_therapist_note(
                actor=actor(role), appointment_id=appointment.pk, text=NOTE, now=now
            )
    assert not MedicineSession.objects.filter(appointment=appointment).exists()


def test_a_note_over_the_limit_is_refused_on_its_field(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    with pytest.raises(FieldError) as refused:
        services.save_therapist_note(
            actor=actor(Role.THERAPIST), appointment_id=appointment.pk, text="x" * 5001, now=now
        )
    assert refused.value.field == "text"


def test_a_signed_record_locks_the_note(
    actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> None:
    services.save_therapist_note(
        actor=actor(Role.THERAPIST), appointment_id=appointment.pk, text=NOTE, now=now
    )
    MedicineSession.objects.filter(appointment=appointment).update(locked_at=now)

    with pytest.raises(Refused) as refused:
        services.save_therapist_note(
            actor=actor(Role.THERAPIST), appointment_id=appointment.pk, text="changed", now=now
        )

    assert [v.rule for v in refused.value.violations] == ["record.locked"]
    assert MedicineSession.objects.get(appointment=appointment).therapist_note == NOTE


def _put(http: HttpClient, appointment: Appointment, text: str) -> object:
    return http.put(
        f"/api/v1/appointments/{appointment.pk}/medicine-record/note",
        json.dumps({"text": text}),
        content_type="application/json",
    )


def test_the_api_saves_and_answers_the_note(
    signed_in: SignIn, appointment: Appointment, staff: dict[Role, StaffMember]
) -> None:
    saved = _put(signed_in(Role.THERAPIST), appointment, NOTE)
    assert saved.status_code == 200, saved.content  # type: ignore[attr-defined]
    note = saved.json()["therapist_note"]  # type: ignore[attr-defined]
    assert (note["text"], note["by"]) == (NOTE, staff[Role.THERAPIST].pk)

    # the monitor reads it with the record, and may not write it
    read = signed_in(Role.MONITOR).get(f"/api/v1/appointments/{appointment.pk}/medicine-record")
    assert read.json()["therapist_note"]["text"] == NOTE
    assert _put(signed_in(Role.MONITOR), appointment, "x").status_code == 403  # type: ignore[attr-defined]
    # front desk does not reach the record at all
    assert _put(signed_in(Role.FRONT_DESK), appointment, "x").status_code == 404  # type: ignore[attr-defined]
    too_long = _put(signed_in(Role.THERAPIST), appointment, "x" * 5001)
    assert too_long.status_code == 422  # type: ignore[attr-defined]
    assert MedicineSession.objects.get(appointment=appointment).therapist_note == NOTE


def test_the_console_has_the_note_card_for_the_therapist_and_shows_it_to_the_monitor(
    signed_in: SignIn, appointment: Appointment
) -> None:
    console = f"/appointments/{appointment.pk}/medicine/"
    therapist = signed_in(Role.THERAPIST)
    page = therapist.get(console).content.decode()
    assert 'name="note-text"' in page
    assert "Save note" in page

    saved = therapist.post(console, {"form": "note", "note-text": NOTE})

    assert saved.status_code == 302
    assert saved["Location"].endswith("#note")
    page = therapist.get(console).content.decode()
    assert "Note saved." in page
    assert "Last saved" in page
    monitor_page = signed_in(Role.MONITOR).get(console).content.decode()
    assert NOTE in monitor_page
    assert 'name="note-text"' not in monitor_page
