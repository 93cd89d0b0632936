"""The demo practice's therapy record: one coherent story per client in treatment.

Loaded last by ``load_demo`` (after the schedule). All synthetic. For each demo client
with held preparation, medicine or integration sessions, their therapist maps three
parts (a protector, the exile it guards, a firefighter) and writes and signs a note of
each held session through ``notes.services``, so the parts map tells the story: the
Watcher expected to block, blocked the first medicine session, then stepped aside and
softened in integration, where the Little One was seen. A client past a medicine
session also gets an EMDR target worked from SUD 7 to 3.

Idempotent: nothing is added when the practice already has session notes.
"""

import datetime as dt

from django.db import transaction

from kapcare.core import clock
from kapcare.notes import services
from kapcare.notes.models import SessionNote
from kapcare.notes.services.emdr import EmdrSessionIn, EmdrTargetIn
from kapcare.notes.services.parts import PartChanges
from kapcare.notes.services.session_notes import NoteChanges, PartShift
from kapcare.notes.vocabulary import (
    BilateralStimulation,
    Closure,
    EmdrPhase,
    PartRole,
    Permission,
    Prong,
    RiskLevel,
    SelfQuality,
)
from kapcare.people.access import Actor, actor_for_user
from kapcare.people.demo import PRACTICE_NAME
from kapcare.people.models import CareTeamMember, Client
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment

__all__ = ["load_demo_notes"]

KINDS = ("preparation", "medicine", "integration")

# What each kind of session says about the Watcher, the first time and after.
WATCHER = {
    "preparation": "Expects to keep watch; worried the medicine will open too much",
    "medicine": "Blocked the first hour, then stepped aside when invited",
    "integration": "Softened; agreed to let the Little One be seen",
}
FIELDS = {
    "preparation": {"intentions": "To meet the part that keeps everyone at a distance",
                    "safety_plan": "Partner on call; grounding with the breath",
                    "parts_expected": "The Watcher; maybe the Little One",
                    "music": "Ambient, no lyrics", "support_person": "Partner"},
    "medicine": {"what_emerged": "A long quiet, then grief about being left alone as a child",
                 "support_given": "Presence; invitation to notice the Watcher with curiosity"},
    "integration": {"what_emerged": "Relief that the grief did not overwhelm",
                    "meaning_making": "Closeness does not have to mean danger",
                    "parts_follow_up": "Thanked the Watcher for its years of work",
                    "relational_patterns": "Withdraws when a partner comes close",
                    "practice": "Two minutes a day of checking in with the Little One"},
}  # fmt: skip


def _therapist(client: Client) -> Actor | None:
    member = (
        CareTeamMember.objects.filter(client=client, role=Role.THERAPIST.value)
        .select_related("staff__user")
        .first()
    )
    return actor_for_user(member.staff.user) if member is not None else None


def _parts(actor: Actor, client: Client, now: dt.datetime) -> tuple[int, int]:
    little = services.record_part(actor=actor, client_id=client.pk, now=now, changes=PartChanges(
        name="The Little One", role=PartRole.EXILE, age_it_feels="about six",
        body_location="Belly", burdens="Believes she is too much for anyone",
        permission=Permission.NOT_ASKED))  # fmt: skip
    watcher = services.record_part(actor=actor, client_id=client.pk, now=now, changes=PartChanges(
        name="The Watcher", role=PartRole.MANAGER, body_location="Shoulders and jaw",
        fears="If anyone gets close, the Little One will be hurt again",
        feeling_toward="Curious, a little wary", protects=[little.pk],
        permission=Permission.GRANTED))  # fmt: skip
    services.record_part(actor=actor, client_id=client.pk, now=now, changes=PartChanges(
        name="The Numb One", role=PartRole.FIREFIGHTER, body_location="Fog behind the eyes",
        fears="That the pain will never stop", protects=[little.pk]))  # fmt: skip
    return watcher.pk, little.pk


def _story(client: Client) -> int:
    actor = _therapist(client)
    # Sessions that have happened (the demo schedule marks some completed and leaves
    # others booked in the past); each note is written when its session ends.
    held = list(
        Appointment.objects.filter(
            client=client, kind__in=KINDS, status__in=["completed", "booked"], end__lte=clock.now()
        ).order_by("start")
    )
    if actor is None or not held:
        return 0
    watcher, little = _parts(actor, client, held[0].start)
    for appointment in held:
        kind, end = appointment.kind, appointment.end
        shifts = [PartShift(watcher, WATCHER[kind])]
        if kind == "integration":
            shifts.append(PartShift(little, "Was seen and stayed; less alone"))
        note = services.start_note(actor=actor, appointment_id=appointment.pk, now=end)
        services.save_draft(actor=actor, note_id=note.pk, now=end, changes=NoteChanges(
            fields=FIELDS[kind], narrative="Synthetic demo note.", risk_level=RiskLevel.NONE,
            self_energy=[SelfQuality.CURIOSITY, SelfQuality.CALM], parts=shifts))  # fmt: skip
        services.sign_note(actor=actor, note_id=note.pk, now=end)
    if any(a.kind == "medicine" for a in held):
        target = services.record_emdr_target(actor=actor, client_id=client.pk, now=held[0].end,
            target=EmdrTargetIn(image="The door closing at the end of the hall",
                                negative_cognition="I am alone",
                                positive_cognition="I can reach out",
                                voc=2, emotion="Dread", sud=8, prong=Prong.PAST,
                                body_location="Chest"))  # fmt: skip
        last = held[-1]
        services.record_emdr_session(actor=actor, target_id=target.pk, now=last.end,
            session=EmdrSessionIn(held_at=last.start, phase_reached=EmdrPhase.INSTALLATION,
                                  sud_start=7, sud_end=3, voc_start=3, voc_end=5,
                                  bls_type=BilateralStimulation.TAPPING, bls_sets=16,
                                  closure=Closure.COMPLETE))  # fmt: skip
    return len(held)


def load_demo_notes() -> int:
    """Write the demo story; the number of notes written (0 when there already are some)."""
    if SessionNote.objects.filter(client__practice__name=PRACTICE_NAME).exists():
        return 0
    written = 0
    with transaction.atomic():
        for client in Client.objects.filter(practice__name=PRACTICE_NAME).order_by("pk"):
            written += _story(client)
    return written
