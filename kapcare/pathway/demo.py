"""The demo practice's medical screenings, and what its clearances rest on.

Loaded after the schedule (which records the demo clearances and dose orders) and the
measures of the demo practice (``load_demo``), since a screening records the DES-II and
the risk flags as measures hold them. All synthetic: every demo client the schedule
cleared gets a medical screening (answered "no" throughout, baseline vitals) the day
before the clearance, and the clearance keeps it with a justification per relative
finding.

Idempotent: a client with a screening and a clearance resting on one are left alone,
so running ``load_demo`` again adds nothing.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from kapcare.pathway.facts import screening_inputs
from kapcare.pathway.models import Clearance, MedicalScreening, ScreeningAnswer
from kapcare.pathway.services.screening import PREGNANCY_CODE, QUESTION_CODES, evaluation_of
from kapcare.pathway.vocabulary import PregnancyStatus
from kapcare.people.demo import PRACTICE_NAME
from kapcare.people.models import StaffMember

__all__ = ["ScreeningLoadResult", "load_demo_screenings"]

# Written by the demo medical provider for a relative finding (synthetic).
JUSTIFICATION = "Demo: discussed with the therapist; grounding plan agreed and a lower first dose."


@dataclass
class ScreeningLoadResult:
    created_screenings: int = 0
    completed_clearances: int = 0


def _screening(clearance: Clearance, doctor: StaffMember) -> MedicalScreening:
    inputs = screening_inputs(clearance.client_id)
    record = MedicalScreening.objects.create(
        client_id=clearance.client_id,
        version=1,
        history="Demo: no significant medical history (synthetic).",
        medications="Demo: none regularly; no benzodiazepines, stimulants, MAOIs or opioids.",
        pregnancy_status=PregnancyStatus.NOT_PREGNANT,
        baseline_systolic=122,
        baseline_diastolic=78,
        baseline_heart_rate=68,
        baseline_spo2=98,
        baseline_weight_kg=Decimal("68.0"),
        des_ii_total=inputs.des_ii_total,
        unreviewed_suicide_flag=inputs.open_suicide_flag,
        recorded_by=doctor,
        recorded_at=clearance.recorded_at - dt.timedelta(days=1),
    )
    ScreeningAnswer.objects.bulk_create(
        [ScreeningAnswer(screening=record, code=code, answer="no") for code in QUESTION_CODES]
        + [ScreeningAnswer(screening=record, code=PREGNANCY_CODE, answer="no")]
    )
    return record


def _screenings(practice_name: str, result: ScreeningLoadResult) -> None:
    clearances = Clearance.objects.filter(client__practice__name=practice_name).select_related(
        "recorded_by"
    )
    for clearance in clearances.order_by("client_id", "recorded_at"):
        screening = (
            MedicalScreening.objects.filter(client_id=clearance.client_id)
            .order_by("version")
            .first()
        )
        if screening is None:
            screening = _screening(clearance, clearance.recorded_by)
            result.created_screenings += 1
        if clearance.screening_id is None:
            relative = evaluation_of(screening).relative
            clearance.screening = screening
            clearance.justifications = {f.code: JUSTIFICATION for f in relative}
            clearance.save(update_fields=["screening", "justifications"])
            result.completed_clearances += 1


def load_demo_screenings(practice_name: str = PRACTICE_NAME) -> ScreeningLoadResult:
    result = ScreeningLoadResult()
    with transaction.atomic():
        _screenings(practice_name, result)
    return result
