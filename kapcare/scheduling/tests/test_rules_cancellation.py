"""When a client may cancel a session in the portal: every status, every side of the
notice, the edge included."""

import datetime as dt

import pytest

from kapcare.scheduling.rules.cancellation import client_cancellation_problem
from kapcare.scheduling.vocabulary import AppointmentStatus

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
LATE = (
    "This session starts in less than 24 hours, so it can no longer be cancelled here. "
    "Please call the practice to let your care team know."
)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (NOW + dt.timedelta(days=3), None),
        (NOW + dt.timedelta(hours=24), None),  # exactly the notice: still allowed
        (NOW + dt.timedelta(hours=24) - dt.timedelta(seconds=1), LATE),
        (NOW + dt.timedelta(minutes=5), LATE),
        (NOW, "This session has already started. Please call the practice if you need to."),
        (
            NOW - dt.timedelta(hours=1),
            "This session has already started. Please call the practice if you need to.",
        ),
    ],
)
def test_a_booked_session_may_be_cancelled_up_to_the_notice(
    start: dt.datetime, expected: str | None
) -> None:
    problem = client_cancellation_problem(
        start=start, status=AppointmentStatus.BOOKED, now=NOW, notice_hours=24
    )
    assert problem == expected


@pytest.mark.parametrize(
    "status",
    [AppointmentStatus.CANCELLED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW],
)
def test_only_a_booked_session_can_be_cancelled(status: AppointmentStatus) -> None:
    problem = client_cancellation_problem(
        start=NOW + dt.timedelta(days=3), status=status, now=NOW, notice_hours=24
    )
    assert problem == "This session is no longer booked, so there is nothing to cancel."


def test_one_hour_of_notice_reads_in_the_singular() -> None:
    problem = client_cancellation_problem(
        start=NOW + dt.timedelta(minutes=30),
        status=AppointmentStatus.BOOKED,
        now=NOW,
        notice_hours=1,
    )
    assert problem is not None
    assert problem.startswith("This session starts in less than 1 hour,")


def test_no_notice_lets_a_client_cancel_until_the_start() -> None:
    assert (
        client_cancellation_problem(
            start=NOW + dt.timedelta(seconds=1),
            status=AppointmentStatus.BOOKED,
            now=NOW,
            notice_hours=0,
        )
        is None
    )
