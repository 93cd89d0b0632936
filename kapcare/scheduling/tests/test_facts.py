"""The facts loader reads, through its JSON columns (``core.json_rows``), exactly what the
rows hold: each kind compared with the same records read plainly through the ORM, for
every client and staff member of a generated practice with a few records of each kind
the generator does not make (a revoked consent, an ended dose order, open, reviewed and
non-blocking risk flags, time off inside and outside the window, a policy override).
"""

import datetime as dt
from decimal import Decimal

import pytest

from kapcare.measures.models import RiskFlag
from kapcare.measures.tests.records import open_flag_of
from kapcare.pathway import rules as pathway_rules
from kapcare.pathway.models import Clearance, Consent, DoseOrder, TreatmentPlan
from kapcare.pathway.vocabulary import ClearanceStatus, ConsentKind, PlanFormat, PlanStatus
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling import rules
from kapcare.scheduling.facts import client_facts, load_schedule, load_staff, pathway_facts
from kapcare.scheduling.hours import Absence, StaffSchedule, WorkingWindow
from kapcare.scheduling.models import Appointment, PracticeSchedulingSettings, TimeOff, WorkingHours
from kapcare.scheduling.practice_settings import apply_overrides, validate_overrides
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus
from kapcare.synthetic.generate import generate_practice
from kapcare.synthetic.layout import Shape

NOW = dt.datetime(2026, 3, 4, 15, 30, tzinfo=dt.UTC)
WINDOW = (NOW, NOW + dt.timedelta(days=14))


@pytest.fixture
def practice_id(db: None) -> int:
    shape = Shape(clients_per_therapist=6, therapists_per_location=2, medicine_rooms_per_location=1)
    practice = generate_practice(clients=12, seed=3, now=NOW, shape=shape).practice_id
    client = Client.objects.filter(practice_id=practice).order_by("id").first()
    staff = StaffMember.objects.filter(practice_id=practice).order_by("id").first()
    assert client is not None
    assert staff is not None
    Consent.objects.create(
        client=client,
        kind=ConsentKind.KAP_INFORMED_CONSENT.value,
        version="0.9",
        signed_on=dt.date(2025, 1, 2),
        revoked_on=dt.date(2025, 6, 30),
        revoked_by=staff,
        recorded_by=staff,
        recorded_at=NOW,
    )
    DoseOrder.objects.create(
        client=client,
        route="sublingual",
        dose_mg=Decimal(100),
        max_dose_mg=Decimal(200),
        active_from=dt.date(2025, 2, 1),
        active_to=dt.date(2025, 3, 1),
        ordered_by=staff,
        ordered_at=NOW,
    )
    open_flag_of(client, staff)
    open_flag_of(client, staff, code="high_dissociation")  # not a booking stop
    RiskFlag.objects.filter(pk=open_flag_of(client, staff)).update(
        reviewed_at=NOW, reviewed_by=staff, review_note="Seen; safety plan in place."
    )
    for start, hours in ((NOW + dt.timedelta(days=2, microseconds=250), 4), (NOW, -30)):
        TimeOff.objects.create(
            staff=staff,
            start=min(start, start + dt.timedelta(hours=hours)),
            end=max(start, start + dt.timedelta(hours=hours)),
            created_by=staff,
            created_at=NOW,
        )
    PracticeSchedulingSettings.objects.create(
        practice_id=practice,
        overrides=validate_overrides({"telehealth_states": ["PA"]}, source="test"),
    )
    return practice


def _plainly(client_id: int) -> rules.PathwayFacts:
    """The client's pathway and appointments read row by row, each kind in its order."""
    plan = TreatmentPlan.objects.filter(client_id=client_id).first()
    return rules.PathwayFacts(
        plan=(
            pathway_rules.TreatmentPlan(PlanFormat(plan.format), PlanStatus(plan.status))
            if plan is not None
            else None
        ),
        consents=tuple(
            pathway_rules.Consent(ConsentKind(c.kind), c.signed_on, c.revoked_on, c.version)
            for c in Consent.objects.filter(client_id=client_id).order_by("signed_on", "id")
        ),
        clearances=tuple(
            pathway_rules.Clearance(ClearanceStatus(c.status), c.valid_until, c.recorded_at)
            for c in Clearance.objects.filter(client_id=client_id).order_by("recorded_at", "id")
        ),
        dose_orders=tuple(
            pathway_rules.DoseOrder(o.active_from, o.active_to)
            for o in DoseOrder.objects.filter(client_id=client_id).order_by("active_from", "id")
        ),
        unreviewed_risk_flags=RiskFlag.objects.filter(
            client_id=client_id, reviewed_at=None, code__in=["suicidality", "suicide_risk"]
        ).count(),
        appointments=tuple(
            rules.Appointment(
                id=a.pk,
                kind=AppointmentKind(a.kind),
                status=AppointmentStatus(a.status),
                start=a.start,
                end=a.end,
                staff_ids=frozenset(link.staff_id for link in a.staff_links.all()),
                room_id=a.room_id,
            )
            for a in Appointment.objects.filter(client_id=client_id)
            .prefetch_related("staff_links")
            .order_by("start", "id")
        ),
    )


def test_a_clients_facts_are_its_rows(practice_id: int) -> None:
    # given every client of the practice
    clients = list(Client.objects.filter(practice_id=practice_id).values_list("pk", flat=True))

    # when their facts are read in one query each
    read = {pk: client_facts(pk) for pk in clients}

    # then each is exactly what its rows say, and the practice's policy its settings'
    for pk in clients:
        assert read[pk][0] == _plainly(pk)
        assert pathway_facts(pk) == read[pk][0]
    stored = PracticeSchedulingSettings.objects.get(practice_id=practice_id).overrides
    assert {policy for _, policy in read.values()} == {apply_overrides(stored)}
    assert apply_overrides(stored).telehealth_states.value == frozenset({"PA"})
    first = read[min(clients)][0]
    assert [c.revoked_on for c in first.consents].count(dt.date(2025, 6, 30)) == 1
    assert first.unreviewed_risk_flags == 1
    assert any(o.active_to == dt.date(2025, 3, 1) for o in first.dose_orders)


def test_the_staffs_facts_and_schedule_are_their_rows(practice_id: int) -> None:
    # given every staff member of the practice
    members = list(
        StaffMember.objects.filter(practice_id=practice_id)
        .select_related("user")
        .prefetch_related("roles", "licenses")
        .order_by("pk")
    )
    ids = [m.pk for m in members]

    # when their facts and their schedule around the window are read
    staff = load_staff(practice_id, ids)
    schedule = load_schedule(ids, start=WINDOW[0], end=WINDOW[1])

    # then each is exactly what the rows say
    assert staff == {
        m.pk: rules.StaffInfo(
            id=m.pk,
            roles=frozenset(Role(r.role) for r in m.roles.all()),
            licensed_states=frozenset(lic.state for lic in m.licenses.all()),
            name=m.user.full_name,
        )
        for m in members
        if m.is_active
    }
    assert list(staff) == sorted(staff)
    assert schedule == StaffSchedule(
        tuple(
            WorkingWindow(
                staff_id=w.staff_id,
                location_id=w.location_id,
                weekday=w.weekday,
                start=w.start_time,
                end=w.end_time,
                time_zone=w.location.time_zone,
                location_name=w.location.name,
            )
            for w in WorkingHours.objects.filter(staff_id__in=ids)
            .select_related("location")
            .order_by("staff_id", "weekday", "start_time", "id")
        ),
        tuple(
            Absence(staff_id=t.staff_id, start=t.start, end=t.end)
            for t in TimeOff.objects.filter(
                staff_id__in=ids, start__lt=WINDOW[1], end__gt=WINDOW[0]
            ).order_by("staff_id", "start", "id")
        ),
    )
    assert len(schedule.windows) > 0
    assert [a.start.microsecond for a in schedule.absences] == [250]
