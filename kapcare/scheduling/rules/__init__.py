"""The booking rules of the KAP pathway, as pure functions over plain data.

One booking service calls :func:`check_appointment` for the UI, the API, the admin and
any import; the medicine dose service calls :func:`check_pathway_at_dosing` at every dose;
the chart's "pathway at a glance" calls :func:`medicine_readiness`. Nothing here touches
the database or the clock: callers pass every fact, every time is an aware
:class:`~datetime.datetime`, and every number comes from a
:class:`~kapcare.scheduling.thresholds.SchedulingPolicy`.

A check returns **every** violated rule (at most one :class:`Violation` per rule code and
subject), in a fixed order that does not depend on the order of the input lists. The
codes are a stable contract (DESIGN.md, "Rules the system enforces"); messages are plain
language for the person booking, name what is missing and how to fix it, and never
contain client names or clinical detail.

Interpretations (the decisions a successor will ask about):

Statuses
    An appointment *holds its slot* unless it is cancelled: ``booked``, ``completed`` and
    ``no_show`` all block the same staff member, room or client (issue 3: "overlap among
    non-cancelled appointments"; the clinician and room were reserved and the record
    says so). The database constraint must use the same set:
    :data:`SLOT_HOLDING_STATUSES`. For the *pathway* (preparation count, integration,
    spacing) only sessions that happen or happened count, ``booked`` and ``completed``
    (:data:`PATHWAY_STATUSES`): a no-show preparation prepared nobody, a no-show
    integration integrated nothing, and a no-show medicine session gave no dose.
Time
    Overlap is half-open, ``[start, end)``: back-to-back sessions do not conflict. All
    comparisons of instants happen in UTC (Python compares two datetimes that share a
    tzinfo by wall clock, which is wrong across a DST change). Dates (the "session date"
    of consents, clearances and dose orders; calendar days) are taken in the location's
    time zone, or the practice's zone for sessions without a location.
``medicine.requires_preparation``
    Counts the client's preparation sessions that are completed, or booked, and *end* at
    or before the medicine session starts (cumulative over the pathway, so the
    preparations before the first dose also count for later ones).
    :func:`check_preparation_at_dosing` counts completed ones only.
``medicine.requires_integration``
    Met by an integration session (booked or completed, or the follow-up booked in the
    same request) that starts at or after the medicine session *ends* and on or before
    the calendar date K days after the date the medicine session ends, in the location's
    zone. Example, K = 2: a session ending Monday 13:00 needs integration from Monday
    13:00 to Wednesday 23:59.
``medicine.min_spacing``
    Compared with every other booked or completed medicine session of the client, before
    *and* after this one. ``wall_clock`` spacing (ongoing, D = 7) is start to start on the
    location's wall clock: the same local time D days later is allowed, one minute
    earlier is not, and a DST change in between moves neither (Tuesday 10:00 to the next
    Tuesday 10:00 is fine in the week clocks spring forward, although only 6 days 23
    hours pass). ``calendar_day`` spacing (intensive, D = 1) compares local dates: no two
    medicine sessions on the same calendar day, back-to-back days allowed.
``medicine.requires_clearance``
    The *most recently recorded* clearance decides (a later "not cleared" overrides an
    earlier "cleared"); it must be ``cleared`` with ``valid_until`` on or after the
    session date. Expiring on the session date is fine, the day before is not.
``medicine.requires_consent``
    Some ``kap_informed_consent`` signed on or before the session date and not revoked on
    or before it.
``medicine.dose_order_required``
    Some dose order active on the session date (``active_from`` <= date <=
    ``active_to``, open-ended when ``active_to`` is None). That it was written by a
    medical provider is enforced where dose orders are recorded.
``medicine.monitor_required``
    Staff listed on an appointment are booked for all of it, so a monitor covers the
    whole session unless they are booked elsewhere during it; the rule is met when at
    least one staff member holding the ``monitor`` role is on the appointment and not
    booked elsewhere at the same time (a double-booked sole monitor raises both
    ``conflict.clinician`` and this rule).
``safety.unreviewed_risk_flag``
    Blocks medicine sessions only: a client with a fresh risk flag must still be able to
    see their therapist.
``telehealth.client_location_unlicensed``
    The client's state is the attested location for the session, else the home state.
    It must be one where the practice offers virtual sessions and every staff member on
    the appointment is licensed. Checked for every telehealth appointment.
``plan.paused`` / ``plan.required``
    While the plan is paused only ``therapy`` may be booked. A medicine session also
    needs a plan that exists and is not closed (``plan.required``). Without a plan the
    ongoing parameters apply.
Input shape
    Naive datetimes stop the check (nothing else can be evaluated) with
    ``appointment.naive_datetime``. When the end is not after the start,
    ``appointment.end_before_start`` is reported and the rules that need the interval
    (conflicts, integration window, monitor coverage) are skipped; the rest still run.
    Rescheduling: give the proposed appointment the existing ``id`` and it is ignored
    wherever it appears in the input lists.
"""

from kapcare.scheduling.rules.booking import RULES, check_appointment
from kapcare.scheduling.rules.facts import (
    Appointment,
    ClientInfo,
    LocationInfo,
    PathwayFacts,
    ProposedAppointment,
    ReadinessItem,
    RoomInfo,
    StaffInfo,
)
from kapcare.scheduling.rules.pathway import count_preparations
from kapcare.scheduling.rules.readiness import (
    check_pathway_at_dosing,
    check_preparation_at_dosing,
    check_ready_to_dose,
    medicine_readiness,
)
from kapcare.scheduling.rules.timing import intervals_overlap

__all__ = [
    "RULES",
    "Appointment",
    "ClientInfo",
    "LocationInfo",
    "PathwayFacts",
    "ProposedAppointment",
    "ReadinessItem",
    "RoomInfo",
    "StaffInfo",
    "check_appointment",
    "check_pathway_at_dosing",
    "check_preparation_at_dosing",
    "check_ready_to_dose",
    "count_preparations",
    "intervals_overlap",
    "medicine_readiness",
]
