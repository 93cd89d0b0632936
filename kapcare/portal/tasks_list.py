"""The client's questionnaire tasks: their open measure assignments due now, with the
questionnaire's name, in the words the client reads; and one of them to answer (the
page and the API look it up here)."""

import datetime as dt
from dataclasses import dataclass

from kapcare.measures.access import assignment_statuses, client_record, due_now
from kapcare.measures.definitions import Instrument
from kapcare.measures.models import MeasureAssignment
from kapcare.measures.registry import UnknownInstrument, get_instrument
from kapcare.measures.services import instrument_for
from kapcare.people.access import Actor
from kapcare.people.models import Client
from kapcare.people.policy import Category

__all__ = ["NotDueNow", "QuestionnaireTask", "open_questionnaire", "questionnaire_tasks"]


class NotDueNow(Exception):
    """The client's own questionnaire, but not one to answer now (answered, or not yet)."""


@dataclass(frozen=True)
class QuestionnaireTask:
    assignment_id: int
    title: str
    items: int
    due_on: dt.date
    overdue: bool


def questionnaire_tasks(client: Client, *, now: dt.datetime) -> list[QuestionnaireTask]:
    """What the care team asks the client to answer now (a fixed number of queries)."""
    assignments = list(MeasureAssignment.objects.filter(client=client, ended_at__isnull=True))
    tasks = []
    for status in due_now(assignment_statuses(client.pk, assignments, now=now), now=now):
        if status.next_due is None:  # due_now keeps only those with one
            continue
        try:
            instrument = get_instrument(status.assignment.instrument_code)
        except UnknownInstrument:
            continue  # a practice's instrument since removed: nothing to answer
        tasks.append(
            QuestionnaireTask(
                assignment_id=status.assignment.pk,
                title=instrument.name,
                items=instrument.item_count,
                due_on=status.next_due,
                overdue=status.overdue,
            )
        )
    return tasks


def open_questionnaire(
    actor: Actor, client: Client, task_id: int, *, now: dt.datetime, detail: str
) -> tuple[MeasureAssignment, Instrument]:
    """The client's own open assignment ``task_id`` and its instrument; another
    client's (or none) is an audited 404, one not due now raises :class:`NotDueNow`."""
    assignment = client_record(
        actor,
        MeasureAssignment.objects.filter(ended_at__isnull=True),
        task_id,
        client=client,
        category=Category.CLINICAL,
        detail=detail,
    )
    if not due_now(assignment_statuses(client.pk, [assignment], now=now), now=now):
        raise NotDueNow
    return assignment, instrument_for(assignment.instrument_code)
