"""Exported PDFs: produced in one place, each known by the SHA-256 of its bytes (ONC (d)(8)).

Every PDF the practice hands out (superbill, progress report, medicine session record,
audit log report, signed consent) comes from ``pdf_response``: it renders the HTML,
hashes the exact bytes, records the hash (an ``ExportedDocument`` row and an audit event
naming the hash, in one transaction) and answers the file with the hash in its headers.
``exports_matching`` answers "did this practice export a document with this hash?" for
the verification page and API. A file cannot print its own SHA-256 (the hash would change
the bytes it hashes): ADR 0025 says why the hash travels beside the file instead.
"""

import base64
import hashlib
import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse

from kapcare.audit.models import AuditAction, DocumentKind, ExportedDocument
from kapcare.audit.services import AuditSource, record_event
from kapcare.core import clock
from kapcare.core.pdf import html_to_pdf

__all__ = [
    "DIGEST_HEADER",
    "SHA256_HEADER",
    "DocumentKind",
    "exports_matching",
    "is_sha256",
    "normalise_sha256",
    "pdf_response",
    "sha256_of_chunks",
]

# RFC 9530's digest of the representation (base64 between colons), and the same hash in
# the hexadecimal form the pages, the API and `sha256sum` show.
DIGEST_HEADER = "Repr-Digest"
SHA256_HEADER = "X-Content-SHA256"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def normalise_sha256(text: str) -> str:
    """A hash as typed or pasted: spaces and a ``sha256:`` prefix dropped, lower case."""
    cleaned = "".join(text.split()).lower()
    return cleaned.removeprefix("sha256:").removeprefix("sha-256:")


def is_sha256(text: str) -> bool:
    return bool(_HEX64.fullmatch(text))


def sha256_of_chunks(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def pdf_response(
    html: str,
    *,
    kind: DocumentKind,
    source: AuditSource,
    practice_id: int,
    client_id: int | None,
    category: str,
    filename: str,
    disposition: str = "inline",
) -> HttpResponse:
    """The PDF of ``html`` as a response, its SHA-256 recorded before it is answered.

    ``category`` is the kind of data the document holds (for the audit event); the
    filename carries ids and dates only, never a client's name.
    """
    content = html_to_pdf(html)
    digest = hashlib.sha256(content)
    sha256 = digest.hexdigest()
    with transaction.atomic():
        event = record_event(
            source=source,
            action=AuditAction.PRINT,
            client_id=client_id,
            category=category,
            detail=f"pdf:{kind.value}:sha256:{sha256}",
        )
        ExportedDocument.objects.create(
            sha256=sha256,
            kind=kind,
            practice_id=practice_id,
            client_id=client_id,
            exported_by=source.user,
            exported_at=clock.now(),
            size=len(content),
            audit_seq=event.seq,
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response[DIGEST_HEADER] = f"sha-256=:{base64.b64encode(digest.digest()).decode()}:"
    response[SHA256_HEADER] = sha256
    return response


def exports_matching(practice_id: int, sha256: str) -> QuerySet[ExportedDocument]:
    """The practice's exports with these exact bytes, oldest first (one, nearly always:
    a PDF carries the moment it was made)."""
    return (
        ExportedDocument.objects.filter(practice_id=practice_id, sha256=sha256)
        .select_related("exported_by")
        .order_by("exported_at", "pk")
    )
