"""Completion-link tokens (``core.tokens``, under the measures' own salt): random,
signed, and stored only as a SHA-256 digest."""

from kapcare.core.tokens import MAX_TOKEN_LENGTH, LinkTokens

__all__ = ["MAX_TOKEN_LENGTH", "digest_of", "make_token"]

_TOKENS = LinkTokens("kapcare.measures.completion-link")


def make_token() -> tuple[str, str]:
    """A new token and the digest to store for it."""
    return _TOKENS.make()


def digest_of(token: str) -> str | None:
    """The stored digest a token answers to, or None when it is not one of ours."""
    return _TOKENS.digest_of(token)
