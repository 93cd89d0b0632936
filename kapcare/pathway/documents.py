"""Consent documents as text: their digest and their paragraphs. Pure Python.

The SHA-256 is taken over the title and the body exactly as the client read them
(line endings made LF, UTF-8), so the signed copy can be checked against the version
it names.
"""

import hashlib

__all__ = ["document_digest", "paragraphs"]


def _normalized(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def document_digest(title: str, body: str) -> str:
    """The document's SHA-256, hex: what a signature records it signed."""
    text = f"{_normalized(title)}\n\n{_normalized(body)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs (separated by blank lines), each on one line."""
    blocks = _normalized(body).split("\n\n")
    return [" ".join(line.strip() for line in b.splitlines()) for b in blocks if b.strip()]
