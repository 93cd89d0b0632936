"""Signatures (the first one locks the record) and addenda."""

import datetime as dt

from django.db import transaction

from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.text import clean_text
from kapcare.core.violations import Violation
from kapcare.medicine.access import (
    SESSION,
    SIGNER_ROLES,
    access_for_change,
)
from kapcare.medicine.models import (
    Addendum,
    Signature,
)
from kapcare.medicine.services.record import RecordView, required_signatures, view_of
from kapcare.medicine.services.state import (
    ADDENDUM_NOT_SIGNED,
    SIGN_ALREADY,
    SIGN_NOT_DISCHARGED,
    SIGN_SAME_PERSON,
    audit_event,
    refuse,
    session_for_change,
)
from kapcare.medicine.vocabulary import SignerRole
from kapcare.people.access import Actor, refuse_change, staff_of
from kapcare.scheduling.services.status import record_held


def _signing_role(actor: Actor, role: SignerRole | None, signed: set[str]) -> SignerRole:
    held = [r for r, needed in SIGNER_ROLES.items() if needed in actor.roles]
    if role is not None:
        return role
    open_roles = [r for r in held if r.value not in signed]
    if len(open_roles) == 1:
        return open_roles[0]
    if not held:
        raise FieldError("role", "Sign as monitor, therapist or medical provider.")
    return open_roles[0] if open_roles else held[0]


def _confirm_password(actor: Actor, password: str, client_id: int) -> None:
    """The signer's password, asked again at the moment of signing (page and API alike):
    a signature is the person's own act, and a tablet or a token left signed in must not
    sign for them. A wrong one is refused on its field and audited as a failed attempt."""
    if not password or not actor.user.check_password(password):
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            outcome=AuditOutcome.FAILURE,
            client_id=client_id,
            category=SESSION,
            detail="sign:password_not_confirmed",
        )
        raise FieldError("password", "That is not your password. Enter it again to sign.")


def sign_record(
    *,
    actor: Actor,
    appointment_id: int,
    password: str,
    now: dt.datetime,
    role: SignerRole | None = None,
) -> RecordView:
    """Sign the record in one of the actor's roles; the first signature locks it.

    ``password`` is the signer's own, entered again now (refused on the field, audited).
    Monitor and therapist always sign; the medical provider co-signs when a dose
    (so a dose order) or an adverse event is recorded. Two roles need two people.
    """
    staff = staff_of(actor, SESSION)
    appointment, client = access_for_change(actor, appointment_id, "sign")
    _confirm_password(actor, password, client.pk)
    with transaction.atomic():
        session, rows = session_for_change(appointment, now)
        signed = {s.role for s in rows.signatures}
        chosen = _signing_role(actor, role, signed)
        if SIGNER_ROLES[chosen] not in actor.roles:
            raise refuse_change(
                actor, client_id=client.pk, category=SESSION, detail=f"sign:{chosen.value}"
            )
        problems: list[Violation] = []
        if session.discharged_at is None:
            problems.append(
                Violation(
                    rule=SIGN_NOT_DISCHARGED,
                    message="Record the discharge before signing: a signed record is locked.",
                )
            )
        if chosen.value in signed:
            problems.append(
                Violation(
                    rule=SIGN_ALREADY,
                    message=f"The record is already signed as {chosen.label.lower()}.",
                )
            )
        elif any(s.signed_by_id == staff.pk for s in rows.signatures):
            problems.append(
                Violation(
                    rule=SIGN_SAME_PERSON,
                    message=(
                        "You have already signed this record; another person signs the other role."
                    ),
                )
            )
        if not problems:
            Signature.objects.create(
                session=session, role=chosen.value, signed_by=staff, signed_at=now
            )
            required = {r.value for r in required_signatures(rows)}
            session.locked_at = session.locked_at or now
            if required <= signed | {chosen.value}:
                session.completed_at = now
            session.save(update_fields=["locked_at", "completed_at"])
            # A signed record is a held session: the appointment says so too.
            record_held(actor=actor, appointment=appointment, staff=staff, now=now)
            audit_event(
                actor,
                client.pk,
                AuditAction.UPDATE,
                f"medicine:{appointment.pk}:sign:{chosen.value}",
            )
    if problems:
        raise refuse(actor, client.pk, AuditAction.UPDATE, "sign", problems)
    return view_of(appointment, client, session, now)


def add_addendum(*, actor: Actor, appointment_id: int, text: str, now: dt.datetime) -> Addendum:
    """Amend a signed record: the only change a locked record takes."""
    staff = staff_of(actor, SESSION)
    appointment, client = access_for_change(actor, appointment_id, "addendum")
    text = clean_text(text, "text")
    if not text:
        raise FieldError("text", "Write the addendum.")
    with transaction.atomic():
        session, _ = session_for_change(appointment, now)
        problems: list[Violation] = []
        if session.locked_at is None:
            problems.append(
                Violation(
                    rule=ADDENDUM_NOT_SIGNED,
                    message="The record is not signed yet: change it directly instead.",
                )
            )
        else:
            addendum = Addendum.objects.create(
                session=session, text=text, written_by=staff, written_at=now
            )
            audit_event(
                actor,
                client.pk,
                AuditAction.CREATE,
                f"medicine:{appointment.pk}:addendum:{addendum.pk}",
            )
    if problems:
        raise refuse(actor, client.pk, AuditAction.CREATE, "addendum", problems)
    return addendum
