"""/api/v1/portal/questionnaires: the signed-in client's questionnaires, as on the
portal's pages. The list and the one to answer come from ``portal.tasks_list`` and the
answers go to ``measures.services.record_own_response``, the page's own service: the
same checks, scoring, safety flags and care-team e-mail."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Status

from kapcare.core import clock
from kapcare.core.api_errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, Message
from kapcare.core.api_schema import Schema
from kapcare.measures import services as measures
from kapcare.measures.questionnaire import build_form
from kapcare.measures.schemas import MAX_ANSWERS
from kapcare.people.policy import Category
from kapcare.portal.access import own_client, portal_actor
from kapcare.portal.api.router import router
from kapcare.portal.tasks_list import NotDueNow, QuestionnaireTask, open_questionnaire
from kapcare.portal.tasks_list import questionnaire_tasks as tasks_of
from kapcare.portal.vocabulary import CRISIS_WORDS

__all__ = ["answer_my_questionnaire", "get_my_questionnaire", "list_my_questionnaires"]

NOT_DUE = "This questionnaire is not waiting for an answer now."


class QuestionnaireTaskOut(Schema):
    id: int = Field(description="The task (the client's measure assignment).")
    title: str
    items: int
    due_on: dt.date
    overdue: bool

    @staticmethod
    def of(task: QuestionnaireTask) -> "QuestionnaireTaskOut":
        return QuestionnaireTaskOut(
            id=task.assignment_id,
            title=task.title,
            items=task.items,
            due_on=task.due_on,
            overdue=task.overdue,
        )


class QuestionnaireTaskList(Schema):
    items: list[QuestionnaireTaskOut]
    count: int


class OptionOut(Schema):
    value: str = Field(description="As the answer sends it: a number, or yes/no.")
    label: str


class QuestionOut(Schema):
    index: int = Field(description="Its place in `answers`.")
    prefix: str
    text: str
    required: bool
    condition: str = Field(description='When it is asked, in words ("": always).')
    options: list[OptionOut] = Field(description="Empty for a number between min and max.")
    minimum: int | None
    maximum: int | None


class QuestionnaireOut(Schema):
    id: int
    title: str
    intro: list[str]
    questions: list[QuestionOut]
    licence: str


class AnswersIn(Schema):
    answers: list[int | float | bool | None] = Field(
        max_length=MAX_ANSWERS,
        description=(
            "One answer per question, in order: the option's number, true/false for a "
            "yes/no question, null for a question not asked (its condition does not hold)."
        ),
        examples=[[0, 1, 0, 0, 1, 0, 0, 0, 0]],
    )


class AnsweredOut(Schema):
    id: int = Field(description="The stored response.")
    completed_at: dt.datetime
    needs_care_now: bool = Field(
        description="The answers asked the care team to look soon (a safety flag)."
    )
    crisis: str = Field(description='What to do now if in crisis ("" when not flagged).')


@router.get("/portal/questionnaires", response={200: QuestionnaireTaskList, **LIST_ERRORS})
def list_my_questionnaires(request: HttpRequest) -> QuestionnaireTaskList:
    """The questionnaires the care team asks the signed-in client to answer now."""
    client = own_client(
        portal_actor(request), Category.CLINICAL, detail="api:portal-questionnaires"
    )
    items = [QuestionnaireTaskOut.of(t) for t in tasks_of(client, now=clock.now())]
    return QuestionnaireTaskList(items=items, count=len(items))


@router.get(
    "/portal/questionnaires/{int:task_id}",
    response={200: QuestionnaireOut, 410: Message, **READ_ERRORS},
)
def get_my_questionnaire(request: HttpRequest, task_id: int) -> Status[object]:
    """One of the client's questionnaires with its questions (404: not theirs; 410: not
    waiting now, answered or not yet open)."""
    actor = portal_actor(request)
    client = own_client(actor, Category.CLINICAL, detail="api:portal-questionnaire")
    try:
        assignment, instrument = open_questionnaire(
            actor, client, task_id, now=clock.now(), detail="api:portal-questionnaire"
        )
    except NotDueNow:
        return Status(410, Message(detail=NOT_DUE))
    form = build_form(instrument)
    return Status(
        200,
        QuestionnaireOut(
            id=assignment.pk,
            title=form.name,
            intro=list(form.intro),
            questions=[
                QuestionOut(
                    index=q.index,
                    prefix=q.prefix,
                    text=q.text,
                    required=q.required,
                    condition=q.condition,
                    options=[OptionOut(value=o.value, label=o.label) for o in q.options],
                    minimum=q.minimum if not q.options else None,
                    maximum=q.maximum if not q.options else None,
                )
                for q in form.questions
            ],
            licence=form.licence,
        ),
    )


@router.post(
    "/portal/questionnaires/{int:task_id}/answers",
    response={201: AnsweredOut, 410: Message, **WRITE_ERRORS},
)
def answer_my_questionnaire(
    request: HttpRequest, task_id: int, payload: AnswersIn
) -> Status[object]:
    """Send the answers: checked and scored as on the page (422 names the question as
    ``answers.N``); a safety flag tells the care team and answers what to do now."""
    actor = portal_actor(request)
    now = clock.now()
    client = own_client(actor, Category.CLINICAL, detail="api:portal-questionnaire")
    try:
        assignment, _ = open_questionnaire(
            actor, client, task_id, now=now, detail="api:portal-questionnaire"
        )
    except NotDueNow:
        return Status(410, Message(detail=NOT_DUE))
    recorded = measures.record_own_response(
        actor=actor,
        assignment_id=assignment.pk,
        answers=payload.answers,
        now=now,
        site_url=request.build_absolute_uri("/").rstrip("/"),
    )
    flagged = bool(recorded.risk_flags)
    return Status(
        201,
        AnsweredOut(
            id=recorded.response.pk,
            completed_at=recorded.response.completed_at,
            needs_care_now=flagged,
            crisis=CRISIS_WORDS if flagged else "",
        ),
    )
