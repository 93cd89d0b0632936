"""Dosing runs the pathway's rules at the moment of the dose (issue 8, item 2).

The medicine session was booked with everything in order; then the pathway changed.
Whatever changed since the booking stops the dose with the pathway's own code, through
the service, the API (422, the code in the JSON) and the console (422, the sentence on
the page), and nothing is recorded. With nothing changed, the same dose is recorded.
"""

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from kapcare.core import clock
from kapcare.core.violations import Refused
from kapcare.medicine import services
from kapcare.medicine.models import DoseAdministration
from kapcare.medicine.tests.fixtures import ready_medicine_appointment
from kapcare.pathway.models import Clearance, Consent
from kapcare.pathway.services.consent import revoke_consent
from kapcare.pathway.services.plan import record_plan
from kapcare.pathway.vocabulary import PlanFormat, PlanStatus, Route, TreatmentModality
from kapcare.people.access import Actor
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment

MakeActor = Callable[[Role], Actor]
SignIn = Callable[[Role], HttpClient]
MINUTE = dt.timedelta(minutes=1)


def _pause_plan(actor: MakeActor, appointment: Appointment, now: dt.datetime) -> None:
    record_plan(
        actor=actor(Role.THERAPIST),
        client_id=appointment.client_id,
        plan_format=PlanFormat.ONGOING,
        status=PlanStatus.PAUSED,
        modalities=[TreatmentModality.KAP],
        now=now,
    )


def _session_day(appointment: Appointment) -> dt.date:
    """The session's date in its location's zone (the date the pathway rules read)."""
    assert appointment.location is not None
    return appointment.start.astimezone(zoneinfo.ZoneInfo(appointment.location.time_zone)).date()


def _revoke_consent(actor: MakeActor, appointment: Appointment, now: dt.datetime) -> None:
    consent = Consent.objects.get(client_id=appointment.client_id)
    revoke_consent(
        actor=actor(Role.THERAPIST),
        consent_id=consent.pk,
        revoked_on=_session_day(appointment),
        now=now,
    )


def _clearance_expires(actor: MakeActor, appointment: Appointment, now: dt.datetime) -> None:
    # Time passes: the clearance on file ran out the day before the session.
    Clearance.objects.filter(client_id=appointment.client_id).update(
        valid_until=_session_day(appointment) - dt.timedelta(days=1)
    )


def _nothing(actor: MakeActor, appointment: Appointment, now: dt.datetime) -> None:
    pass


Change = Callable[[MakeActor, Appointment, dt.datetime], None]

CASES: list[tuple[str, Change, list[str], str]] = [
    ("nothing changed", _nothing, [], ""),
    (
        "plan paused",
        _pause_plan,
        ["plan.paused"],
        "The client has paused their KAP plan",
    ),
    (
        "consent revoked",
        _revoke_consent,
        ["medicine.requires_consent"],
        "The client revoked the KAP informed consent on",
    ),
    (
        "clearance expired",
        _clearance_expires,
        ["medicine.requires_clearance"],
        "Ask the medical provider to renew it",
    ),
]
IDS = [case[0] for case in CASES]


@pytest.fixture
def now() -> dt.datetime:
    return clock.now().replace(microsecond=0)


@pytest.fixture
def appointment(
    actor: MakeActor, team_client: Client, staff: dict[Role, StaffMember], now: dt.datetime
) -> Appointment:
    """A medicine session that started 30 minutes ago, checklist done, vitals taken."""
    appointment = ready_medicine_appointment(team_client, staff, start=now - 30 * MINUTE)
    monitor = actor(Role.MONITOR)
    services.save_checklist(
        actor=monitor,
        appointment_id=appointment.pk,
        checklist=services.ChecklistInput(
            identity_confirmed=True,
            fasting_confirmed=True,
            escort_name="A. Friend",
            no_driving_agreed=True,
            intention="To stay with the part that freezes.",
            todays_measures_done=True,
        ),
        now=now,
    )
    services.record_vitals(
        actor=monitor,
        appointment_id=appointment.pk,
        at=now - 5 * MINUTE,
        systolic=124,
        diastolic=80,
        heart_rate=72,
        spo2=98,
        now=now,
    )
    return appointment


@dataclass(frozen=True)
class Changed:
    """What changed since the booking, and what a dose now meets."""

    codes: list[str]
    sentence: str


@pytest.fixture(params=CASES, ids=IDS)
def changed(
    request: pytest.FixtureRequest, actor: MakeActor, appointment: Appointment, now: dt.datetime
) -> Changed:
    """Given the pathway changed after the booking (one case of the table)."""
    _, change, codes, sentence = request.param
    change(actor, appointment, now)
    return Changed(codes, sentence)


def _local(appointment: Appointment, moment: dt.datetime) -> str:
    """The console's datetime-local value, in the location's zone."""
    assert appointment.location is not None
    zone = zoneinfo.ZoneInfo(appointment.location.time_zone)
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def test_the_dose_service_checks_the_pathway_now(
    actor: MakeActor,
    appointment: Appointment,
    now: dt.datetime,
    changed: Changed,
) -> None:
    codes, sentence = changed.codes, changed.sentence

    def dose() -> DoseAdministration:
        return services.record_dose(
            actor=actor(Role.MONITOR),
            appointment_id=appointment.pk,
            at=now - MINUTE,
            route=Route.SUBLINGUAL,
            dose_mg=Decimal(100),
            lot="LOT-42",
            now=now,
        )

    # When a dose is recorded, then it is refused with the pathway's code only
    if codes:
        with pytest.raises(Refused) as refused:
            dose()
        assert [v.rule for v in refused.value.violations] == codes
        assert sentence in refused.value.violations[0].message
        assert not DoseAdministration.objects.exists()
    else:
        assert dose().dose_mg == Decimal(100)


def test_the_api_answers_the_pathway_code(
    actor: MakeActor,
    signed_in: SignIn,
    appointment: Appointment,
    now: dt.datetime,
    changed: Changed,
) -> None:
    codes, sentence = changed.codes, changed.sentence
    url = f"/api/v1/appointments/{appointment.pk}/medicine-record"
    http = signed_in(Role.MONITOR)

    body = {"at": (now - MINUTE).isoformat(), "route": "sublingual", "dose_mg": "100",
            "lot": "LOT-7"}  # fmt: skip
    response = http.post(f"{url}/doses", json.dumps(body), content_type="application/json")

    if codes:
        assert response.status_code == 422
        violations = response.json()["violations"]
        assert [v["rule"] for v in violations] == codes
        assert sentence in violations[0]["message"]
        # and the record says so before anyone tries: the checklist's "missing"
        missing = http.get(url).json()["checklist"]["missing"]
        assert [m["rule"] for m in missing] == codes
    else:
        assert response.status_code == 201, response.json()
        assert http.get(url).json()["checklist"]["missing"] == []


def test_the_console_shows_the_refusal(
    actor: MakeActor,
    signed_in: SignIn,
    appointment: Appointment,
    now: dt.datetime,
    changed: Changed,
) -> None:
    codes, sentence = changed.codes, changed.sentence
    console = f"/appointments/{appointment.pk}/medicine/"
    http = signed_in(Role.MONITOR)

    response = http.post(
        console,
        {
            "form": "dose",
            "dose-at": _local(appointment, now - MINUTE),
            "dose-route": "sublingual",
            "dose-dose_mg": "100",
            "dose-lot": "L1",
        },
    )

    html = response.content.decode()
    if codes:
        assert response.status_code == 422
        assert "Not recorded: every reason" in html
        assert sentence in html
        assert not DoseAdministration.objects.exists()
    else:
        assert response.status_code == 302
        assert DoseAdministration.objects.count() == 1
