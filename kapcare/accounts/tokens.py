"""Personal access tokens: issued once in clear, stored as a digest.

Tokens are 256 random bits, so a plain SHA-256 digest is enough: there is
nothing to brute-force that a slow hash would protect.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction

from kapcare.accounts.models import ApiToken, User
from kapcare.core import clock

TOKEN_PREFIX = "kapc_"  # noqa: S105  (a marker that lets secret scanners spot leaked tokens)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(*, user: User, name: str = "") -> IssuedToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:12], digest=_digest(secret)
    )
    return IssuedToken(token=token, secret=secret)


def user_for_token(secret: str) -> User | None:
    """The active user a live token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # One UPDATE, no read-modify-write race.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
    return token.user


def revoke_tokens(*, user: User, prefix: str | None = None) -> int:
    with transaction.atomic():
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        if prefix:
            tokens = tokens.filter(prefix__startswith=prefix[:12])
        return tokens.update(revoked_at=clock.now())
