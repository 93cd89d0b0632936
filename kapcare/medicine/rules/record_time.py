"""When things were recorded: aware times, not in the future, not long before the session;
and the reading a dose is judged on.
"""

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from kapcare.core.violations import Violation
from kapcare.core.wording import fmt_date
from kapcare.medicine.rules.facts import DoseAdministration, VitalSigns, require_aware
from kapcare.medicine.thresholds import SessionPolicy
from kapcare.medicine.vocabulary import (
    BEFORE_SESSION_DAY,
    TIME_BEFORE_SESSION,
    TIME_IN_FUTURE,
)


def whole_minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def in_future(at: dt.datetime, now: dt.datetime, policy: SessionPolicy) -> bool:
    require_aware(at, "at")
    require_aware(now, "now")
    return at > now + policy.future_tolerance


def latest_at_or_before(readings: Sequence[VitalSigns], at: dt.datetime) -> VitalSigns | None:
    earlier = [r for r in readings if r.at <= at]
    return max(earlier, key=lambda r: r.at) if earlier else None


def predose_reading(
    readings: Sequence[VitalSigns], doses: Sequence[DoseAdministration]
) -> VitalSigns | None:
    """The latest reading at or before the first dose (None before any dose or reading)."""
    if not doses:
        return None
    return latest_at_or_before(readings, min(d.at for d in doses))


def check_record_time(
    at: dt.datetime,
    *,
    now: dt.datetime,
    session_start: dt.datetime,
    prefix: str,
    policy: SessionPolicy,
    future: bool = True,
) -> list[Violation]:
    """A recorded time: not in the future (when ``future``), not long before the session.

    Codes are ``{prefix}.time_in_future`` and ``{prefix}.time_before_session``
    (``prefix`` names the record: ``observation``, ``adverse_event``, ...).
    ``future=False`` leaves the future to a rule that already checks it.
    """
    require_aware(session_start, "session_start")
    violations: list[Violation] = []
    if future and in_future(at, now, policy):
        violations.append(
            Violation(
                rule=f"{prefix}.{TIME_IN_FUTURE}",
                message="This time is in the future; record what happened when it happened.",
                subject="at",
            )
        )
    require_aware(at, "at")
    if at < session_start - policy.earliest_before_start:
        hours = policy.earliest_before_start.total_seconds() / 3600
        violations.append(
            Violation(
                rule=f"{prefix}.{TIME_BEFORE_SESSION}",
                message=(
                    f"This time is more than {hours:g} hours before the session started; "
                    "check the date and time."
                ),
                subject="at",
            )
        )
    return violations


def check_session_day(
    *, now: dt.datetime, session_start: dt.datetime, zone: zoneinfo.ZoneInfo, what: str
) -> list[Violation]:
    """Nothing of a session's own record (checklist, vitals, doses) before its day.

    A checklist ticked a week early attests to nothing about the day of dosing. The
    day is the session's date in its location's time zone; ``what`` names the record.
    """
    require_aware(now, "now")
    require_aware(session_start, "session_start")
    day = session_start.astimezone(zone).date()
    if now.astimezone(zone).date() >= day:
        return []
    return [
        Violation(
            rule=BEFORE_SESSION_DAY,
            message=f"The session is on {fmt_date(day)}: record its {what} on that day.",
        )
    ]
