"""API shapes for the practice and its people (a stable contract: add, never rename)."""

import datetime as dt
from typing import Annotated

from ninja import Field
from pydantic import AfterValidator, EmailStr, TypeAdapter, field_validator
from pydantic import ValidationError as PydanticValidationError

from kapcare.core.api_fields import Day, Published, RecordId, Text
from kapcare.core.api_schema import Schema
from kapcare.people.models import CareTeamChange, Client
from kapcare.people.policy import Role
from kapcare.people.states import US_STATES
from kapcare.people.vocabulary import CareTeamChangeKind, ClientStatus, PathwayStage, RoomKind


def _one_line(value: str) -> str:
    """Runs of whitespace (tabs, line breaks) become one space; ends are trimmed.

    Control characters never get here: ``Text`` refuses them first.
    """
    return " ".join(value.split())


def _state(value: str) -> str:
    if value not in US_STATES:
        raise ValueError("Not a US state code: use two letters such as PA or NJ")
    return value


def _name(value: str) -> str:
    cleaned = _one_line(value)
    if not cleaned:
        raise ValueError("A name cannot be blank")
    if not any(ch.isalnum() for ch in cleaned):
        raise ValueError("A name needs at least one letter")
    return cleaned


# A database id: positive and within a bigint, so it never reaches the
# database as a number the database cannot hold.

# Text fields: lengths match the model's columns, so the database never refuses one.
# A USPS code as the document's enum lists it ("PA"; not "pa" or " PA"): what every API
# field naming a state takes (home, where a client is for a video session).
StateCode = Annotated[Text, AfterValidator(_state), Published(enum=list(US_STATES))]
Name = Annotated[Text, Field(max_length=100), AfterValidator(_name)]
Phone = Annotated[Text, Field(max_length=30), AfterValidator(_one_line)]
PreferredName = Annotated[Text, Field(max_length=100), AfterValidator(_one_line)]
Pronouns = Annotated[Text, Field(max_length=40), AfterValidator(_one_line)]
ContactName = Annotated[Text, Field(max_length=150), AfterValidator(_one_line)]
Relationship = Annotated[Text, Field(max_length=60), AfterValidator(_one_line)]
SearchText = Annotated[Text, Field(max_length=100)]

_EMAIL = TypeAdapter(EmailStr)


def _email(value: str) -> str:
    """An address, or "" for none (as GET answers it)."""
    value = value.strip()
    if not value:
        return ""
    try:
        return str(_EMAIL.validate_python(value))
    except PydanticValidationError:
        # email-validator's own messages quote the address: say it plainly instead.
        raise ValueError("Enter a valid email address, such as name@example.org") from None


Email = Annotated[
    Text, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_email)
]


class CareTeamMemberOut(Schema):
    staff: int
    name: str
    role: str


class ClientOut(Schema):
    id: int
    given_name: str
    family_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: dt.date
    email: str
    phone: str
    home_state: str
    emergency_contact_name: str
    emergency_contact_relationship: str
    emergency_contact_phone: str
    status: str
    stage: PathwayStage | None = Field(
        description="Where the client is on the care pathway, derived from the record "
        "(screenings, clearance, plan, consent, sessions held); never set by hand. Null for "
        "a caller who sees neither the clinical record nor the schedule (the privacy "
        "officer): the stage names the medicine program, which is clinical data."
    )
    care_team: list[CareTeamMemberOut]

    @staticmethod
    def of(client: Client, *, stage: PathwayStage | None) -> "ClientOut":
        return ClientOut(
            id=client.pk,
            given_name=client.legal_given_name,
            family_name=client.legal_family_name,
            preferred_name=client.preferred_name,
            pronouns=client.pronouns,
            date_of_birth=client.date_of_birth,
            email=client.email,
            phone=client.phone,
            home_state=client.home_state,
            emergency_contact_name=client.emergency_contact_name,
            emergency_contact_relationship=client.emergency_contact_relationship,
            emergency_contact_phone=client.emergency_contact_phone,
            status=client.status,
            stage=stage,
            care_team=[
                CareTeamMemberOut(staff=m.staff_id, name=m.staff.user.full_name, role=m.role)
                for m in client.care_team.all()
            ],
        )


_DERIVED_STAGE = (
    "Not accepted: the pathway stage is derived from the record. Sending it answers 422."
)


def _refuse_stage(value: object) -> object:
    if value is not None:
        raise ValueError(
            "The pathway stage follows the record (screenings, clearance, plan, sessions) "
            "and cannot be set"
        )
    return value


class ClientIn(Schema):
    given_name: Name
    family_name: Name
    date_of_birth: Day
    email: Email | None = None
    phone: Phone | None = None
    home_state: StateCode
    care_team: list[RecordId] = Field(
        default_factory=list,
        max_length=20,
        description="Staff ids (therapists, medical providers, monitors) to put on the care team.",
    )
    preferred_name: PreferredName = ""
    pronouns: Pronouns = ""
    emergency_contact_name: ContactName = ""
    emergency_contact_relationship: Relationship = ""
    emergency_contact_phone: Phone = ""
    status: ClientStatus = ClientStatus.ACTIVE
    stage: object = Field(None, description=_DERIVED_STAGE, deprecated=True)
    confirm_duplicate: bool = Field(
        False,
        description="Add the client even though one with the same legal name and date of "
        "birth is on file (the caller checked: a different person). Without it, such a "
        "request answers 409 with the ids of the clients on file.",
    )

    @field_validator("stage")
    @classmethod
    def _stage_is_derived(cls, value: object) -> object:
        return _refuse_stage(value)


class PossibleDuplicateOut(Schema):
    """409: clients with the same legal name and date of birth are already on file."""

    detail: str
    existing_id: int = Field(description="The first (oldest) client on file with this name.")
    existing_ids: list[int] = Field(
        description="Every client on file with this legal name and date of birth, oldest "
        "first. Only ids: open one with GET /clients/{id} (404 when it is not yours to see)."
    )
    confirm_with: dict[str, bool] = Field(
        description="Send the request again with this added to add the client anyway: "
        '{"confirm_duplicate": true}.'
    )


# Fields a PATCH may clear by sending null (stored as ""); the others need a value.
CLEARABLE = frozenset(
    {
        "email",
        "phone",
        "preferred_name",
        "pronouns",
        "emergency_contact_name",
        "emergency_contact_relationship",
        "emergency_contact_phone",
    }
)


class ClientPatch(Schema):
    """Send only the fields to change; null clears an optional field."""

    given_name: Name | None = None
    family_name: Name | None = None
    date_of_birth: Day | None = None
    email: Email | None = None
    phone: Phone | None = None
    home_state: StateCode | None = None
    preferred_name: PreferredName | None = None
    pronouns: Pronouns | None = None
    emergency_contact_name: ContactName | None = None
    emergency_contact_relationship: Relationship | None = None
    emergency_contact_phone: Phone | None = None
    status: ClientStatus | None = None
    stage: object = Field(None, description=_DERIVED_STAGE, deprecated=True)

    @field_validator("stage")
    @classmethod
    def _stage_is_derived(cls, value: object) -> object:
        return _refuse_stage(value)

    @field_validator("given_name", "family_name", "date_of_birth", "home_state", "status")
    @classmethod
    def _required_value(cls, value: object) -> object:
        # Defaults are not validated, so this only sees an explicit null.
        if value is None:
            raise ValueError("This field cannot be cleared: send a value or leave it out")
        return value


# API names that differ from the model's.
API_TO_MODEL = {"given_name": "legal_given_name", "family_name": "legal_family_name"}
MODEL_TO_API = {model: api for api, model in API_TO_MODEL.items()}


def api_field_name(model_field: str) -> str:
    """The API's name for a model field (for error messages)."""
    return MODEL_TO_API.get(model_field, model_field)


def to_model_fields(data: dict[str, object]) -> dict[str, object]:
    # "stage" is only ever None here (anything else was refused): it is not a field.
    fields = {API_TO_MODEL.get(k, k): v for k, v in data.items() if k != "stage"}
    for text in CLEARABLE:
        if text in fields and fields[text] is None:
            fields[text] = ""
    return fields


class LocationOut(Schema):
    id: int
    name: str
    state: str
    time_zone: str
    offers_medicine_sessions: bool
    address_line1: str
    address_line2: str
    city: str
    postal_code: str
    phone: str


class RoomOut(Schema):
    id: int
    location: int
    name: str
    kind: RoomKind
    is_active: bool


class StaffOut(Schema):
    id: int
    name: str
    email: str
    roles: list[str]
    licensed_states: list[str]
    credentials: str
    npi: str


class CareTeamChangeIn(Schema):
    """Someone joins or leaves a client's care team."""

    change: CareTeamChangeKind = Field(
        description='"added" puts the staff member on the care team in ``role``; "removed" '
        "takes them off (``role`` is then not needed)."
    )
    staff: RecordId = Field(description="The staff member's id.")
    role: Role | None = Field(
        None,
        description="The role they take on the care team: therapist, medical_provider or "
        "monitor; one they hold. Needed when adding.",
    )
    reason: Annotated[Text, Field(min_length=1, max_length=500)] = Field(
        description="Why the care team changes; kept with the team's history and in the "
        "audit trail."
    )


class CareTeamChangeOut(Schema):
    """One change to a care team: who joined or left, in which role, by whom, when, why."""

    id: int
    change: CareTeamChangeKind
    staff: int
    name: str
    role: str
    reason: str
    changed_by: int = Field(description="The staff id of who made the change.")
    changed_by_name: str
    changed_at: dt.datetime

    @staticmethod
    def of(change: CareTeamChange) -> "CareTeamChangeOut":
        return CareTeamChangeOut(
            id=change.pk,
            change=CareTeamChangeKind(change.change),
            staff=change.staff_id,
            name=change.staff.name,
            role=change.role,
            reason=change.reason,
            changed_by=change.changed_by_id,
            changed_by_name=change.changed_by.name,
            changed_at=change.changed_at,
        )
