"""Questionnaire, QuestionnaireResponse, Observation (instrument totals), Flag.

Responses and their totals are ``clinical``; risk flags are ``safety``. A response's
answers are stored one value per item in the instrument's published order; the caller
passes the instrument's item link ids so the mapper stays pure.
"""

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from kapcare.interop.fhir.codes import (
    FLAG_CATEGORY,
    INSTRUMENT_TOTAL_LOINC,
    KAPCARE,
    KAPCARE_INSTRUMENT,
    KAPCARE_RISK_FLAG,
    LOINC,
    OBSERVATION_CATEGORY,
    UCUM,
    coding,
    concept,
    instant,
    ref,
)
from kapcare.measures.models import MeasureResponse, RiskFlag, RiskFlagCode


def questionnaire_id(code: str) -> str:
    """A FHIR id for an instrument code (``PHQ-9`` -> ``phq-9``)."""
    return re.sub(r"[^a-z0-9.-]", "-", code.lower())[:64]


def questionnaire_url(code: str) -> str:
    return f"{KAPCARE}/Questionnaire/{questionnaire_id(code)}"


def questionnaire(code: str, document: Mapping[str, Any]) -> dict[str, Any]:
    """The instrument's own FHIR Questionnaire, with its id and canonical URL."""
    resource = {key: value for key, value in document.items() if key != "id"}
    resource.update(
        {
            "resourceType": "Questionnaire",
            "id": questionnaire_id(code),
            "url": questionnaire_url(code),
        }
    )
    return resource


def _answer(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float | Decimal):
        return {"valueDecimal": float(value)}
    return {"valueString": str(value)}


def _author(response: MeasureResponse) -> dict[str, Any]:
    if response.entered_by_id is not None:
        return ref("Practitioner", response.entered_by_id)
    return ref("Patient", response.client_id)


def questionnaire_response(response: MeasureResponse, link_ids: Sequence[str]) -> dict[str, Any]:
    answers = response.answers if isinstance(response.answers, list) else []
    items = []
    for index, value in enumerate(answers):
        answer = _answer(value)
        if answer is None:
            continue
        link_id = link_ids[index] if index < len(link_ids) else str(index + 1)
        items.append({"linkId": link_id, "answer": [answer]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "questionnaire": f"{questionnaire_url(response.instrument_code)}",
        "status": "completed",
        "subject": ref("Patient", response.client_id),
        "authored": instant(response.completed_at),
        "author": _author(response),
        "source": ref("Patient", response.client_id),
    }
    if items:
        resource["item"] = items
    return resource


def total_code(instrument_code: str) -> dict[str, Any]:
    loinc = INSTRUMENT_TOTAL_LOINC.get(instrument_code)
    if loinc is not None:
        return concept(LOINC, loinc[0], loinc[1])
    display = f"{instrument_code} total score"
    return concept(KAPCARE_INSTRUMENT, instrument_code, display)


def total_observation_id(response_id: int) -> str:
    return f"measure-{response_id}"


def total_observation(response: MeasureResponse) -> dict[str, Any] | None:
    """The response's total score, or None for an instrument without one."""
    if response.total is None:
        return None
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": total_observation_id(response.pk),
        "status": "final",
        "category": [
            concept(OBSERVATION_CATEGORY, "survey", "Survey"),
        ],
        "code": total_code(response.instrument_code),
        "subject": ref("Patient", response.client_id),
        "effectiveDateTime": instant(response.completed_at),
        "performer": [_author(response)],
        "valueQuantity": {
            "value": float(response.total),
            "unit": "{score}",
            "system": UCUM,
            "code": "{score}",
        },
        "derivedFrom": [ref("QuestionnaireResponse", response.pk)],
    }
    if response.severity:
        resource["interpretation"] = [{"text": response.severity}]
    return resource


def flag(risk: RiskFlag) -> dict[str, Any]:
    label = RiskFlagCode(risk.code).label
    period: dict[str, Any] = {"start": instant(risk.raised_at)}
    if risk.reviewed_at is not None:
        period["end"] = instant(risk.reviewed_at)
    return {
        "resourceType": "Flag",
        "id": str(risk.pk),
        "status": "active" if risk.reviewed_at is None else "inactive",
        "category": [concept(FLAG_CATEGORY, "safety", "Safety")],
        "code": {"coding": [coding(KAPCARE_RISK_FLAG, risk.code, label)], "text": label},
        "subject": ref("Patient", risk.client_id),
        "period": period,
    }
