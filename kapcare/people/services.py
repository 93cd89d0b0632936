"""Every change to clients and care teams: one transaction, audit row inside."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import record_event
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.inputs import first_forbidden_character
from kapcare.core.text import clean_text
from kapcare.people import policy
from kapcare.people.access import Actor, access_client, lock_client, on_care_team, refuse_change
from kapcare.people.duplicates import PossibleDuplicate, find_duplicate_clients
from kapcare.people.models import CareTeamChange, CareTeamMember, Client, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES, Category, Role
from kapcare.people.vocabulary import CareTeamChangeKind

# The fields a client record may be created or edited with, API and forms alike.
EDITABLE_FIELDS = (
    "legal_given_name",
    "legal_family_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "email",
    "phone",
    "home_state",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "status",
)


def _check_date_of_birth(value: dt.date, *, today: dt.date) -> None:
    if value > today:
        raise FieldError("date_of_birth", "Date of birth cannot be in the future.")
    if value.year < today.year - 130:
        raise FieldError("date_of_birth", "Date of birth is more than 130 years ago.")


def _validate(client: Client) -> None:
    try:
        client.full_clean(exclude=["practice"])
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise FieldError(name, " ".join(messages)) from error


def _care_team_staff(actor: Actor, staff_ids: Sequence[int]) -> list[StaffMember]:
    staff = list(
        StaffMember.objects.filter(
            pk__in=staff_ids, practice_id=actor.practice_id, is_active=True
        ).prefetch_related("roles")
    )
    found = {s.pk for s in staff}
    missing = [i for i in staff_ids if i not in found]
    if missing:
        raise FieldError("care_team", f"No active staff member with id {missing[0]}.")
    for member in staff:
        if not _team_role(member):
            raise FieldError(
                "care_team",
                f"Staff member {member.pk} is not a therapist, medical provider or monitor.",
            )
    return staff


def _team_role(member: StaffMember) -> Role | None:
    """The role a staff member takes on a care team (therapist first)."""
    roles = {Role(r.role) for r in member.roles.all()}
    return next(
        (r for r in (Role.THERAPIST, Role.MEDICAL_PROVIDER, Role.MONITOR) if r in roles), None
    )


def create_client(
    *,
    actor: Actor,
    fields: dict[str, object],
    care_team: Sequence[int] = (),
    today: dt.date | None = None,
    confirm_duplicate: bool = False,
) -> Client:
    """A new client and its care team.

    Refused with :class:`PossibleDuplicate` when a client with the same legal name and date
    of birth is on file, unless the person adding it confirms it is a different person
    (``confirm_duplicate``); both the refusal and the confirmation are in the audit trail.
    """
    if actor.staff is None or not policy.may_create_clients(actor.roles):
        raise refuse_change(
            actor, client_id=None, category=Category.DEMOGRAPHICS, detail="create:client"
        )
    today = today or clock.today()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise FieldError(sorted(unknown)[0], "This field cannot be set.")
    client = Client(practice_id=actor.staff.practice_id, **fields)
    _validate(client)  # first: it reports a missing date of birth as a field error
    _check_date_of_birth(client.date_of_birth, today=today)
    team = _care_team_staff(actor, list(dict.fromkeys(care_team)))
    matches = find_duplicate_clients(
        practice_id=client.practice_id,
        given_name=client.legal_given_name,
        family_name=client.legal_family_name,
        date_of_birth=client.date_of_birth,
    )
    if matches and not confirm_duplicate:
        # The caller learns that this record exists (its id): recorded against it.
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            outcome=AuditOutcome.FAILURE,
            client_id=matches[0],
            category=Category.DEMOGRAPHICS,
            detail="client:possible_duplicate",
        )
        raise PossibleDuplicate(matches)
    with transaction.atomic():
        client.save()
        members = [CareTeamMember(client=client, staff=s, role=str(_team_role(s))) for s in team]
        # A clinician who creates a client joins the care team, or they could
        # not open the chart they just made.
        own_role = _team_role(actor.staff)
        if own_role is not None and actor.staff.pk not in {s.pk for s in team}:
            members.append(CareTeamMember(client=client, staff=actor.staff, role=own_role))
        CareTeamMember.objects.bulk_create(members)
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.DEMOGRAPHICS,
            detail="client:confirmed_different_person" if matches else "client",
        )
    return client


def update_client(
    *, actor: Actor, client_id: int, changes: dict[str, object], today: dt.date | None = None
) -> Client:
    client = access_client(actor, client_id, Category.DEMOGRAPHICS, action=AuditAction.UPDATE)
    on_team = client.care_team.filter(staff=actor.staff).exists()
    if not policy.may_edit_demographics(actor.roles, on_care_team=on_team):
        raise refuse_change(
            actor, client_id=client.pk, category=Category.DEMOGRAPHICS, detail="update:client"
        )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise FieldError(sorted(unknown)[0], "This field cannot be changed here.")
    for name, value in changes.items():
        setattr(client, name, value)
    _validate(client)  # first: it reports a cleared date of birth as a field error
    if "date_of_birth" in changes:
        _check_date_of_birth(client.date_of_birth, today=today or clock.today())
    with transaction.atomic():
        client.save(update_fields=[*changes, "updated_at"])
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.DEMOGRAPHICS,
            detail="client:" + ",".join(sorted(changes)),
        )
    return client


# ---------------------------------------------------------------- care team changes

REASON_LIMIT = 500
# The audit event's detail column holds 200 characters; the reason is cut to fit there
# (the change's own row keeps it whole).
_AUDIT_DETAIL_LIMIT = 200


def _reason(reason: str) -> str:
    if first_forbidden_character(reason) is not None:
        raise FieldError("reason", "Remove the control characters from the reason.")
    reason = clean_text(reason, "reason", limit=REASON_LIMIT)
    if not reason:
        raise FieldError("reason", "Say why the care team changes.")
    return reason


def _may_change_team(actor: Actor, client: Client) -> None:
    if not policy.may_change_care_team(actor.roles, on_care_team=on_care_team(actor, client.pk)):
        raise refuse_change(
            actor, client_id=client.pk, category=Category.DEMOGRAPHICS, detail="care_team"
        )


def _record_change(
    actor: Actor,
    client: Client,
    *,
    staff: StaffMember,
    role: str,
    kind: CareTeamChangeKind,
    reason: str,
    now: dt.datetime,
) -> CareTeamChange:
    if actor.staff is None:  # access_client lets only staff through; this says it to mypy
        raise refuse_change(
            actor, client_id=client.pk, category=Category.DEMOGRAPHICS, detail="care_team"
        )
    change = CareTeamChange.objects.create(
        client=client,
        staff=staff,
        role=role,
        change=kind,
        reason=reason,
        changed_by=actor.staff,
        changed_at=now,
    )
    actor._team_cache.pop(client.pk, None)  # the actor may have just left the team
    verb = "Added to" if kind is CareTeamChangeKind.ADDED else "Removed from"
    detail = f"{verb} the care team: {staff.name} as {Role(role).label.lower()}. Why: {reason}"
    if len(detail) > _AUDIT_DETAIL_LIMIT:
        detail = detail[: _AUDIT_DETAIL_LIMIT - 1] + "…"
    record_event(
        source=actor.audit_source,
        action=AuditAction.UPDATE,
        client_id=client.pk,
        category=Category.DEMOGRAPHICS,
        detail=detail,
    )
    return change


def add_care_team_member(
    *,
    actor: Actor,
    client_id: int,
    staff_id: int,
    role: str,
    reason: str,
    now: dt.datetime | None = None,
) -> CareTeamChange:
    """Put a staff member on the client's care team in one of their roles; they see the
    client's record from their next page. Audited, with the reason, in the same transaction."""
    client = access_client(actor, client_id, Category.DEMOGRAPHICS, action=AuditAction.UPDATE)
    _may_change_team(actor, client)
    reason = _reason(reason)
    team_roles = {r.value for r in CARE_TEAM_ROLES}
    if role not in team_roles:
        raise FieldError("role", "Choose therapist, medical provider or monitor.")
    staff = (
        StaffMember.objects.filter(pk=staff_id, practice_id=actor.practice_id, is_active=True)
        .select_related("user")
        .prefetch_related("roles")
        .first()
    )
    if staff is None:
        raise FieldError("staff", "Choose someone who works at the practice.")
    if role not in {r.role for r in staff.roles.all()}:
        raise FieldError("role", f"{staff.name} does not work as {Role(role).label.lower()}.")
    with transaction.atomic():
        lock_client(client.pk)
        if CareTeamMember.objects.filter(client=client, staff=staff).exists():
            raise FieldError("staff", f"{staff.name} is already on the care team.")
        CareTeamMember.objects.create(client=client, staff=staff, role=role)
        return _record_change(
            actor,
            client,
            staff=staff,
            role=role,
            kind=CareTeamChangeKind.ADDED,
            reason=reason,
            now=now or clock.now(),
        )


def remove_care_team_member(
    *,
    actor: Actor,
    client_id: int,
    staff_id: int,
    reason: str,
    now: dt.datetime | None = None,
) -> CareTeamChange:
    """Take a staff member off the client's care team; from their next page on they no
    longer reach the record (unless their role sees the whole practice). Audited, with the
    reason, in the same transaction."""
    client = access_client(actor, client_id, Category.DEMOGRAPHICS, action=AuditAction.UPDATE)
    _may_change_team(actor, client)
    reason = _reason(reason)
    with transaction.atomic():
        lock_client(client.pk)
        member = (
            CareTeamMember.objects.filter(client=client, staff_id=staff_id)
            .select_related("staff__user")
            .first()
        )
        if member is None:
            raise FieldError("staff", "That person is not on the care team.")
        member.delete()
        return _record_change(
            actor,
            client,
            staff=member.staff,
            role=member.role,
            kind=CareTeamChangeKind.REMOVED,
            reason=reason,
            now=now or clock.now(),
        )


def care_team_changes(client: Client) -> QuerySet[CareTeamChange]:
    """The client's care team history, newest first (the caller has checked access)."""
    return CareTeamChange.objects.filter(client=client).select_related(
        "staff__user", "changed_by__user"
    )


__all__ = [
    "REASON_LIMIT",
    "add_care_team_member",
    "care_team_changes",
    "create_client",
    "remove_care_team_member",
    "update_client",
]
