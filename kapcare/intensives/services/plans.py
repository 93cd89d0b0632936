"""Intensive plans (per client) and pattern templates (per practice): written and changed."""

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.intensives.models import IntensivePlan, PatternTemplate
from kapcare.intensives.pattern import PatternError, pattern_json, read_pattern
from kapcare.people import policy
from kapcare.people.access import Actor, access_client, lock_client, refuse_change, staff_of
from kapcare.people.models import StaffMember
from kapcare.people.policy import Category, Role
from kapcare.people.states import US_STATES
from kapcare.scheduling.facts import load_staff, policy_for_practice
from kapcare.scheduling.rules.telehealth import may_see_virtually, virtual_session_state
from kapcare.scheduling.vocabulary import Modality

__all__ = ["record_intensive_plan", "record_template", "save_preferences"]


def _checked_pattern(raw: object) -> list[list[dict[str, object]]]:
    """The pattern in its stored form (every field written out), or a field error."""
    try:
        return pattern_json(read_pattern(raw))
    except PatternError as error:
        raise FieldError("pattern", str(error)) from None


def record_template(
    *, actor: Actor, name: str, pattern: object, now: dt.datetime, template_id: int | None = None
) -> PatternTemplate:
    """Create a practice's pattern template, or change one (by id)."""
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    if not policy.may_manage_intensive_templates(actor.roles):
        raise refuse_change(
            actor, client_id=None, category=Category.SCHEDULE, detail="intensive_template"
        )
    name = name.strip()
    if not name:
        raise FieldError("name", "Give the template a name.")
    stored = _checked_pattern(pattern)
    try:
        with transaction.atomic():
            if template_id is None:
                template = PatternTemplate(practice_id=staff.practice_id)
            else:
                found = PatternTemplate.objects.filter(
                    pk=template_id, practice_id=staff.practice_id
                ).first()
                if found is None:
                    raise FieldError("template", "No template with that id.")
                template = found
            template.name = name
            template.pattern = stored
            template.updated_by = staff
            template.updated_at = now
            template.save()
            record_event(
                source=actor.audit_source,
                action=AuditAction.CREATE if template_id is None else AuditAction.UPDATE,
                category=Category.SCHEDULE,
                detail=f"intensive_template:{template.pk}",
            )
    except IntegrityError:
        raise FieldError("name", "The practice already has a template with this name.") from None
    return template


def _clinicians(staff: StaffMember, ids: Sequence[int]) -> list[StaffMember]:
    found = list(
        StaffMember.objects.filter(practice_id=staff.practice_id, is_active=True, pk__in=set(ids))
    )
    missing = sorted(set(ids) - {s.pk for s in found})
    if missing:
        raise FieldError("preferred_clinicians", f"No active staff member with id {missing[0]}.")
    return found


def _virtual_location(
    practice_id: int, home_state: str, state: str | None, pattern: list[list[dict[str, object]]]
) -> str:
    """The state the client will be in during the virtual blocks, checked ("" for home).

    Checked by the booking check's own rule (``scheduling.rules.telehealth``): an
    intensive with virtual blocks needs a state the practice serves and an active
    therapist licensed there, or no plan could ever be booked.
    """
    state = (state or "").strip().upper()
    if state and state not in US_STATES:
        raise FieldError(
            "virtual_location_state",
            "Where the client will be is a two-letter US state code (for example PA or NJ).",
        )
    if not any(b["modality"] == Modality.TELEHEALTH.value for day in pattern for b in day):
        return state
    where = virtual_session_state(state or None, home_state)
    offered = policy_for_practice(practice_id).telehealth_states.value
    therapists = StaffMember.objects.filter(
        practice_id=practice_id, is_active=True, roles__role=Role.THERAPIST.value
    ).values_list("pk", flat=True)
    infos = load_staff(practice_id, therapists)
    if not any(may_see_virtually(s, where, offered) for s in infos.values()):
        name = US_STATES.get(where, where)
        raise FieldError(
            "virtual_location_state",
            f"No therapist of the practice may see a client in {name} virtually (the "
            "practice must offer virtual sessions there and the therapist be licensed "
            "there). Make the virtual blocks in person, or record where the client will be.",
        )
    return state


def record_intensive_plan(
    *,
    actor: Actor,
    client_id: int,
    earliest_start: dt.date,
    now: dt.datetime,
    pattern: object | None = None,
    template_id: int | None = None,
    approved_dosing_days: Sequence[int] | None = None,
    preferred_clinicians: Sequence[int] = (),
    day_ends_by: dt.time | None = None,
    virtual_location_state: str | None = None,
) -> IntensivePlan:
    """Create or change a client's intensive plan.

    The pattern is given, or copied from the practice's template ``template_id``.
    ``approved_dosing_days`` None keeps the approval as it is; changing it needs a medical
    provider (audited 403 otherwise), who is recorded as the approver.
    ``virtual_location_state``: where the client will be during the virtual blocks (a US
    state; None or empty: at home), which the telehealth licensure rule is checked
    against.
    """
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.UPDATE)
    client = access_client(
        actor, client_id, Category.SCHEDULE, action=AuditAction.UPDATE, detail="intensive_plan"
    )
    template = None
    if template_id is not None:
        template = PatternTemplate.objects.filter(
            pk=template_id, practice_id=client.practice_id
        ).first()
        if template is None:
            raise FieldError("template", "No template with that id.")
    if pattern is None:
        if template is None:
            raise FieldError("pattern", "Give the days' pattern, or choose a template.")
        pattern = template.pattern
    stored = _checked_pattern(pattern)
    days = len(stored)
    clinicians = _clinicians(staff, preferred_clinicians)
    located = _virtual_location(
        client.practice_id, client.home_state, virtual_location_state, stored
    )
    with transaction.atomic():
        lock_client(client.pk)
        plan = IntensivePlan.objects.filter(client=client).first()
        created = plan is None
        if plan is None:
            plan = IntensivePlan(client=client, approved_dosing_days=[])
        kept = [d for d in plan.approved_dosing_days if not 1 <= d <= days]
        if approved_dosing_days is None and kept:
            # An approval is a medical decision: a shorter intensive never drops one
            # silently (nor keeps it for a day that no longer exists, to come back if the
            # days grow again); whoever shortens it changes the approval with it.
            raise FieldError(
                "approved_dosing_days",
                f"Day {kept[0]} is approved for a medicine session and the intensive would "
                f"have {days} day{'s' if days > 1 else ''}: a medical provider changes the "
                "approved days first.",
            )
        if approved_dosing_days is not None:
            chosen = sorted(set(approved_dosing_days))
            if any(not 1 <= d <= days for d in chosen):
                raise FieldError(
                    "approved_dosing_days", f"Dosing days are day numbers from 1 to {days}."
                )
            if chosen != sorted(plan.approved_dosing_days):
                if not policy.may_approve_dosing_days(actor.roles):
                    raise refuse_change(
                        actor,
                        client_id=client.pk,
                        category=Category.SCHEDULE,
                        detail="intensive_plan:dosing_days",
                    )
                plan.approved_dosing_days = chosen
                plan.dosing_approved_by = staff if chosen else None
                plan.dosing_approved_at = now if chosen else None
        plan.pattern = stored
        plan.template = template
        plan.earliest_start = earliest_start
        plan.day_ends_by = day_ends_by
        plan.virtual_location_state = located
        plan.updated_by = staff
        plan.updated_at = now
        plan.save()
        plan.preferred_clinicians.set(clinicians)
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.SCHEDULE,
            detail=f"intensive_plan:{plan.pk}",
        )
    return plan


def save_preferences(
    *,
    actor: Actor,
    client_id: int,
    now: dt.datetime,
    therapist_id: int | None = None,
    day_ends_by: dt.time | None = None,
) -> IntensivePlan:
    """Keep the planning page's preferences in the client's intensive plan: the preferred
    therapist (the plan's preferred clinicians become that one) and the day's end. None
    keeps what the plan has. Audited as a change of the plan."""
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.UPDATE)
    client = access_client(
        actor, client_id, Category.SCHEDULE, action=AuditAction.UPDATE, detail="intensive_plan"
    )
    clinicians = _clinicians(staff, [therapist_id] if therapist_id is not None else [])
    with transaction.atomic():
        lock_client(client.pk)
        plan = IntensivePlan.objects.filter(client=client).first()
        if plan is None:
            raise FieldError("clients", "This client has no intensive plan.")
        if day_ends_by is not None:
            plan.day_ends_by = day_ends_by
        plan.updated_by, plan.updated_at = staff, now
        plan.save()
        if clinicians:
            plan.preferred_clinicians.set(clinicians)
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.SCHEDULE,
            detail=f"intensive_plan:{plan.pk}:preferences",
        )
    return plan
