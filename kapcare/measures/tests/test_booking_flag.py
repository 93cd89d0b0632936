"""An unreviewed suicidality or suicide-risk flag stops booking a medicine session.

The client and calendar are the one world made ready for medicine as the scheduling API
tests make it (an active plan, consent, clearance, dose order and preparation), so only
the flag differs.
"""

from typing import Any

import pytest

from kapcare.measures.models import RiskFlag
from kapcare.measures.tests.care import ASQ_NEGATIVE, DES_HIGH, PHQ9_FLAGGED, post_json
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.tests.test_api import medicine_body, rules_of
from kapcare.scheduling.tests.test_api import world as world  # the fixture
from tests.world import World

pytestmark = pytest.mark.django_db
RULE = "safety.unreviewed_risk_flag"


def _measure(signed_in: Any, world: World, instrument: str, answers: list[Any]) -> Any:
    response = post_json(
        signed_in(Role.THERAPIST),
        f"/api/v1/clients/{world.client.pk}/measures",
        {"instrument": instrument, "answers": answers},
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_medicine_booking_is_refused_while_a_flag_is_open_and_allowed_after_review(
    signed_in: Any, world: World
) -> None:
    # Given a PHQ-9 with item 9 above zero: an open suicidality flag
    recorded = _measure(signed_in, world, "PHQ-9", PHQ9_FLAGGED)
    [flag] = recorded["risk_flags"]
    assert flag["code"] == "suicidality"

    # When the front desk books a medicine session, then it is refused for the flag alone
    refused = post_json(signed_in(Role.FRONT_DESK), "/api/v1/appointments", medicine_body(world))
    assert refused.status_code == 422
    assert rules_of(refused) == [RULE]
    assert not Appointment.objects.filter(kind="medicine").exists()

    # When a clinician reviews the flag with a note, then the same booking goes through
    review = post_json(
        signed_in(Role.THERAPIST),
        f"/api/v1/clients/{world.client.pk}/risk-flags/{flag['id']}/review",
        {"note": "Risk assessed: passive thoughts, no plan or intent; safety plan updated."},
    )
    assert review.status_code == 200, review.json()
    booked = post_json(signed_in(Role.FRONT_DESK), "/api/v1/appointments", medicine_body(world))
    assert booked.status_code == 201, booked.json()


def test_an_acute_asq_blocks_and_a_negative_one_does_not(signed_in: Any, world: World) -> None:
    _measure(signed_in, world, "ASQ", ASQ_NEGATIVE)
    checked = post_json(
        signed_in(Role.FRONT_DESK), "/api/v1/appointments/check", medicine_body(world)
    )
    assert checked.json() == {"ok": True, "violations": []}

    _measure(signed_in, world, "ASQ", [True, True, False, False, True])
    checked = post_json(
        signed_in(Role.FRONT_DESK), "/api/v1/appointments/check", medicine_body(world)
    )
    assert rules_of(checked) == [RULE]


def test_high_dissociation_is_not_a_booking_stop(signed_in: Any, world: World) -> None:
    # A DES-II of 40 is for the medical provider's screening to weigh (see test_care_services)
    _measure(signed_in, world, "DES-II", DES_HIGH)
    checked = post_json(
        signed_in(Role.FRONT_DESK), "/api/v1/appointments/check", medicine_body(world)
    )
    # Only suicidality and suicide risk stop booking.
    assert checked.json() == {"ok": True, "violations": []}
    assert not RiskFlag.objects.filter(code__in=["suicidality", "suicide_risk"]).exists()
