"""The only way a view, API endpoint, export or admin page reaches client data.

``access_client`` checks the actor's roles and care-team relationship against
``people.policy``, records the read (or the refusal) in the audit trail, and
answers "not found" for both missing and forbidden records.
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar, cast

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import (
    AuditSource,
    append_events,
    clean_ip,
    record_event,
    request_ip,
)
from kapcare.core import clock
from kapcare.core.errors import PermissionDenied
from kapcare.core.ids import is_record_id
from kapcare.people import policy
from kapcare.people.models import (
    CareTeamMember,
    Client,
    ClientAccount,
    EmergencyAccess,
    StaffMember,
    StaffRole,
)
from kapcare.people.policy import Category, Role

M = TypeVar("M", bound=Model)
T = TypeVar("T")


class NotFound(Http404):
    """Missing or not allowed: the two look the same from outside."""


@dataclass(frozen=True)
class MonitoredSession:
    """A medicine session a monitor is booked on: whose, when, and in which zone."""

    client_id: int
    start: dt.datetime
    time_zone: str | None


ClientQuery = Callable[[QuerySet[Client]], QuerySet[Client]]
"""What a page view adds to its one read of the client (annotations, prefetches)."""


@dataclass
class _PageView:
    """What one page view has read so far: its clients, the facts its panels share, and
    the reads still to audit."""

    clients: dict[int, Client] = field(default_factory=dict)
    # (client, category, detail, READ or EMERGENCY), an ordered set
    reads: dict[tuple[int, str, str, AuditAction], None] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)
    client_query: ClientQuery | None = None


@dataclass
class Actor:
    """The signed-in person, their staff record and roles, and where they are.

    A client signed in to the portal has no staff record and no staff roles: their
    ``client_id`` is the one record they may open (``policy.CLIENT_SELF_GRANTS``).
    """

    user: User
    staff: StaffMember | None
    roles: frozenset[Role]
    source_ip: str | None = None
    client_id: int | None = None
    # The practice's automatic log-off (people/idle_timeout.py), read with the person.
    idle_timeout_minutes: int | None = None
    _team_cache: dict[int, bool] = field(default_factory=dict, repr=False)
    _monitored_today: frozenset[int] | None = field(default=None, repr=False)
    _page: _PageView | None = field(default=None, repr=False)
    # Emergency access (people/emergency.py): the open grant on each client asked about,
    # and the grants this request has read through (the page's banner says until when).
    _emergency_cache: dict[int, EmergencyAccess | None] = field(default_factory=dict, repr=False)
    emergency_reads: dict[int, EmergencyAccess] = field(default_factory=dict, repr=False)

    @property
    def audit_source(self) -> AuditSource:
        return AuditSource(user=self.user, source_ip=self.source_ip)

    @cached_property
    def sees_all_clients(self) -> bool:
        return policy.sees_all_clients(self.roles)

    @property
    def practice_id(self) -> int:
        """The actor's practice; people without a staff record reach no data."""
        if self.staff is None:
            raise NotFound("Not a staff member.")
        return self.staff.practice_id

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_client(self) -> bool:
        """A client signed in to the portal (the client role), not a staff member."""
        return self.staff is None and self.client_id is not None


def actor_for_user(user: User, *, source_ip: str | None = None) -> Actor:
    # Read on every request: the staff member, their practice (its idle limit, read by
    # idle_timeout) and their roles in one query, from the roles' side.
    held = list(
        StaffRole.objects.filter(staff__user=user, staff__is_active=True)
        .select_related("staff__practice")
        .order_by()
    )
    staff = held[0].staff if held else None
    if staff is None:  # a staff member without a role yet reads as one with none
        staff = (
            StaffMember.objects.filter(user=user, is_active=True).select_related("practice").first()
        )
    roles = frozenset(Role(r.role) for r in held)
    client_id, idle_minutes = None, staff.practice.idle_timeout_minutes if staff else None
    if staff is None:
        account = (
            ClientAccount.objects.filter(user=user, ended_at__isnull=True)
            .values_list("client_id", "client__practice__idle_timeout_minutes")
            .first()
        )
        client_id, idle_minutes = account if account is not None else (None, None)
    return Actor(
        user=user,
        staff=staff,
        roles=roles,
        source_ip=clean_ip(source_ip),
        client_id=client_id,
        idle_timeout_minutes=idle_minutes,
    )


def actor_for_request(request: HttpRequest) -> Actor | None:
    """The request's actor, computed once; None when nobody is signed in."""
    cached = getattr(request, "_kapcare_actor", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    # The middleware may have met the session's user before an API token replaced it:
    # the actor is the one the request now authenticates as.
    if cached is not None and cached.user.pk == user.pk:
        return cached  # type: ignore[no-any-return]
    actor = actor_for_user(user, source_ip=request_ip(request))
    request._kapcare_actor = actor  # type: ignore[attr-defined]
    return actor


def staff_actor(request: HttpRequest) -> Actor:
    """The request's actor, who must be a staff member: anyone else reaches no data (404).

    The one way a page or API endpoint learns who is acting.
    """
    actor = actor_for_request(request)
    if actor is None or actor.staff is None:
        raise NotFound
    return actor


def client_actor(request: HttpRequest) -> Actor:
    """The request's actor, who must be a client signed in to the portal; anyone else
    (staff included) reaches no portal page (404). The portal's counterpart of
    ``staff_actor``."""
    actor = actor_for_request(request)
    if actor is None:
        raise NotFound
    if not actor.is_client:
        raise deny(actor, category=Category.DEMOGRAPHICS, action=AuditAction.READ, detail="portal")
    return actor


def anonymous_source(request: HttpRequest) -> AuditSource:
    return AuditSource(user=None, source_ip=request_ip(request))


def _on_care_team(actor: Actor, client_id: int) -> bool:
    if actor.staff is None:
        return False
    if client_id not in actor._team_cache:
        actor._team_cache[client_id] = CareTeamMember.objects.filter(
            client_id=client_id, staff=actor.staff
        ).exists()
    return actor._team_cache[client_id]


# A medicine session is "that day" for the monitor when it starts within this
# window around now, and on today's date where it takes place.
_DAY = dt.timedelta(hours=24)

MedicineBookings = Callable[[StaffMember, dt.datetime, dt.datetime], Iterable[MonitoredSession]]
"""(staff, from, until) -> the staff member's medicine sessions starting in that span."""

_medicine_bookings: MedicineBookings | None = None


def register_medicine_bookings(source: MedicineBookings) -> None:
    """Where the monitor's medicine sessions of the day come from.

    The schedule is an app above people (it books people), so people cannot import it;
    scheduling registers its query when it is ready (``SchedulingConfig.ready``). Without
    it a monitor is booked on nothing, and sees only their care team's clients.
    """
    global _medicine_bookings
    _medicine_bookings = source


def _is_local_today(start: dt.datetime, time_zone: str | None) -> bool:
    zone = zoneinfo.ZoneInfo(time_zone) if time_zone else dt.UTC
    return start.astimezone(zone).date() == clock.now().astimezone(zone).date()


def _monitored_today_ids(actor: Actor) -> frozenset[int]:
    """The clients whose medicine session the actor, as a monitor, is booked on today."""
    if actor.staff is None or Role.MONITOR not in actor.roles:
        return frozenset()
    if actor._monitored_today is None:
        now = clock.now()
        bookings = (
            _medicine_bookings(actor.staff, now - _DAY, now + _DAY)
            if _medicine_bookings is not None
            else ()
        )
        actor._monitored_today = frozenset(
            b.client_id for b in bookings if _is_local_today(b.start, b.time_zone)
        )
    return actor._monitored_today


def _monitors_today(actor: Actor, client_id: int) -> bool:
    """Whether the actor is booked on the client's medicine session today (DESIGN.md: the
    monitor sees "clients they monitor that day", whether or not on the care team)."""
    return client_id in _monitored_today_ids(actor)


def emergency_grant(actor: Actor, client_id: int) -> EmergencyAccess | None:
    """The actor's open emergency access to this client, if they are off its care team
    and hold one (``people.emergency``): it is theirs alone, for this client alone, and
    counts only until it ends. One query per client per request, asked only off the team."""
    if (
        actor.staff is None
        or not is_record_id(client_id)
        or not policy.may_request_emergency_access(actor.roles)
        or _on_care_team(actor, client_id)
    ):
        return None
    if client_id not in actor._emergency_cache:
        now = clock.now()
        actor._emergency_cache[client_id] = (
            EmergencyAccess.objects.filter(
                staff=actor.staff,
                client_id=client_id,
                practice_id=actor.staff.practice_id,
                starts_at__lte=now,
                ends_at__gt=now,
            )
            .order_by("-ends_at")
            .first()
        )
    return actor._emergency_cache[client_id]


def allowed_categories(actor: Actor, client_id: int) -> frozenset[Category]:
    if actor.is_client:
        return policy.client_allowed_categories(own_record=client_id == actor.client_id)
    on_team = _on_care_team(actor, client_id)
    allowed = policy.allowed_categories(actor.roles, on_care_team=on_team)
    if not on_team and _monitors_today(actor, client_id):
        # Only what the monitor role brings: a second role on the same person gains nothing.
        allowed |= policy.allowed_categories(frozenset({Role.MONITOR}), on_care_team=True)
    if not on_team and emergency_grant(actor, client_id) is not None:
        # What the person's own roles would bring on the team; nothing for the others.
        allowed |= policy.emergency_categories(actor.roles)
    return allowed


def may_access(actor: Actor, client_id: int, category: Category) -> bool:
    return category in allowed_categories(actor, client_id)


def sees_pathway_stage(actor: Actor, client_id: int) -> bool:
    """Whether the actor sees this client's pathway stage (clinical data: not the privacy
    officer's, ``policy.STAGE_CATEGORIES``)."""
    return bool(allowed_categories(actor, client_id) & policy.STAGE_CATEGORIES)


def visible_clients(actor: Actor, category: Category = Category.DEMOGRAPHICS) -> QuerySet[Client]:
    """Every client the actor may see ``category`` of: the one scoped list query."""
    if actor.staff is None:
        allowed = category in policy.client_allowed_categories(own_record=True)
        return _reachable_clients(actor) if allowed else Client.objects.none()
    practice_clients = Client.objects.filter(practice_id=actor.staff.practice_id)
    wide = policy.allowed_categories(actor.roles, on_care_team=False)
    if category in wide:
        return practice_clients
    related = Q(Exists(CareTeamMember.objects.filter(client=OuterRef("pk"), staff=actor.staff)))
    if category in policy.allowed_categories(actor.roles, on_care_team=True):
        return practice_clients.filter(related | Q(pk__in=_monitored_today_ids(actor)))
    return Client.objects.none()


def access_client(
    actor: Actor,
    client_id: int,
    category: Category,
    *,
    action: AuditAction = AuditAction.READ,
    detail: str = "",
) -> Client:
    """The client, if the actor may ``action`` its ``category``; audited either way.

    Within ``one_page_view`` the client is read once and the reads are audited together
    when the page is done (each still its own event); refusals are audited at once.
    """
    page = actor._page
    client = page.clients.get(client_id) if page is not None else None
    if client is None and is_record_id(client_id):
        query = _reachable_clients(actor).filter(pk=client_id)
        if page is not None and page.client_query is not None:
            query = page.client_query(query)
        client = _with_team_answer(actor, query).first()
        if client is not None:
            _note_team(actor, client)
    if client is None or not may_access(actor, client.pk, category):
        raise deny(actor, client_id=client_id, category=category, action=action, detail=detail)
    # Off the care team under an emergency access, every read is an emergency read: the
    # privacy officer's review lists them (ONC 170.315(d)(6)).
    grant = emergency_grant(actor, client.pk)
    if grant is not None:
        actor.emergency_reads[client.pk] = grant
    read_as = AuditAction.EMERGENCY if grant is not None else AuditAction.READ
    if page is not None:
        page.clients[client.pk] = client
        if action == AuditAction.READ:
            page.reads[(client.pk, str(category), detail, read_as)] = None
            return client
    if action == AuditAction.READ:
        record_event(
            source=actor.audit_source,
            action=read_as,
            client_id=client.pk,
            category=category,
            detail=detail,
        )
    return client


_ON_TEAM = "actor_on_care_team"


def _with_team_answer(actor: Actor, query: QuerySet[Client]) -> QuerySet[Client]:
    """The client's query also asks whether the actor is on its care team: the policy's
    first question, answered in the same round trip."""
    if actor.staff is None:
        return query
    on_team = CareTeamMember.objects.filter(client=OuterRef("pk"), staff=actor.staff)
    return query.annotate(**{_ON_TEAM: Exists(on_team)})


def _note_team(actor: Actor, client: Client) -> None:
    """What the client's read said about the actor's place on its care team."""
    on_team = getattr(client, _ON_TEAM, None)
    if on_team is not None:
        actor._team_cache[client.pk] = bool(on_team)


@contextmanager
def one_page_view(actor: Actor, *, client_query: ClientQuery | None = None) -> Iterator[None]:
    """One page view of many panels (the chart): one read of the client, one audit write.

    Each panel still reaches the client through ``access_client`` for its own category,
    and each read is still its own audit event; within this block the client row is
    fetched once (with what ``client_query`` adds to it), the facts several panels show
    are loaded once (``page_fact``), and the events are appended in one statement when
    the page is done (``audit.services.append_events``), instead of a chain-head lock per
    panel.
    """
    if actor._page is not None:  # already inside one: the outer block writes
        yield
        return
    actor._page = _PageView(client_query=client_query)
    try:
        yield
    finally:
        page, actor._page = actor._page, None
        for read_as in (AuditAction.READ, AuditAction.EMERGENCY):
            append_events(
                source=actor.audit_source,
                action=read_as,
                events=[
                    (c, category, detail) for c, category, detail, a in page.reads if a == read_as
                ],
            )


def page_fact(actor: Actor, key: str, load: Callable[[], T]) -> T:
    """``load()``, once per page view: the panels of one page share what they both show
    (the chart's appointments, plan, consents...). Outside a page view, loaded each time.

    The key names the fact and its client (``"scheduling.appointments:42"``); a fact is
    only ever asked for after ``access_client`` let the actor see it, and lives no
    longer than the page view, so nothing is shared between people or requests.
    """
    page = actor._page
    if page is None:
        return load()
    if key not in page.facts:
        page.facts[key] = load()
    return cast(T, page.facts[key])


def access_record(
    actor: Actor,
    records: QuerySet[M],
    record_id: int,
    category: Category,
    *,
    action: AuditAction = AuditAction.READ,
    detail: str = "",
) -> tuple[M, Client]:
    """A record of a client (a row with ``client_id``) and its client, if the actor may
    ``action`` the client's ``category``; audited either way.

    The one way to reach a client's record by its own id (an appointment, a consent, a
    medicine record): missing, of another practice and not allowed all answer the same
    audited 404. ``records`` narrows what counts (e.g. only medicine appointments).
    """
    record = (
        records.filter(pk=record_id, client__in=_reachable_clients(actor)).first()
        if is_record_id(record_id)
        else None
    )
    if record is None:
        raise deny(actor, category=category, action=action, detail=detail)
    client_id: int = record.client_id  # type: ignore[attr-defined]
    client = access_client(actor, client_id, category, action=action, detail=detail)
    return record, client


def _reachable_clients(actor: Actor) -> QuerySet[Client]:
    """Where a lookup by id may find a client at all: the staff member's practice, or
    the portal client's own record; the policy then decides by category."""
    if actor.staff is not None:
        return Client.objects.filter(practice_id=actor.staff.practice_id)
    if actor.client_id is not None:
        return Client.objects.filter(pk=actor.client_id)
    return Client.objects.none()


def deny(
    actor: Actor,
    *,
    category: Category,
    action: AuditAction,
    detail: str = "",
    client_id: int | None = None,
) -> NotFound:
    """Record a refusal in the audit trail; the caller raises what this returns.

    ``raise deny(...)`` is the one way to refuse: the refusal is audited and,
    from outside, looks the same as a record that does not exist.
    """
    record_event(
        source=actor.audit_source,
        action=AuditAction.DENIED,
        outcome=AuditOutcome.DENIED,
        client_id=client_id if client_id is not None and is_record_id(client_id) else None,
        category=category,
        detail=f"{action}:{detail}" if detail else str(action),
    )
    return NotFound("No such client." if client_id is not None else "Not found.")


def staff_of(
    actor: Actor, category: Category, *, action: AuditAction = AuditAction.READ
) -> StaffMember:
    """The actor's staff record; someone without one reaches no client data (audited 404)."""
    if actor.staff is None:
        raise deny(actor, category=category, action=action)
    return actor.staff


def refuse_change(
    actor: Actor, *, client_id: int | None, category: Category | str, detail: str
) -> PermissionDenied:
    """A change the actor's role does not allow, to a record they may see: audited, then 403.

    The caller raises what this returns (unlike ``deny``, the record's existence is no
    secret here: the actor may read it).
    """
    record_event(
        source=actor.audit_source,
        action=AuditAction.DENIED,
        outcome=AuditOutcome.DENIED,
        client_id=client_id,
        category=category,
        detail=detail,
    )
    return PermissionDenied()


def lock_client(client_id: int) -> None:
    """Serialize changes to one client's records (lock order: client, then audit chain)."""
    Client.objects.select_for_update().filter(pk=client_id).values_list("pk").get()


def audit_list_read(actor: Actor, category: Category, detail: str) -> None:
    """A list of clients was shown (names only): one event for the list."""
    record_event(
        source=actor.audit_source, action=AuditAction.READ, category=category, detail=detail
    )


def on_care_team(actor: Actor, client_id: int) -> bool:
    """Whether the actor is on the client's care team (read once per actor and client; an
    emergency access does not count)."""
    return _on_care_team(actor, client_id)


def may_change_care_team(actor: Actor, client_id: int) -> bool:
    """Whether the actor may add people to or remove them from the client's care team."""
    return policy.may_change_care_team(actor.roles, on_care_team=_on_care_team(actor, client_id))


def may_edit_demographics(actor: Actor, client_id: int) -> bool:
    """Whether the actor may change the client's details (front desk, clinicians on the team)."""
    on_team = _on_care_team(actor, client_id) or emergency_grant(actor, client_id) is not None
    return policy.may_edit_demographics(actor.roles, on_care_team=on_team)
