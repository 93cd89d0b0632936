"""The medicine-record and medical-screening API: the issue's contract, both sides of
every threshold, refusals listing every reason, and who may see what."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.core import clock
from kapcare.medicine.models import DoseAdministration, MedicineSession
from kapcare.medicine.tests.fixtures import ready_medicine_appointment
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from tests.factories import TEST_PASSWORD

SignIn = Callable[[Role], HttpClient]
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def now() -> dt.datetime:
    return clock.now().replace(microsecond=0)


@pytest.fixture
def appointment(
    team_client: Client, staff: dict[Role, StaffMember], now: dt.datetime
) -> Appointment:
    return ready_medicine_appointment(team_client, staff, start=now - 150 * MINUTE)


def _url(appointment: Appointment, tail: str = "") -> str:
    return f"/api/v1/appointments/{appointment.pk}/medicine-record{tail}"


def _send(http: HttpClient, method: str, url: str, body: dict[str, Any]) -> Any:
    return http.generic(method, url, json.dumps(body), content_type="application/json")


def _rules(response: Any) -> list[str]:
    return [v["rule"] for v in response.json()["violations"]]


CHECKLIST = {
    "identity_confirmed": True,
    "fasting_confirmed": True,
    "escort_name": "A. Friend",
    "no_driving_agreed": True,
    "intention": "To stay with the part that freezes.",
    "todays_measures_done": True,
}


def _vitals(
    http: HttpClient, appointment: Appointment, at: dt.datetime, bp: tuple[int, int], **more: int
) -> Any:
    body = {"at": at.isoformat(), "systolic": bp[0], "diastolic": bp[1], "heart_rate": 72,
            "spo2": 98, **more}  # fmt: skip
    return _send(http, "POST", _url(appointment, "/vitals"), body)


def _dose(http: HttpClient, appointment: Appointment, at: dt.datetime, mg: str) -> Any:
    body = {"at": at.isoformat(), "route": "sublingual", "dose_mg": mg, "lot": "LOT-7"}
    return _send(http, "POST", _url(appointment, "/doses"), body)


def _discharge(http: HttpClient, appointment: Appointment, at: dt.datetime, **state: bool) -> Any:
    body = {"at": at.isoformat(), "alert_oriented": True, "steady_gait": True,
            "escort_present": True, **state}  # fmt: skip
    return _send(http, "POST", _url(appointment, "/discharge"), body)


def _dosed(http: HttpClient, appointment: Appointment, dose_at: dt.datetime) -> None:
    assert _send(http, "PUT", _url(appointment, "/checklist"), CHECKLIST).status_code == 200
    assert _vitals(http, appointment, dose_at - 5 * MINUTE, (124, 80)).status_code == 201
    assert _dose(http, appointment, dose_at, "100").status_code == 201


def test_a_whole_session_through_the_api(
    signed_in: SignIn, appointment: Appointment, now: dt.datetime
) -> None:
    monitor = signed_in(Role.MONITOR)

    # Given a record with nothing in it
    empty = monitor.get(_url(appointment)).json()
    assert empty["started"] is False
    assert empty["next_vitals"]["kind"] == "pre_dose"

    # When the checklist is saved, pre-dose vitals taken and the dose given
    saved = _send(monitor, "PUT", _url(appointment, "/checklist"), CHECKLIST).json()
    assert [m["subject"] for m in saved["checklist"]["missing"]] == ["predose_vitals"]
    dose_at = now - 121 * MINUTE
    _vitals(monitor, appointment, dose_at - 5 * MINUTE, (124, 80))
    assert _dose(monitor, appointment, dose_at, "100").status_code == 201

    # and a reading goes out of range
    high = _vitals(monitor, appointment, dose_at + 40 * MINUTE, (184, 96))
    assert high.status_code == 201
    assert [a["rule"] for a in high.json()["alerts"]] == ["vitals.systolic_high"]

    # Then discharge is refused with every reason while the last reading is high
    refused = _discharge(monitor, appointment, now, escort_present=False)
    assert refused.status_code == 422
    assert _rules(refused) == [
        "discharge.vitals_not_recent",
        "discharge.vitals_out_of_range",
        "discharge.escort_missing",
    ]

    # and allowed once the vitals are back and the escort is here
    _vitals(monitor, appointment, now - MINUTE, (132, 84))
    done = _discharge(monitor, appointment, now)
    assert done.status_code == 200, done.json()
    record = done.json()
    assert record["discharge"]["at"] is not None
    assert [a["rule"] for a in record["alerts"]] == ["vitals.systolic_high"]
    assert record["billing"]["units_0820t"] == 2
    assert record["billing"]["units_0822t"] == 2
    assert record["monitoring_minutes"] == 121

    # and the signatures lock it
    for role in (Role.MONITOR, Role.THERAPIST, Role.MEDICAL_PROVIDER):
        signed = _send(
            signed_in(role), "POST", _url(appointment, "/sign"), {"password": TEST_PASSWORD}
        )
        assert signed.status_code == 200, signed.json()
    final = signed.json()
    assert final["locked"] is True
    assert final["completed"] is True
    assert sorted(s["role"] for s in final["signatures"]) == [
        "medical_provider",
        "monitor",
        "therapist",
    ]
    late = _vitals(signed_in(Role.MONITOR), appointment, now, (120, 80))
    assert _rules(late) == ["record.locked"]
    addendum = _send(
        signed_in(Role.THERAPIST), "POST", _url(appointment, "/addenda"), {"text": "Slept well."}
    )
    assert addendum.status_code == 201


@pytest.mark.parametrize(("second", "status"), [("100.00", 201), ("100.01", 422)])
def test_doses_add_up_against_the_orders_maximum(
    signed_in: SignIn, appointment: Appointment, now: dt.datetime, second: str, status: int
) -> None:
    monitor = signed_in(Role.MONITOR)
    _dosed(monitor, appointment, now - 30 * MINUTE)

    response = _dose(monitor, appointment, now, second)

    assert response.status_code == status
    if status == 422:
        assert _rules(response) == ["dose.exceeds_order"]
        assert DoseAdministration.objects.count() == 1


def test_a_dose_without_checklist_lists_every_reason(
    signed_in: SignIn, appointment: Appointment, now: dt.datetime
) -> None:
    response = _dose(signed_in(Role.MEDICAL_PROVIDER), appointment, now, "250")

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == body["violations"][0]["message"]
    assert _rules(response)[0] == "dose.exceeds_order"
    assert set(_rules(response)[1:]) == {"dose.checklist_incomplete"}
    assert len(body["violations"]) == 8  # the order, and each of seven missing items
    assert not MedicineSession.objects.exists()  # a refused first entry leaves nothing


@pytest.mark.parametrize(
    ("bp", "rules"),
    [((159, 99), ["dose.predose_vitals_ack_required"]), ((160, 99), ["dose.predose_vitals_hold"])],
)
def test_the_hold_rule_through_the_api(
    signed_in: SignIn,
    appointment: Appointment,
    now: dt.datetime,
    bp: tuple[int, int],
    rules: list[str],
) -> None:
    monitor = signed_in(Role.MONITOR)
    _send(monitor, "PUT", _url(appointment, "/checklist"), CHECKLIST)
    _vitals(monitor, appointment, now - MINUTE, bp)

    assert _rules(_dose(monitor, appointment, now, "100")) == rules


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"password": "not-my-password"}, "That is not your password. Enter it again to sign."),
        ({}, None),
    ],
)
def test_signing_needs_the_signers_own_password(
    signed_in: SignIn,
    appointment: Appointment,
    now: dt.datetime,
    staff: dict[Role, StaffMember],
    body: dict[str, str],
    message: str | None,
) -> None:
    # Given a discharged session
    monitor = signed_in(Role.MONITOR)
    _dosed(monitor, appointment, now - 121 * MINUTE)
    _vitals(monitor, appointment, now - MINUTE, (130, 85))
    assert _discharge(monitor, appointment, now).status_code == 200
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    # When the monitor signs without their password, or with another one
    response = _send(monitor, "POST", _url(appointment, "/sign"), body)

    # Then a 422 on the password field, nothing signed or locked
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["password"]
    if message is not None:
        assert response.json()["errors"][0]["message"] == message
    record = MedicineSession.objects.get(appointment=appointment)
    assert (record.locked_at, record.signatures.count()) == (None, 0)
    assert Appointment.objects.get(pk=appointment.pk).status == "booked"
    # and a wrong password is left in the audit trail as a failed attempt by the monitor
    attempts = list(AuditEvent.objects.filter(seq__gt=before, detail="sign:password_not_confirmed"))
    if message is not None:
        assert [(e.outcome, e.actor_id, e.client_id) for e in attempts] == [
            ("failure", staff[Role.MONITOR].user.pk, appointment.client_id)
        ]
    else:
        assert attempts == []

    # When they sign with it, it is signed
    signed = _send(monitor, "POST", _url(appointment, "/sign"), {"password": TEST_PASSWORD})
    assert signed.status_code == 200, signed.json()
    assert signed.json()["locked"] is True


@pytest.mark.parametrize(("minutes", "status"), [(119, 422), (120, 200)])
def test_discharge_at_the_minimum_monitoring_time(
    signed_in: SignIn, appointment: Appointment, now: dt.datetime, minutes: int, status: int
) -> None:
    monitor = signed_in(Role.MONITOR)
    _dosed(monitor, appointment, now - minutes * MINUTE)
    _vitals(monitor, appointment, now - MINUTE, (130, 85))

    response = _discharge(monitor, appointment, now)

    assert response.status_code == status
    if status == 422:
        assert _rules(response) == ["discharge.min_monitoring"]


@pytest.mark.parametrize(("systolic", "alerts"), [(179, []), (180, ["vitals.systolic_high"])])
def test_alerts_at_the_systolic_threshold(
    signed_in: SignIn, appointment: Appointment, now: dt.datetime, systolic: int, alerts: list[str]
) -> None:
    response = _vitals(signed_in(Role.MONITOR), appointment, now, (systolic, 90))

    assert [a["rule"] for a in response.json()["alerts"]] == alerts


def test_times_need_an_offset_and_may_not_be_in_the_future(
    signed_in: SignIn, appointment: Appointment, now: dt.datetime
) -> None:
    monitor = signed_in(Role.MONITOR)
    naive = {"at": "2026-05-01T10:00:00", "systolic": 120, "diastolic": 80, "heart_rate": 70,
             "spo2": 98}  # fmt: skip

    no_offset = _send(monitor, "POST", _url(appointment, "/vitals"), naive)
    future = _vitals(monitor, appointment, now + 5 * MINUTE, (120, 80))

    assert no_offset.status_code == 422
    assert [e["field"] for e in no_offset.json()["errors"]] == ["at"]
    assert _rules(future) == ["vitals.time_in_future"]


def test_front_desk_cannot_see_the_record_and_nothing_leaks(
    signed_in: SignIn, appointment: Appointment, team_client: Client
) -> None:
    response = signed_in(Role.FRONT_DESK).get(_url(appointment))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert team_client.legal_family_name.encode() not in response.content
    denied = AuditEvent.objects.get(action="denied")
    assert (denied.client_id, denied.category) == (team_client.pk, "medicine_session")


def test_an_off_team_monitor_not_booked_today_gets_404(
    signed_in: SignIn, other_client: Client, staff: dict[Role, StaffMember], now: dt.datetime
) -> None:
    elsewhere = ready_medicine_appointment(
        other_client, staff, start=now - 30 * MINUTE, booked=[staff[Role.THERAPIST]]
    )

    assert signed_in(Role.MONITOR).get(_url(elsewhere)).status_code == 404


def test_a_monitor_booked_today_sees_an_off_team_clients_record(
    signed_in: SignIn, other_client: Client, staff: dict[Role, StaffMember], now: dt.datetime
) -> None:
    today = ready_medicine_appointment(other_client, staff, start=now - 30 * MINUTE)

    assert signed_in(Role.MONITOR).get(_url(today)).status_code == 200


def test_a_serious_adverse_event_is_flagged(
    signed_in: SignIn, appointment: Appointment, now: dt.datetime
) -> None:
    body = {"at": now.isoformat(), "kind": "excessive_sedation", "severity": "serious",
            "action": "Recovery position, oxygen, medical provider called."}  # fmt: skip

    response = _send(signed_in(Role.MONITOR), "POST", _url(appointment, "/adverse-events"), body)

    assert response.status_code == 201
    assert response.json()["serious"] is True
    record = signed_in(Role.THERAPIST).get(_url(appointment)).json()
    assert record["required_signatures"] == ["monitor", "therapist", "medical_provider"]


def test_a_screening_answers_its_evaluation(signed_in: SignIn, team_client: Client) -> None:
    body = {
        "answers": {
            "contraindication.psychosis": {"answer": "yes", "notes": "Brief episode, 2019."},
            "contraindication.cystitis": {"answer": "no"},
        },
        "pregnancy_status": "not_pregnant",
        "baseline_systolic": 150,
        "baseline_diastolic": 85,
    }

    response = _send(
        signed_in(Role.MEDICAL_PROVIDER),
        "POST",
        f"/api/v1/clients/{team_client.pk}/medical-screenings",
        body,
    )

    assert response.status_code == 201
    evaluation = response.json()["evaluation"]
    assert [f["code"] for f in evaluation["absolute"]] == ["contraindication.psychosis"]
    assert [f["code"] for f in evaluation["relative"]] == [
        "contraindication.uncontrolled_hypertension"
    ]
    assert "contraindication.high_dissociation" in [u["code"] for u in evaluation["unknown"]]
    assert evaluation["may_clear"] is False
    assert response.json()["version"] == 1


def test_clearing_through_the_scheduling_api_is_refused_without_a_screening(
    signed_in: SignIn, team_client: Client
) -> None:
    response = _send(
        signed_in(Role.MEDICAL_PROVIDER),
        "POST",
        f"/api/v1/clients/{team_client.pk}/clearances",
        {"status": "cleared", "valid_until": "2099-01-01"},
    )

    assert response.status_code == 422
    assert _rules(response) == ["clearance.no_screening"]


def test_screenings_are_listed_newest_first_with_their_evaluation(
    signed_in: SignIn, team_client: Client, django_assert_max_num_queries: Any
) -> None:
    doctor = signed_in(Role.MEDICAL_PROVIDER)
    url = f"/api/v1/clients/{team_client.pk}/medical-screenings"
    for answer in ("yes", "no", "no"):
        body = {"answers": {"contraindication.mania": {"answer": answer}},
                "pregnancy_status": "not_applicable"}  # fmt: skip
        assert _send(doctor, "POST", url, body).status_code == 201

    therapist = signed_in(Role.THERAPIST)
    with django_assert_max_num_queries(15):
        listed = therapist.get(url + "?limit=2")

    assert listed.status_code == 200
    page = listed.json()
    assert page["count"] == 3
    assert [s["version"] for s in page["items"]] == [3, 2]
    assert signed_in(Role.MONITOR).get(url).status_code == 404
    assert signed_in(Role.FRONT_DESK).get(url).status_code == 404
