"""Measures: definitions, assignments, completion links, responses and risk flags.

A response written here is raw data (no scoring): tests of scoring go through
``measures.services``. ``RiskFlagFactory`` raises an open flag on a response of its client.
"""

import datetime as dt

import factory

from kapcare.measures.models import (
    CompletionLink,
    InstrumentDefinition,
    MeasureAssignment,
    MeasureResponse,
    RiskFlag,
)
from kapcare.people.policy import Role
from tests.factories._base import RECORDED_AT
from tests.factories.people import ClientFactory, StaffFactory


def _staff_of_client() -> factory.SubFactory:
    return factory.SubFactory(
        StaffFactory, practice=factory.SelfAttribute("..client.practice"), roles=[Role.THERAPIST]
    )


class InstrumentDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstrumentDefinition

    code = factory.Sequence(lambda n: f"TEST-{n}")
    version = "1.0"
    name = factory.LazyAttribute(lambda d: f"Test instrument {d.code}")
    questionnaire = factory.LazyFunction(lambda: {"resourceType": "Questionnaire", "item": []})
    scoring = factory.LazyFunction(dict)
    source = "Synthetic test instrument."
    digest = factory.Sequence(lambda n: f"{n:064x}")
    loaded_at = RECORDED_AT


class MeasureAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureAssignment

    client = factory.SubFactory(ClientFactory)
    instrument_code = "PHQ-9"
    schedule = "once"
    due_on = dt.date(2025, 1, 13)
    assigned_by = _staff_of_client()
    assigned_at = RECORDED_AT


class CompletionLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompletionLink

    client = factory.SubFactory(ClientFactory)
    instrument_code = "PHQ-9"
    digest = factory.Sequence(lambda n: f"{n:064x}")
    issued_by = _staff_of_client()
    issued_at = RECORDED_AT
    expires_at = factory.LazyAttribute(lambda link: link.issued_at + dt.timedelta(days=7))


class MeasureResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureResponse

    client = factory.SubFactory(ClientFactory)
    instrument_code = "PHQ-9"
    instrument_version = "1.0"
    answers = factory.LazyFunction(dict)
    source = "staff"
    entered_by = _staff_of_client()
    completed_at = RECORDED_AT


class RiskFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskFlag

    client = factory.SubFactory(ClientFactory)
    code = "suicidality"
    response = factory.SubFactory(MeasureResponseFactory, client=factory.SelfAttribute("..client"))
    raised_at = factory.SelfAttribute("response.completed_at")
