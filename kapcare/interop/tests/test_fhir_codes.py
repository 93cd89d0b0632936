"""The codes issue 13 names, each on the resource that carries it: an instrument's total
in LOINC where LOINC has a code for it (PHQ-9 44261-6, GAD-7 69737-5), in KAP Care's own
instrument system where it has none (PCL-5: no code is invented)."""

import datetime as dt
from decimal import Decimal

import pytest

from kapcare.interop.fhir.codes import KAPCARE_INSTRUMENT, LOINC
from kapcare.interop.fhir.measures import total_observation
from kapcare.interop.tests.fhir_checks import validate
from kapcare.measures.models import MeasureResponse

AT = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("instrument", "coding"),
    [
        ("PHQ-9", {"system": LOINC, "code": "44261-6",
                   "display": "Patient Health Questionnaire 9 item (PHQ-9) total score"}),
        ("GAD-7", {"system": LOINC, "code": "69737-5",
                   "display": "Generalized anxiety disorder 7 item (GAD-7)"}),
        ("PCL-5", {"system": KAPCARE_INSTRUMENT, "code": "PCL-5",
                   "display": "PCL-5 total score"}),
    ],
)  # fmt: skip
def test_an_instruments_total_is_coded_in_loinc_where_loinc_has_a_code(
    instrument: str, coding: dict[str, str]
) -> None:
    response = MeasureResponse(
        pk=7, client_id=3, instrument_code=instrument, instrument_version="1.0",
        answers=[], source="link", completed_at=AT, total=Decimal(12),
    )  # fmt: skip
    observation = total_observation(response)
    assert observation is not None
    validate(observation)
    assert observation["code"] == {"coding": [coding], "text": coding["display"]}
    assert observation["valueQuantity"]["value"] == 12.0
    assert observation["category"][0]["coding"][0]["code"] == "survey"
