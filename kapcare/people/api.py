"""/api/v1/clients, /locations, /rooms, /staff."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from kapcare.api_pagination import Page, PageQuery, page_of
from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.people import services
from kapcare.people.access import Actor, NotFound, access_client, actor_for_request, visible_clients
from kapcare.people.models import CareTeamMember, Client, Location, Room, RoomKind, StaffMember
from kapcare.people.policy import Category
from kapcare.people.schemas import (
    ClientIn,
    ClientOut,
    ClientPatch,
    LocationOut,
    RoomOut,
    StaffOut,
    to_model_fields,
)

router = Router(tags=["practice"])


def _actor(request: HttpRequest) -> Actor:
    actor = actor_for_request(request)
    if actor is None or actor.staff is None:
        # Signed in but not staff (e.g. a portal account): nothing here is theirs.
        raise NotFound
    return actor


def _with_team(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.prefetch_related(
        Prefetch("care_team", CareTeamMember.objects.select_related("staff__user"))
    )


class ClientFilter(PageQuery):
    q: str | None = None
    status: str | None = None


@router.get("/clients", response=Page[ClientOut], tags=["clients"])
def list_clients(request: HttpRequest, filters: Query[ClientFilter]) -> dict[str, object]:
    """Clients the caller may see: their care team's, or the practice's for front desk."""
    actor = _actor(request)
    clients = visible_clients(actor)
    if filters.q:
        for word in filters.q.split()[:4]:
            clients = clients.filter(
                Q(legal_family_name__icontains=word)
                | Q(legal_given_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
    if filters.status:
        clients = clients.filter(status=filters.status)
    items, count = page_of(_with_team(clients), filters)
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=[c.pk for c in items],
        category=Category.DEMOGRAPHICS,
        detail="api:list_clients",
    )
    return {"items": [ClientOut.of(c) for c in items], "count": count}


@router.post("/clients", response={201: ClientOut}, tags=["clients"])
def create_client(request: HttpRequest, payload: ClientIn) -> tuple[int, ClientOut]:
    actor = _actor(request)
    data = payload.dict()
    care_team = data.pop("care_team")
    client = services.create_client(actor=actor, fields=to_model_fields(data), care_team=care_team)
    return 201, ClientOut.of(_with_team(Client.objects.filter(pk=client.pk)).get())


@router.get("/clients/{int:client_id}", response=ClientOut, tags=["clients"])
def get_client(request: HttpRequest, client_id: int) -> ClientOut:
    client = access_client(
        _actor(request), client_id, Category.DEMOGRAPHICS, detail="api:get_client"
    )
    return ClientOut.of(_with_team(Client.objects.filter(pk=client.pk)).get())


@router.patch("/clients/{int:client_id}", response=ClientOut, tags=["clients"])
def update_client(request: HttpRequest, client_id: int, payload: ClientPatch) -> ClientOut:
    changes = to_model_fields(payload.dict(exclude_unset=True))
    client = services.update_client(actor=_actor(request), client_id=client_id, changes=changes)
    return ClientOut.of(_with_team(Client.objects.filter(pk=client.pk)).get())


@router.get("/locations", response=Page[LocationOut], tags=["practice"])
def list_locations(request: HttpRequest, page: Query[PageQuery]) -> dict[str, object]:
    actor = _actor(request)
    items, count = page_of(Location.objects.filter(practice_id=actor.practice_id), page)
    return {"items": items, "count": count}


class RoomFilter(PageQuery):
    location: int | None = None
    kind: str | None = None


@router.get("/rooms", response=Page[RoomOut], tags=["practice"])
def list_rooms(request: HttpRequest, filters: Query[RoomFilter]) -> dict[str, object]:
    actor = _actor(request)
    rooms = Room.objects.filter(location__practice_id=actor.practice_id)
    if filters.location is not None:
        rooms = rooms.filter(location_id=filters.location)
    if filters.kind:
        rooms = rooms.filter(kind=filters.kind)
    items, count = page_of(rooms.select_related("location"), filters)
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
    role: str | None = None


@router.get("/staff", response=Page[StaffOut], tags=["practice"])
def list_staff(request: HttpRequest, filters: Query[StaffFilter]) -> dict[str, object]:
    actor = _actor(request)
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


class Message(Schema):
    detail: str
