"""The medicine-session record: the session, its vitals and alerts, doses, observations,
adverse events, signatures and addenda, and the practice's medicine settings.

Rows written directly, as a fixture (the session services and rules have their own
tests); a session sits on a medicine appointment in a medicine room of the client's
practice, and who records each row is staff of that practice.
"""

import datetime as dt
from decimal import Decimal

import factory

from kapcare.medicine.models import (
    Addendum,
    AdverseEvent,
    DoseAdministration,
    MedicineSession,
    Observation,
    PracticeMedicineSettings,
    Signature,
    VitalsAlert,
    VitalsReading,
)
from kapcare.people.policy import Role
from tests.factories._base import RECORDED_AT
from tests.factories.pathway import DoseOrderFactory
from tests.factories.people import PracticeFactory, StaffFactory
from tests.factories.scheduling import AppointmentFactory


def _session_staff(role: Role = Role.MONITOR) -> factory.SubFactory:
    return factory.SubFactory(
        StaffFactory, practice=factory.SelfAttribute("..session.client.practice"), roles=[role]
    )


def _during(minutes: int) -> factory.LazyAttribute:
    return factory.LazyAttribute(
        lambda row: row.session.appointment.start + dt.timedelta(minutes=minutes)
    )


class MedicineSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MedicineSession

    appointment = factory.SubFactory(
        AppointmentFactory,
        kind="medicine",
        end=factory.LazyAttribute(lambda a: a.start + dt.timedelta(hours=3)),
    )
    client = factory.SelfAttribute("appointment.client")
    created_at = factory.SelfAttribute("appointment.start")


class VitalsReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VitalsReading

    session = factory.SubFactory(MedicineSessionFactory)
    at = _during(5)
    systolic = 124
    diastolic = 80
    heart_rate = 72
    spo2 = 98
    recorded_by = _session_staff()
    recorded_at = factory.SelfAttribute("at")


class VitalsAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VitalsAlert

    session = factory.SubFactory(MedicineSessionFactory)
    reading = factory.SubFactory(
        VitalsReadingFactory, session=factory.SelfAttribute("..session"), systolic=184
    )
    code = "vitals.systolic_high"
    measure = "systolic"
    value = factory.SelfAttribute("reading.systolic")
    threshold = 180
    message = "Systolic blood pressure is at or above 180."
    raised_at = factory.SelfAttribute("reading.at")


class DoseAdministrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoseAdministration

    session = factory.SubFactory(MedicineSessionFactory)
    order = factory.SubFactory(DoseOrderFactory, client=factory.SelfAttribute("..session.client"))
    at = _during(15)
    route = "sublingual"
    dose_mg = Decimal(100)
    lot = "LOT-1"
    administered_by = _session_staff()
    recorded_at = factory.SelfAttribute("at")


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    session = factory.SubFactory(MedicineSessionFactory)
    at = _during(30)
    dissociation = 4
    sedation = 1
    recorded_by = _session_staff()
    recorded_at = factory.SelfAttribute("at")


class AdverseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdverseEvent

    session = factory.SubFactory(MedicineSessionFactory)
    at = _during(40)
    kind = "nausea_vomiting"
    severity = "mild"
    action = "Offered a bowl and water; settled within minutes."
    recorded_by = _session_staff()
    recorded_at = factory.SelfAttribute("at")


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    session = factory.SubFactory(MedicineSessionFactory)
    role = "monitor"
    signed_by = _session_staff()
    signed_at = _during(180)


class AddendumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Addendum

    session = factory.SubFactory(MedicineSessionFactory)
    text = "Slept well, called the next morning."
    written_by = _session_staff(Role.THERAPIST)
    written_at = _during(24 * 60)


class PracticeMedicineSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeMedicineSettings
        django_get_or_create = ("practice",)

    practice = factory.SubFactory(PracticeFactory)
    overrides = factory.LazyFunction(dict)
    updated_at = RECORDED_AT
