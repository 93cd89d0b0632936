"""A generated practice keeps the project's own invariants, and a seed gives one practice."""

import dataclasses
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.audit.services import AuditSource, record_event
from kapcare.audit.verify import verify_chain
from kapcare.medicine.models import MedicineSession
from kapcare.people.models import Client, Location, StaffMember
from kapcare.scheduling.facts import booking_facts
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.requests import AppointmentRequest
from kapcare.scheduling.services.booking import check
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality
from kapcare.synthetic.generate import Generated, generate_practice
from kapcare.synthetic.layout import Shape

NOW = dt.datetime(2026, 3, 4, 15, 30, tzinfo=dt.UTC)
# Small caseloads so that 60 clients spread over four therapists at two locations.
SMALL = Shape(clients_per_therapist=15, therapists_per_location=2, medicine_rooms_per_location=1)


def _generate(seed: int = 7, clients: int = 60) -> Generated:
    return generate_practice(clients=clients, seed=seed, now=NOW, shape=SMALL)


def _as_request(appointment: Appointment) -> AppointmentRequest:
    return AppointmentRequest(
        client_id=appointment.client_id,
        kind=AppointmentKind(appointment.kind),
        modality=Modality(appointment.modality),
        start=appointment.start,
        end=appointment.end,
        staff_ids=tuple(link.staff_id for link in appointment.staff_links.all()),
        location_id=appointment.location_id,
        room_id=appointment.room_id,
        client_location_state=appointment.client_location_state or None,
    )


@pytest.mark.django_db
def test_every_booked_appointment_passes_every_booking_rule() -> None:
    # given a generated practice
    generated = _generate()
    # when each booked appointment is checked as if it were booked now, itself left out
    booked = list(
        Appointment.objects.filter(status=AppointmentStatus.BOOKED.value, start__gt=NOW)
        .select_related("client")
        .prefetch_related("staff_links")
    )
    kinds = {a.kind for a in booked}
    refusals = {}
    for appointment in booked:
        facts = booking_facts(appointment.client, _as_request(appointment))
        others = tuple(a for a in facts.pathway.appointments if a.id != appointment.pk)
        facts.pathway = dataclasses.replace(facts.pathway, appointments=others)
        violations = check(facts, None)
        if violations:
            refusals[appointment.pk] = [v.rule for v in violations]
    # then none breaks a rule, and the practice books every kind of session
    assert refusals == {}
    assert kinds >= {"medicine", "integration", "therapy"}
    assert set(Appointment.objects.values_list("kind", flat=True)) == {
        k.value for k in AppointmentKind
    }
    assert generated.clients == 60
    assert Client.objects.filter(practice_id=generated.practice_id).count() == 60
    assert Location.objects.filter(practice_id=generated.practice_id).count() == 2


@pytest.mark.django_db
def test_the_audit_trail_verifies_and_every_record_kind_is_there() -> None:
    generated = _generate()
    assert verify_chain() is None
    empty = [table for table, count in generated.rows.items() if count == 0]
    assert empty == []
    # completed medicine sessions carry their record; booked ones do not yet
    completed = Appointment.objects.filter(kind="medicine", status="completed").count()
    assert MedicineSession.objects.count() == completed > 0
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"intact: {generated.rows['audit']} events" in out.getvalue()


@pytest.mark.django_db
def test_others_may_write_while_it_generates() -> None:
    # given someone else appending to the audit trail and booking-table ids being taken
    # between the generator's batches (as a server using the same database would)
    written: list[int] = []

    def someone_else_writes(clients: int, total: int, rows: int) -> None:
        event = record_event(
            source=AuditSource(user=None, source_ip=None),
            action=AuditAction.READ,
            category="practice",
            detail="beside the generator",
        )
        written.append(event.pk)

    # when the practice is generated in several batches
    generated = generate_practice(
        clients=60, seed=5, now=NOW, shape=SMALL, progress=someone_else_writes
    )
    # then neither collided with the other, and the trail still verifies
    assert len(written) >= 2
    assert AuditEvent.objects.filter(pk__in=written).count() == len(written)
    assert AuditEvent.objects.count() == generated.rows["audit"] + len(written)
    assert verify_chain() is None
    # and what anyone writes after it lands after it too
    after = record_event(
        source=AuditSource(user=None, source_ip=None), action=AuditAction.READ, category="practice"
    )
    assert after.pk > max(AuditEvent.objects.exclude(pk=after.pk).values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_seed_gives_the_same_practice() -> None:
    first = _generate(seed=3, clients=20)
    names = list(
        Client.objects.filter(practice_id=first.practice_id)
        .order_by("id")
        .values_list("legal_given_name", "legal_family_name", "date_of_birth")
    )
    times = list(
        Appointment.objects.filter(client__practice_id=first.practice_id)
        .order_by("id")
        .values_list("kind", "start", "status")
    )
    # a second practice of the same size and seed (another practice name is needed)
    StaffMember.objects.filter(practice_id=first.practice_id).update(is_active=False)
    second = generate_practice(clients=20, seed=3, now=NOW, shape=SMALL, name_suffix=" again")
    assert second.rows == first.rows
    assert (
        list(
            Client.objects.filter(practice_id=second.practice_id)
            .order_by("id")
            .values_list("legal_given_name", "legal_family_name", "date_of_birth")
        )
        == names
    )
    assert (
        list(
            Appointment.objects.filter(client__practice_id=second.practice_id)
            .order_by("id")
            .values_list("kind", "start", "status")
        )
        == times
    )


@pytest.mark.django_db
def test_the_command_reports_its_method_and_refuses_a_second_run() -> None:
    out = StringIO()
    call_command("generate_practice", "--clients", "5", "--seed", "2", stdout=out)
    text = out.getvalue()
    assert "5/5 clients" in text
    assert ("with COPY" in text) != ("with bulk_create" in text)
    with pytest.raises(CommandError, match="already in this database"):
        call_command("generate_practice", "--clients", "5", "--seed", "2", stdout=StringIO())
