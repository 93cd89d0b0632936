"""API shapes for plans, consents, medical screenings, clearances and dose orders.

A stable contract (issues 3 and 5): keep these names, add freely. Dates are
``YYYY-MM-DD``; times are ISO-8601 with an offset.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, cast

from ninja import Field

from kapcare.core.api_fields import Day, LongText, Text
from kapcare.core.api_schema import Schema
from kapcare.pathway.diagnoses import ICD10_SYSTEM
from kapcare.pathway.models import (
    Clearance,
    Consent,
    Diagnosis,
    DoseOrder,
    MedicalScreening,
    TreatmentPlan,
)
from kapcare.pathway.screening import ScreeningEvaluation
from kapcare.pathway.vocabulary import (
    Answer,
    ClearanceStatus,
    ConsentKind,
    OrderableRoute,
    PlanFormat,
    PlanStatus,
    PregnancyStatus,
    TreatmentModality,
)

Milligrams = Annotated[Decimal, Field(gt=0, max_digits=6, decimal_places=2)]
Version = Annotated[Text, Field(min_length=1, max_length=40)]


class PlanIn(Schema):
    format: PlanFormat
    status: PlanStatus
    modalities: list[TreatmentModality] = Field(min_length=1, max_length=3)
    relational_goals: Text | None = Field(None, max_length=5000)
    planned_preparation_count: int | None = Field(None, ge=0, le=50)
    review_due_on: Day | None = Field(
        None, description="When the plan is next reviewed; kept as it is when left out."
    )


class PlanOut(Schema):
    id: int
    client: int
    format: PlanFormat
    status: PlanStatus
    modalities: list[TreatmentModality]
    relational_goals: str
    planned_preparation_count: int | None
    updated_at: dt.datetime
    review_due_on: dt.date | None = None

    @staticmethod
    def of(plan: TreatmentPlan) -> "PlanOut":
        return PlanOut(
            id=plan.pk,
            client=plan.client_id,
            format=PlanFormat(plan.format),
            status=PlanStatus(plan.status),
            modalities=plan.modalities,
            relational_goals=plan.relational_goals,
            planned_preparation_count=plan.planned_preparation_count,
            updated_at=plan.updated_at,
            review_due_on=plan.review_due_on,
        )


class ConsentIn(Schema):
    kind: ConsentKind
    signed_on: Day
    version: Version


class ConsentOut(Schema):
    id: int
    client: int
    kind: ConsentKind
    version: str
    signed_on: dt.date
    revoked_on: dt.date | None

    @staticmethod
    def of(consent: Consent) -> "ConsentOut":
        return ConsentOut(
            id=consent.pk,
            client=consent.client_id,
            kind=ConsentKind(consent.kind),
            version=consent.version,
            signed_on=consent.signed_on,
            revoked_on=consent.revoked_on,
        )


class ConsentRevokeIn(Schema):
    revoked_on: Day


ContraindicationCode = Annotated[Text, Field(min_length=1, max_length=80)]
Justification = Annotated[Text, Field(max_length=2000)]


class ClearanceIn(Schema):
    status: ClearanceStatus
    valid_until: Day
    note: Text = Field("", max_length=2000)
    justifications: dict[ContraindicationCode, Justification] = Field(
        default_factory=dict,
        max_length=40,
        description=(
            "For `cleared`: a written justification per relative contraindication the latest "
            'medical screening found, by its code (e.g. `{"contraindication.cystitis": '
            '"Urology review: resolved."}`). A missing one is refused with '
            "`clearance.justification_required`."
        ),
    )


class ClearanceOut(Schema):
    id: int
    client: int
    status: ClearanceStatus
    valid_until: dt.date
    note: str
    recorded_at: dt.datetime

    @staticmethod
    def of(clearance: Clearance) -> "ClearanceOut":
        return ClearanceOut(
            id=clearance.pk,
            client=clearance.client_id,
            status=ClearanceStatus(clearance.status),
            valid_until=clearance.valid_until,
            note=clearance.note,
            recorded_at=clearance.recorded_at,
        )


class DoseOrderIn(Schema):
    route: OrderableRoute
    dose_mg: Milligrams
    max_dose_mg: Milligrams
    active_from: Day | None = None
    active_to: Day | None = None


class DoseOrderOut(Schema):
    id: int
    client: int
    route: OrderableRoute
    dose_mg: Decimal
    max_dose_mg: Decimal
    active_from: dt.date
    active_to: dt.date | None

    @staticmethod
    def of(order: DoseOrder) -> "DoseOrderOut":
        return DoseOrderOut(
            id=order.pk,
            client=order.client_id,
            route=cast(OrderableRoute, order.route),
            dose_mg=order.dose_mg,
            max_dose_mg=order.max_dose_mg,
            active_from=order.active_from,
            active_to=order.active_to,
        )


# --- medical screening ---------------------------------------------------------------


class AnswerIn(Schema):
    answer: Answer
    notes: Text = Field("", max_length=2000)


class ScreeningIn(Schema):
    answers: dict[Annotated[Text, Field(max_length=80)], AnswerIn] = Field(
        description="Contraindication code -> {answer: yes|no|unknown, notes}. Items left out "
        "are unknown. Pregnancy is answered by pregnancy_status.",
        max_length=40,
    )
    pregnancy_status: PregnancyStatus
    history: LongText = ""
    medications: LongText = Field(
        "", description="Including benzodiazepines, hypnotics, stimulants, MAOIs and opioids."
    )
    baseline_systolic: int | None = Field(None, ge=0, le=1000)
    baseline_diastolic: int | None = Field(None, ge=0, le=1000)
    baseline_heart_rate: int | None = Field(None, ge=0, le=1000)
    baseline_spo2: int | None = Field(None, ge=0, le=1000)
    baseline_weight_kg: Decimal | None = Field(None, ge=0, max_digits=5, decimal_places=1)


class FindingOut(Schema):
    code: str
    severity: str
    message: str
    detail: str
    source: str


class UnknownOut(Schema):
    code: str
    message: str


class EvaluationOut(Schema):
    absolute: list[FindingOut]
    relative: list[FindingOut]
    unknown: list[UnknownOut]
    may_clear: bool = Field(
        description="No absolute finding and nothing unknown: 'cleared' needs only the "
        "justifications of the relative findings."
    )

    @staticmethod
    def of(evaluation: ScreeningEvaluation) -> "EvaluationOut":
        return EvaluationOut(
            absolute=[
                FindingOut(
                    code=f.code,
                    severity=f.severity.value,
                    message=f.message,
                    detail=f.detail,
                    source=f.source,
                )
                for f in evaluation.absolute
            ],
            relative=[
                FindingOut(
                    code=f.code,
                    severity=f.severity.value,
                    message=f.message,
                    detail=f.detail,
                    source=f.source,
                )
                for f in evaluation.relative
            ],
            unknown=[UnknownOut(code=u.code, message=u.message) for u in evaluation.unknown],
            may_clear=not evaluation.absolute and not evaluation.unknown,
        )


class AnswerOut(Schema):
    code: str
    answer: Answer
    notes: str


class ScreeningOut(Schema):
    id: int
    client: int
    version: int
    recorded_at: dt.datetime
    recorded_by: int
    pregnancy_status: PregnancyStatus
    history: str
    medications: str
    baseline_systolic: int | None
    baseline_diastolic: int | None
    baseline_heart_rate: int | None
    baseline_spo2: int | None
    baseline_weight_kg: Decimal | None
    answers: list[AnswerOut]
    des_ii_total: Decimal | None
    unreviewed_suicide_flag: bool | None = Field(description="None: not known.")
    evaluation: EvaluationOut

    @staticmethod
    def of(record: MedicalScreening, evaluation: ScreeningEvaluation) -> "ScreeningOut":
        """Needs ``answers`` prefetched (or it costs a query)."""
        return ScreeningOut(
            id=record.pk,
            client=record.client_id,
            version=record.version,
            recorded_at=record.recorded_at,
            recorded_by=record.recorded_by_id,
            pregnancy_status=PregnancyStatus(record.pregnancy_status),
            history=record.history,
            medications=record.medications,
            baseline_systolic=record.baseline_systolic,
            baseline_diastolic=record.baseline_diastolic,
            baseline_heart_rate=record.baseline_heart_rate,
            baseline_spo2=record.baseline_spo2,
            baseline_weight_kg=record.baseline_weight_kg,
            answers=[
                AnswerOut(code=a.code, answer=Answer(a.answer), notes=a.notes)
                for a in record.answers.all()
            ],
            des_ii_total=record.des_ii_total,
            unreviewed_suicide_flag=record.unreviewed_suicide_flag,
            evaluation=EvaluationOut.of(evaluation),
        )


class DiagnosisIn(Schema):
    code: Text = Field(max_length=8, description="ICD-10-CM, from the practice's list (F43.10).")
    noted_on: Day


class DiagnosisResolveIn(Schema):
    resolved_on: Day = Field(description="On or after the day it was noted; not later than today.")


class DiagnosisOut(Schema):
    id: int
    client: int
    code: str
    system: str = Field(description="The code system: ICD-10-CM's FHIR URI.")
    description: str
    noted_on: dt.date
    resolved_on: dt.date | None
    active: bool

    @staticmethod
    def of(diagnosis: "Diagnosis") -> "DiagnosisOut":
        return DiagnosisOut(
            id=diagnosis.pk,
            client=diagnosis.client_id,
            code=diagnosis.code,
            system=ICD10_SYSTEM,
            description=diagnosis.description,
            noted_on=diagnosis.noted_on,
            resolved_on=diagnosis.resolved_on,
            active=diagnosis.active,
        )
