"""The demo practice's pathway: booked through the booking service, idempotent, and
shown on the calendar and charts."""

import pytest
from django.test import Client as HttpClient

from kapcare.pathway.models import Consent, TreatmentPlan
from kapcare.people.demo import load_demo_practice
from kapcare.people.models import Client
from kapcare.scheduling.demo import SESSIONS, load_demo_schedule
from kapcare.scheduling.models import Appointment
from tests.whole_chart import whole_chart


@pytest.mark.django_db
def test_the_demo_pathway_is_booked_by_the_rules_and_loads_once() -> None:
    load_demo_practice()

    first = load_demo_schedule()
    rows = (Appointment.objects.count(), Consent.objects.count(), TreatmentPlan.objects.count())
    second = load_demo_schedule()

    assert first.refused == []
    assert first.created_appointments == len(SESSIONS) + sum(
        1 for s in SESSIONS if s.follow_up is not None
    )
    assert (first.created_plans, first.created_consents) == (9, 19)
    assert (second.created_plans, second.created_consents, second.created_appointments) == (
        0,
        0,
        0,
    )
    assert rows == (
        Appointment.objects.count(),
        Consent.objects.count(),
        TreatmentPlan.objects.count(),
    )
    assert Appointment.objects.filter(kind="medicine", follow_ups__isnull=False).count() == 5
    assert Appointment.objects.filter(status="completed").count() > 0


@pytest.mark.django_db
def test_the_demo_chart_and_calendar_show_the_pathway(client: HttpClient) -> None:
    load_demo_practice()
    load_demo_schedule()
    harper = Client.objects.get(legal_given_name="Harper")
    therapist = harper.care_team.get(role="therapist").staff.user

    client.force_login(therapist)
    chart = whole_chart(client, harper.pk).content.decode()
    calendar = client.get("/calendar/").content.decode()

    readiness = chart.split(">Before the next medicine session</h3>", 1)[1].split("</ul>", 1)[0]
    # (spacing and integration depend on the weekday the demo is loaded on)
    assert "Medically cleared, valid until" in readiness
    assert "KAP informed consent is signed and in force" in readiness
    assert "A dose order is active" in readiness
    assert "2 of 2 preparation sessions completed" in readiness
    assert "Medicine session" in chart
    assert "Harper" in calendar
