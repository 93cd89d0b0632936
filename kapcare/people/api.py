"""/api/v1/clients, /locations, /rooms, /staff.

Thin: every client goes through ``people.access`` (scoped, audited) and every
change through ``people.services``; this module only translates shapes.
"""

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core.api_errors import LIST_ERRORS, WRITE_ERRORS, ApiFieldError, error_responses
from kapcare.core.api_fields import RecordId
from kapcare.core.lean_response import json_page
from kapcare.core.pagination import Page, PageQuery, page_of
from kapcare.people import policy, services
from kapcare.people.access import (
    Actor,
    access_client,
    sees_pathway_stage,
    staff_actor,
    visible_clients,
)
from kapcare.people.client_rows import client_page
from kapcare.people.duplicates import DUPLICATE_MESSAGE, PossibleDuplicate
from kapcare.people.models import CareTeamMember, Client, Location, Room, StaffMember
from kapcare.people.policy import Category, Role
from kapcare.people.schemas import (
    CareTeamChangeIn,
    CareTeamChangeOut,
    ClientIn,
    ClientOut,
    ClientPatch,
    LocationOut,
    PossibleDuplicateOut,
    RoomOut,
    SearchText,
    StaffOut,
    to_model_fields,
)
from kapcare.people.search import search_clients
from kapcare.people.stage_query import STAGE_ANNOTATION, with_stage, with_stage_by_lookup
from kapcare.people.vocabulary import CareTeamChangeKind, ClientStatus, PathwayStage, RoomKind

router = Router(tags=["practice"])


def _with_team(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.prefetch_related(
        Prefetch("care_team", CareTeamMember.objects.select_related("staff__user"))
    )


def _out(client: Client, *, shows_stage: bool) -> ClientOut:
    stage = PathwayStage(getattr(client, STAGE_ANNOTATION)) if shows_stage else None
    return ClientOut.of(client, stage=stage)


def _client_out(actor: Actor, client_id: int) -> ClientOut:
    """The client as the API shows it, with its care team and derived stage (one query each;
    already access-checked). The stage only to those who see it (``policy.STAGE_CATEGORIES``)."""
    shows_stage = sees_pathway_stage(actor, client_id)
    clients = _with_team(Client.objects.filter(pk=client_id))
    return _out((with_stage(clients) if shows_stage else clients).get(), shows_stage=shows_stage)


class ClientFilter(PageQuery):
    q: SearchText | None = None
    status: ClientStatus | None = None
    stage: PathwayStage | None = None


@router.get("/clients", response={200: Page[ClientOut], **LIST_ERRORS}, tags=["clients"])
def list_clients(request: HttpRequest, filters: Query[ClientFilter]) -> HttpResponse:
    """Clients the caller may see: their care team's, or the practice's for front desk.

    ``q`` matches words in the legal or preferred name, a date of birth (``1990-03-04`` or
    ``03/04/1990``), a phone number (its digits, whatever the punctuation) or an e-mail
    address (or part of one, with ``@``). Each client listed is
    recorded in the audit trail as read.
    """
    actor = staff_actor(request)
    shows_stage = policy.list_shows_pathway_stage(actor.roles)
    if filters.stage and not shows_stage:
        # Filtering by a stage one may not see would reveal it by the count.
        raise ApiFieldError("stage", "Your role does not see pathway stages.")
    clients = visible_clients(actor)
    if filters.q:
        clients = search_clients(clients, filters.q)
    if filters.status:
        clients = clients.filter(status=filters.status)
    if shows_stage:
        # The stage's SQL compiled once (stage_query): compiling its CASE of ten EXISTS
        # took longer than running the search.
        clients = with_stage_by_lookup(clients)
    if filters.stage:
        clients = clients.filter(**{STAGE_ANNOTATION: filters.stage})
    items, count = client_page(clients, filters, shows_stage=shows_stage)
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=[c["id"] for c in items],
        category=Category.DEMOGRAPHICS,
        detail="api:list_clients",
    )
    # Rows built to ClientOut's shape (people.client_rows), rendered as ninja would.
    return json_page(items, count)


@router.post(
    "/clients",
    response={201: ClientOut, 409: PossibleDuplicateOut, **WRITE_ERRORS},
    tags=["clients"],
)
def create_client(
    request: HttpRequest, payload: ClientIn
) -> Status[ClientOut] | Status[PossibleDuplicateOut]:
    """Create a client; a clinician who creates one joins its care team.

    A client with the same legal name and date of birth already on file answers 409 with
    the ids on file, unless the request says ``"confirm_duplicate": true``.
    """
    actor = staff_actor(request)
    data = payload.model_dump()
    care_team = data.pop("care_team")
    confirm = data.pop("confirm_duplicate")
    try:
        client = services.create_client(
            actor=actor,
            fields=to_model_fields(data),
            care_team=care_team,
            confirm_duplicate=confirm,
        )
    except PossibleDuplicate as duplicate:
        return Status(
            409,
            PossibleDuplicateOut(
                detail=DUPLICATE_MESSAGE,
                existing_id=duplicate.existing_ids[0],
                existing_ids=duplicate.existing_ids,
                confirm_with={"confirm_duplicate": True},
            ),
        )
    return Status(201, _client_out(actor, client.pk))


@router.get(
    "/clients/{int:client_id}",
    response={200: ClientOut, **error_responses(401, 404)},
    tags=["clients"],
)
def get_client(request: HttpRequest, client_id: int) -> ClientOut:
    """One client; 404 when it does not exist or is not the caller's to see."""
    actor = staff_actor(request)
    client = access_client(actor, client_id, Category.DEMOGRAPHICS, detail="api:get_client")
    return _client_out(actor, client.pk)


@router.patch(
    "/clients/{int:client_id}", response={200: ClientOut, **WRITE_ERRORS}, tags=["clients"]
)
def update_client(request: HttpRequest, client_id: int, payload: ClientPatch) -> ClientOut:
    """Change the fields sent (null clears an optional one); the care team is not set here."""
    changes = to_model_fields(payload.model_dump(exclude_unset=True))
    actor = staff_actor(request)
    client = services.update_client(actor=actor, client_id=client_id, changes=changes)
    return _client_out(actor, client.pk)


@router.get(
    "/clients/{int:client_id}/care-team/changes",
    response={200: Page[CareTeamChangeOut], **LIST_ERRORS},
    tags=["clients"],
)
def list_care_team_changes(
    request: HttpRequest, client_id: int, page: Query[PageQuery]
) -> dict[str, object]:
    """The history of the client's care team, newest first: who joined or left, in which
    role, who made the change, when and why."""
    actor = staff_actor(request)
    client = access_client(
        actor, client_id, Category.DEMOGRAPHICS, detail="api:list_care_team_changes"
    )
    items, count = page_of(services.care_team_changes(client), page)
    return {"items": [CareTeamChangeOut.of(c) for c in items], "count": count}


@router.post(
    "/clients/{int:client_id}/care-team/changes",
    response={201: CareTeamChangeOut, **WRITE_ERRORS},
    tags=["clients"],
)
def change_care_team(
    request: HttpRequest, client_id: int, payload: CareTeamChangeIn
) -> Status[CareTeamChangeOut]:
    """Add someone to the client's care team or take them off it, with a reason.

    Front desk may change any client's care team; a therapist or medical provider their own
    clients'; others are refused with 403. Access follows at once: a person taken off the
    team no longer reaches the client (404) from their next request. Each change is in the
    audit trail with who, when and why.
    """
    actor = staff_actor(request)
    if payload.change is CareTeamChangeKind.ADDED:
        if payload.role is None:
            raise ApiFieldError("role", "Say which role they take on the care team.")
        change = services.add_care_team_member(
            actor=actor,
            client_id=client_id,
            staff_id=payload.staff,
            role=payload.role,
            reason=payload.reason,
        )
    else:
        change = services.remove_care_team_member(
            actor=actor, client_id=client_id, staff_id=payload.staff, reason=payload.reason
        )
    return Status(201, CareTeamChangeOut.of(change))


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
