"""Generating a practice: its places and staff through the ORM, its clients in batches.

The practice, locations, rooms, staff, licences and working hours are a few hundred rows
and go through the ORM. The clients' histories (``histories``) come one therapist's
caseload at a time and are written in one transaction each (``writer``), their audit
events appended to the chain under its head lock as ``audit.services`` does: a
generated practice passes ``manage.py verify_audit``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kapcare.accounts.models import User
from kapcare.audit.chain import GENESIS_HASH, canonical_time, event_hash
from kapcare.audit.keys import audit_key
from kapcare.audit.models import AuditChainHead, AuditOutcome
from kapcare.people.models import (
    Location,
    Practice,
    Room,
    StaffLicense,
    StaffMember,
    StaffRole,
)
from kapcare.people.policy import Role
from kapcare.scheduling.models import WorkingHours
from kapcare.synthetic.histories import LocationHistory
from kapcare.synthetic.layout import TIME_ZONE, WORKDAY, LocationPlan, Shape, locations_for
from kapcare.synthetic.rows import AuditRow, Batch, Ids, Person, Staffing
from kapcare.synthetic.writer import TABLES, IdBlocks, analyze, relax_durability, write_rows

__all__ = ["GENERATED_PASSWORD", "Generated", "Progress", "generate_practice", "practice_name"]

GENERATED_PASSWORD = "kap-generated-2026!"  # noqa: S105  (synthetic staff, never in production)

Progress = Callable[[int, int, int], None]
"""Called after each batch with (clients written, clients in all, rows written)."""


@dataclass
class Generated:
    practice_id: int
    clients: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    sign_ins: list[tuple[str, str]] = field(default_factory=list)  # (email, role)


def practice_name(clients: int, seed: int) -> str:
    return f"Generated practice ({clients:,} clients, seed {seed})"


def _user(email: str, name: str, password: str) -> User:
    return User.objects.create(email=email, full_name=name, password=password)


def _member(
    practice: Practice,
    *,
    email: str,
    name: str,
    role: Role,
    credentials: str,
    password: str,
    states: tuple[str, ...],
    location: Location | None,
) -> Person:
    staff = StaffMember.objects.create(
        user=_user(email, name, password), practice=practice, credentials=credentials
    )
    StaffRole.objects.create(staff=staff, role=role.value)
    StaffLicense.objects.bulk_create(StaffLicense(staff=staff, state=s) for s in states)
    if location is not None:
        WorkingHours.objects.bulk_create(
            WorkingHours(
                staff=staff,
                location=location,
                weekday=day,
                start_time=WORKDAY[0],
                end_time=WORKDAY[1],
            )
            for day in range(5)
        )
    return Person(staff_id=staff.pk, user_id=staff.user_id)


def _location(
    practice: Practice, plan: LocationPlan, shape: Shape, tag: str, password: str
) -> Staffing:
    location = Location.objects.create(
        practice=practice,
        name=plan.name,
        address_line1=f"{100 + plan.index} Main Street (synthetic)",
        city=plan.city,
        state=plan.state,
        postal_code=plan.postal_code,
        time_zone=TIME_ZONE,
        offers_medicine_sessions=True,
    )
    states = tuple(sorted({plan.state, "PA", "NJ"}))

    def person(role: Role, i: int, credentials: str, room: Room | None = None) -> Person:
        who = _member(
            practice,
            email=f"{tag}-{role.value}-{plan.index}-{i}@example.org",
            name=f"{role.label} {plan.index + 1}.{i + 1} (synthetic)",
            role=role,
            credentials=credentials,
            password=password,
            states=states if role is not Role.FRONT_DESK else (),
            location=location if role is not Role.FRONT_DESK else None,
        )
        return Person(who.staff_id, who.user_id, room.pk if room else None)

    therapists = tuple(
        person(
            Role.THERAPIST,
            i,
            "LPC",
            Room.objects.create(location=location, name=f"Therapy {i + 1}", kind="therapy"),
        )
        for i in range(plan.therapists)
    )
    monitors = tuple(
        person(
            Role.MONITOR,
            i,
            "RN",
            Room.objects.create(location=location, name=f"Medicine {i + 1}", kind="medicine"),
        )
        for i in range(shape.medicine_rooms_per_location)
    )
    return Staffing(
        practice_id=practice.pk,
        location_id=location.pk,
        therapists=therapists,
        monitors=monitors,
        medical=person(Role.MEDICAL_PROVIDER, 0, "MD"),
        front_desk=person(Role.FRONT_DESK, 0, ""),
    )


def _append_audit(batch: Batch, ids: Ids) -> list[dict[str, object]]:
    """The batch's events in time order, chained after the trail's head (locked).

    The hashed fields are built as plain values, as ``AuditEvent.chain_fields`` gives
    them (a generated event has no source address and succeeds), without a model
    instance per event: at 100,000 clients the trail is millions of rows, and building
    an instance for each cost more than hashing it."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )
    seq, prev_hash = head.seq, head.hash
    key = audit_key()
    success = str(AuditOutcome.SUCCESS.value)
    rows: list[dict[str, object]] = []
    for item in sorted(batch.audit, key=_when):
        seq += 1
        action, category = str(item.action.value), str(item.category.value)
        digest = event_hash(
            key,
            prev_hash,
            {
                "seq": seq,
                "at": canonical_time(item.at),
                "actor_id": item.actor_id,
                "client_id": item.client_id,
                "action": action,
                "category": category,
                "outcome": success,
                "source_ip": None,
                "detail": item.detail,
            },
        )
        rows.append(
            {
                "id": ids.take("audit"),
                "seq": seq,
                "at": item.at,
                "actor_id": item.actor_id,
                "client_id": item.client_id,
                "action": action,
                "category": category,
                "outcome": success,
                "source_ip": None,
                "detail": item.detail,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev_hash)
    return rows


def _when(row: AuditRow) -> dt.datetime:
    return row.at


def generate_practice(
    *,
    clients: int,
    seed: int,
    now: dt.datetime,
    shape: Shape | None = None,
    progress: Progress | None = None,
    name_suffix: str = "",
) -> Generated:
    """Write a practice of ``clients`` clients; the same arguments give the same practice."""
    shape = shape or Shape()
    tag = f"gen{seed}n{clients}{name_suffix.strip().replace(' ', '-')}"
    password = make_password(GENERATED_PASSWORD)
    with transaction.atomic():
        practice = Practice.objects.create(name=practice_name(clients, seed) + name_suffix)
        plans = locations_for(clients, shape)
        staffing = [_location(practice, plan, shape, tag, password) for plan in plans]
        _member(
            practice,
            email=f"{tag}-privacy_officer@example.org",
            name="Privacy officer (synthetic)",
            role=Role.PRIVACY_OFFICER,
            credentials="",
            password=password,
            states=(),
            location=None,
        )
    result = Generated(practice_id=practice.pk, rows=dict.fromkeys(TABLES, 0))
    result.sign_ins = [
        (f"{tag}-therapist-0-0@example.org", Role.THERAPIST.value),
        (f"{tag}-front_desk-0-0@example.org", Role.FRONT_DESK.value),
        (f"{tag}-medical_provider-0-0@example.org", Role.MEDICAL_PROVIDER.value),
        (f"{tag}-privacy_officer@example.org", Role.PRIVACY_OFFICER.value),
    ]
    ids = Ids(IdBlocks())
    relax_durability()
    for plan, staff in zip(plans, staffing, strict=True):
        history = LocationHistory(
            plan=plan, staffing=staff, shape=shape, seed=seed, now=now, ids=ids
        )
        for batch in history.batches():
            with transaction.atomic():
                batch.rows["audit"] = _append_audit(batch, ids)
                for table, model in TABLES.items():
                    result.rows[table] += write_rows(model, batch.rows.get(table, []))
            result.clients += batch.clients
            if progress is not None:
                progress(result.clients, clients, sum(result.rows.values()))
    analyze()
    return result
