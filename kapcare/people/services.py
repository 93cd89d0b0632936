"""Every change to clients and care teams: one transaction, audit row inside."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.people import policy
from kapcare.people.access import Actor, access_client, refuse_change
from kapcare.people.models import CareTeamMember, Client, StaffMember
from kapcare.people.policy import Category, Role

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
    "stage",
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
) -> Client:
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
            detail="client",
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


__all__ = ["create_client", "update_client"]
