"""API shapes for the practice and its people (a stable contract: add, never rename)."""

import datetime as dt
import unicodedata
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, EmailStr, TypeAdapter, field_validator
from pydantic import ValidationError as PydanticValidationError

from kapcare.core.api_fields import RecordId
from kapcare.people.models import Client
from kapcare.people.states import US_STATES
from kapcare.people.vocabulary import ClientStatus, PathwayStage, RoomKind

# Control characters (NUL cannot even be stored by PostgreSQL) and lone
# surrogates (which no database encoding accepts).
_UNPRINTABLE = frozenset({"Cc", "Cs"})
# Bidirectional embeddings, overrides and isolates: they make a name display
# as something other than what it is. (Joiners stay: some scripts need them.)
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _printable(value: str) -> str:
    if any(unicodedata.category(ch) in _UNPRINTABLE or ch in _BIDI_CONTROLS for ch in value):
        raise ValueError("Use letters, digits, spaces and punctuation only")
    return value


def _one_line(value: str) -> str:
    """Runs of whitespace (tabs, line breaks) become one space; ends are trimmed."""
    return _printable(" ".join(value.split()))


def _state(value: str) -> str:
    code = value.strip().upper()
    if code not in US_STATES:
        raise ValueError("Not a US state code: use two letters such as PA or NJ")
    return code


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
StateCode = Annotated[str, AfterValidator(_state)]
Name = Annotated[str, Field(max_length=100), AfterValidator(_name)]
Phone = Annotated[str, Field(max_length=30), AfterValidator(_one_line)]
PreferredName = Annotated[str, Field(max_length=100), AfterValidator(_one_line)]
Pronouns = Annotated[str, Field(max_length=40), AfterValidator(_one_line)]
ContactName = Annotated[str, Field(max_length=150), AfterValidator(_one_line)]
Relationship = Annotated[str, Field(max_length=60), AfterValidator(_one_line)]
SearchText = Annotated[str, Field(max_length=100), AfterValidator(_printable)]

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
    str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_email)
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
    stage: str
    care_team: list[CareTeamMemberOut]

    @staticmethod
    def of(client: Client) -> "ClientOut":
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
            stage=client.stage,
            care_team=[
                CareTeamMemberOut(staff=m.staff_id, name=m.staff.user.full_name, role=m.role)
                for m in client.care_team.all()
            ],
        )


class ClientIn(Schema):
    given_name: Name
    family_name: Name
    date_of_birth: dt.date
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
    stage: PathwayStage = PathwayStage.CONSULTATION


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
    date_of_birth: dt.date | None = None
    email: Email | None = None
    phone: Phone | None = None
    home_state: StateCode | None = None
    preferred_name: PreferredName | None = None
    pronouns: Pronouns | None = None
    emergency_contact_name: ContactName | None = None
    emergency_contact_relationship: Relationship | None = None
    emergency_contact_phone: Phone | None = None
    status: ClientStatus | None = None
    stage: PathwayStage | None = None

    @field_validator("given_name", "family_name", "date_of_birth", "home_state", "status", "stage")
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
    fields = {API_TO_MODEL.get(k, k): v for k, v in data.items()}
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
