"""Personal access tokens: issued once in clear, stored as a digest, live for a while.

Tokens are 256 random bits, so a plain SHA-256 digest is enough: there is
nothing to brute-force that a slow hash would protect.

Finding 7 of issue 12: a token expires (90 days unless its owner chooses between 1 and
365), ends when its owner's password changes or the account closes (``User.save``), and
every event of its life is in the audit trail: created, used (at most once an hour, when
its last use is noted; each request's reads and writes are audited on their own),
refused (a wrong, expired or revoked token: the attempt, never the text sent) and
revoked, with the reason.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction

from kapcare.accounts.models import ApiToken, RevokedBecause, User
from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import AuditSource, record_event
from kapcare.core import clock

__all__ = [
    "DEFAULT_DAYS",
    "LAST_USED_EVERY",
    "MAX_DAYS",
    "TOKEN_PREFIX",
    "IssuedToken",
    "issue_token",
    "live_tokens",
    "refuse_token",
    "revoke_token",
    "revoke_tokens",
    "user_for_token",
]

TOKEN_PREFIX = "kapc_"  # noqa: S105  (a marker that lets secret scanners spot leaked tokens)
# A token's last use is noted at most this often: "used today" is what its owner and an
# access review need, and a write on every API request would cost every request a write.
LAST_USED_EVERY = dt.timedelta(hours=1)
DEFAULT_DAYS = 90
MAX_DAYS = 365


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _source(user: User | None, source_ip: str | None) -> AuditSource:
    return AuditSource(user=user, source_ip=source_ip)


def issue_token(
    *, user: User, name: str = "", days: int = DEFAULT_DAYS, source_ip: str | None = None
) -> IssuedToken:
    """A new token for ``user``, live for ``days`` (1 to MAX_DAYS); audited."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"A token lives 1 to {MAX_DAYS} days.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:12],
            digest=_digest(secret),
            expires_at=clock.now() + dt.timedelta(days=days),
        )
        record_event(
            source=_source(user, source_ip),
            action=AuditAction.CREATE,
            detail=f"api-token:created:{token.pk}:{days}d",
        )
    return IssuedToken(token=token, secret=secret)


def live_tokens(user: User) -> "list[ApiToken]":
    return list(
        ApiToken.objects.filter(
            user=user, revoked_at__isnull=True, expires_at__gt=clock.now()
        ).order_by("-created_at")
    )


def user_for_token(secret: str, *, source_ip: str | None = None) -> User | None:
    """The active user a live token belongs to, or None (the refusal audited)."""
    if not secret.startswith(TOKEN_PREFIX):
        refuse_token(None, source_ip=source_ip)
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(secret)).first()
    now = clock.now()
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_at <= now
        or not token.user.is_active
    ):
        refuse_token(token, source_ip=source_ip)
        return None
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_EVERY:
        # One conditional UPDATE, no read-modify-write race: of concurrent requests, the
        # first writes (and audits the use) and the others find it fresh.
        with transaction.atomic():
            noted = (
                ApiToken.objects.filter(pk=token.pk)
                .exclude(last_used_at__gt=now - LAST_USED_EVERY)
                .update(last_used_at=now)
            )
            if noted:
                record_event(
                    source=_source(token.user, source_ip),
                    action=AuditAction.LOGIN,
                    detail=f"api-token:used:{token.pk}",
                )
    return token.user


def refuse_token(token: ApiToken | None, *, source_ip: str | None) -> None:
    """Audit a bearer token that did not let its sender in.

    A token we know (revoked, expired, its owner gone) names its owner and why; an
    unknown one is an attempt from an address. The text sent is never kept.
    """
    if token is None:
        detail = "api-token:refused:unknown"
    elif token.revoked_at is not None:
        detail = f"api-token:refused:revoked:{token.pk}"
    elif not token.user.is_active:
        detail = f"api-token:refused:inactive:{token.pk}"
    else:
        detail = f"api-token:refused:expired:{token.pk}"
    record_event(
        source=_source(token.user if token else None, source_ip),
        action=AuditAction.LOGIN,
        outcome=AuditOutcome.FAILURE,
        detail=detail,
    )


def revoke_tokens(
    *,
    user: User,
    prefix: str | None = None,
    because: RevokedBecause = RevokedBecause.COMMAND,
    source_ip: str | None = None,
) -> int:
    """Revoke ``user``'s live tokens (or the one starting with ``prefix``); each audited."""
    with transaction.atomic():
        tokens = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        if prefix:
            tokens = tokens.filter(prefix__startswith=prefix[:12])
        ids = list(tokens.values_list("pk", flat=True))
        if not ids:
            return 0
        ApiToken.objects.filter(pk__in=ids).update(revoked_at=clock.now(), revoked_because=because)
        for token_id in ids:
            record_event(
                source=_source(user, source_ip),
                action=AuditAction.DELETE,
                detail=f"api-token:revoked:{token_id}:{because}",
            )
        return len(ids)


def revoke_token(*, user: User, token_id: int, source_ip: str | None = None) -> bool:
    """Revoke one of ``user``'s own tokens; False when they have no such live token."""
    with transaction.atomic():
        revoked = (
            ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
                revoked_at=clock.now(), revoked_because=RevokedBecause.OWNER
            )
            == 1
        )
        if revoked:
            record_event(
                source=_source(user, source_ip),
                action=AuditAction.DELETE,
                detail=f"api-token:revoked:{token_id}:{RevokedBecause.OWNER}",
            )
        return revoked
