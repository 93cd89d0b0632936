"""The whole booking check in one place: the booking rules, then working hours and time off.

Pure. The booking service (before it saves) and the availability search (for every slot
it offers, and for a medicine session paired with its integration session) call
:func:`check_booking`, so a slot the search offers is one the service books, and a pair
is checked exactly as a booking of the two in one request is.
"""

from collections.abc import Sequence

from kapcare.core.violations import Violation
from kapcare.scheduling.hours import StaffSchedule, check_staff_availability
from kapcare.scheduling.rules import (
    Appointment,
    ClientInfo,
    PathwayFacts,
    ProposedAppointment,
    check_appointment,
)
from kapcare.scheduling.thresholds import SchedulingPolicy
from kapcare.scheduling.vocabulary import Subject

__all__ = ["check_booking", "zone_of"]


def zone_of(proposed: ProposedAppointment, policy: SchedulingPolicy) -> str:
    """The zone messages use: the location's, or the practice's for telehealth."""
    return proposed.location.time_zone if proposed.location is not None else policy.time_zone.value


def check_booking(
    proposed: ProposedAppointment,
    *,
    client: ClientInfo,
    pathway: PathwayFacts,
    calendar: Sequence[Appointment],
    schedule: StaffSchedule,
    policy: SchedulingPolicy,
    follow_up: ProposedAppointment | None = None,
) -> list[Violation]:
    """Every rule booking ``proposed`` (with its integration ``follow_up``) breaks, in order:
    the booking rules (``rules.check_appointment``), then the staff's working hours and time
    off for the appointment and for the follow-up (``hours``). Empty: it may be booked."""
    violations = check_appointment(
        proposed,
        client=client,
        pathway=pathway,
        calendar=calendar,
        follow_up=follow_up,
        policy=policy,
    )
    for part, subject in ((proposed, Subject.APPOINTMENT), (follow_up, Subject.FOLLOW_UP)):
        if part is not None:
            violations += check_staff_availability(
                part, schedule, time_zone=zone_of(part, policy), subject=subject
            )
    return violations
