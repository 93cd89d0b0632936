"""A client signs or revokes a consent in the portal: the pathway's consent service does
it (the same rows the booking rules read), and the care team is told, in one transaction."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kapcare.pathway.models import Consent
from kapcare.pathway.services import revoke_consent, sign_consent
from kapcare.pathway.vocabulary import CONSENT_LABELS, ConsentKind
from kapcare.people.access import Actor
from kapcare.portal.services.notices import tell_care_team
from kapcare.portal.vocabulary import NoticeKind

__all__ = ["revoke_my_consent", "sign_my_consent"]


def sign_my_consent(
    *, actor: Actor, document_id: int, typed_name: str, now: dt.datetime
) -> Consent:
    with transaction.atomic():
        consent = sign_consent(actor=actor, document_id=document_id, typed_name=typed_name, now=now)
        tell_care_team(
            actor=actor,
            client=consent.client,
            kind=NoticeKind.CONSENT_SIGNED,
            now=now,
            detail=f"{CONSENT_LABELS[ConsentKind(consent.kind)]}, version {consent.version}",
        )
    return consent


def revoke_my_consent(*, actor: Actor, consent_id: int, now: dt.datetime) -> Consent:
    """Revoked from today, in one step; the care team is told."""
    with transaction.atomic():
        consent = revoke_consent(
            actor=actor, consent_id=consent_id, revoked_on=timezone.localdate(now), now=now
        )
        tell_care_team(
            actor=actor,
            client=consent.client,
            kind=NoticeKind.CONSENT_REVOKED,
            now=now,
            detail=f"{CONSENT_LABELS[ConsentKind(consent.kind)]}, version {consent.version}",
        )
    return consent
