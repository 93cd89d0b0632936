"""Interoperability: bulk export jobs with their files, the practice's billing settings."""

import factory

from kapcare.interop.models import ExportFile, ExportJob, PracticeBilling
from kapcare.people.policy import Role
from tests.factories._base import RECORDED_AT
from tests.factories.people import PracticeFactory, StaffFactory


class ExportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExportJob

    practice = factory.SubFactory(PracticeFactory)
    requested_by = factory.SubFactory(
        StaffFactory, practice=factory.SelfAttribute("..practice"), roles=[Role.FRONT_DESK]
    )
    level = "system"
    status = "queued"
    requested_at = RECORDED_AT


class ExportFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExportFile

    job = factory.SubFactory(ExportJobFactory, status="completed", steps_done=1, steps_total=1)
    resource_type = "Patient"
    name = "Patient.ndjson"
    count = 0
    size = 0
    sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


class PracticeBillingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeBilling

    practice = factory.SubFactory(PracticeFactory)
    npi = "1234567893"
