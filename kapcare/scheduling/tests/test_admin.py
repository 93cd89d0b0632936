"""The scheduling admin shows records to superusers only, changes nothing, and is audited."""

from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.people.access import Actor
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.tests.test_views import (
    at,
    book,
)
from kapcare.scheduling.vocabulary import AppointmentKind
from tests.factories import make_user
from tests.world import World

ActorOf = Callable[[Role], Actor]


@pytest.fixture
def admin_http(db: None) -> HttpClient:
    http = HttpClient()
    http.force_login(
        make_user(email="root@example.org", full_name="Root", is_superuser=True, is_staff=True)
    )
    return http


def test_a_superuser_sees_appointments_and_each_view_is_audited(
    admin_http: HttpClient, world: World, actor: ActorOf
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    listing = admin_http.get("/admin/scheduling/appointment/")
    page = admin_http.get(f"/admin/scheduling/appointment/{appointment.pk}/change/")

    assert (listing.status_code, page.status_code) == (200, 200)
    details = set(
        AuditEvent.objects.filter(action=AuditAction.READ, client_id=world.client.pk).values_list(
            "detail", flat=True
        )
    )
    assert {"admin:appointment_list", "admin:appointment"} <= details


@pytest.mark.parametrize(
    "model",
    [
        "scheduling/appointment",
        "pathway/treatmentplan",
        "pathway/consent",
        "pathway/clearance",
        "pathway/doseorder",
    ],
)
def test_nothing_can_be_added_in_the_admin(admin_http: HttpClient, model: str) -> None:
    assert admin_http.get(f"/admin/{model}/add/").status_code == 403


def test_an_admin_save_cannot_go_around_the_booking_service(
    admin_http: HttpClient, world: World, actor: ActorOf
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    response = admin_http.post(
        f"/admin/scheduling/appointment/{appointment.pk}/change/",
        {"kind": "medicine", "modality": "telehealth"},
    )
    deleting = admin_http.post(
        f"/admin/scheduling/appointment/{appointment.pk}/delete/", {"post": "yes"}
    )

    assert (response.status_code, deleting.status_code) == (403, 403)
    appointment.refresh_from_db()
    assert (appointment.kind, appointment.modality) == ("therapy", "in_person")
    assert Appointment.objects.count() == 1


def test_staff_are_sent_to_the_admin_sign_in(
    signed_in: Callable[[Role], HttpClient], world: World
) -> None:
    response = signed_in(Role.FRONT_DESK).get("/admin/scheduling/appointment/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
