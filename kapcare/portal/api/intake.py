"""The intake: the client's own (``/api/v1/portal/intake``: read, save a draft, send),
saved by ``portal.services.intake.save_intake`` as the page does, with the page's
limits (``intake_rules.MAX_LENGTHS``) and sending rule; and what the care team reads of
it (``/api/v1/clients/{id}/intake``)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field

from kapcare.core import clock
from kapcare.core.api_errors import READ_ERRORS, WRITE_ERRORS
from kapcare.core.api_fields import NOT_BLANK, Text
from kapcare.core.api_schema import Schema
from kapcare.people.access import Actor, access_client, staff_actor
from kapcare.people.models import Client
from kapcare.people.policy import Category
from kapcare.portal.access import own_client, portal_actor
from kapcare.portal.api.router import router
from kapcare.portal.intake_rules import MAX_LENGTHS, missing_to_send
from kapcare.portal.models import Intake
from kapcare.portal.services.intake import CONTACT_FIELDS, INTAKE_FIELDS, save_intake
from kapcare.portal.vocabulary import FIT_STATEMENTS, FitAnswer


class ReflectionOut(Schema):
    statement: str
    answer: FitAnswer | None  # None: not answered


class IntakeOut(Schema):
    client: int
    submitted_at: dt.datetime | None  # None: the client has sent no intake yet
    changed_since: bool  # saved again since, not sent yet (this is what was sent)
    history: str
    goals: str
    medications: str
    reflection: list[ReflectionOut]


@router.get("/clients/{int:client_id}/intake", response={200: IntakeOut, **READ_ERRORS})
def get_intake(request: HttpRequest, client_id: int) -> IntakeOut:
    """The intake the client last sent from the portal (clinical: the therapist and
    medical provider on the care team). A draft is the client's alone: until they send
    one, ``submitted_at`` is null and the rest empty."""
    client = access_client(staff_actor(request), client_id, Category.CLINICAL, detail="api:intake")
    intake = Intake.objects.filter(client=client, submitted_at__isnull=False).first()
    return IntakeOut(
        client=client.pk,
        submitted_at=intake.submitted_at if intake else None,
        changed_since=intake is not None and not intake.sent,
        history=intake.history if intake else "",
        goals=intake.goals if intake else "",
        medications=intake.medications if intake else "",
        reflection=[
            ReflectionOut(
                statement=statement,
                answer=FitAnswer(getattr(intake, name))
                if intake and getattr(intake, name)
                else None,
            )
            for name, statement in FIT_STATEMENTS.items()
        ],
    )


# --- the client's own ----------------------------------------------------------------


def _limited(name: str) -> Any:
    """A text field no longer than the page's form allows for ``name``."""
    return Field("", max_length=MAX_LENGTHS[name])


class ReflectionIn(Schema):
    """The "who might benefit" statements (``GET`` lists their words): each "fits",
    "not_sure", "not_me" or null (not answered). It never holds the intake back."""

    fit_stuck: FitAnswer | None = None
    fit_fear: FitAnswer | None = None
    fit_harm: FitAnswer | None = None
    fit_unfamiliar: FitAnswer | None = None


class MyIntakeIn(Schema):
    """The whole intake, as the page's form holds it (a field left out is saved empty)."""

    phone: Text = _limited("phone")
    emergency_contact_name: Text = _limited("emergency_contact_name")
    emergency_contact_relationship: Text = _limited("emergency_contact_relationship")
    emergency_contact_phone: Text = _limited("emergency_contact_phone")
    history: Text = _limited("history")
    goals: Text = _limited("goals")
    medications: Text = _limited("medications")
    reflection: ReflectionIn = Field(default_factory=ReflectionIn)

    def values(self) -> dict[str, str]:
        """As the page's cleaned form gives them to ``save_intake``."""
        flat = {name: getattr(self, name) for name in CONTACT_FIELDS}
        flat |= {name: getattr(self, name) for name in ("history", "goals", "medications")}
        for name in FIT_STATEMENTS:
            answer = getattr(self.reflection, name)
            flat[name] = answer.value if answer is not None else ""
        return flat


def _needed(name: str) -> Any:
    """A text field sending needs (``REQUIRED_TO_SEND``): given, and not blank."""
    return Field(..., max_length=MAX_LENGTHS[name], json_schema_extra=NOT_BLANK)


class MyIntakeToSendIn(MyIntakeIn):
    """The whole intake, to be sent: what sending needs may not be blank (422 names the
    first such field, with what to write)."""

    phone: Text = _needed("phone")
    emergency_contact_name: Text = _needed("emergency_contact_name")
    emergency_contact_phone: Text = _needed("emergency_contact_phone")
    goals: Text = _needed("goals")
    medications: Text = _needed("medications")


class MissingOut(Schema):
    field: str
    message: str


class MyReflectionOut(ReflectionOut):
    key: str = Field(description="Its name in `reflection` when saving.")


class MyIntakeOut(Schema):
    phone: str
    emergency_contact_name: str
    emergency_contact_relationship: str
    emergency_contact_phone: str
    history: str
    goals: str
    medications: str
    reflection: list[MyReflectionOut]
    saved_at: dt.datetime | None = Field(description="Last saved; null: never.")
    submitted_at: dt.datetime | None = Field(description="Last sent to the care team.")
    sent: bool = Field(description="What is saved is what the care team has.")
    missing_to_send: list[MissingOut] = Field(description="What sending still needs.")


def _my_intake(client: Client) -> MyIntakeOut:
    intake = Intake.objects.filter(client=client).first()
    values = {name: getattr(client, name) for name in CONTACT_FIELDS}
    values |= {name: getattr(intake, name) if intake else "" for name in INTAKE_FIELDS}
    return MyIntakeOut(
        phone=values["phone"],
        emergency_contact_name=values["emergency_contact_name"],
        emergency_contact_relationship=values["emergency_contact_relationship"],
        emergency_contact_phone=values["emergency_contact_phone"],
        history=values["history"],
        goals=values["goals"],
        medications=values["medications"],
        reflection=[
            MyReflectionOut(
                key=name,
                statement=statement,
                answer=FitAnswer(values[name]) if values[name] else None,
            )
            for name, statement in FIT_STATEMENTS.items()
        ],
        saved_at=intake.saved_at if intake else None,
        submitted_at=intake.submitted_at if intake else None,
        sent=intake is not None and intake.sent,
        missing_to_send=[
            MissingOut(field=field, message=message)
            for field, message in missing_to_send(values).items()
        ],
    )


def _save(actor: Actor, payload: MyIntakeIn, *, send: bool) -> MyIntakeOut:
    save_intake(actor=actor, values=payload.values(), send=send, now=clock.now())
    return _my_intake(own_client(actor, Category.CLINICAL, detail="api:portal-intake"))


@router.get("/portal/intake", response={200: MyIntakeOut, **READ_ERRORS})
def get_my_intake(request: HttpRequest) -> MyIntakeOut:
    """The signed-in client's intake as last saved (their draft included), with their
    contact details from their record and what sending still needs."""
    actor = portal_actor(request)
    return _my_intake(own_client(actor, Category.CLINICAL, detail="api:portal-intake"))


@router.put("/portal/intake", response={200: MyIntakeOut, **WRITE_ERRORS})
def save_my_intake(request: HttpRequest, payload: MyIntakeIn) -> MyIntakeOut:
    """Save the intake as a draft (only the client sees it until sent); the contact
    details go to the client's own record."""
    return _save(portal_actor(request), payload, send=False)


@router.post("/portal/intake/send", response={200: MyIntakeOut, **WRITE_ERRORS})
def send_my_intake(request: HttpRequest, payload: MyIntakeToSendIn) -> MyIntakeOut:
    """Save and send the intake to the care team (who are told). 422 names the first
    field sending still needs (a phone, an emergency contact, goals, medicines)."""
    return _save(portal_actor(request), payload, send=True)
