"""The scheduling API end to end: pathway records, checks, bookings, status, the list.

Sessions are in January 2030 (no daylight saving change nearby), Eastern time (-05:00).
The baseline client is ready for a medicine session on Monday 14 January 2030: an
active ongoing plan, KAP consent, clearance, dose order and two preparation sessions.
"""

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from kapcare.audit.models import AuditEvent
from kapcare.pathway.models import (
    Clearance,
    Consent,
    DoseOrder,
    TreatmentPlan,
    TreatmentPlanVersion,
)
from kapcare.people.models import Client, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment, AppointmentStaff
from tests.factories import make_client, make_location, make_room
from tests.world import World

pytestmark = pytest.mark.django_db

SignIn = Callable[[Role], HttpClient]
EST = dt.timezone(dt.timedelta(hours=-5))
RECORDED = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)


def at(day: int, hour: int, minute: int = 0) -> str:
    """An ISO-8601 instant in January 2030, Eastern standard time."""
    return f"2030-01-{day:02d}T{hour:02d}:{minute:02d}:00-05:00"


def when(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2030, 1, day, hour, minute, tzinfo=EST)


def store(
    world: World,
    *,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    room: Room | None = None,
    staff: tuple[int, ...] = (),
    status: str = "booked",
    client: Client | None = None,
) -> Appointment:
    """An appointment already in the calendar (set up directly, as a fixture)."""
    room = room or world.therapy_room
    appointment = Appointment.objects.create(
        client=client or world.client,
        kind=kind,
        modality="in_person",
        start=start,
        end=end,
        location=room.location,
        room=room,
        status=status,
        status_changed_by=None if status == "booked" else world.staff[Role.FRONT_DESK],
        created_by=world.staff[Role.FRONT_DESK],
        created_at=RECORDED,
    )
    for staff_id in staff or (world.staff_id(Role.THERAPIST),):
        AppointmentStaff.objects.create(
            appointment=appointment, staff_id=staff_id, start=start, end=end, status=status
        )
    return appointment


@pytest.fixture
def world(world: World) -> World:
    """The one world, its client ready for a medicine session on Monday 14 January 2030:
    recorded in January 2026, cleared until June 2030, two preparation sessions done."""
    world.ready_for_medicine(at=RECORDED, valid_until=dt.date(2030, 6, 30))
    for day in (2, 3):
        store(world, kind="preparation", start=when(day, 10), end=when(day, 11))
    return world


def medicine_body(world: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client": world.client.pk,
        "kind": "medicine",
        "modality": "in_person",
        "start": at(14, 10),
        "end": at(14, 13),
        "location": world.office.pk,
        "room": world.medicine_room.pk,
        "staff": [world.staff_id(Role.THERAPIST), world.staff_id(Role.MONITOR)],
        "client_location_state": None,
        "follow_up": {
            "kind": "integration",
            "modality": "in_person",
            "start": at(16, 10),
            "end": at(16, 11),
            "location": world.office.pk,
            "room": world.therapy_room.pk,
            "staff": [world.staff_id(Role.THERAPIST)],
        },
    }
    body.update(changes)
    return body


def therapy_body(world: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client": world.client.pk,
        "kind": "therapy",
        "modality": "in_person",
        "start": at(21, 10),
        "end": at(21, 11),
        "location": world.office.pk,
        "room": world.therapy_room.pk,
        "staff": [world.staff_id(Role.THERAPIST)],
    }
    body.update(changes)
    return body


def post(client: HttpClient, path: str, body: object) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def put(client: HttpClient, path: str, body: object) -> Any:
    return client.put(path, json.dumps(body), content_type="application/json")


def rules_of(response: Any) -> list[str]:
    return [v["rule"] for v in response.json()["violations"]]


# ---------------------------------------------------------------- booking, the happy path


def test_front_desk_books_a_medicine_session_with_its_integration(
    signed_in: SignIn, world: World
) -> None:
    response = post(signed_in(Role.FRONT_DESK), "/api/v1/appointments", medicine_body(world))

    assert response.status_code == 201, response.json()
    body = response.json()
    main, follow_up = body["appointment"], body["follow_up"]
    assert main["kind"] == "medicine"
    assert main["status"] == "booked"
    assert main["staff"] == sorted([world.staff_id(Role.THERAPIST), world.staff_id(Role.MONITOR)])
    assert dt.datetime.fromisoformat(main["start"]) == when(14, 10)
    assert follow_up["kind"] == "integration"
    assert follow_up["follow_up_of"] == main["id"]
    event = AuditEvent.objects.filter(detail__startswith="appointment:").get()
    assert (event.action, event.category, event.client_id) == (
        "create",
        "schedule",
        world.client.pk,
    )
    assert event.detail == f"appointment:{main['id']}:medicine+{follow_up['id']}:integration"


def test_check_answers_ok_and_saves_nothing(signed_in: SignIn, world: World) -> None:
    before = Appointment.objects.count()

    response = post(signed_in(Role.THERAPIST), "/api/v1/appointments/check", medicine_body(world))

    assert response.status_code == 200
    assert response.json() == {"ok": True, "violations": []}
    assert Appointment.objects.count() == before


def test_check_lists_every_violation_in_plain_words(signed_in: SignIn, world: World) -> None:
    body = medicine_body(
        world,
        modality="telehealth",
        location=None,
        room=None,
        staff=[world.staff_id(Role.THERAPIST)],
        client_location_state="PA",
        follow_up=None,
    )

    response = post(signed_in(Role.FRONT_DESK), "/api/v1/appointments/check", body)

    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is False
    assert set(rules_of(response)) >= {
        "medicine.in_person_only",
        "medicine.monitor_required",
        "medicine.requires_integration",
    }
    assert all(v["message"] for v in answer["violations"])


# ---------------------------------------------------------------- every rule refused at once


def test_a_refused_booking_lists_every_rule_and_saves_nothing(
    signed_in: SignIn, world: World, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    # other_client has no plan, consent, clearance, dose order or preparation.
    before = (Appointment.objects.count(), AuditEvent.objects.count())
    body = medicine_body(world, client=other_client.pk, follow_up=None)

    response = post(signed_in(Role.FRONT_DESK), "/api/v1/appointments", body)

    assert response.status_code == 422
    assert set(rules_of(response)) == {
        "plan.required",
        "medicine.requires_consent",
        "medicine.requires_clearance",
        "medicine.dose_order_required",
        "medicine.requires_preparation",
        "medicine.requires_integration",
    }
    assert Appointment.objects.count() == before[0]
    assert AppointmentStaff.objects.filter(appointment__client=other_client).count() == 0


def test_a_refused_follow_up_refuses_the_whole_request(signed_in: SignIn, world: World) -> None:
    body = medicine_body(world)
    body["follow_up"]["room"] = world.other_room.pk  # a room at another office
    before = Appointment.objects.count()

    response = post(signed_in(Role.FRONT_DESK), "/api/v1/appointments", body)

    assert response.status_code == 422
    violations = response.json()["violations"]
    assert [(v["rule"], v["subject"]) for v in violations] == [
        ("appointment.room_location_mismatch", "follow_up")
    ]
    assert Appointment.objects.count() == before


# ---------------------------------------------------------------- boundaries


@pytest.mark.parametrize(
    ("minute_offset", "allowed"),
    [(0, True), (-1, False)],
    ids=["exactly-7-days", "one-minute-short"],
)
def test_ongoing_medicine_sessions_are_at_least_seven_days_apart(
    signed_in: SignIn, world: World, minute_offset: int, allowed: bool
) -> None:
    store(
        world,
        kind="medicine",
        start=when(7, 10),
        end=when(7, 13),
        room=world.medicine_room,
        staff=(world.staff_id(Role.THERAPIST), world.staff_id(Role.MONITOR)),
    )
    store(world, kind="integration", start=when(8, 10), end=when(8, 11))
    start = when(14, 10) + dt.timedelta(minutes=minute_offset)
    body = medicine_body(
        world, start=start.isoformat(), end=(start + dt.timedelta(hours=3)).isoformat()
    )

    response = post(signed_in(Role.FRONT_DESK), "/api/v1/appointments", body)

    if allowed:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 422
        assert rules_of(response) == ["medicine.min_spacing"]


@pytest.mark.parametrize(
    ("valid_until", "allowed"),
    [(dt.date(2030, 1, 14), True), (dt.date(2030, 1, 13), False)],
    ids=["expires-on-the-session-day", "expired-the-day-before"],
)
def test_clearance_must_be_valid_on_the_session_date(
    signed_in: SignIn, world: World, valid_until: dt.date, allowed: bool
) -> None:
    # The most recent decision governs.
    post(
        signed_in(Role.MEDICAL_PROVIDER),
        f"/api/v1/clients/{world.client.pk}/clearances",
        {"status": "cleared", "valid_until": valid_until.isoformat(), "note": ""},
    )

    response = post(signed_in(Role.FRONT_DESK), "/api/v1/appointments", medicine_body(world))

    if allowed:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 422
        assert rules_of(response) == ["medicine.requires_clearance"]


def test_a_clearance_justifies_each_relative_contraindication_through_the_api(
    signed_in: SignIn, world: World
) -> None:
    screening = world.client.medical_screenings.get()
    screening.answers.filter(code="contraindication.cystitis").update(answer="yes")
    path = f"/api/v1/clients/{world.client.pk}/clearances"
    body = {"status": "cleared", "valid_until": "2030-12-31", "note": ""}
    doctor = signed_in(Role.MEDICAL_PROVIDER)

    refused = post(doctor, path, body)
    assert refused.status_code == 422
    assert rules_of(refused) == ["clearance.justification_required"]

    justified = {"contraindication.cystitis": "Urology review: resolved, no symptoms."}
    cleared = post(doctor, path, {**body, "justifications": justified})
    assert cleared.status_code == 201, cleared.json()
    assert cleared.json()["status"] == "cleared"


@pytest.mark.parametrize(
    "justifications",
    [["not", "an", "object"], {"": "empty code"}, {"x" * 81: "long code"}, {"c": "j" * 2001}],
    ids=["a-list", "empty-code", "long-code", "long-text"],
)
def test_clearance_justifications_are_validated(
    signed_in: SignIn, world: World, justifications: object
) -> None:
    response = post(
        signed_in(Role.MEDICAL_PROVIDER),
        f"/api/v1/clients/{world.client.pk}/clearances",
        {"status": "cleared", "valid_until": "2030-12-31", "justifications": justifications},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("justifications")


@pytest.mark.parametrize(("state", "allowed"), [("PA", True), ("NY", False)])
def test_telehealth_needs_the_client_in_a_licensed_state(
    signed_in: SignIn, world: World, state: str, allowed: bool
) -> None:
    body = therapy_body(
        world, modality="telehealth", location=None, room=None, client_location_state=state
    )

    response = post(signed_in(Role.FRONT_DESK), "/api/v1/appointments", body)

    if allowed:
        assert response.status_code == 201, response.json()
        assert response.json()["appointment"]["client_location_state"] == "PA"
    else:
        assert response.status_code == 422
        assert rules_of(response) == ["telehealth.client_location_unlicensed"]


def test_a_paused_plan_refuses_medicine_but_not_preparation(
    signed_in: SignIn, world: World
) -> None:
    therapist = signed_in(Role.THERAPIST)
    paused = put(
        therapist,
        f"/api/v1/clients/{world.client.pk}/plan",
        {"format": "ongoing", "status": "paused", "modalities": ["kap", "parts_work"]},
    )
    assert paused.status_code == 200, paused.json()

    preparation = post(
        therapist,
        "/api/v1/appointments",
        therapy_body(world, kind="preparation", start=at(20, 10), end=at(20, 11)),
    )
    therapy = post(therapist, "/api/v1/appointments", therapy_body(world))

    assert preparation.status_code == 201, preparation.json()
    assert therapy.status_code == 201


def test_after_pausing_the_integration_of_a_session_held_stays_bookable(
    signed_in: SignIn, world: World
) -> None:
    # Given a medicine session booked with its integration, then held
    front_desk, therapist = signed_in(Role.FRONT_DESK), signed_in(Role.THERAPIST)
    booked = post(front_desk, "/api/v1/appointments", medicine_body(world))
    assert booked.status_code == 201, booked.json()
    held, planned = booked.json()["appointment"]["id"], booked.json()["follow_up"]["id"]
    # (its integration was then cancelled: the client could not come)
    for pk, status in ((held, "completed"), (planned, "cancelled")):
        Appointment.objects.filter(pk=pk).update(
            status=status, status_changed_by=world.staff[Role.THERAPIST]
        )
    # When the client pauses the plan
    paused = put(
        therapist,
        f"/api/v1/clients/{world.client.pk}/plan",
        {"format": "ongoing", "status": "paused", "modalities": ["kap"]},
    )
    assert paused.status_code == 200, paused.json()
    # Then its integration books, and another medicine session does not
    integration = post(
        therapist,
        "/api/v1/appointments",
        therapy_body(world, kind="integration", start=at(15, 10), end=at(15, 11)),
    )
    again = post(
        front_desk,
        "/api/v1/appointments",
        medicine_body(world, start=at(28, 10), end=at(28, 13), follow_up=None),
    )
    assert integration.status_code == 201, integration.json()
    assert again.status_code == 422
    assert "plan.paused" in rules_of(again)


def test_medicine_without_a_monitor_is_refused(signed_in: SignIn, world: World) -> None:
    response = post(
        signed_in(Role.FRONT_DESK),
        "/api/v1/appointments",
        medicine_body(world, staff=[world.staff_id(Role.THERAPIST)]),
    )

    assert response.status_code == 422
    assert rules_of(response) == ["medicine.monitor_required"]


def test_a_room_at_another_location_is_refused(signed_in: SignIn, world: World) -> None:
    response = post(
        signed_in(Role.FRONT_DESK),
        "/api/v1/appointments",
        therapy_body(world, room=world.other_room.pk),
    )

    assert response.status_code == 422
    assert rules_of(response) == ["appointment.room_location_mismatch"]


def test_end_before_start_is_refused(signed_in: SignIn, world: World) -> None:
    response = post(
        signed_in(Role.FRONT_DESK),
        "/api/v1/appointments",
        therapy_body(world, start=at(21, 11), end=at(21, 10)),
    )

    assert response.status_code == 422
    assert rules_of(response) == ["appointment.end_before_start"]
    assert not Appointment.objects.filter(kind="therapy").exists()


def test_times_without_an_offset_are_refused(signed_in: SignIn, world: World) -> None:
    response = post(
        signed_in(Role.FRONT_DESK),
        "/api/v1/appointments",
        therapy_body(world, start="2030-01-21T10:00:00"),
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["start"]


@pytest.mark.parametrize("field", ["room", "location", "staff"])
def test_unknown_ids_are_refused_precisely(signed_in: SignIn, world: World, field: str) -> None:
    unknown = 987654
    body = therapy_body(world, **{field: [unknown] if field == "staff" else unknown})

    response = post(signed_in(Role.FRONT_DESK), "/api/v1/appointments", body)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": field, "message": response.json()["errors"][0]["message"]}
    ]
    assert str(unknown) in response.json()["errors"][0]["message"]
    assert not Appointment.objects.filter(kind="therapy").exists()


def test_a_room_of_another_practice_is_unknown(signed_in: SignIn, world: World) -> None:
    elsewhere = make_room(location=make_location(practice__name="Another Practice"))

    response = post(
        signed_in(Role.FRONT_DESK), "/api/v1/appointments", therapy_body(world, room=elsewhere.pk)
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "room"


# ---------------------------------------------------------------- double booking


def test_the_same_therapist_room_and_client_cannot_be_double_booked(
    signed_in: SignIn, world: World, other_client: Client
) -> None:
    front_desk = signed_in(Role.FRONT_DESK)
    assert post(front_desk, "/api/v1/appointments", therapy_body(world)).status_code == 201

    same_client = post(
        front_desk,
        "/api/v1/appointments",
        therapy_body(
            world,
            room=world.medicine_room.pk,
            staff=[world.staff[Role.MEDICAL_PROVIDER].pk],
            start=at(21, 10, 30),
            end=at(21, 11, 30),
        ),
    )
    other = post(
        front_desk,
        "/api/v1/appointments",
        therapy_body(world, client=other_client.pk, start=at(21, 10, 59), end=at(21, 12)),
    )
    back_to_back = post(
        front_desk,
        "/api/v1/appointments",
        therapy_body(world, client=other_client.pk, start=at(21, 11), end=at(21, 12)),
    )

    assert rules_of(same_client) == ["conflict.client"]
    assert rules_of(other) == ["conflict.clinician", "conflict.room"]
    assert back_to_back.status_code == 201


# ---------------------------------------------------------------- status


def test_an_appointment_is_completed_only_once_started(signed_in: SignIn, world: World) -> None:
    future = store(world, kind="therapy", start=when(21, 10), end=when(21, 11))
    past = store(
        world,
        kind="therapy",
        start=dt.datetime(2025, 1, 6, 15, tzinfo=dt.UTC),
        end=dt.datetime(2025, 1, 6, 16, tzinfo=dt.UTC),
    )
    therapist = signed_in(Role.THERAPIST)

    early = post(therapist, f"/api/v1/appointments/{future.pk}/status", {"status": "completed"})
    done = post(therapist, f"/api/v1/appointments/{past.pk}/status", {"status": "completed"})

    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "status"
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    past.refresh_from_db()
    assert past.status_changed_by == world.staff[Role.THERAPIST]


def test_cancelling_frees_the_slot_and_keeps_who_and_why(
    signed_in: SignIn, world: World, other_client: Client
) -> None:
    booked = store(world, kind="therapy", start=when(21, 10), end=when(21, 11))
    front_desk = signed_in(Role.FRONT_DESK)

    response = post(
        front_desk,
        f"/api/v1/appointments/{booked.pk}/status",
        {"status": "cancelled", "reason": "Client asked to move it"},
    )
    again = post(front_desk, "/api/v1/appointments", therapy_body(world, client=other_client.pk))

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_reason"]) == (
        "cancelled",
        "Client asked to move it",
    )
    assert set(
        AppointmentStaff.objects.filter(appointment=booked).values_list("status", flat=True)
    ) == {"cancelled"}
    assert again.status_code == 201
    event = AuditEvent.objects.filter(detail=f"appointment:{booked.pk}:cancelled").get()
    assert event.actor == world.staff[Role.FRONT_DESK].user


def test_a_changed_status_is_final(signed_in: SignIn, world: World) -> None:
    booked = store(world, kind="therapy", start=when(21, 10), end=when(21, 11))
    front_desk = signed_in(Role.FRONT_DESK)
    post(front_desk, f"/api/v1/appointments/{booked.pk}/status", {"status": "cancelled"})

    response = post(front_desk, f"/api/v1/appointments/{booked.pk}/status", {"status": "no_show"})

    assert response.status_code == 422


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.MONITOR, Role.PRIVACY_OFFICER])
def test_people_outside_the_care_team_cannot_book_and_are_audited(
    signed_in: SignIn, world: World, other_client: Client, role: Role
) -> None:
    body = therapy_body(world, client=other_client.pk)

    response = post(signed_in(role), "/api/v1/appointments", body)

    assert response.status_code == 404
    assert not Appointment.objects.filter(client=other_client).exists()
    denied = AuditEvent.objects.filter(action="denied", client_id=other_client.pk).get()
    assert denied.category == "schedule"


def test_only_medical_providers_record_clearances_and_dose_orders(
    signed_in: SignIn, world: World
) -> None:
    clearance = {"status": "cleared", "valid_until": "2030-12-31", "note": "Reviewed"}
    order = {"route": "sublingual", "dose_mg": "100", "max_dose_mg": "150"}
    path = f"/api/v1/clients/{world.client.pk}"
    before = (Clearance.objects.count(), DoseOrder.objects.count())

    answers = {
        role: (
            post(signed_in(role), f"{path}/clearances", clearance).status_code,
            post(signed_in(role), f"{path}/dose-orders", order).status_code,
        )
        for role in (Role.THERAPIST, Role.FRONT_DESK, Role.MONITOR)
    }

    assert answers == {
        Role.THERAPIST: (403, 403),
        Role.FRONT_DESK: (404, 404),
        Role.MONITOR: (404, 404),
    }
    assert (Clearance.objects.count(), DoseOrder.objects.count()) == before
    medical = signed_in(Role.MEDICAL_PROVIDER)
    made = post(medical, f"{path}/dose-orders", order)
    assert made.status_code == 201
    assert Decimal(made.json()["dose_mg"]) == Decimal("100")
    assert post(medical, f"{path}/clearances", clearance).status_code == 201


def test_a_dose_above_its_maximum_is_refused(signed_in: SignIn, world: World) -> None:
    response = post(
        signed_in(Role.MEDICAL_PROVIDER),
        f"/api/v1/clients/{world.client.pk}/dose-orders",
        {"route": "intramuscular", "dose_mg": "80", "max_dose_mg": "60"},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "max_dose_mg"


def test_front_desk_cannot_set_the_plan(signed_in: SignIn, world: World) -> None:
    response = put(
        signed_in(Role.FRONT_DESK),
        f"/api/v1/clients/{world.client.pk}/plan",
        {"format": "intensive", "status": "active", "modalities": ["kap"]},
    )

    assert response.status_code == 404
    assert TreatmentPlan.objects.get(client=world.client).format == "ongoing"


def test_plan_changes_are_kept_in_history(signed_in: SignIn, world: World) -> None:
    therapist = signed_in(Role.THERAPIST)
    path = f"/api/v1/clients/{world.client.pk}/plan"

    first = put(therapist, path, {"format": "intensive", "status": "active", "modalities": ["kap"]})
    second = put(
        therapist, path, {"format": "intensive", "status": "paused", "modalities": ["kap", "emdr"]}
    )

    assert first.status_code == second.status_code == 200
    assert second.json()["modalities"] == ["kap", "emdr"]
    history = TreatmentPlanVersion.objects.filter(client=world.client)
    assert [(v.format, v.status) for v in history] == [
        ("intensive", "active"),
        ("intensive", "paused"),
    ]


def test_consents_are_recorded_and_revoked_not_deleted(signed_in: SignIn, world: World) -> None:
    therapist = signed_in(Role.THERAPIST)
    made = post(
        therapist,
        f"/api/v1/clients/{world.client.pk}/consents",
        {"kind": "telehealth", "signed_on": "2026-01-06", "version": "3"},
    )
    assert made.status_code == 201, made.json()

    revoked = post(
        therapist, f"/api/v1/consents/{made.json()['id']}/revoke", {"revoked_on": "2026-01-08"}
    )

    assert revoked.status_code == 200
    assert revoked.json()["revoked_on"] == "2026-01-08"
    consent = Consent.objects.get(pk=made.json()["id"])
    assert consent.revoked_by == world.staff[Role.THERAPIST]


def test_a_revoked_kap_consent_stops_medicine_sessions(signed_in: SignIn, world: World) -> None:
    consent = Consent.objects.get(client=world.client, kind="kap_informed_consent")
    post(
        signed_in(Role.THERAPIST),
        f"/api/v1/consents/{consent.pk}/revoke",
        {"revoked_on": "2026-01-10"},
    )

    response = post(signed_in(Role.FRONT_DESK), "/api/v1/appointments", medicine_body(world))

    assert rules_of(response) == ["medicine.requires_consent"]


# ---------------------------------------------------------------- the list


def test_the_list_is_scoped_to_the_care_team(
    signed_in: SignIn, world: World, other_client: Client
) -> None:
    elsewhere = store(
        world,
        kind="therapy",
        start=when(22, 10),
        end=when(22, 11),
        client=other_client,
        staff=(world.staff[Role.MEDICAL_PROVIDER].pk,),
    )

    mine = signed_in(Role.THERAPIST).get("/api/v1/appointments?limit=200").json()
    everyone = signed_in(Role.FRONT_DESK).get("/api/v1/appointments?limit=200").json()

    assert elsewhere.pk not in [a["id"] for a in mine["items"]]
    assert mine["count"] == 2
    assert elsewhere.pk in [a["id"] for a in everyone["items"]]
    assert everyone["count"] == 3


def test_the_list_filters_by_time_staff_location_and_client(
    signed_in: SignIn, world: World
) -> None:
    inside = store(
        world, kind="therapy", start=when(21, 10), end=when(21, 11), room=world.other_room
    )
    front_desk = signed_in(Role.FRONT_DESK)

    by_time = front_desk.get(
        "/api/v1/appointments",
        {"start": "2030-01-21T00:00:00-05:00", "end": "2030-01-22T00:00:00-05:00"},
    ).json()
    by_location = front_desk.get("/api/v1/appointments", {"location": world.other_office.pk}).json()
    by_staff = front_desk.get(
        "/api/v1/appointments", {"staff": world.staff_id(Role.MONITOR)}
    ).json()
    by_client = front_desk.get("/api/v1/appointments", {"client": world.client.pk}).json()

    assert [a["id"] for a in by_time["items"]] == [inside.pk]
    assert [a["id"] for a in by_location["items"]] == [inside.pk]
    assert by_staff == {"items": [], "count": 0}
    assert by_client["count"] == 3


def test_a_naive_list_time_is_refused(signed_in: SignIn, world: World) -> None:
    response = signed_in(Role.FRONT_DESK).get(
        "/api/v1/appointments", {"start": "2030-01-21T00:00:00"}
    )

    assert response.status_code == 422


def test_the_list_costs_the_same_queries_for_many_appointments(
    signed_in: SignIn, world: World
) -> None:
    front_desk = signed_in(Role.FRONT_DESK)
    front_desk.get("/api/v1/appointments")  # warm up the session and actor

    with CaptureQueriesContext(connection) as few:
        assert front_desk.get("/api/v1/appointments").status_code == 200
    for day in range(20, 27):
        client = make_client(practice=world.client.practice)
        store(world, kind="therapy", start=when(day, 10), end=when(day, 11), client=client)
    with CaptureQueriesContext(connection) as many:
        answer = front_desk.get("/api/v1/appointments").json()

    assert answer["count"] == 9
    assert len(many.captured_queries) == len(few.captured_queries)
    audited = AuditEvent.objects.filter(detail="api:list_appointments")
    assert audited.filter(client_id__isnull=False).values("client_id").distinct().count() == 8
