"""Notes: session notes (with addenda and parts that appeared), supervision, the parts map,
EMDR targets and sessions, and sealed psychotherapy notes.

Rows written directly, as a fixture (the notes services have their own tests); the
author of each is staff of the client's practice.
"""

import datetime as dt
from typing import Any

import factory

from kapcare.notes.crypto import KeyRing
from kapcare.notes.models import (
    EmdrSession,
    EmdrTarget,
    NoteAddendum,
    NoteSupervision,
    Part,
    PartAppearance,
    PsychotherapyNote,
    SessionNote,
)
from kapcare.people.policy import Role
from tests.factories._base import RECORDED_AT
from tests.factories.people import ClientFactory, StaffFactory
from tests.factories.scheduling import AppointmentFactory

TEST_NOTES_KEY = bytes(range(32))
"""A synthetic key: a psychotherapy note from the factory opens with this key only."""


def _therapist_of(path: str) -> factory.SubFactory:
    return factory.SubFactory(
        StaffFactory, practice=factory.SelfAttribute(path), roles=[Role.THERAPIST]
    )


class SessionNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionNote

    appointment = factory.SubFactory(AppointmentFactory)
    client = factory.SelfAttribute("appointment.client")
    kind = "therapy"
    author = _therapist_of("..appointment.client.practice")
    narrative = "Worked with the protective part; it agreed to step back a little."
    created_at = RECORDED_AT
    updated_at = RECORDED_AT


class NoteAddendumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoteAddendum

    note = factory.SubFactory(SessionNoteFactory)
    text = "Client called the next day: sleeping better."
    written_by = factory.SelfAttribute("note.author")
    written_at = RECORDED_AT + dt.timedelta(days=1)


class NoteSupervisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoteSupervision

    staff = factory.SubFactory(StaffFactory, roles=[Role.THERAPIST])
    supervisor = _therapist_of("..staff.practice")
    set_by = factory.SelfAttribute("supervisor")
    set_at = RECORDED_AT


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"The careful one {n}")
    role = "manager"
    permission = "not_asked"
    created_by = _therapist_of("..client.practice")
    created_at = RECORDED_AT
    updated_at = RECORDED_AT


class PartAppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartAppearance

    note = factory.SubFactory(SessionNoteFactory)
    part = factory.SubFactory(PartFactory, client=factory.SelfAttribute("..note.client"))
    what_shifted = "Softened when thanked."


class EmdrTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmdrTarget

    client = factory.SubFactory(ClientFactory)
    image = "The hallway at school."
    negative_cognition = "I am not safe."
    positive_cognition = "I am safe now."
    voc = 2
    emotion = "Fear"
    sud = 7
    prong = "past"
    created_by = _therapist_of("..client.practice")
    created_at = RECORDED_AT


class EmdrSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmdrSession

    target = factory.SubFactory(EmdrTargetFactory)
    held_at = RECORDED_AT + dt.timedelta(days=7)
    phase_reached = "desensitization"
    sud_start = 7
    sud_end = 3
    voc_start = 2
    voc_end = 4
    bls_type = "eye_movements"
    bls_sets = 12
    closure = "complete"
    recorded_by = factory.SelfAttribute("target.created_by")
    recorded_at = factory.SelfAttribute("held_at")


class PsychotherapyNoteFactory(factory.django.DjangoModelFactory):
    """Sealed as the service seals it, under ``TEST_NOTES_KEY`` (or ``key=``)."""

    class Meta:
        model = PsychotherapyNote

    client = factory.SubFactory(ClientFactory)
    author = _therapist_of("..client.practice")
    created_at = RECORDED_AT

    @classmethod
    def _create(
        cls, model_class: type[PsychotherapyNote], *args: Any, **kwargs: Any
    ) -> PsychotherapyNote:
        text = kwargs.pop("text", "Process note: synthetic.")
        ring = KeyRing.of(kwargs.pop("key", TEST_NOTES_KEY))
        sealed = ring.seal(text, client_id=kwargs["client"].pk, author_id=kwargs["author"].pk)
        return PsychotherapyNote.objects.create(
            key_id=sealed.key_id, nonce=sealed.nonce, ciphertext=sealed.ciphertext, **kwargs
        )
