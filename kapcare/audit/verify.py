"""Checking the stored chain against its hashes."""

from collections.abc import Iterator

from kapcare.audit.chain import GENESIS_HASH, BrokenLink, first_broken_link
from kapcare.audit.models import AuditChainHead, AuditEvent


def _rows() -> Iterator[dict[str, object]]:
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        yield {**event.chain_fields(), "prev_hash": event.prev_hash, "hash": event.hash}


def verify_chain() -> BrokenLink | None:
    broken = first_broken_link(_rows())
    if broken is not None:
        return broken
    # The head remembers the tip, so cutting events off the end shows too.
    head = AuditChainHead.objects.filter(id=1).first()
    last = AuditEvent.objects.order_by("-seq").first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    last_seq, last_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (last_seq, last_hash):
        return BrokenLink(last_seq + 1, "events after it are missing from the end of the trail")
    return None
