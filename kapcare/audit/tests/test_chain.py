"""The hash chain: pure functions first, then the chain as the database holds it."""

import datetime as dt
import hashlib
import hmac
import itertools
import json

import pytest

from kapcare.audit.chain import (
    GENESIS_HASH,
    HASHED_FIELDS,
    BrokenLink,
    canonical_ip,
    canonical_time,
    event_hash,
    first_broken_link,
)
from kapcare.audit.keys import audit_key
from kapcare.audit.models import AuditAction, AuditChainHead, AuditEvent, AuditOutcome
from kapcare.audit.services import AuditSource, record_event, record_events
from kapcare.audit.verify import verify_chain

KEY = b"k" * 32
NOON_UTC = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _fields(seq: int, **changes: object) -> dict[str, object]:
    return {
        "seq": seq,
        "at": canonical_time(NOON_UTC + dt.timedelta(seconds=seq)),
        "actor_id": 7,
        "client_id": 40 + seq,
        "action": "read",
        "category": "demographics",
        "outcome": "success",
        "source_ip": "192.0.2.1",
        "detail": f"page:chart:{seq}",
        **changes,
    }


def _chain(n: int) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        fields = _fields(seq)
        digest = event_hash(KEY, prev, fields)
        events.append({**fields, "prev_hash": prev, "hash": digest})
        prev = digest
    return events


# ---------------------------------------------------------------- pure


def test_event_hash_is_hmac_sha256_over_previous_hash_and_fields_in_order() -> None:
    fields = _fields(1)
    payload = json.dumps(
        [GENESIS_HASH, *(fields[name] for name in HASHED_FIELDS)], separators=(",", ":")
    )
    expected = hmac.new(KEY, payload.encode(), hashlib.sha256).hexdigest()
    assert event_hash(KEY, GENESIS_HASH, fields) == expected
    assert event_hash(b"another key" * 3, GENESIS_HASH, fields) != expected


def test_event_hash_covers_every_hashed_field_and_the_previous_hash() -> None:
    base = event_hash(KEY, GENESIS_HASH, _fields(1))
    assert len(base) == 64
    assert int(base, 16) >= 0
    assert event_hash(KEY, "1" * 64, _fields(1)) != base
    changed = {
        "seq": 2,
        "at": canonical_time(NOON_UTC),
        "actor_id": None,
        "client_id": None,
        "action": "update",
        "category": "clinical",
        "outcome": "denied",
        "source_ip": "192.0.2.2",
        "detail": "page:other",
    }
    assert set(changed) == set(HASHED_FIELDS)
    for name, value in changed.items():
        assert event_hash(KEY, GENESIS_HASH, {**_fields(1), name: value}) != base, name


def test_hashed_fields_are_what_design_asks_for() -> None:
    # who, what, when, where from, outcome; the seq orders them.
    assert HASHED_FIELDS == (
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


def test_an_intact_chain_has_no_broken_link() -> None:
    assert first_broken_link(KEY, _chain(5)) is None
    assert first_broken_link(KEY, []) is None


def test_a_changed_field_breaks_that_event() -> None:
    events = _chain(5)
    events[2]["detail"] = "something else"
    assert first_broken_link(KEY, events) == BrokenLink(3, "its contents do not match its hash")


def test_a_recomputed_hash_breaks_the_next_event() -> None:
    # Someone edits event 3 and fixes its own hash: event 4 no longer follows it.
    events = _chain(5)
    events[2]["detail"] = "something else"
    events[2]["hash"] = event_hash(KEY, str(events[1]["hash"]), events[2])
    broken = first_broken_link(KEY, events)
    assert broken == BrokenLink(4, "its previous-hash does not match the event before it")


def test_a_missing_event_is_named() -> None:
    events = _chain(5)
    del events[2]
    assert first_broken_link(KEY, events) == BrokenLink(3, "event 3 is missing")


def test_a_missing_first_event_is_named() -> None:
    assert first_broken_link(KEY, _chain(3)[1:]) == BrokenLink(1, "event 1 is missing")


def test_swapped_events_are_found() -> None:
    events = _chain(4)
    events[1], events[2] = events[2], events[1]
    assert first_broken_link(KEY, events) == BrokenLink(2, "event 2 is missing")


def test_only_the_first_broken_link_is_reported() -> None:
    events = _chain(6)
    events[4]["detail"] = "later change"
    events[1]["detail"] = "earlier change"
    assert first_broken_link(KEY, events) == BrokenLink(2, "its contents do not match its hash")


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),  # IPv4 client of a dual-stack server
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("not an address", None),
        ("", None),
        (None, None),
    ],
)
def test_canonical_ip(given: str | None, canonical: str | None) -> None:
    assert canonical_ip(given) == canonical


def test_canonical_time_is_utc_whatever_the_zone() -> None:
    new_york = dt.timezone(dt.timedelta(hours=-5))
    assert canonical_time(NOON_UTC) == "2026-03-01T12:00:00.000000+00:00"
    assert canonical_time(NOON_UTC.astimezone(new_york)) == canonical_time(NOON_UTC)
    with pytest.raises(ValueError, match="aware"):
        canonical_time(NOON_UTC.replace(tzinfo=None))


# ---------------------------------------------------------------- stored


def _ip_source(ip: str | None = "192.0.2.10") -> AuditSource:
    return AuditSource(user=None, source_ip=ip)


@pytest.mark.django_db
def test_each_stored_event_links_to_the_one_before() -> None:
    # Given / When
    for n in range(5):
        record_event(source=_ip_source(), action=AuditAction.READ, client_id=n + 1)
    record_events(
        source=_ip_source(), action=AuditAction.READ, client_ids=[10, 11, 12], category="x"
    )

    # Then
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, 9))
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    for event in events:
        assert event.hash == event_hash(audit_key(), event.prev_hash, event.chain_fields())
        assert len(event.hash) == 64
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (8, events[-1].hash)
    assert verify_chain() is None


@pytest.mark.django_db
@pytest.mark.parametrize("ip", ["::ffff:192.0.2.1", "fe80::1%eth0", "2001:DB8::1", None])
def test_addresses_the_database_respells_keep_the_chain_intact(ip: str | None) -> None:
    # Given an address PostgreSQL and SQLite would store differently from Python's spelling
    record_event(source=_ip_source(ip), action=AuditAction.LOGIN)
    record_events(source=_ip_source(ip), action=AuditAction.READ, client_ids=[1], category="x")

    # Then the chain recomputed from the stored rows still matches
    assert verify_chain() is None


@pytest.mark.django_db
def test_a_clock_in_another_zone_still_stores_and_chains_utc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new_york = dt.timezone(dt.timedelta(hours=-5))
    monkeypatch.setattr("kapcare.core.clock.now", lambda: NOON_UTC.astimezone(new_york))

    event = record_event(source=_ip_source(), action=AuditAction.READ)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.at == NOON_UTC
    assert stored.at.utcoffset() == dt.timedelta(0)
    assert verify_chain() is None


@pytest.mark.django_db
def test_a_naive_clock_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kapcare.core.clock.now", lambda: NOON_UTC.replace(tzinfo=None))
    with pytest.raises(ValueError, match="aware"):
        record_event(source=_ip_source(), action=AuditAction.READ)
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_list_appends_nothing() -> None:
    record_events(source=_ip_source(), action=AuditAction.READ, client_ids=[], category="x")
    assert AuditEvent.objects.count() == 0
    assert not AuditChainHead.objects.exists()


@pytest.mark.django_db
def test_list_events_are_successes_naming_each_client() -> None:
    record_events(
        source=_ip_source(),
        action=AuditAction.EXPORT,
        client_ids=[3, 1, 2],
        category="demographics",
        detail="export:csv",
    )
    assert [
        (e.client_id, e.action, e.outcome, e.detail) for e in AuditEvent.objects.order_by("seq")
    ] == [
        (3, "export", AuditOutcome.SUCCESS, "export:csv"),
        (1, "export", AuditOutcome.SUCCESS, "export:csv"),
        (2, "export", AuditOutcome.SUCCESS, "export:csv"),
    ]
