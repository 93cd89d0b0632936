"""The pathway: plan (and its history), consents, screenings, clearances, dose orders.

Rows written directly, as a fixture: the pathway services have their own tests. The
staff who record them belong to the client's practice (``_staff_of``).
"""

import datetime as dt
from decimal import Decimal

import factory
from django.db.models import Max

from kapcare.pathway.models import (
    Clearance,
    Consent,
    ConsentDocument,
    Diagnosis,
    DoseOrder,
    GoalReview,
    MedicalScreening,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
    PlanProblemWording,
    PlanReview,
    PracticeDiagnosisCode,
    ScreeningAnswer,
    TreatmentPlan,
    TreatmentPlanVersion,
)
from kapcare.people.policy import Role
from tests.factories._base import RECORDED_AT
from tests.factories.people import ClientFactory, PracticeFactory, StaffFactory


def _staff_of(role: Role) -> factory.SubFactory:
    """A staff member of the client's practice holding ``role``."""
    return factory.SubFactory(
        StaffFactory, practice=factory.SelfAttribute("..client.practice"), roles=[role]
    )


class TreatmentPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentPlan

    client = factory.SubFactory(ClientFactory)
    format = "ongoing"
    status = "active"
    updated_by = _staff_of(Role.THERAPIST)
    updated_at = RECORDED_AT


class TreatmentPlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentPlanVersion

    plan = factory.SubFactory(TreatmentPlanFactory)
    client = factory.SelfAttribute("plan.client")
    format = factory.SelfAttribute("plan.format")
    status = factory.SelfAttribute("plan.status")
    includes_kap = True
    includes_parts_work = False
    includes_emdr = False
    changed_by = factory.SelfAttribute("plan.updated_by")
    changed_at = RECORDED_AT


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    kind = "kap_informed_consent"
    version = "2025-1"
    signed_on = dt.date(2025, 1, 6)
    recorded_by = _staff_of(Role.THERAPIST)
    recorded_at = RECORDED_AT


def _next_version(model: type[MedicalScreening] | type[Clearance]) -> factory.LazyAttribute:
    def version(row: MedicalScreening | Clearance) -> int:
        top = model.objects.filter(client=row.client).aggregate(top=Max("version"))["top"]
        return (top or 0) + 1

    return factory.LazyAttribute(version)


class MedicalScreeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MedicalScreening

    client = factory.SubFactory(ClientFactory)
    version = _next_version(MedicalScreening)
    pregnancy_status = "not_applicable"
    recorded_by = _staff_of(Role.MEDICAL_PROVIDER)
    recorded_at = RECORDED_AT


class ScreeningAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScreeningAnswer

    screening = factory.SubFactory(MedicalScreeningFactory)
    code = factory.Sequence(lambda n: f"test_item_{n}")
    answer = "no"


class ClearanceFactory(factory.django.DjangoModelFactory):
    """A clearance as a medical provider records it (the next version of the client's)."""

    class Meta:
        model = Clearance

    client = factory.SubFactory(ClientFactory)
    version = _next_version(Clearance)
    status = "cleared"
    valid_until = dt.date(2099, 1, 1)
    recorded_by = factory.SubFactory(StaffFactory)
    recorded_at = factory.LazyFunction(lambda: dt.datetime(2025, 1, 1, tzinfo=dt.UTC))


class DoseOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoseOrder

    client = factory.SubFactory(ClientFactory)
    route = "sublingual"
    dose_mg = Decimal(100)
    max_dose_mg = Decimal(200)
    active_from = dt.date(2025, 1, 6)
    ordered_by = _staff_of(Role.MEDICAL_PROVIDER)
    ordered_at = RECORDED_AT


class PracticeDiagnosisCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeDiagnosisCode

    practice = factory.SubFactory(PracticeFactory)
    code = factory.Sequence(lambda n: f"Z{n:02d}.9")
    description = "A code the practice added (synthetic)"


class DiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnosis

    client = factory.SubFactory(ClientFactory)
    code = "F43.10"
    description = "Post-traumatic stress disorder, unspecified"
    noted_on = dt.date(2025, 1, 6)
    recorded_by = _staff_of(Role.THERAPIST)
    recorded_at = RECORDED_AT


class ConsentDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentDocument

    practice = factory.SubFactory(PracticeFactory)
    kind = "kap_informed_consent"
    version = factory.Sequence(lambda n: f"test-{n}")
    title = "Informed consent (synthetic)"
    body = "A synthetic consent text."
    sha256 = "0" * 64
    published_at = RECORDED_AT
    published_by = factory.SubFactory(
        StaffFactory, practice=factory.SelfAttribute("..practice"), roles=[Role.THERAPIST]
    )


class PlanProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanProblem

    plan = factory.SubFactory(TreatmentPlanFactory)
    client = factory.SelfAttribute("plan.client")
    description = "Freezes when a partner withdraws (synthetic)"
    created_by = factory.SelfAttribute("plan.updated_by")
    created_at = RECORDED_AT


class PlanProblemWordingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanProblemWording

    problem = factory.SubFactory(PlanProblemFactory)
    client = factory.SelfAttribute("problem.client")
    description = "Shuts down when a partner goes quiet (synthetic, earlier wording)"
    replaced_by = factory.SelfAttribute("problem.created_by")
    replaced_at = RECORDED_AT


class PlanGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanGoal

    plan = factory.SubFactory(TreatmentPlanFactory)
    client = factory.SelfAttribute("plan.client")
    description = "Fewer trauma symptoms (synthetic)"
    instrument_code = "PCL-5"
    comparison = "below"
    target = Decimal(33)
    created_by = factory.SelfAttribute("plan.updated_by")
    created_at = RECORDED_AT


class PlanInterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanIntervention

    plan = factory.SubFactory(TreatmentPlanFactory)
    client = factory.SelfAttribute("plan.client")
    kind = "parts_work"
    frequency = "weekly"
    created_by = factory.SelfAttribute("plan.updated_by")
    created_at = RECORDED_AT


class PlanReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanReview

    plan_version = factory.SubFactory(TreatmentPlanVersionFactory)
    plan = factory.SelfAttribute("plan_version.plan")
    client = factory.SelfAttribute("plan.client")
    reviewed_on = dt.date(2025, 4, 1)
    next_review_on = dt.date(2025, 6, 30)
    signed_by = factory.SelfAttribute("plan.updated_by")
    signed_at = RECORDED_AT


class GoalReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalReview

    review = factory.SubFactory(PlanReviewFactory)
    goal = factory.SubFactory(PlanGoalFactory, plan=factory.SelfAttribute("..review.plan"))
    progress = "some_progress"
