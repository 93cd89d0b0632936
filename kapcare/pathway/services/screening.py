"""Medical screenings: recorded in versions by a medical provider, each one evaluated.

The items are the contraindication catalogue (``pathway.thresholds``); the evaluation is
the pure ``pathway.screening``. A screening also records, as they stand when it is made,
the measures it rests on (``pathway.facts``: the latest DES-II, an open suicide flag).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.text import clean_text
from kapcare.core.violations import Violation
from kapcare.pathway import screening
from kapcare.pathway.access import access_for_medical_change
from kapcare.pathway.facts import screening_inputs
from kapcare.pathway.models import MedicalScreening, ScreeningAnswer
from kapcare.pathway.screening import BaselineVitals, ScreeningEvaluation
from kapcare.pathway.thresholds import (
    PLAUSIBLE_DIASTOLIC,
    PLAUSIBLE_HEART_RATE,
    PLAUSIBLE_SPO2,
    PLAUSIBLE_SYSTOLIC,
    Basis,
    ScreeningPolicy,
)
from kapcare.pathway.vocabulary import Answer, ClearanceStatus, PregnancyStatus
from kapcare.people.access import Actor, access_client, lock_client, staff_of
from kapcare.people.policy import Category

__all__ = [
    "PREGNANCY_CODE",
    "QUESTION_CODES",
    "ClearanceCheck",
    "ScreeningInput",
    "check_clearance_request",
    "evaluation_of",
    "latest_screening",
    "list_screenings",
    "measured_items",
    "record_screening",
    "screening_items",
]

MEDICAL = Category.MEDICAL
# The catalogue and cut-offs every screening is evaluated with (not a practice setting).
SCREENING = ScreeningPolicy()
CLEARANCE_NO_SCREENING = "clearance.no_screening"

QUESTION_CODES = tuple(
    c.code
    for c in SCREENING.contraindications
    if c.basis in screening.QUESTION_BASES and c.code != "contraindication.pregnancy"
)
PREGNANCY_CODE = "contraindication.pregnancy"
_PREGNANCY_ANSWER = {
    PregnancyStatus.PREGNANT: Answer.YES,
    PregnancyStatus.NOT_PREGNANT: Answer.NO,
    PregnancyStatus.NOT_APPLICABLE: Answer.NO,
    PregnancyStatus.UNKNOWN: Answer.UNKNOWN,
}


@dataclass(frozen=True)
class ScreeningInput:
    answers: Mapping[str, tuple[Answer, str]]  # code -> (answer, notes)
    pregnancy_status: PregnancyStatus
    history: str = ""
    medications: str = ""
    baseline_systolic: int | None = None
    baseline_diastolic: int | None = None
    baseline_heart_rate: int | None = None
    baseline_spo2: int | None = None
    baseline_weight_kg: Decimal | None = None


def _evaluate(record: MedicalScreening, answers: Mapping[str, Answer]) -> ScreeningEvaluation:
    return screening.evaluate_screening(
        answers,
        des_ii_total=record.des_ii_total,
        unreviewed_suicide_flag=record.unreviewed_suicide_flag,
        baseline_vitals=BaselineVitals(
            systolic=record.baseline_systolic,
            diastolic=record.baseline_diastolic,
            heart_rate=record.baseline_heart_rate,
            spo2=record.baseline_spo2,
            weight_kg=record.baseline_weight_kg,
        ),
        policy=SCREENING,
    )


def evaluation_of(record: MedicalScreening) -> ScreeningEvaluation:
    """The screening's evaluation (its answers must be prefetched or cost one query)."""
    answers = {a.code: Answer(a.answer) for a in record.answers.all()}
    return _evaluate(record, answers)


def record_screening(
    *, actor: Actor, client_id: int, data: ScreeningInput, now: dt.datetime
) -> tuple[MedicalScreening, ScreeningEvaluation]:
    """A new version of the client's medical screening (medical providers), evaluated."""
    staff = staff_of(actor, MEDICAL)
    client = access_for_medical_change(actor, client_id, "medical:screening")
    unknown = sorted(set(data.answers) - set(QUESTION_CODES))
    if unknown:
        raise FieldError(
            "answers",
            "Answer only the listed contraindication items"
            + (
                " (pregnancy is answered by pregnancy_status)."
                if PREGNANCY_CODE in unknown
                else "."
            ),
        )
    checks = (
        ("baseline_systolic", data.baseline_systolic, PLAUSIBLE_SYSTOLIC),
        ("baseline_diastolic", data.baseline_diastolic, PLAUSIBLE_DIASTOLIC),
        ("baseline_heart_rate", data.baseline_heart_rate, PLAUSIBLE_HEART_RATE),
        ("baseline_spo2", data.baseline_spo2, PLAUSIBLE_SPO2),
    )
    for name, value, (low, high) in checks:
        if value is not None and not low <= value <= high:
            raise FieldError(name, f"Enter a value from {low} to {high}.")
    if (
        data.baseline_systolic is not None
        and data.baseline_diastolic is not None
        and data.baseline_diastolic >= data.baseline_systolic
    ):
        raise FieldError("baseline_diastolic", "Diastolic pressure must be lower than systolic.")
    if data.baseline_weight_kg is not None and not Decimal(
        20
    ) <= data.baseline_weight_kg <= Decimal(400):
        raise FieldError("baseline_weight_kg", "Enter a weight from 20 to 400 kg.")
    inputs = screening_inputs(client.pk)
    with transaction.atomic():
        lock_client(client.pk)
        version = (
            MedicalScreening.objects.filter(client=client)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        ) + 1
        record = MedicalScreening.objects.create(
            client=client,
            version=version,
            history=clean_text(data.history, "history"),
            medications=clean_text(data.medications, "medications"),
            pregnancy_status=data.pregnancy_status.value,
            baseline_systolic=data.baseline_systolic,
            baseline_diastolic=data.baseline_diastolic,
            baseline_heart_rate=data.baseline_heart_rate,
            baseline_spo2=data.baseline_spo2,
            baseline_weight_kg=data.baseline_weight_kg,
            des_ii_total=inputs.des_ii_total,
            unreviewed_suicide_flag=inputs.open_suicide_flag,
            recorded_by=staff,
            recorded_at=now,
        )
        answers = {code: data.answers[code] for code in QUESTION_CODES if code in data.answers}
        ScreeningAnswer.objects.bulk_create(
            [
                ScreeningAnswer(
                    screening=record,
                    code=code,
                    answer=answer.value,
                    notes=clean_text(notes, f"answers.{code}.notes", limit=2000),
                )
                for code, (answer, notes) in answers.items()
            ]
            + [
                ScreeningAnswer(
                    screening=record,
                    code=PREGNANCY_CODE,
                    answer=_PREGNANCY_ANSWER[data.pregnancy_status].value,
                )
            ]
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=MEDICAL,
            detail=f"medical:screening:v{version}",
        )
    evaluation = evaluation_of(record)
    return record, evaluation


def list_screenings(
    *, actor: Actor, client_id: int, offset: int, limit: int
) -> tuple[list[tuple[MedicalScreening, ScreeningEvaluation]], int]:
    """The client's screenings, newest version first, each evaluated: an audited read."""
    client = access_client(actor, client_id, MEDICAL, detail="medical:screenings")
    screenings = MedicalScreening.objects.filter(client=client).order_by("-version")
    page = list(screenings.prefetch_related("answers")[offset : offset + limit])
    return [(s, evaluation_of(s)) for s in page], screenings.count()


def latest_screening(client_id: int) -> MedicalScreening | None:
    return (
        MedicalScreening.objects.filter(client_id=client_id)
        .prefetch_related("answers")
        .select_related("recorded_by__user")
        .order_by("-version")
        .first()
    )


def screening_items() -> list[tuple[str, str, str]]:
    """(code, label, severity) of the question items a screening form asks."""
    return [
        (c.code, c.label, c.severity.value)
        for c in SCREENING.contraindications
        if c.code in QUESTION_CODES
    ]


def measured_items() -> list[tuple[str, str, str]]:
    """(code, label, severity) of the items measures decide (DES-II, safety flags)."""
    return [
        (c.code, c.label, c.severity.value)
        for c in SCREENING.contraindications
        if c.basis in (Basis.DES_II, Basis.RISK_FLAG)
    ]


@dataclass(frozen=True)
class ClearanceCheck:
    violations: list[Violation]
    screening: MedicalScreening | None


def check_clearance_request(
    *, client_id: int, status: str, justifications: Mapping[str, str]
) -> ClearanceCheck:
    """What stops recording a clearance of ``status`` now (empty: it may be recorded).

    ``cleared`` needs a screening on file with no absolute finding, a written
    justification for each relative finding and no unknown item.
    """
    latest = latest_screening(client_id)
    if status != ClearanceStatus.CLEARED.value:
        return ClearanceCheck([], latest)
    if latest is None:
        return ClearanceCheck(
            [
                Violation(
                    rule=CLEARANCE_NO_SCREENING,
                    message="Record the client's medical screening before clearing them.",
                )
            ],
            None,
        )
    violations = screening.check_clearance(
        evaluation_of(latest), ClearanceStatus.CLEARED, justifications
    )
    return ClearanceCheck(violations, latest)
