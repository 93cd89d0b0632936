"""API shapes for the practice and its people (a stable contract: add, never rename)."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, EmailStr

from kapcare.people.models import Client, ClientStatus, PathwayStage, RoomKind
from kapcare.people.states import US_STATES


def _state(value: str) -> str:
    code = value.strip().upper()
    if code not in US_STATES:
        raise ValueError("Not a US state code: use two letters such as PA or NJ")
    return code


def _name(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValueError("A name cannot be blank")
    return cleaned


StateCode = Annotated[str, AfterValidator(_state)]
Name = Annotated[str, Field(max_length=100), AfterValidator(_name)]
Phone = Annotated[str, Field(max_length=30)]


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
    email: EmailStr | None = None
    phone: Phone | None = None
    home_state: StateCode
    care_team: list[int] = Field(default_factory=list, max_length=20)
    preferred_name: Annotated[str, Field(max_length=100)] = ""
    pronouns: Annotated[str, Field(max_length=40)] = ""
    emergency_contact_name: Annotated[str, Field(max_length=150)] = ""
    emergency_contact_relationship: Annotated[str, Field(max_length=60)] = ""
    emergency_contact_phone: Phone = ""
    status: ClientStatus = ClientStatus.ACTIVE
    stage: PathwayStage = PathwayStage.CONSULTATION


class ClientPatch(Schema):
    given_name: Name | None = None
    family_name: Name | None = None
    date_of_birth: dt.date | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    home_state: StateCode | None = None
    preferred_name: Annotated[str, Field(max_length=100)] | None = None
    pronouns: Annotated[str, Field(max_length=40)] | None = None
    emergency_contact_name: Annotated[str, Field(max_length=150)] | None = None
    emergency_contact_relationship: Annotated[str, Field(max_length=60)] | None = None
    emergency_contact_phone: Phone | None = None
    status: ClientStatus | None = None
    stage: PathwayStage | None = None


# API names that differ from the model's.
API_TO_MODEL = {"given_name": "legal_given_name", "family_name": "legal_family_name"}


def to_model_fields(data: dict[str, object]) -> dict[str, object]:
    fields = {API_TO_MODEL.get(k, k): v for k, v in data.items()}
    for text in ("email", "phone"):
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
