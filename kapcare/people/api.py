"""/api/v1/clients, /locations, /rooms, /staff.

Thin: every client goes through ``people.access`` (scoped, audited) and every
change through ``people.services``; this module only translates shapes.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core.api_errors import LIST_ERRORS, WRITE_ERRORS, error_responses
from kapcare.core.api_fields import RecordId
from kapcare.core.pagination import Page, PageQuery, page_of
from kapcare.people import services
from kapcare.people.access import (
    access_client,
    staff_actor,
    visible_clients,
)
from kapcare.people.models import CareTeamMember, Client, Location, Room, StaffMember
from kapcare.people.policy import Category, Role
from kapcare.people.schemas import (
    ClientIn,
    ClientOut,
    ClientPatch,
    LocationOut,
    RoomOut,
    SearchText,
    StaffOut,
    to_model_fields,
)
from kapcare.people.vocabulary import ClientStatus, PathwayStage, RoomKind

router = Router(tags=["practice"])

MAX_SEARCH_WORDS = 4


def _with_team(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.prefetch_related(
        Prefetch("care_team", CareTeamMember.objects.select_related("staff__user"))
    )


def _client_out(client_id: int) -> ClientOut:
    """The client as the API shows it, with its care team (already access-checked)."""
    return ClientOut.of(_with_team(Client.objects.filter(pk=client_id)).get())


class ClientFilter(PageQuery):
    q: SearchText | None = None
    status: ClientStatus | None = None
    stage: PathwayStage | None = None


@router.get("/clients", response={200: Page[ClientOut], **LIST_ERRORS}, tags=["clients"])
def list_clients(request: HttpRequest, filters: Query[ClientFilter]) -> dict[str, object]:
    """Clients the caller may see: their care team's, or the practice's for front desk.

    ``q`` matches words in the legal or preferred name. Each client listed is
    recorded in the audit trail as read.
    """
    actor = staff_actor(request)
    clients = visible_clients(actor)
    if filters.q:
        for word in filters.q.split()[:MAX_SEARCH_WORDS]:
            clients = clients.filter(
                Q(legal_family_name__icontains=word)
                | Q(legal_given_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
    if filters.status:
        clients = clients.filter(status=filters.status)
    if filters.stage:
        clients = clients.filter(stage=filters.stage)
    items, count = page_of(_with_team(clients), filters)
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=[c.pk for c in items],
        category=Category.DEMOGRAPHICS,
        detail="api:list_clients",
    )
    return {"items": [ClientOut.of(c) for c in items], "count": count}


@router.post("/clients", response={201: ClientOut, **WRITE_ERRORS}, tags=["clients"])
def create_client(request: HttpRequest, payload: ClientIn) -> Status[ClientOut]:
    """Create a client; a clinician who creates one joins its care team."""
    actor = staff_actor(request)
    data = payload.model_dump()
    care_team = data.pop("care_team")
    client = services.create_client(actor=actor, fields=to_model_fields(data), care_team=care_team)
    return Status(201, _client_out(client.pk))


@router.get(
    "/clients/{int:client_id}",
    response={200: ClientOut, **error_responses(401, 404)},
    tags=["clients"],
)
def get_client(request: HttpRequest, client_id: int) -> ClientOut:
    """One client; 404 when it does not exist or is not the caller's to see."""
    client = access_client(
        staff_actor(request), client_id, Category.DEMOGRAPHICS, detail="api:get_client"
    )
    return _client_out(client.pk)


@router.patch(
    "/clients/{int:client_id}", response={200: ClientOut, **WRITE_ERRORS}, tags=["clients"]
)
def update_client(request: HttpRequest, client_id: int, payload: ClientPatch) -> ClientOut:
    """Change the fields sent (null clears an optional one); the care team is not set here."""
    changes = to_model_fields(payload.model_dump(exclude_unset=True))
    client = services.update_client(
        actor=staff_actor(request), client_id=client_id, changes=changes
    )
    return _client_out(client.pk)


@router.get("/locations", response={200: Page[LocationOut], **LIST_ERRORS})
def list_locations(request: HttpRequest, page: Query[PageQuery]) -> dict[str, object]:
    """The practice's offices."""
    actor = staff_actor(request)
    items, count = page_of(Location.objects.filter(practice_id=actor.practice_id), page)
    return {"items": items, "count": count}


class RoomFilter(PageQuery):
    location: RecordId | None = None
    kind: RoomKind | None = None


@router.get("/rooms", response={200: Page[RoomOut], **LIST_ERRORS})
def list_rooms(request: HttpRequest, filters: Query[RoomFilter]) -> dict[str, object]:
    """The rooms of the practice's offices; ``location`` is a location id."""
    actor = staff_actor(request)
    rooms = Room.objects.filter(location__practice_id=actor.practice_id)
    if filters.location is not None:
        rooms = rooms.filter(location_id=filters.location)
    if filters.kind:
        rooms = rooms.filter(kind=filters.kind)
    items, count = page_of(rooms, filters)
    return {
        "items": [
            RoomOut(
                id=r.pk,
                location=r.location_id,
                name=r.name,
                kind=RoomKind(r.kind),
                is_active=r.is_active,
            )
            for r in items
        ],
        "count": count,
    }


class StaffFilter(PageQuery):
    role: Role | None = None


@router.get("/staff", response={200: Page[StaffOut], **LIST_ERRORS})
def list_staff(request: HttpRequest, filters: Query[StaffFilter]) -> dict[str, object]:
    """The practice's active staff, with their roles and licensed states."""
    actor = staff_actor(request)
    staff = StaffMember.objects.filter(practice_id=actor.practice_id, is_active=True)
    if filters.role:
        staff = staff.filter(roles__role=filters.role)
    staff = staff.select_related("user").prefetch_related("roles", "licenses")
    items, count = page_of(staff, filters)
    return {"items": [staff_out(s) for s in items], "count": count}


def staff_out(member: StaffMember) -> StaffOut:
    return StaffOut(
        id=member.pk,
        name=member.user.full_name,
        email=member.user.email,
        roles=[r.role for r in member.roles.all()],
        licensed_states=[lic.state for lic in member.licenses.all()],
        credentials=member.credentials,
        npi=member.npi,
    )
