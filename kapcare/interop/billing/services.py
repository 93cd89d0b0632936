"""What a client's held sessions bill for, from the records (the superbill's facts).

A session other than a medicine session bills what its signed note says: the codes the
clinician chose, or else the CPT proposal of ``billing.cpt`` from the note's kind, held
minutes and interactive complexity. A session without a signed note bills nothing yet
and is counted, so the page can say so. A medicine session bills the 0820T-0822T units
its record supports once the client was discharged (``medicine.services.record``).

Billing reads codes and times, never a note's or record's content: the caller checks
the client's ``schedule`` category (front desk keeps billing codes, DESIGN.md).
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet

from kapcare.billing.cpt import propose_cpt
from kapcare.interop.billing.superbill import BilledCode, HeldService
from kapcare.interop.models import PracticeBilling
from kapcare.medicine.services.record import monitoring_bill
from kapcare.notes.models import SessionNote
from kapcare.people.models import Client, StaffMember
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus

__all__ = ["BillingFacts", "billing_of", "fees_of", "held_services"]


@dataclass(frozen=True)
class BillingFacts:
    services: list[HeldService]
    unsigned: int  # held sessions without a signed note (nothing billed for them yet)


def billing_of(practice_id: int) -> PracticeBilling:
    found = PracticeBilling.objects.filter(practice_id=practice_id).first()
    return found or PracticeBilling(practice_id=practice_id)


def fees_of(settings: PracticeBilling) -> dict[str, Decimal]:
    fees: dict[str, Decimal] = {}
    for code, value in (settings.fees or {}).items():
        try:
            fees[str(code)] = Decimal(str(value))
        except InvalidOperation:
            continue
    return fees


def _local_day(moment: dt.datetime, appointment: Appointment) -> dt.date:
    zone = zoneinfo.ZoneInfo(
        appointment.location.time_zone if appointment.location else "America/New_York"
    )
    return moment.astimezone(zone).date()


def held_services(
    clients: QuerySet[Client], start: dt.date, end: dt.date, *, now: dt.datetime
) -> dict[int, BillingFacts]:
    """Each client's billable services held from ``start`` to ``end`` (local dates)."""
    first = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    last = dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
    appointments = (
        Appointment.objects.filter(
            client__in=clients.values("pk"), start__gte=first, start__lt=last
        )
        .exclude(status__in=[AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW])
        .select_related("location", "client")
        .order_by("client_id", "start", "id")
    )
    notes: dict[int, SessionNote] = {}
    for signed in (
        SessionNote.objects.filter(appointment__in=appointments, signed_at__isnull=False)
        .select_related("author__user")
        .order_by("signed_at", "id")
    ):
        notes.setdefault(signed.appointment_id, signed)
    staff = {
        s.pk: s
        for s in StaffMember.objects.filter(practice__clients__in=clients.values("pk"))
        .select_related("user")
        .distinct()
    }
    facts: dict[int, BillingFacts] = {}
    for appointment in appointments:
        day = _local_day(appointment.start, appointment)
        if not start <= day <= end:
            continue
        entry = facts.setdefault(appointment.client_id, BillingFacts([], 0))
        telehealth = appointment.modality == "telehealth"
        if appointment.kind == AppointmentKind.MEDICINE:
            bill = monitoring_bill(appointment, now)
            if bill is None or not bill.claim_lines:
                continue
            first_person = staff.get(int(bill.first_clinician)) if bill.first_clinician else None
            codes = tuple(BilledCode(line.code, line.units) for line in bill.claim_lines)
            entry.services.append(HeldService(
                date=day, telehealth=telehealth, codes=codes,
                clinician=first_person.display_name if first_person else "",
                clinician_npi=first_person.npi if first_person else "",
                appointment_id=appointment.pk,
            ))  # fmt: skip
            continue
        if appointment.status != AppointmentStatus.COMPLETED:
            continue
        note = notes.get(appointment.pk)
        if note is None:
            facts[appointment.client_id] = BillingFacts(entry.services, entry.unsigned + 1)
            continue
        chosen = note.cpt_codes
        if chosen is None:
            chosen = list(
                propose_cpt(
                    appointment.kind, note.held_minutes,
                    interactive_complexity=note.interactive_complexity,
                ).codes
            )  # fmt: skip
        if not chosen:
            continue
        entry.services.append(HeldService(
            date=day, telehealth=telehealth, codes=tuple(BilledCode(str(c)) for c in chosen),
            clinician=note.author.display_name, clinician_npi=note.author.npi,
            appointment_id=appointment.pk,
        ))  # fmt: skip
    return facts
