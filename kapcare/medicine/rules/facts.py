"""The plain data the medicine-session rules read and answer."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from kapcare.pathway.vocabulary import Route


def require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime.")


@dataclass(frozen=True)
class VitalSigns:
    at: dt.datetime
    systolic: int  # mmHg
    diastolic: int  # mmHg
    heart_rate: int  # beats per minute
    spo2: int  # %


@dataclass(frozen=True)
class DoseOrder:
    """A medical provider's order: route and the maximum total for one session."""

    route: Route
    max_total_mg: Decimal
    signed_at: dt.datetime
    expires_at: dt.datetime | None = None
    withdrawn_at: dt.datetime | None = None

    def is_active_at(self, at: dt.datetime) -> bool:
        require_aware(at, "at")
        if at < self.signed_at:
            return False
        if self.expires_at is not None and at >= self.expires_at:
            return False
        return self.withdrawn_at is None or at < self.withdrawn_at


@dataclass(frozen=True)
class DoseAdministration:
    at: dt.datetime
    route: Route
    dose_mg: Decimal
    lot: str


@dataclass(frozen=True)
class PreDoseChecklist:
    identity_confirmed: bool
    fasting_confirmed: bool
    escort_name: str
    no_driving_agreed: bool
    todays_measures_done: bool  # today's PHQ-9 / ASQ
    unreviewed_risk_flag: bool
    intention: str
    preparation_completed: int  # completed (not merely booked) preparation sessions
    preparation_required: int  # what the treatment plan requires
    last_food_at: dt.datetime | None = None  # optional: checked against the fasting window
    last_liquids_at: dt.datetime | None = None


@dataclass(frozen=True)
class DischargeAssessment:
    at: dt.datetime
    alert_oriented: bool
    steady_gait: bool
    escort_present: bool


class CheckKind(StrEnum):
    PRE_DOSE = "pre_dose"
    TIMED = "timed"
    BEFORE_DISCHARGE = "before_discharge"


class CheckState(StrEnum):
    DONE = "done"
    UPCOMING = "upcoming"  # its window has not opened
    DUE = "due"  # window open, not yet late
    OVERDUE = "overdue"  # late, and a reading now still counts for it
    MISSED = "missed"  # the next check's window opened without a reading


@dataclass(frozen=True)
class ScheduledCheck:
    kind: CheckKind
    label: str
    minutes_after_dose: int | None  # TIMED only
    due_at: dt.datetime | None  # None: "now" (pre-dose) or "before leaving"
    state: CheckState
    reading_at: dt.datetime | None = None


@dataclass(frozen=True)
class VitalAlert:
    code: str
    message: str
    at: dt.datetime
    measure: str  # "systolic" | "diastolic" | "heart_rate" | "spo2"
    value: int
    threshold: int
