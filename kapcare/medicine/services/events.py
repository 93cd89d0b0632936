"""Observations (dissociation, sedation, what emerged) and adverse events; a serious
one flags the chart and e-mails the medical providers.
"""

import datetime as dt
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditAction
from kapcare.core.errors import FieldError
from kapcare.core.text import clean_text
from kapcare.medicine.access import (
    SESSION,
    access_for_change,
)
from kapcare.medicine.models import (
    AdverseEvent,
    Observation,
)
from kapcare.medicine.services.settings import policy_for
from kapcare.medicine.services.state import (
    audit_event,
    not_locked,
    record_time_problems,
    refuse,
    require_aware,
    saved_session,
    session_for_change,
)
from kapcare.medicine.vocabulary import AdverseEventKind, AdverseEventSeverity
from kapcare.people.access import Actor, staff_of
from kapcare.people.models import CareTeamMember, StaffMember
from kapcare.people.policy import Category, Role
from kapcare.scheduling.models import Appointment

logger = logging.getLogger(__name__)


def record_observation(
    *,
    actor: Actor,
    appointment_id: int,
    at: dt.datetime,
    dissociation: int | None,
    sedation: int | None,
    note: str,
    emerged: str,
    now: dt.datetime,
) -> Observation:
    """Dissociation (0-10), sedation (MOAA/S 0-5), free text and what emerged."""
    staff = staff_of(actor, SESSION)
    require_aware(at, "at")
    appointment, client = access_for_change(actor, appointment_id, "observation")
    if dissociation is not None and not 0 <= dissociation <= 10:
        raise FieldError("dissociation", "Rate dissociation from 0 (none) to 10 (extreme).")
    if sedation is not None and not 0 <= sedation <= 5:
        raise FieldError("sedation", "MOAA/S sedation runs from 5 (responds readily) to 0.")
    note, emerged = clean_text(note, "note"), clean_text(emerged, "emerged")
    if dissociation is None and sedation is None and not note and not emerged:
        raise FieldError("note", "Record a rating, an observation or what emerged.")
    with transaction.atomic():
        session, _ = session_for_change(appointment, now)
        problems = not_locked(session) + record_time_problems(
            at, appointment, now, "observation", future=True, policy=policy_for(client.practice_id)
        )
        if not problems:
            saved = Observation.objects.create(
                session=saved_session(session),
                at=at,
                dissociation=dissociation,
                sedation=sedation,
                note=note,
                emerged=emerged,
                recorded_by=staff,
                recorded_at=now,
            )
            audit_event(
                actor,
                client.pk,
                AuditAction.CREATE,
                f"medicine:{appointment.pk}:observation:{saved.pk}",
            )
    if problems:
        raise refuse(actor, client.pk, AuditAction.CREATE, "observation", problems)
    return saved


def _medical_providers(appointment: Appointment) -> list[StaffMember]:
    """Medical providers on the client's care team or booked on the session."""
    return list(
        StaffMember.objects.filter(
            is_active=True,
            roles__role=Role.MEDICAL_PROVIDER.value,
        )
        .filter(
            pk__in=list(
                CareTeamMember.objects.filter(client_id=appointment.client_id).values_list(
                    "staff_id", flat=True
                )
            )
            + list(appointment.staff_links.values_list("staff_id", flat=True))
        )
        .select_related("user")
        .distinct()
    )


def _notify_serious(event_id: int, appointment_id: int, recipients: list[str]) -> None:
    """E-mail the medical providers: ids and a link only, never client data."""
    if not recipients:
        return
    try:
        send_mail(
            subject="KAP Care: serious adverse event recorded",
            message=(
                "A serious adverse event was recorded in a medicine session.\n"
                f"Open the session record: /appointments/{appointment_id}/medicine/\n"
                "Sign in to KAP Care to review it and co-sign the record."
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except OSError:
        # SMTP down: the chart still shows the flag; the event keeps no sent time.
        logger.warning("Serious adverse event %s: notification e-mail failed.", event_id)
        return
    AdverseEvent.objects.filter(pk=event_id).update(notification_sent_at=timezone.now())


def record_adverse_event(
    *,
    actor: Actor,
    appointment_id: int,
    at: dt.datetime,
    kind: AdverseEventKind,
    severity: AdverseEventSeverity,
    action: str,
    provider_notified: bool,
    now: dt.datetime,
) -> AdverseEvent:
    """Record an adverse event; a serious one flags the chart and e-mails the medical provider."""
    staff = staff_of(actor, SESSION)
    require_aware(at, "at")
    appointment, client = access_for_change(actor, appointment_id, "adverse_event")
    action = clean_text(action, "action")
    if not action:
        raise FieldError("action", "Say what was done (or 'none').")
    with transaction.atomic():
        session, _ = session_for_change(appointment, now)
        problems = not_locked(session) + record_time_problems(
            at,
            appointment,
            now,
            "adverse_event",
            future=True,
            policy=policy_for(client.practice_id),
        )
        if not problems:
            event = AdverseEvent.objects.create(
                session=saved_session(session),
                at=at,
                kind=kind.value,
                severity=severity.value,
                action=action,
                provider_notified=provider_notified,
                recorded_by=staff,
                recorded_at=now,
            )
            audit_event(
                actor, client.pk, AuditAction.CREATE,
                f"medicine:{appointment.pk}:adverse_event:{event.pk}:{severity.value}",
            )  # fmt: skip
            if event.serious:
                recipients = [m.user.email for m in _medical_providers(appointment)]
                audit_event(
                    actor,
                    client.pk,
                    AuditAction.CREATE,
                    f"medicine:{appointment.pk}:serious_flag:{event.pk}",
                    category=Category.SAFETY,
                )
                transaction.on_commit(lambda: _notify_serious(event.pk, appointment.pk, recipients))
    if problems:
        raise refuse(actor, client.pk, AuditAction.CREATE, "adverse_event", problems)
    return event
