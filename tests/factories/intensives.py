"""Intensives: a practice's pattern templates and a client's intensive plan."""

import datetime as dt

import factory

from kapcare.intensives.models import IntensivePlan, PatternTemplate
from kapcare.people.policy import Role
from tests.factories._base import RECORDED_AT
from tests.factories.people import ClientFactory, PracticeFactory, StaffFactory

TWO_DAYS = [
    [
        {"activity": "preparation", "minutes": 90, "modality": "in_person"},
        {"activity": "closure", "minutes": 30, "modality": "in_person"},
    ],
    [
        {"activity": "medicine", "minutes": 180, "modality": "in_person"},
        {"activity": "integration", "minutes": 60, "modality": "in_person"},
    ],
]


class PatternTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatternTemplate

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Two-day intensive {n}")
    pattern = TWO_DAYS
    updated_by = factory.SubFactory(
        StaffFactory, practice=factory.SelfAttribute("..practice"), roles=[Role.FRONT_DESK]
    )
    updated_at = RECORDED_AT


class IntensivePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntensivePlan

    client = factory.SubFactory(ClientFactory)
    pattern = TWO_DAYS
    earliest_start = dt.date(2025, 2, 3)
    updated_by = factory.SubFactory(
        StaffFactory, practice=factory.SelfAttribute("..client.practice"), roles=[Role.THERAPIST]
    )
    updated_at = RECORDED_AT
