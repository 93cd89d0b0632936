"""Builders shared by the rule tests: a demo practice and a client ready for a dose.

``ready_world(start)`` is a medicine session at ``start`` that breaks no rule; each test
changes one fact and looks at the codes that come back.
"""

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from kapcare.core.violations import Violation
from kapcare.pathway.rules import Clearance, Consent, DoseOrder, TreatmentPlan
from kapcare.pathway.vocabulary import ClearanceStatus, ConsentKind, PlanFormat, PlanStatus
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.rules import (
    Appointment,
    ClientInfo,
    LocationInfo,
    PathwayFacts,
    ProposedAppointment,
    RoomInfo,
    StaffInfo,
    check_appointment,
)
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality

NY = ZoneInfo("America/New_York")

BRYN_MAWR = LocationInfo(1, "PA", "America/New_York", True, "Bryn Mawr office")
PHILADELPHIA = LocationInfo(2, "PA", "America/New_York", True, "Philadelphia office")
ARDMORE = LocationInfo(3, "PA", "America/New_York", False, "Ardmore office")

BM_MEDICINE = RoomInfo(10, BRYN_MAWR.id, RoomKind.MEDICINE, "Medicine")
BM_THERAPY = RoomInfo(11, BRYN_MAWR.id, RoomKind.THERAPY, "Willow")
PH_MEDICINE = RoomInfo(20, PHILADELPHIA.id, RoomKind.MEDICINE, "Medicine")
ARD_THERAPY = RoomInfo(30, ARDMORE.id, RoomKind.THERAPY, "Oak")

PA_NJ = frozenset({"PA", "NJ"})
THERAPIST = StaffInfo(100, frozenset({Role.THERAPIST}), PA_NJ, "Dana Therapist")
MONITOR = StaffInfo(101, frozenset({Role.MONITOR}), PA_NJ, "Morgan Monitor")
PRESCRIBER = StaffInfo(102, frozenset({Role.MEDICAL_PROVIDER}), PA_NJ, "Pat Prescriber")
SECOND_MONITOR = StaffInfo(103, frozenset({Role.MONITOR}), PA_NJ, "Sam Second")
PA_ONLY_THERAPIST = StaffInfo(104, frozenset({Role.THERAPIST}), frozenset({"PA"}), "Pia Penn")
NY_THERAPIST = StaffInfo(105, frozenset({Role.THERAPIST}), frozenset({"NY", "PA", "NJ"}), "Nia Y")
STAFF = (THERAPIST, MONITOR, PRESCRIBER, SECOND_MONITOR, PA_ONLY_THERAPIST, NY_THERAPIST)

CLIENT = ClientInfo(500, "PA")

_ids = itertools.count(1000)


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An aware time on the Bryn Mawr wall clock."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=NY)


# The session every test starts from: Tuesday 11 March 2025, 10:00-13:00 EDT (two days
# after clocks spring forward).
START = local(2025, 3, 11, 10)
END = local(2025, 3, 11, 13)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)


def appt(
    kind: AppointmentKind,
    start: dt.datetime,
    end: dt.datetime | None = None,
    *,
    status: AppointmentStatus = AppointmentStatus.BOOKED,
    staff: Iterable[StaffInfo] = (),
    room: RoomInfo | None = None,
    id: int | None = None,
) -> Appointment:
    return Appointment(
        id=next(_ids) if id is None else id,
        kind=kind,
        status=status,
        start=start,
        end=start + HOUR if end is None else end,
        staff_ids=frozenset(s.id for s in staff),
        room_id=room.id if room is not None else None,
    )


def proposed(
    kind: AppointmentKind = AppointmentKind.MEDICINE,
    start: dt.datetime = START,
    end: dt.datetime | None = None,
    **changes: Any,
) -> ProposedAppointment:
    """In person at Bryn Mawr; a medicine session in the medicine room with a monitor."""
    medicine = kind is AppointmentKind.MEDICINE
    booking = ProposedAppointment(
        kind=kind,
        modality=Modality.IN_PERSON,
        start=start,
        end=(start + (3 * HOUR if medicine else HOUR)) if end is None else end,
        staff=(THERAPIST, MONITOR) if medicine else (THERAPIST,),
        location=BRYN_MAWR,
        room=BM_MEDICINE if medicine else BM_THERAPY,
    )
    return dataclasses.replace(booking, **changes)


def virtual(
    kind: AppointmentKind, start: dt.datetime = START, **changes: Any
) -> ProposedAppointment:
    booking = ProposedAppointment(
        kind=kind,
        modality=Modality.TELEHEALTH,
        start=start,
        end=start + HOUR,
        staff=(THERAPIST,),
        client_location_state="PA",
    )
    return dataclasses.replace(booking, **changes)


def ready_pathway(
    start: dt.datetime = START,
    *,
    plan_format: PlanFormat = PlanFormat.ONGOING,
    **changes: Any,
) -> PathwayFacts:
    """A client for whom a medicine session at ``start`` (3 hours) breaks no rule."""
    day = start.astimezone(NY).date()
    facts = PathwayFacts(
        plan=TreatmentPlan(plan_format, PlanStatus.ACTIVE),
        consents=(Consent(ConsentKind.KAP_INFORMED_CONSENT, day - 30 * DAY, version="2025-1"),),
        clearances=(Clearance(ClearanceStatus.CLEARED, day + 60 * DAY, start - 29 * DAY),),
        dose_orders=(DoseOrder(day - 28 * DAY),),
        appointments=(
            appt(AppointmentKind.PREPARATION, start - 14 * DAY, status=AppointmentStatus.COMPLETED),
            appt(AppointmentKind.PREPARATION, start - 7 * DAY, status=AppointmentStatus.COMPLETED),
            appt(AppointmentKind.INTEGRATION, start + 2 * DAY, staff=[THERAPIST], room=BM_THERAPY),
        ),
    )
    return dataclasses.replace(facts, **changes)


def without(facts: PathwayFacts, kind: AppointmentKind) -> PathwayFacts:
    return dataclasses.replace(
        facts, appointments=tuple(a for a in facts.appointments if a.kind is not kind)
    )


def adding(facts: PathwayFacts, *appointments: Appointment) -> PathwayFacts:
    return dataclasses.replace(facts, appointments=facts.appointments + appointments)


def check(
    booking: ProposedAppointment | None = None,
    pathway: PathwayFacts | None = None,
    **kwargs: Any,
) -> list[Violation]:
    booking = proposed() if booking is None else booking
    pathway = ready_pathway(booking.start) if pathway is None else pathway
    return check_appointment(
        booking, client=kwargs.pop("client", CLIENT), pathway=pathway, **kwargs
    )


def codes(violations: Iterable[Violation]) -> list[str]:
    return [v.rule for v in violations]
