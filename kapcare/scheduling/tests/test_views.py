"""The scheduling pages: booking (with every violation next to the form), rescheduling,
status changes, the plan and consents, and the chart's panels."""

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.core import clock
from kapcare.pathway import services as pathway_services
from kapcare.pathway.models import Consent, DoseOrder, TreatmentPlan
from kapcare.pathway.vocabulary import (
    ClearanceStatus,
    ConsentKind,
    PlanFormat,
    PlanStatus,
    Route,
    TreatmentModality,
)
from kapcare.people.access import Actor
from kapcare.people.models import Client
from kapcare.people.policy import Category, Role
from kapcare.scheduling import services
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality
from tests.factories import make_clearance
from tests.whole_chart import whole_chart
from tests.world import World, next_monday

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
SignedIn = Callable[[Role], HttpClient]
ActorOf = Callable[[Role], Actor]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


def ready_for_medicine(world: World, actor: ActorOf) -> None:
    """Plan, consent, clearance, dose order and two preparation sessions before ``day``."""
    therapist = actor(Role.THERAPIST)
    now = clock.now()
    pathway_services.record_plan(
        actor=therapist,
        client_id=world.client.pk,
        plan_format=PlanFormat.ONGOING,
        status=PlanStatus.ACTIVE,
        modalities=[TreatmentModality.KAP],
        now=now,
    )
    pathway_services.record_consent(
        actor=therapist,
        client_id=world.client.pk,
        kind=ConsentKind.KAP_INFORMED_CONSENT,
        version="3",
        signed_on=clock.today(),
        now=now,
    )
    # Written directly: how a medical provider records them (screening first) is the
    # medicine app's business, not the subject of these pages.
    make_clearance(
        client=world.client,
        status=ClearanceStatus.CLEARED.value,
        valid_until=world.day + dt.timedelta(days=90),
        recorded_by=world.staff[Role.MEDICAL_PROVIDER],
        recorded_at=now,
    )
    DoseOrder.objects.create(
        client=world.client,
        route=Route.SUBLINGUAL,
        dose_mg=Decimal(100),
        max_dose_mg=Decimal(200),
        active_from=clock.today(),
        ordered_by=world.staff[Role.MEDICAL_PROVIDER],
        ordered_at=now,
    )
    for days_before in (7, 3):
        start = at(world.day - dt.timedelta(days=days_before), 10)
        book(world, actor, AppointmentKind.PREPARATION, start)


def book(
    world: World,
    actor: ActorOf,
    kind: AppointmentKind,
    start: dt.datetime,
    *,
    minutes: int = 50,
    staff: tuple[Role, ...] = (Role.THERAPIST,),
    client: Client | None = None,
) -> Appointment:
    booked = services.book_appointment(
        actor=actor(Role.FRONT_DESK),
        request=services.AppointmentRequest(
            client_id=(client or world.client).pk,
            kind=kind,
            modality=Modality.IN_PERSON,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            staff_ids=tuple(world.staff[r].pk for r in staff),
            location_id=world.office.pk,
            room_id=world.therapy_room.pk,
        ),
        now=clock.now(),
    )
    return booked.appointment


def form(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "client": world.client.pk,
        "kind": "therapy",
        "modality": "in_person",
        "date": world.day.isoformat(),
        "start_time": "10:00",
        "end_time": "10:50",
        "location": world.office.pk,
        "room": world.therapy_room.pk,
        "staff": [world.staff[Role.THERAPIST].pk],
        "client_location_state": "",
        "action": "book",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def medicine_form(world: World, **changes: object) -> dict[str, object]:
    follow_up_day = world.day + dt.timedelta(days=2)
    medicine: dict[str, object] = dict(
        kind="medicine",
        start_time="09:00",
        end_time="12:00",
        room=world.medicine_room.pk,
        staff=[world.staff[Role.THERAPIST].pk, world.staff[Role.MONITOR].pk],
        with_follow_up="on",
        fu_modality="in_person",
        fu_date=follow_up_day.isoformat(),
        fu_start_time="10:00",
        fu_end_time="10:50",
        fu_location=world.office.pk,
        fu_room=world.therapy_room.pk,
        fu_staff=[world.staff[Role.THERAPIST].pk],
    )
    return form(world, **{**medicine, **changes})


# --- booking ----------------------------------------------------------------------------


def test_front_desk_books_a_session_and_lands_on_the_calendar(
    signed_in: SignedIn, world: World
) -> None:
    # Given front desk, who has no chart
    http = signed_in(Role.FRONT_DESK)

    # When they book a therapy session through the form
    response = http.post("/appointments/new/", form(world))

    # Then it is booked at 10:00 New York time and they see that day's calendar
    assert response.status_code == 302
    assert response["Location"] == f"/calendar/?view=day&date={world.day.isoformat()}"
    appointment = Appointment.objects.get(client=world.client)
    assert (appointment.kind, appointment.start, appointment.end) == (
        "therapy",
        at(world.day, 10),
        at(world.day, 10, 50),
    )
    assert [link.staff_id for link in appointment.staff_links.all()] == [
        world.staff[Role.THERAPIST].pk
    ]
    assert AuditEvent.objects.filter(
        client_id=world.client.pk,
        action=AuditAction.CREATE,
        detail=f"appointment:{appointment.pk}:therapy",
    ).exists()


def test_a_therapist_lands_on_the_chart_after_booking(signed_in: SignedIn, world: World) -> None:
    response = signed_in(Role.THERAPIST).post("/appointments/new/", form(world))

    assert response.status_code == 302
    assert response["Location"] == f"/clients/{world.client.pk}/#sessions"


def test_a_medicine_session_and_its_integration_are_booked_together(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    ready_for_medicine(world, actor)

    response = signed_in(Role.FRONT_DESK).post("/appointments/new/", medicine_form(world))

    assert response.status_code == 302, response.content.decode()
    medicine = Appointment.objects.get(kind="medicine")
    integration = Appointment.objects.get(kind="integration")
    assert integration.follow_up_of_id == medicine.pk
    assert integration.start == at(world.day + dt.timedelta(days=2), 10)
    assert sorted(link.staff_id for link in medicine.staff_links.all()) == sorted(
        [world.staff[Role.THERAPIST].pk, world.staff[Role.MONITOR].pk]
    )


def test_a_telehealth_medicine_session_is_refused_in_plain_words_keeping_the_input(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    ready_for_medicine(world, actor)
    before = Appointment.objects.count()

    response = signed_in(Role.FRONT_DESK).post(
        "/appointments/new/",
        medicine_form(world, modality="telehealth", location="", room="", with_follow_up=""),
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "A medicine session cannot be held by telehealth" in html or (
        "medicine session" in html and "in person" in html
    )
    # next to the modality field, and in the summary at the top
    assert 'id="id_modality_error"' in html
    assert "There is a problem" in html
    # the integration rule is named too (every violation, not just the first)
    assert 'id="id_with_follow_up_error"' in html
    # what was typed is still there
    assert 'value="09:00"' in html
    assert f'value="{world.day.isoformat()}"' in html
    assert Appointment.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"start_time": "11:00", "end_time": "10:00"}, "end_time", "ends before or when it starts"),
        ({"room": "philadelphia"}, "room", "Elm"),
        ({"kind": "medicine", "room": "medicine", "start_time": "09:00"}, "staff", "monitor"),
    ],
    ids=["times-in-wrong-order", "room-at-another-location", "medicine-without-a-monitor"],
)
def test_bad_input_is_a_precise_error_next_to_its_field_and_nothing_is_saved(
    signed_in: SignedIn,
    world: World,
    actor: ActorOf,
    changes: dict[str, str],
    field: str,
    words: str,
) -> None:
    ready_for_medicine(world, actor)
    rooms = {"philadelphia": world.other_room.pk, "medicine": world.medicine_room.pk}
    data = form(world, **{k: rooms[v] if k == "room" else v for k, v in changes.items()})
    before = (Appointment.objects.count(), AuditEvent.objects.filter(action="create").count())

    response = signed_in(Role.FRONT_DESK).post("/appointments/new/", data)

    assert response.status_code == 422
    html = response.content.decode()
    error = html.split(f'id="id_{field}_error"', 1)
    assert len(error) == 2, f"no error next to {field}"
    assert words.lower() in error[1].split("</p>", 1)[0].lower()
    assert (
        Appointment.objects.count(),
        AuditEvent.objects.filter(action="create").count(),
    ) == before


def test_form_errors_before_the_rules_name_the_missing_fields(
    signed_in: SignedIn, world: World
) -> None:
    response = signed_in(Role.FRONT_DESK).post(
        "/appointments/new/", form(world, date="not a date", start_time="", with_follow_up="on")
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Enter a real date, for example 2026-03-04." in html
    assert "Enter the time the session starts." in html
    assert "Enter the date of the integration session." in html
    assert Appointment.objects.count() == 0


def test_an_unknown_staff_id_is_an_error_on_the_staff_field(
    signed_in: SignedIn, world: World
) -> None:
    response = signed_in(Role.FRONT_DESK).post("/appointments/new/", form(world, staff=[999999]))

    assert response.status_code == 422
    assert 'id="id_staff_error"' in response.content.decode()


def test_check_only_answers_without_saving(signed_in: SignedIn, world: World) -> None:
    response = signed_in(Role.FRONT_DESK).post("/appointments/new/", form(world, action="check"))

    assert response.status_code == 200
    assert "All booking rules are met" in response.content.decode()
    assert Appointment.objects.count() == 0


def test_a_client_off_the_care_team_cannot_be_booked_by_a_therapist(
    signed_in: SignedIn, world: World, other_client: Client
) -> None:
    response = signed_in(Role.THERAPIST).post(
        "/appointments/new/", form(world, client=other_client.pk)
    )

    # not among the choices: a form error, and the name is not shown
    assert response.status_code == 422
    assert other_client.legal_family_name not in response.content.decode()
    assert Appointment.objects.count() == 0
    # refused and audited, as the API refuses it
    denial = AuditEvent.objects.filter(action=AuditAction.DENIED).latest("seq")
    assert (denial.client_id, denial.category) == (other_client.pk, Category.SCHEDULE)


def test_the_booking_form_is_prefilled_from_the_link(signed_in: SignedIn, world: World) -> None:
    html = (
        signed_in(Role.THERAPIST)
        .get(f"/appointments/new/?client={world.client.pk}&date={world.day.isoformat()}")
        .content.decode()
    )

    assert f'<option value="{world.client.pk}" selected>' in html
    assert f'value="{world.day.isoformat()}"' in html


def test_a_found_slot_prefills_every_staff_member_and_the_modality(
    signed_in: SignedIn, world: World
) -> None:
    therapist, monitor = world.staff[Role.THERAPIST].pk, world.staff[Role.MONITOR].pk
    html = (
        signed_in(Role.FRONT_DESK)
        .get(
            f"/appointments/new/?client={world.client.pk}&modality=telehealth"
            f"&staff={therapist}&staff={monitor}"
        )
        .content.decode()
    )

    checked = set(re.findall(r'<input type="\w+" name="(\w+)" value="(\w+)"[^>]* checked>', html))
    assert {("staff", str(therapist)), ("staff", str(monitor))} <= checked
    assert ("modality", "telehealth") in checked


def test_the_privacy_officer_cannot_book(signed_in: SignedIn, world: World) -> None:
    assert signed_in(Role.PRIVACY_OFFICER).get("/appointments/new/").status_code == 404


# --- one appointment --------------------------------------------------------------------


def test_rescheduling_through_the_page_moves_the_appointment(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    http = signed_in(Role.FRONT_DESK)
    page = http.get(f"/appointments/{appointment.pk}/reschedule/").content.decode()
    assert 'value="10:00"' in page

    response = http.post(
        f"/appointments/{appointment.pk}/reschedule/",
        {
            "date": world.day.isoformat(),
            "start_time": "14:00",
            "end_time": "14:50",
            "location": world.office.pk,
            "room": world.therapy_room.pk,
            "staff": [world.staff[Role.THERAPIST].pk],
            "next": f"/clients/{world.client.pk}/",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/clients/{world.client.pk}/"
    appointment.refresh_from_db()
    assert appointment.start == at(world.day, 14)


def test_rescheduling_onto_a_busy_room_is_refused_next_to_the_room(
    signed_in: SignedIn, world: World, actor: ActorOf, other_client: Client
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    services.book_appointment(
        actor=actor(Role.FRONT_DESK),
        request=services.AppointmentRequest(
            client_id=other_client.pk,
            kind=AppointmentKind.THERAPY,
            modality=Modality.IN_PERSON,
            start=at(world.day, 14),
            end=at(world.day, 15),
            staff_ids=(world.staff[Role.MEDICAL_PROVIDER].pk,),
            location_id=world.office.pk,
            room_id=world.therapy_room.pk,
        ),
        now=clock.now(),
    )

    response = signed_in(Role.FRONT_DESK).post(
        f"/appointments/{appointment.pk}/reschedule/",
        {
            "date": world.day.isoformat(),
            "start_time": "14:00",
            "end_time": "14:50",
            "location": world.office.pk,
            "room": world.therapy_room.pk,
            "staff": [world.staff[Role.THERAPIST].pk],
        },
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Room Willow is already booked" in html.split('id="id_room_error"', 1)[1]
    appointment.refresh_from_db()
    assert appointment.start == at(world.day, 10)


def test_cancelling_with_a_reason(signed_in: SignedIn, world: World, actor: ActorOf) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    response = signed_in(Role.FRONT_DESK).post(
        f"/appointments/{appointment.pk}/status/",
        {"status": "cancelled", "reason": "The client asked to move it."},
    )

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.status_reason) == (
        "cancelled",
        "The client asked to move it.",
    )
    assert appointment.status_changed_by == world.staff[Role.FRONT_DESK]


def test_a_future_appointment_cannot_be_marked_completed(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    response = signed_in(Role.THERAPIST).post(
        f"/appointments/{appointment.pk}/status/", {"status": "completed"}
    )

    assert response.status_code == 422
    assert "only once it has started" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_a_past_session_is_marked_completed_from_the_chart(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    yesterday = clock.today() - dt.timedelta(days=1)
    appointment = book(world, actor, AppointmentKind.PREPARATION, at(yesterday, 10))
    http = signed_in(Role.THERAPIST)
    chart = whole_chart(http, world.client.pk).content.decode()
    assert f'action="/appointments/{appointment.pk}/status/"' in chart

    response = http.post(
        f"/appointments/{appointment.pk}/status/",
        {"status": "completed", "next": f"/clients/{world.client.pk}/#sessions"},
    )

    assert response["Location"] == f"/clients/{world.client.pk}/#sessions"
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.COMPLETED.value


def test_the_next_parameter_never_leaves_the_site(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    response = signed_in(Role.FRONT_DESK).post(
        f"/appointments/{appointment.pk}/status/",
        {"status": "cancelled", "next": "https://elsewhere.example/"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/calendar/")


def test_an_off_team_therapist_gets_404_for_an_appointment(
    signed_in: SignedIn, world: World, actor: ActorOf, other_client: Client
) -> None:
    booked = book(
        world,
        actor,
        AppointmentKind.THERAPY,
        at(world.day, 10),
        minutes=60,
        staff=(Role.MEDICAL_PROVIDER,),
        client=other_client,
    )
    http = signed_in(Role.THERAPIST)

    assert http.get(f"/appointments/{booked.pk}/reschedule/").status_code == 404
    assert http.get(f"/appointments/{booked.pk}/status/").status_code == 404
    assert http.get("/appointments/999999999/status/").status_code == 404


# --- plan and consents ------------------------------------------------------------------


def test_writing_pausing_and_resuming_the_plan(signed_in: SignedIn, world: World) -> None:
    http = signed_in(Role.THERAPIST)

    response = http.post(
        f"/clients/{world.client.pk}/plan/",
        {
            "format": "intensive",
            "modalities": ["kap", "emdr"],
            "relational_goals": "Feel safe being close.",
            "planned_preparation_count": "2",
        },
    )
    assert response.status_code == 302
    plan = TreatmentPlan.objects.get(client=world.client)
    assert (plan.format, plan.status, plan.modalities) == (
        "intensive",
        "active",
        [TreatmentModality.KAP, TreatmentModality.EMDR],
    )

    # One click, no reason asked
    assert (
        http.post(f"/clients/{world.client.pk}/plan/status/", {"status": "paused"}).status_code
        == 302
    )
    plan.refresh_from_db()
    assert plan.status == "paused"
    chart = whole_chart(http, world.client.pk).content.decode()
    assert "Resume the plan" in chart
    assert "Paused by the client" in chart

    http.post(f"/clients/{world.client.pk}/plan/status/", {"status": "active"})
    plan.refresh_from_db()
    assert (plan.status, plan.format, plan.relational_goals) == (
        "active",
        "intensive",
        "Feel safe being close.",
    )
    assert plan.history.count() == 3


def test_the_plan_needs_a_modality(signed_in: SignedIn, world: World) -> None:
    response = signed_in(Role.THERAPIST).post(
        f"/clients/{world.client.pk}/plan/", {"format": "ongoing"}
    )

    assert response.status_code == 422
    assert "Choose at least one modality." in response.content.decode()
    assert not TreatmentPlan.objects.exists()


def test_front_desk_and_monitor_cannot_change_the_plan(signed_in: SignedIn, world: World) -> None:
    for role in (Role.FRONT_DESK, Role.MONITOR):
        http = signed_in(role)
        assert http.get(f"/clients/{world.client.pk}/plan/").status_code == 404
        assert (
            http.post(f"/clients/{world.client.pk}/plan/status/", {"status": "paused"}).status_code
            == 404
        )
    assert not TreatmentPlan.objects.exists()


def test_recording_and_revoking_a_consent(signed_in: SignedIn, world: World) -> None:
    http = signed_in(Role.THERAPIST)
    today = clock.today().isoformat()

    response = http.post(
        f"/clients/{world.client.pk}/consents/new/",
        {"kind": "kap_informed_consent", "version": "3", "signed_on": today},
    )
    assert response.status_code == 302
    consent = Consent.objects.get(client=world.client)

    response = http.post(f"/consents/{consent.pk}/revoke/", {"revoked_on": today})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_on == clock.today()
    chart = whole_chart(http, world.client.pk).content.decode()
    assert "revoked" in chart


def test_a_consent_signed_in_the_future_is_refused(signed_in: SignedIn, world: World) -> None:
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()

    response = signed_in(Role.THERAPIST).post(
        f"/clients/{world.client.pk}/consents/new/",
        {"kind": "kap_informed_consent", "version": "3", "signed_on": tomorrow},
    )

    assert response.status_code == 422
    assert "cannot be signed in the future" in response.content.decode()
    assert not Consent.objects.exists()


# --- the chart's panels -----------------------------------------------------------------


def test_the_chart_says_what_is_missing_before_the_next_medicine_session(
    signed_in: SignedIn, world: World
) -> None:
    html = whole_chart(signed_in(Role.THERAPIST), world.client.pk).content.decode()

    assert ">Treatment plan and consent</h2>" in html
    assert ">Before the next medicine session</h3>" in html
    assert "Missing" in html
    assert "KAP informed consent" in html
    assert ">Sessions</h2>" in html
    assert f'href="/appointments/new/?client={world.client.pk}"' in html


def test_the_chart_shows_done_items_once_ready(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    ready_for_medicine(world, actor)

    html = whole_chart(signed_in(Role.THERAPIST), world.client.pk).content.decode()

    readiness = html.split(">Before the next medicine session</h3>", 1)[1].split("</ul>", 1)[0]
    assert readiness.count('class="done"') == 8
    assert readiness.count('class="missing"') == 0
    assert "Everything the rules check is in place." in html


def test_the_monitor_sees_sessions_but_not_the_plan(signed_in: SignedIn, world: World) -> None:
    html = whole_chart(signed_in(Role.MONITOR), world.client.pk).content.decode()

    assert ">Sessions</h2>" in html
    assert ">Treatment plan and consent</h2>" not in html


def test_chart_queries_do_not_grow_with_appointments(
    signed_in: SignedIn,
    world: World,
    actor: ActorOf,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    ready_for_medicine(world, actor)
    http = signed_in(Role.THERAPIST)
    url = f"/clients/{world.client.pk}/"
    with CaptureQueriesContext(connection) as few:
        assert http.get(url).status_code == 200
    for week in range(3, 9):
        book(world, actor, AppointmentKind.THERAPY, at(next_monday(week), 15))

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert http.get(url).status_code == 200


def test_a_time_skipped_by_the_clocks_going_forward_is_refused(
    signed_in: SignedIn, world: World
) -> None:
    # 2027-03-14 is the day US clocks go forward: 02:30 never happens in New York
    response = signed_in(Role.FRONT_DESK).post(
        "/appointments/new/",
        form(world, date="2027-03-14", start_time="02:30", end_time="03:30"),
    )

    assert response.status_code == 422
    error = response.content.decode().split('id="id_start_time_error"', 1)[1]
    assert "does not exist on that day" in error.split("</p>", 1)[0]
    assert Appointment.objects.count() == 0
