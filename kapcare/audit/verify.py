"""Checking the stored chain against its keyed hashes, and against a saved checkpoint."""

import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kapcare.audit.chain import GENESIS_HASH, BrokenLink, checkpoint_mac, first_broken_link
from kapcare.audit.keys import audit_key
from kapcare.audit.models import AuditChainHead, AuditEvent


def _rows() -> Iterator[dict[str, object]]:
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        yield {**event.chain_fields(), "prev_hash": event.prev_hash, "hash": event.hash}


def verify_chain(key: bytes | None = None) -> BrokenLink | None:
    broken = first_broken_link(key if key is not None else audit_key(), _rows())
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


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    mac: str

    def to_json(self) -> str:
        return json.dumps({"seq": self.seq, "hash": self.hash, "mac": self.mac}, indent=2)


def make_checkpoint() -> Checkpoint:
    """The chain's head now, signed with the audit key."""
    head = AuditChainHead.objects.filter(id=1).first()
    seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    return Checkpoint(seq=seq, hash=head_hash, mac=checkpoint_mac(audit_key(), seq, head_hash))


class CheckpointError(Exception):
    pass


def check_checkpoint(path: Path, key: bytes | None = None) -> Checkpoint:
    """The checkpoint in ``path``, if it is genuine and the stored trail still holds it."""
    key = key if key is not None else audit_key()
    try:
        data = json.loads(path.read_text())
        saved = Checkpoint(seq=int(data["seq"]), hash=str(data["hash"]), mac=str(data["mac"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CheckpointError(f"cannot read the checkpoint {path}: {error}") from None
    if not hmac.compare_digest(saved.mac, checkpoint_mac(key, saved.seq, saved.hash)):
        raise CheckpointError("the checkpoint's signature does not match this audit key")
    if saved.seq == 0:
        return saved
    event = AuditEvent.objects.filter(seq=saved.seq).first()
    if event is None:
        raise CheckpointError(f"event {saved.seq} of the checkpoint is missing from the trail")
    if not hmac.compare_digest(event.hash, saved.hash):
        raise CheckpointError(
            f"event {saved.seq} no longer has the hash the checkpoint recorded: "
            "the trail up to it was rewritten"
        )
    return saved
