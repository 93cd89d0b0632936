"""Writing the trail: what each event holds, append-only, transactions, concurrency."""

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.test import Client as HttpClient

from kapcare.accounts.models import User
from kapcare.audit.models import (
    AppendOnlyError,
    AuditAction,
    AuditChainHead,
    AuditEvent,
    AuditOutcome,
)
from kapcare.audit.services import (
    AuditSource,
    clean_ip,
    record_event,
    record_events,
    record_mail_failure,
)
from kapcare.audit.verify import verify_chain
from kapcare.people.access import Actor, access_client
from kapcare.people.models import Client
from kapcare.people.policy import Category, Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _event(
    user: User | None = None,
    *,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    detail: str = "page:chart",
) -> AuditEvent:
    return record_event(
        source=AuditSource(user=user, source_ip="192.0.2.7"),
        action=AuditAction.READ,
        outcome=outcome,
        client_id=41,
        category=Category.CLINICAL,
        detail=detail,
    )


# ---------------------------------------------------------------- contents


def test_an_event_holds_time_actor_client_action_category_outcome_and_address() -> None:
    # Given
    user = make_user()
    before = dt.datetime.now(tz=dt.UTC)

    # When
    event = _event(user, outcome=AuditOutcome.SUCCESS)

    # Then, as stored
    stored = AuditEvent.objects.get(pk=event.pk)
    assert before <= stored.at <= dt.datetime.now(tz=dt.UTC)
    assert stored.at.utcoffset() == dt.timedelta(0)
    assert stored.actor == user
    assert stored.client_id == 41
    assert stored.action == AuditAction.READ
    assert stored.category == "clinical"
    assert stored.outcome == AuditOutcome.SUCCESS
    assert stored.source_ip == "192.0.2.7"
    assert stored.detail == "page:chart"


def test_access_client_records_who_what_and_where_from(
    actor: Callable[[Role], Actor], team_client: Client
) -> None:
    therapist = actor(Role.THERAPIST)
    access_client(therapist, team_client.pk, Category.CLINICAL, detail="page:chart")
    event = AuditEvent.objects.get()
    assert (
        event.actor_id,
        event.client_id,
        event.action,
        event.category,
        event.outcome,
        event.source_ip,
        event.detail,
    ) == (
        therapist.user.pk,
        team_client.pk,
        "read",
        "clinical",
        "success",
        "127.0.0.1",
        "page:chart",
    )
    assert event.at.utcoffset() == dt.timedelta(0)


def test_a_page_records_utc_time_and_the_remote_address(
    signed_in: Callable[[Role], HttpClient], team_client: Client
) -> None:
    http = signed_in(Role.THERAPIST)
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    response = http.get(f"/clients/{team_client.pk}/", REMOTE_ADDR="198.51.100.23")

    assert response.status_code == 200
    # (the chart's sections record their own reads too; the page's event is the one)
    event = AuditEvent.objects.get(seq__gt=seq, client_id=team_client.pk, detail="page:chart")
    assert event.source_ip == "198.51.100.23"
    assert event.at.tzinfo is not None
    assert event.at.utcoffset() == dt.timedelta(0)


def test_a_forwarded_for_header_is_not_trusted(
    signed_in: Callable[[Role], HttpClient], team_client: Client
) -> None:
    http = signed_in(Role.THERAPIST)
    http.get(f"/clients/{team_client.pk}/", HTTP_X_FORWARDED_FOR="203.0.113.9")
    events = AuditEvent.objects.filter(client_id=team_client.pk)
    assert set(events.values_list("source_ip", flat=True)) == {"127.0.0.1"}


def test_every_action_and_outcome_can_be_recorded() -> None:
    for action in AuditAction:
        for outcome in AuditOutcome:
            record_event(
                source=AuditSource(user=None, source_ip=None), action=action, outcome=outcome
            )
    assert AuditEvent.objects.count() == len(AuditAction) * len(AuditOutcome)
    assert verify_chain() is None


def test_detail_is_cut_to_200_characters() -> None:
    event = _event(detail="x" * 500)
    assert AuditEvent.objects.get(pk=event.pk).detail == "x" * 200
    assert verify_chain() is None


@pytest.mark.parametrize(
    ("given", "stored"),
    [("10.0.0.1", "10.0.0.1"), ("::ffff:10.0.0.1", "10.0.0.1"), ("junk", None), (None, None)],
)
def test_clean_ip(given: str | None, stored: str | None) -> None:
    assert clean_ip(given) == stored


def test_an_uncleaned_address_given_directly_is_cleaned() -> None:
    event = record_event(
        source=AuditSource(user=None, source_ip="::ffff:10.0.0.1"), action=AuditAction.READ
    )
    assert AuditEvent.objects.get(pk=event.pk).source_ip == "10.0.0.1"
    assert verify_chain() is None


def test_a_mail_given_up_is_a_failed_export_by_no_one_under_its_client() -> None:
    # Given a trail with one event already
    first = _event()

    # When a mail task gives up on a reminder about client 41
    failure = record_mail_failure(client_id=41, category=Category.SCHEDULE, subject="reminder:7")

    # Then one event follows, as stored: a failed export by no one, from nowhere
    stored = AuditEvent.objects.get(seq__gt=first.seq)
    assert stored.pk == failure.pk
    assert (
        stored.actor_id,
        stored.source_ip,
        stored.action,
        stored.outcome,
        stored.client_id,
        stored.category,
        stored.detail,
    ) == (
        None,
        None,
        AuditAction.EXPORT,
        AuditOutcome.FAILURE,
        41,
        Category.SCHEDULE,
        "reminder:7:mail-failed",
    )
    assert verify_chain() is None


def test_a_mail_about_a_record_since_removed_is_recorded_without_a_client() -> None:
    failure = record_mail_failure(
        client_id=None, category=Category.CLINICAL, subject="measure_assignment:9"
    )

    stored = AuditEvent.objects.get(pk=failure.pk)
    assert (stored.client_id, stored.category, stored.detail) == (
        None,
        Category.CLINICAL,
        "measure_assignment:9:mail-failed",
    )


# ---------------------------------------------------------------- append-only


def test_saving_an_existing_event_is_refused() -> None:
    event = AuditEvent.objects.get(pk=_event().pk)
    event.detail = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["detail"])
    assert AuditEvent.objects.get(pk=event.pk).detail == "page:chart"


def test_a_new_instance_with_an_existing_id_cannot_overwrite_it() -> None:
    # Given an event, and a forged one carrying its primary key
    original = _event()
    forged = AuditEvent(
        pk=original.pk,
        seq=original.seq,
        at=original.at,
        action=AuditAction.READ,
        outcome=AuditOutcome.SUCCESS,
        detail="forged",
        prev_hash=original.prev_hash,
        hash=original.hash,
    )

    # When it is saved, it is an INSERT, which the primary key refuses
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()

    # Then the original is untouched
    assert AuditEvent.objects.get(pk=original.pk).detail == "page:chart"


def test_force_update_is_refused() -> None:
    event = _event()
    with pytest.raises(AppendOnlyError):
        AuditEvent(pk=event.pk, seq=event.seq, at=event.at).save(force_update=True)


def test_deleting_an_event_is_refused() -> None:
    event = _event()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused() -> None:
    _event()
    _event()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(detail="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=1).update(detail="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=1).delete()
    assert list(AuditEvent.objects.values_list("detail", flat=True)) == ["page:chart"] * 2


def test_bulk_update_is_refused() -> None:
    events = [_event(), _event()]
    for event in events:
        event.detail = "rewritten"
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update(events, ["detail"])
    assert set(AuditEvent.objects.values_list("detail", flat=True)) == {"page:chart"}


def test_update_or_create_is_refused() -> None:
    event = _event()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"detail": "rewritten"})
    assert AuditEvent.objects.get(pk=event.pk).detail == "page:chart"


def test_upserting_bulk_create_is_refused() -> None:
    event = _event()
    forged = AuditEvent(
        seq=event.seq,
        at=event.at,
        action=AuditAction.READ,
        outcome=AuditOutcome.SUCCESS,
        detail="forged",
        prev_hash=event.prev_hash,
        hash=event.hash,
    )
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create(
            [forged], update_conflicts=True, unique_fields=["seq"], update_fields=["detail"]
        )
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([forged], ignore_conflicts=True)
    assert AuditEvent.objects.get(pk=event.pk).detail == "page:chart"


def test_a_user_named_in_the_trail_cannot_be_deleted() -> None:
    user = make_user()
    _event(user)
    with pytest.raises(ProtectedError):
        user.delete()
    assert AuditEvent.objects.filter(actor=user).count() == 1


# ---------------------------------------------------------------- transactions


def test_an_event_rolls_back_with_the_callers_transaction() -> None:
    _event()
    head_before = AuditChainHead.objects.values_list("seq", "hash").get()

    def change_that_fails() -> None:
        with transaction.atomic():
            _event()
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert AuditEvent.objects.count() == 1
    assert AuditChainHead.objects.values_list("seq", "hash").get() == head_before
    assert verify_chain() is None
    _event()
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]
    assert verify_chain() is None


# ---------------------------------------------------------------- concurrency

THREADS = 6
EVENTS_PER_THREAD = 15


@pytest.mark.django_db(transaction=True)
def test_appends_from_several_threads_keep_one_unbroken_chain() -> None:
    if connection.vendor == "sqlite":
        # The SQLite test database lives in memory; Django shares it between
        # threads through a shared cache whose table locks do not wait for the
        # busy timeout, so concurrent writers fail with "table is locked"
        # instead of queueing. On disk, BEGIN IMMEDIATE serializes them; the
        # real concurrency guarantee (SELECT ... FOR UPDATE on the chain head)
        # is the PostgreSQL one, tested here.
        pytest.skip("threads cannot write the in-memory SQLite test database concurrently")

    # Given threads that start together
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(EVENTS_PER_THREAD):
                if i % 3 == 0:
                    record_events(
                        source=AuditSource(None, f"10.0.0.{n}"),
                        action=AuditAction.READ,
                        client_ids=[n, n + 100],
                        category="demographics",
                    )
                else:
                    record_event(
                        source=AuditSource(None, f"10.0.0.{n}"),
                        action=AuditAction.READ,
                        client_id=n,
                    )
        except BaseException as error:  # noqa: BLE001 - reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    # When they all append at once
    threads = [threading.Thread(target=append, args=(n,)) for n in range(1, THREADS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # Then every event is in one chain, numbered without gaps, and it verifies
    assert errors == []
    per_thread = EVENTS_PER_THREAD + len(range(0, EVENTS_PER_THREAD, 3))
    total = THREADS * per_thread
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, total + 1)
    )
    assert AuditChainHead.objects.get().seq == total
    assert verify_chain() is None
