"""The audit chain's hash: pure, so it can be recomputed anywhere.

Each event's hash covers its own fields and the previous event's hash, so
changing, removing or reordering any row breaks every link after it.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS_HASH = "0" * 64

# The fields that are hashed, in a fixed order; adding one is a new chain version.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "client_id",
    "action",
    "category",
    "outcome",
    "source_ip",
    "detail",
)


def event_hash(prev_hash: str, fields: Mapping[str, object]) -> str:
    payload = json.dumps(
        [prev_hash, *(fields[name] for name in HASHED_FIELDS)],
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str


def first_broken_link(events: Iterable[Mapping[str, object]]) -> BrokenLink | None:
    """Walk events in ``seq`` order; the first one that does not chain, or None."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    for event in events:
        seq = int(str(event["seq"]))
        if seq != expected_seq:
            return BrokenLink(expected_seq, f"event {expected_seq} is missing")
        if event["prev_hash"] != prev_hash:
            return BrokenLink(seq, "its previous-hash does not match the event before it")
        if event["hash"] != event_hash(prev_hash, event):
            return BrokenLink(seq, "its contents do not match its hash")
        prev_hash = str(event["hash"])
        expected_seq += 1
    return None
