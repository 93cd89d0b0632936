"""Single-use link tokens: random, signed, and stored only as a digest.

A token is ``<random>.<signature>``: 32 random bytes (URL-safe base64) signed with the
site's secret key under a salt of its own kind (a completion link's token opens no
invitation). The database keeps the SHA-256 of the random part only, so neither a copy
of the database nor a guessed string opens a link; a token whose signature does not
verify is refused before any query.
"""

import hashlib
import secrets

from django.core import signing

__all__ = ["MAX_TOKEN_LENGTH", "LinkTokens"]

_SEP = "."  # not in the URL-safe base64 alphabet, so the two parts split cleanly
MAX_TOKEN_LENGTH = 200


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


class LinkTokens:
    """Tokens of one kind (``salt`` names it)."""

    def __init__(self, salt: str) -> None:
        self.salt = salt

    def _signer(self) -> signing.Signer:
        return signing.Signer(salt=self.salt, sep=_SEP)

    def make(self) -> tuple[str, str]:
        """A new token and the digest to store for it."""
        secret = secrets.token_urlsafe(32)
        return self._signer().sign(secret), _digest(secret)

    def digest_of(self, token: str) -> str | None:
        """The stored digest a token answers to, or None when it is not one of ours."""
        if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            return None
        try:
            secret = self._signer().unsign(token)
        except signing.BadSignature:
            return None
        return _digest(secret)
