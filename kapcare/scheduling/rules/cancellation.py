"""When a client may cancel a session themselves (the portal), as a pure function.

Staff cancel at any time (``services.status``); a client cancels in the portal up to the
practice's notice (``SchedulingPolicy.client_cancel_notice_hours``) before the session
starts. Within the notice, or once the session has started, the portal says so and
asks the client to call the practice: a late cancellation is a conversation, not a
button. The words are the client's, never a rule code.

Every medicine session has an integration session after it (``medicine.requires_
integration``, CLINICAL.md: integration after every dose). So a client may not cancel the
one integration session a booked medicine session counts on (``integration_needed_by``:
the portal says why and asks them to call), and cancelling a medicine session offers to
cancel its integration session too (``paired_integration``), since it would follow no
dose. In the same way a client may not cancel a preparation session a booked medicine
session needs to reach its count (``preparation_needed_by``, ``medicine.requires_
preparation``): the medicine session would be refused at dosing for want of it.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus

__all__ = [
    "BookedSession",
    "client_cancellation_problem",
    "integration_needed_by",
    "paired_integration",
    "preparation_needed_by",
]


@dataclass(frozen=True)
class BookedSession:
    """One of the client's booked sessions, as these rules read it."""

    id: int
    kind: AppointmentKind
    start: dt.datetime
    end: dt.datetime


def _integrations_after(
    medicine: BookedSession, sessions: Sequence[BookedSession], *, within_days: int
) -> list[BookedSession]:
    """The booked integration sessions that count for ``medicine`` (starting after it
    ends, within the pathway's days), soonest first."""
    latest = medicine.start + dt.timedelta(days=within_days)
    return sorted(
        (
            s
            for s in sessions
            if s.kind is AppointmentKind.INTEGRATION and medicine.end <= s.start <= latest
        ),
        key=lambda s: (s.start, s.id),
    )


def paired_integration(
    medicine: BookedSession, sessions: Sequence[BookedSession], *, within_days: int
) -> BookedSession | None:
    """The integration session that follows ``medicine`` (the first that counts)."""
    after = _integrations_after(medicine, sessions, within_days=within_days)
    return after[0] if after else None


def integration_needed_by(
    integration: BookedSession, sessions: Sequence[BookedSession], *, within_days: int
) -> BookedSession | None:
    """The medicine session (booked, or held) whose only integration session is
    ``integration`` (cancelling it would leave that dose without one), or None.
    ``sessions`` are the client's booked sessions and their held medicine sessions."""
    for medicine in sessions:
        if medicine.kind is not AppointmentKind.MEDICINE:
            continue
        after = _integrations_after(medicine, sessions, within_days=within_days)
        if [s.id for s in after] == [integration.id]:
            return medicine
    return None


def preparation_needed_by(
    preparation: BookedSession, sessions: Sequence[BookedSession], *, needed: int
) -> BookedSession | None:
    """The soonest booked medicine session that would have fewer than ``needed``
    preparation sessions ending before it without ``preparation``, or None.
    ``sessions`` are the client's booked medicine sessions and their booked or completed
    preparation sessions."""
    preparations = [
        s for s in sessions if s.kind is AppointmentKind.PREPARATION and s.id != preparation.id
    ]
    medicines = sorted(
        (s for s in sessions if s.kind is AppointmentKind.MEDICINE and s.start >= preparation.end),
        key=lambda s: (s.start, s.id),
    )
    for medicine in medicines:
        if sum(1 for p in preparations if p.end <= medicine.start) < needed:
            return medicine
    return None


def client_cancellation_problem(
    *, start: dt.datetime, status: AppointmentStatus, now: dt.datetime, notice_hours: int
) -> str | None:
    """Why the client may not cancel this session now, or None when they may."""
    if status is not AppointmentStatus.BOOKED:
        return "This session is no longer booked, so there is nothing to cancel."
    if start <= now:
        return "This session has already started. Please call the practice if you need to."
    if start - now < dt.timedelta(hours=notice_hours):
        unit = "hour" if notice_hours == 1 else "hours"
        return (
            f"This session starts in less than {notice_hours} {unit}, so it can no longer be "
            "cancelled here. Please call the practice to let your care team know."
        )
    return None
