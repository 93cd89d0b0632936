"""The outcomes page's safety and attendance against a constructed practice: flags,
adverse and serious adverse events per 100 medicine sessions, missed sessions per 100
held or missed; the same figures in the API, withheld from 1 to 10 events."""

from collections.abc import Callable

from django.test import Client as HttpClient

from kapcare.interop.tests.records import SPACING, START, discharged_record
from kapcare.medicine.models import AdverseEvent
from kapcare.people.models import Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from tests.factories import make_client

SignIn = Callable[[Role], HttpClient]


def test_safety_and_attendance_of_a_constructed_practice(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    # Given 12 medicine sessions, each with a flag and a mild adverse event, and each
    # client's 2 preparations, the medicine session and an integration held (48 held)
    for i in range(12):
        discharged_record(make_client(practice=practice), staff, START + i * SPACING)
    events = list(AdverseEvent.objects.order_by("id"))
    # 11 of the events serious; 11 preparations missed without notice
    AdverseEvent.objects.filter(pk__in=[e.pk for e in events[:11]]).update(severity="serious")
    missed = Appointment.objects.filter(kind="preparation").order_by("id")[:11]
    Appointment.objects.filter(pk__in=[a.pk for a in missed]).update(status="no_show")
    http = signed_in(Role.PRIVACY_OFFICER)

    # When the privacy officer reads the outcomes
    body = http.get("/api/v1/reports/outcomes").json()
    page = http.get("/reports/outcomes/").content.decode()

    # Then, worked by hand: 12 of 12 flagged and adverse (100.0), 11 of 12 serious (91.7),
    # 11 missed of 37 held + 11 missed (22.9)
    figures = {
        k: body[k]
        for k in (
            "medicine_sessions", "safety_flags", "safety_rate", "adverse_events",
            "adverse_rate", "serious_events", "serious_rate", "held", "no_shows",
            "no_show_rate",
        )
    }  # fmt: skip
    assert figures == {
        "medicine_sessions": 12, "safety_flags": 12, "safety_rate": 100.0,
        "adverse_events": 12, "adverse_rate": 100.0, "serious_events": 11,
        "serious_rate": 91.7, "held": 37, "no_shows": 11, "no_show_rate": 22.9,
    }  # fmt: skip
    for label, rate in (
        ("Safety flags raised by a measure", "100.0"),
        ("Adverse events", "100.0"),
        ("Serious adverse events", "91.7"),
        ("Sessions missed without notice (per 100 held or missed)", "22.9"),
    ):
        assert f'<th scope="row">{label}</th><td class="num">{rate}</td>' in page

    # When one serious event is downgraded and one missed session was held after all
    AdverseEvent.objects.filter(pk=events[0].pk).update(severity="moderate")
    Appointment.objects.filter(pk=missed[0].pk).update(status="completed")

    # Then 10 of each is a small count: withheld, with its rate
    body = http.get("/api/v1/reports/outcomes").json()
    assert (body["serious_events"], body["serious_rate"]) == (None, None)
    assert (body["no_shows"], body["no_show_rate"], body["held"]) == (None, None, 38)
    page = http.get("/reports/outcomes/").content.decode()
    assert '<th scope="row">Serious adverse events</th><td class="num">not shown</td>' in page
