"""Single-use completion links: issued to a client, used without signing in, withdrawn."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.core.errors import FieldError
from kapcare.measures import tokens
from kapcare.measures.access import locked_record
from kapcare.measures.models import (
    CompletionLink,
    MeasureAssignment,
    ResponseSource,
)
from kapcare.measures.services.responses import (
    Recorded,
    active_assignment,
    answers_list,
    instrument_for,
    score_answers,
    store_response,
)
from kapcare.people.access import (
    Actor,
    access_client,
    staff_of,
)
from kapcare.people.policy import Category

LINK_VALIDITY = dt.timedelta(days=7)


MIN_LINK_VALIDITY = dt.timedelta(hours=1)


MAX_LINK_VALIDITY = dt.timedelta(days=30)


class LinkUnusable(Exception):
    """A completion link that cannot be used: unknown, expired, used or withdrawn."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IssuedLink:
    link: CompletionLink
    token: str  # shown once, never stored


def link_digest(token: str) -> str | None:
    """The stored digest a link's token answers to (None: not one of ours)."""
    return tokens.digest_of(token)


def get_usable_link(*, digest: str | None, now: dt.datetime) -> CompletionLink:
    """The link with this digest, if it can still be used; :class:`LinkUnusable` otherwise.

    Callers turn the token into its digest first (:func:`link_digest`), so the token
    itself need not travel further than the first request.
    """
    link = (
        CompletionLink.objects.filter(digest=digest).select_related("client").first()
        if digest
        else None
    )
    if link is None:
        raise LinkUnusable("unknown")
    if link.used_at is not None:
        raise LinkUnusable("used")
    if link.revoked_at is not None:
        raise LinkUnusable("withdrawn")
    if link.expires_at <= now:
        raise LinkUnusable("expired")
    return link


def record_link_response(
    *,
    digest: str | None,
    answers: object,
    source: AuditSource,
    now: dt.datetime,
    site_url: str = "",
) -> Recorded:
    """The client completes a measure by link: the link is used up with the response."""
    link = get_usable_link(digest=digest, now=now)
    instrument = instrument_for(link.instrument_code, field="answers")
    result = score_answers(instrument, answers)
    with transaction.atomic():
        # Claimed in the same statement that checks it: two submissions, one response.
        claimed = CompletionLink.objects.filter(
            pk=link.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not claimed:
            raise LinkUnusable("used")
        link.used_at = now
        assignment = (
            MeasureAssignment.objects.filter(pk=link.assignment_id, ended_at__isnull=True).first()
            if link.assignment_id is not None
            else None
        )
        return store_response(
            client=link.client,
            instrument=instrument,
            result=result,
            answers=answers_list(answers),
            source=ResponseSource.LINK,
            entered_by=None,
            link=link,
            assignment=assignment,
            audit=source,
            now=now,
            site_url=site_url,
        )


def issue_link(
    *,
    actor: Actor,
    client_id: int,
    instrument_code: str,
    now: dt.datetime,
    valid_for: dt.timedelta = LINK_VALIDITY,
    assignment_id: int | None = None,
) -> IssuedLink:
    """A new completion link; its token is answered once and only its digest is kept."""
    staff = staff_of(actor, Category.CLINICAL, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.CREATE, detail="measure_link"
    )
    instrument = instrument_for(instrument_code)
    if not MIN_LINK_VALIDITY <= valid_for <= MAX_LINK_VALIDITY:
        raise FieldError("valid_for_hours", "A link is valid for 1 hour to 30 days.")
    token, digest = tokens.make_token()
    with transaction.atomic():
        assignment = active_assignment(client, assignment_id, instrument)
        link = CompletionLink.objects.create(
            client=client,
            assignment=assignment,
            instrument_code=instrument.code,
            digest=digest,
            issued_by=staff,
            issued_at=now,
            expires_at=now + valid_for,
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"measure_link:{link.pk}:{instrument.code}",
        )
    return IssuedLink(link=link, token=token)


def withdraw_link(
    *, actor: Actor, client_id: int, link_id: int, now: dt.datetime
) -> CompletionLink:
    """Stop a link that has not been used (sent to the wrong person, no longer wanted)."""
    staff_of(actor, Category.CLINICAL, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.UPDATE, detail="measure_link"
    )
    with transaction.atomic():
        link = locked_record(
            actor,
            CompletionLink.objects.all(),
            link_id,
            client=client,
            category=Category.CLINICAL,
            detail="measure_link",
        )
        if link.used_at is not None:
            raise FieldError("link", "This link has been used already; its answers are kept.")
        if link.revoked_at is not None:
            raise FieldError("link", "This link has already been withdrawn.")
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"measure_link:{link.pk}:withdrawn",
        )
    return link
