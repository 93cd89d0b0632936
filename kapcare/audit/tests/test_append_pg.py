"""The PostgreSQL append: one statement that moves the head only if no one moved it first,
and a read alone in its transaction committed without waiting for the disk (ADR 0031)."""

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kapcare.audit import append_pg
from kapcare.audit.models import AuditAction, AuditChainHead, AuditEvent
from kapcare.audit.services import AuditSource, record_event, record_events
from kapcare.audit.verify import verify_chain

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL append"),
]

SOURCE = AuditSource(user=None, source_ip="192.0.2.9")


def _read(client_id: int = 7) -> AuditEvent:
    return record_event(source=SOURCE, action=AuditAction.READ, client_id=client_id)


def _sent() -> CaptureQueriesContext:
    return CaptureQueriesContext(connection)


def test_a_read_is_one_read_of_the_head_and_one_statement() -> None:
    _read()  # the head exists from here on
    with _sent() as sent:
        event = _read()
    assert len(sent.captured_queries) == 2
    stored = AuditEvent.objects.get(seq=event.seq)
    assert (stored.pk, stored.action, stored.source_ip) == (event.pk, "read", "192.0.2.9")
    assert AuditChainHead.objects.values_list("seq", "hash").get() == (event.seq, event.hash)
    assert verify_chain() is None


# Outside the test's own transaction: that is where a read may commit late.
@pytest.mark.django_db(transaction=True)
def test_a_lone_read_commits_without_waiting_and_the_setting_ends_with_it() -> None:
    _read()
    with _sent() as sent:
        _read()
    assert "synchronous_commit TO off" in sent.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "append",
    [
        pytest.param(
            lambda: record_event(source=SOURCE, action=AuditAction.UPDATE, client_id=7),
            id="a change",
        ),
        pytest.param(
            lambda: record_event(source=SOURCE, action=AuditAction.EMERGENCY, client_id=7),
            id="an emergency read",
        ),
    ],
)
def test_anything_but_a_read_waits_for_the_disk(append) -> None:  # type: ignore[no-untyped-def]
    _read()
    with _sent() as sent:
        append()
    assert not any("synchronous_commit" in q["sql"] for q in sent.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_change_commits_with_it() -> None:
    _read()
    with transaction.atomic(), _sent() as sent:
        _read()
    assert not any("synchronous_commit" in q["sql"] for q in sent.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_practice_may_have_every_read_wait_for_the_disk(settings: Any) -> None:
    settings.KAPCARE_AUDIT_READS_WAIT_FOR_DISK = True
    _read()
    with _sent() as sent:
        _read()
    assert not any("synchronous_commit" in q["sql"] for q in sent.captured_queries)


def test_a_head_moved_by_someone_else_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a writer that read the head just before another one appended
    first = _read()
    _read()
    reads = [(first.seq, first.hash)]
    real_read = append_pg.read_head
    monkeypatch.setattr(append_pg, "read_head", lambda: reads.pop() if reads else real_read())

    # When it appends
    event = _read(client_id=8)

    # Then its stale try wrote nothing and the next one chained onto the real head
    assert event.seq == first.seq + 2
    assert AuditEvent.objects.count() == 3
    assert verify_chain() is None


def test_a_head_always_moved_first_falls_back_to_its_lock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = _read()
    _read()
    monkeypatch.setattr(append_pg, "read_head", lambda: (first.seq, first.hash))

    record_events(source=SOURCE, action=AuditAction.READ, client_ids=[1, 2, 3], category="")

    assert list(AuditEvent.objects.order_by("seq").values_list("client_id", flat=True)) == [
        7,
        7,
        1,
        2,
        3,
    ]
    assert verify_chain() is None


def test_the_first_event_of_an_empty_trail_makes_the_head() -> None:
    assert not AuditChainHead.objects.exists()
    event = _read()
    assert event.seq == 1
    assert verify_chain() is None
