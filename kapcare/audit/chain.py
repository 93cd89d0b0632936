"""The audit chain's hash: pure, so it can be recomputed anywhere the key is.

Each event's hash is an HMAC-SHA256, under the practice's audit key, of its own
fields and the previous event's hash, so changing, removing or reordering any row
breaks every link after it, and someone who can write to the database but does not
hold the key (``KAPCARE_AUDIT_KEY``) cannot recompute the links to hide it.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
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


def canonical_ip(value: str | None) -> str | None:
    """One spelling per address, the same before and after the database.

    IPv4-mapped IPv6 addresses (``::ffff:1.2.3.4``, as a dual-stack server
    reports IPv4 clients) become plain IPv4 and zone ids (``%eth0``) are
    dropped: the database would store them differently from how Python prints
    them, and a hash over one spelling would not match the other. Anything
    that is not an address is None.
    """
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def canonical_time(value: dt.datetime) -> str:
    """The instant in UTC with microseconds, whatever zone it was given in."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("Audit times must be time-zone aware.")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


# One encoder for every event: ``json.dumps`` with these options builds a new one per
# call, which cost more than the hash when a trail of millions is written (the
# synthetic practice). The same bytes either way.
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, default=str).encode


def event_hash(key: bytes, prev_hash: str, fields: Mapping[str, object]) -> str:
    payload = _encode([prev_hash, *(fields[name] for name in HASHED_FIELDS)])
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str


def first_broken_link(key: bytes, events: Iterable[Mapping[str, object]]) -> BrokenLink | None:
    """Walk events in ``seq`` order; the first one that does not chain, or None."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    for event in events:
        seq = int(str(event["seq"]))
        if seq != expected_seq:
            return BrokenLink(expected_seq, f"event {expected_seq} is missing")
        if event["prev_hash"] != prev_hash:
            return BrokenLink(seq, "its previous-hash does not match the event before it")
        if not hmac.compare_digest(str(event["hash"]), event_hash(key, prev_hash, event)):
            return BrokenLink(seq, "its contents do not match its hash")
        prev_hash = str(event["hash"])
        expected_seq += 1
    return None


CHECKPOINT_LABEL = "kapcare-audit-checkpoint:v1"


def checkpoint_mac(key: bytes, seq: int, head_hash: str) -> str:
    """The signature of a checkpoint (the chain's head at ``seq``), kept apart from the database."""
    message = f"{CHECKPOINT_LABEL}:{seq}:{head_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
