"""The demo practice's measures: loaded after the schedule, once, consistent with scoring."""

from io import StringIO

import pytest
from django.core.management import call_command

from kapcare.measures import flags
from kapcare.measures.demo import load_demo_measures
from kapcare.measures.models import MeasureAssignment, MeasureResponse, RiskFlag
from kapcare.measures.registry import get_instrument
from kapcare.people.models import Client

pytestmark = pytest.mark.django_db


def test_load_demo_adds_measures_once() -> None:
    call_command("load_demo", stdout=StringIO())
    counts = (
        MeasureResponse.objects.count(),
        RiskFlag.objects.count(),
        MeasureAssignment.objects.count(),
    )
    assert counts == (70, 2, 5)

    call_command("load_demo", stdout=StringIO())
    assert load_demo_measures().created_responses == 0
    assert (
        MeasureResponse.objects.count(),
        RiskFlag.objects.count(),
        MeasureAssignment.objects.count(),
    ) == counts


def test_demo_scores_are_what_the_engine_gives_and_one_flag_is_open() -> None:
    call_command("load_demo", stdout=StringIO())
    for response in MeasureResponse.objects.all():
        scored = get_instrument(response.instrument_code).score(response.answers)
        assert (scored.total, scored.severity or "", scored.flags) == (
            None if response.total is None else float(response.total),
            response.severity,
            response.flags,
        )
    harper = Client.objects.get(legal_given_name="Harper")
    totals = list(
        MeasureResponse.objects.filter(client=harper, instrument_code="PHQ-9")
        .order_by("completed_at")
        .values_list("total", flat=True)
    )
    assert [int(t) for t in totals if t is not None] == [19, 16, 13, 10, 7]
    caleb = Client.objects.get(legal_given_name="Caleb")
    assert flags.open_safety_flags(caleb.pk) == ["suicidality"]
    assert flags.open_safety_flags(harper.pk) == []
    assert flags.latest_des_total(harper.pk) == 17.86  # 22 items of 20 and 6 of 10
