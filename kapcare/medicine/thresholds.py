"""Thresholds of the medicine session and its billing.

Every threshold the medicine rules use is a setting here, with a default and the
source of that default (``core.sources.setting_sources``). A practice changes a
setting by building its own policy object (``dataclasses.replace``); the service layer
stores the change with an audit entry. Nothing here is clinical advice: the defaults
come from ``CLINICAL.md`` and issue 5, and each names where it comes from. (The
screening's thresholds and contraindications are the pathway's: ``pathway.thresholds``.)

Pure Python: the leaf of the medicine rules (``rules``, ``billing``) besides the
pathway's sources.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from kapcare.core.sources import source
from kapcare.pathway.thresholds import (
    CLINICAL_CONSENT,
    ENGINEERING,
    ISSUE_5,
    PLAUSIBLE_DIASTOLIC,
    PLAUSIBLE_HEART_RATE,
    PLAUSIBLE_SPO2,
    PLAUSIBLE_SYSTOLIC,
    SPRAVATO_BP,
)

# Where the defaults come from, so each source string stays short and exact.
CLINICAL_SESSION = "CLINICAL.md, 'Medicine session'"
SPRAVATO_REMS = (
    "SPRAVATO REMS patient monitoring form (monitoring >= 2 hours; BP pre-dose, ~40 min, discharge)"
)
CPT_TIME_RULE = (
    "AMA CPT Professional, Introduction, 'Time': 'A unit of time is attained when the "
    "mid-point is passed ... an hour is attained when 31 minutes have elapsed ... a second "
    "hour ... when a total of 91 minutes has elapsed' (quoted by Premera Blue Cross, "
    "'Billing for Time', 2019-11-07)"
)


# --- The medicine session --------------------------------------------------------


def _minutes(value: int) -> dt.timedelta:
    return dt.timedelta(minutes=value)


@dataclass(frozen=True)
class SessionPolicy:
    # Pre-dose checklist.
    fasting_food: dt.timedelta = field(
        default=dt.timedelta(hours=4), metadata=source(f"{CLINICAL_CONSENT}: commonly 4 h food")
    )
    fasting_liquids: dt.timedelta = field(
        default=dt.timedelta(hours=2), metadata=source(f"{CLINICAL_CONSENT}: commonly 2 h liquids")
    )
    predose_vitals_max_age: dt.timedelta = field(
        default=_minutes(60),
        metadata=source(f"{ENGINEERING}; pre-dose vitals must describe the client at dosing"),
    )

    # Hold rule on pre-dose vitals (inclusive thresholds).
    hold_systolic_at_or_above: int = field(
        default=160,
        metadata=source(
            f"{ISSUE_5}; {CLINICAL_SESSION}: hard stop e.g. 160/100 is a practice choice"
        ),
    )
    hold_diastolic_at_or_above: int = field(
        default=100,
        metadata=source(
            f"{ISSUE_5}; {CLINICAL_SESSION}: hard stop e.g. 160/100 is a practice choice"
        ),
    )
    hold_spo2_below: int = field(
        default=92,
        metadata=source(f"{CLINICAL_SESSION}: SpO2 floor e.g. 92 % is a practice choice"),
    )
    ack_systolic_at_or_above: int = field(default=140, metadata=source(f"{ISSUE_5}; {SPRAVATO_BP}"))
    ack_diastolic_at_or_above: int = field(default=90, metadata=source(f"{ISSUE_5}; {SPRAVATO_BP}"))

    # Monitoring schedule: minutes after the FIRST dose (pre-dose and before
    # discharge are checks of their own).
    vitals_schedule_minutes: tuple[int, ...] = field(
        default=(15, 30, 40, 60, 90, 120),
        metadata=source(
            f"{ISSUE_5}; {CLINICAL_SESSION}: BP before dosing, ~40 min (peak), then as needed"
        ),
    )
    vitals_early_window: dt.timedelta = field(
        default=_minutes(5),
        metadata=source(f"{ENGINEERING}; a reading this early still counts for the check"),
    )
    vitals_overdue_after: dt.timedelta = field(
        default=_minutes(2),
        metadata=source(f"{ENGINEERING}; a check this late is shown as overdue"),
    )

    # Out-of-range alerts during monitoring.
    alert_systolic_at_or_above: int = field(default=180, metadata=source(ISSUE_5))
    alert_diastolic_at_or_above: int = field(default=110, metadata=source(ISSUE_5))
    alert_heart_rate_below: int = field(default=50, metadata=source(ISSUE_5))
    alert_heart_rate_above: int = field(default=120, metadata=source(ISSUE_5))
    alert_spo2_below: int = field(default=92, metadata=source(f"{ISSUE_5}; {CLINICAL_SESSION}"))

    # Discharge gate.
    min_monitoring: dt.timedelta = field(
        default=_minutes(120), metadata=source(f"{ISSUE_5}; {SPRAVATO_REMS}; {CLINICAL_SESSION}")
    )
    discharge_systolic_below: int = field(default=140, metadata=source(ISSUE_5))
    discharge_diastolic_below: int = field(default=90, metadata=source(ISSUE_5))
    discharge_predose_margin: Decimal = field(
        default=Decimal("0.10"),
        metadata=source(f"{ISSUE_5}: 'or within 10 % of pre-dose' (read as: at most 10 % above)"),
    )
    discharge_vitals_max_age: dt.timedelta = field(
        default=_minutes(15),
        metadata=source(f"{SPRAVATO_REMS} (BP at discharge); window: {ENGINEERING}"),
    )

    # Recorded times: entered after the fact is fine, the future is not.
    future_tolerance: dt.timedelta = field(
        default=dt.timedelta(0), metadata=source(f"{ISSUE_5}: times may not be in the future")
    )
    earliest_before_start: dt.timedelta = field(
        default=dt.timedelta(hours=3),
        metadata=source(
            f"{ENGINEERING}; a time this long before the booked start is a typing error "
            "(pre-dose vitals and checks happen shortly before the session)"
        ),
    )

    # Plausibility of a typed vital sign (a typo guard, not a clinical range).
    plausible_systolic: tuple[int, int] = field(
        default=PLAUSIBLE_SYSTOLIC, metadata=source(ENGINEERING)
    )
    plausible_diastolic: tuple[int, int] = field(
        default=PLAUSIBLE_DIASTOLIC, metadata=source(ENGINEERING)
    )
    plausible_heart_rate: tuple[int, int] = field(
        default=PLAUSIBLE_HEART_RATE, metadata=source(ENGINEERING)
    )
    plausible_spo2: tuple[int, int] = field(default=PLAUSIBLE_SPO2, metadata=source(ENGINEERING))

    def __post_init__(self) -> None:
        offsets = self.vitals_schedule_minutes
        if not offsets or offsets[0] <= 0 or any(a >= b for a, b in pairwise(offsets)):
            raise ValueError("The vitals schedule must be positive minutes in increasing order.")
        if self.vitals_early_window < dt.timedelta(0):
            raise ValueError("The early window for vitals cannot be negative.")
        if self.vitals_overdue_after < dt.timedelta(0):
            raise ValueError("The overdue grace for vitals cannot be negative.")
        if (
            self.hold_systolic_at_or_above < self.ack_systolic_at_or_above
            or self.hold_diastolic_at_or_above < self.ack_diastolic_at_or_above
        ):
            raise ValueError("Hold thresholds must be at or above acknowledgement thresholds.")
        if self.discharge_predose_margin < 0:
            raise ValueError("The discharge margin over pre-dose cannot be negative.")
        if self.future_tolerance < dt.timedelta(0):
            raise ValueError("The future tolerance cannot be negative.")
        if self.earliest_before_start < dt.timedelta(0):
            raise ValueError("The window before the session start cannot be negative.")
        if self.min_monitoring < dt.timedelta(0) or self.predose_vitals_max_age <= dt.timedelta(0):
            raise ValueError("Monitoring and vitals ages must be positive.")
        if self.discharge_vitals_max_age <= dt.timedelta(0):
            raise ValueError("Monitoring and vitals ages must be positive.")


# --- Billing ---------------------------------------------------------------------


class UnitRule(StrEnum):
    """How many time units a number of minutes makes."""

    MIDPOINT = "midpoint"  # CPT: a unit is attained when its mid-point is passed
    WHOLE_UNITS = "whole_units"  # only complete units (some payers' contracts)


@dataclass(frozen=True)
class BillingPolicy:
    unit_minutes: int = field(
        default=60, metadata=source("CPT 0820T / +0821T / +0822T descriptors: 'each hour'")
    )
    unit_rule: UnitRule = field(default=UnitRule.MIDPOINT, metadata=source(CPT_TIME_RULE))
    max_people_per_addon_code: int = field(
        default=1,
        metadata=source(
            "CPT +0821T 'second physician or QHP', +0822T 'clinical staff ... concurrent with "
            f"first'; one person per add-on code is {ENGINEERING}, conservative"
        ),
    )

    def __post_init__(self) -> None:
        if self.unit_minutes <= 0:
            raise ValueError("A billing unit must be a positive number of minutes.")
        if self.max_people_per_addon_code < 0:
            raise ValueError("The number of people per add-on code cannot be negative.")


@dataclass(frozen=True)
class MedicinePolicy:
    """A practice's whole medicine-session policy."""

    session: SessionPolicy = field(
        default_factory=SessionPolicy, metadata=source("SessionPolicy defaults")
    )
    billing: BillingPolicy = field(
        default_factory=BillingPolicy, metadata=source("BillingPolicy defaults")
    )
