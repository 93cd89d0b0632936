"""Practice policy for medical screening, the medicine session and its billing.

Every threshold the medicine rules use is a setting here, with a default and the
source of that default (``setting_sources``). A practice changes a setting by
building its own policy object (``dataclasses.replace``); the service layer stores
the change with an audit entry. Nothing here is clinical advice: the defaults
come from ``CLINICAL.md`` and issue 5, and each names where it comes from.

This module is the leaf of the medicine rules: it imports only the standard
library, so ``screening``, ``session_rules`` and ``billing`` can all depend on it.
It also holds the contraindication catalogue (data, not prose); every rule speaks in
``core.violations.Violation``.
"""

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Any

# Where the defaults come from, so each source string stays short and exact.
ISSUE_5 = "KAP Care issue 5 (medical screening and the medicine session)"
CLINICAL_SCREENING = "CLINICAL.md, 'Medical screening'"
CLINICAL_SESSION = "CLINICAL.md, 'Medicine session'"
CLINICAL_CONSENT = "CLINICAL.md, 'Consent must cover'"
SPRAVATO_LABEL = "SPRAVATO (esketamine) US prescribing information, Contraindications"
SPRAVATO_BP = (
    "SPRAVATO (esketamine) US prescribing information, Warnings (blood pressure): "
    "consider delaying treatment when BP > 140/90 (general guide)"
)
SPRAVATO_REMS = (
    "SPRAVATO REMS patient monitoring form (monitoring >= 2 hours; BP pre-dose, ~40 min, discharge)"
)
CPT_TIME_RULE = (
    "AMA CPT Professional, Introduction, 'Time': 'A unit of time is attained when the "
    "mid-point is passed ... an hour is attained when 31 minutes have elapsed ... a second "
    "hour ... when a total of 91 minutes has elapsed' (quoted by Premera Blue Cross, "
    "'Billing for Time', 2019-11-07)"
)
ENGINEERING = "KAP Care engineering default (no clinical source; chosen for safety, change freely)"


def _source(text: str) -> dict[str, str]:
    """Field metadata naming where a setting's default comes from."""
    return {"source": text}


def setting_sources(policy: Any) -> dict[str, str]:
    """``{setting name: source of its default}`` for a policy dataclass (or its class)."""
    return {f.name: str(f.metadata["source"]) for f in fields(policy)}


# --- Medical screening -----------------------------------------------------------


class Severity(StrEnum):
    """Absolute: cannot be cleared. Relative: clearance needs a written justification."""

    ABSOLUTE = "absolute"
    RELATIVE = "relative"


class Basis(StrEnum):
    """What decides a contraindication."""

    QUESTION = "question"  # a yes / no / unknown item on the screening form
    # A question item that is also found when baseline blood pressure is at or
    # above the screening threshold, whatever the answer.
    QUESTION_AND_BASELINE_BP = "question_and_baseline_bp"
    DES_II = "des_ii"  # the baseline DES-II total
    RISK_FLAG = "risk_flag"  # an open, unreviewed suicide-risk flag


@dataclass(frozen=True)
class Contraindication:
    code: str
    severity: Severity
    label: str  # short, for the form: "Current mania"
    message: str  # plain language: why it matters
    source: str
    basis: Basis = Basis.QUESTION


DEFAULT_CONTRAINDICATIONS: tuple[Contraindication, ...] = (
    Contraindication(
        code="contraindication.psychosis",
        severity=Severity.ABSOLUTE,
        label="Active psychosis or history of a primary psychotic disorder",
        message=(
            "Active psychosis or a history of a primary psychotic disorder: ketamine can "
            "bring on or worsen psychotic symptoms."
        ),
        source=f"{CLINICAL_SCREENING} (commonly excluded by KAP practices); {ISSUE_5}: absolute",
    ),
    Contraindication(
        code="contraindication.mania",
        severity=Severity.ABSOLUTE,
        label="Current mania",
        message="Current mania: ketamine can make a manic episode worse.",
        source=f"{CLINICAL_SCREENING} (commonly excluded by KAP practices); {ISSUE_5}: absolute",
    ),
    Contraindication(
        code="contraindication.aneurysm_or_avm",
        severity=Severity.ABSOLUTE,
        label="Aneurysmal vascular disease or arteriovenous malformation",
        message=(
            "Aneurysmal vascular disease (brain, chest, abdominal aorta, arms or legs) or an "
            "arteriovenous malformation: the rise in blood pressure ketamine causes could "
            "lead to a rupture."
        ),
        source=f"{SPRAVATO_LABEL}; {CLINICAL_SCREENING}; {ISSUE_5}: absolute",
    ),
    Contraindication(
        code="contraindication.intracerebral_haemorrhage",
        severity=Severity.ABSOLUTE,
        label="History of intracerebral haemorrhage",
        message=(
            "A history of bleeding in the brain: the rise in blood pressure ketamine causes "
            "could lead to another bleed."
        ),
        source=f"{SPRAVATO_LABEL}; {CLINICAL_SCREENING}; {ISSUE_5}: absolute",
    ),
    Contraindication(
        code="contraindication.ketamine_hypersensitivity",
        severity=Severity.ABSOLUTE,
        label="Known hypersensitivity to ketamine",
        message="A known allergy or hypersensitivity to ketamine or esketamine.",
        source=f"{SPRAVATO_LABEL}; {CLINICAL_SCREENING}; {ISSUE_5}: absolute",
    ),
    Contraindication(
        code="contraindication.pregnancy",
        severity=Severity.ABSOLUTE,
        label="Pregnancy",
        message="Pregnancy: ketamine is not given during pregnancy in this practice.",
        source=f"{CLINICAL_SCREENING} (pregnancy commonly excluded); {ISSUE_5}: absolute",
    ),
    Contraindication(
        code="contraindication.uncontrolled_hypertension",
        severity=Severity.RELATIVE,
        label="Uncontrolled hypertension",
        message=(
            "High blood pressure that is not controlled: ketamine raises blood pressure for "
            "about an hour after a dose."
        ),
        source=f"{CLINICAL_SCREENING}; {SPRAVATO_BP}; {ISSUE_5}: relative",
        basis=Basis.QUESTION_AND_BASELINE_BP,
    ),
    Contraindication(
        code="contraindication.recent_cardiac_event_or_stroke",
        severity=Severity.RELATIVE,
        label="Recent cardiac event or stroke",
        message=(
            "A recent heart attack, other cardiac event or stroke: the strain of a rise in "
            "blood pressure and heart rate needs a medical provider's judgement."
        ),
        source=f"{CLINICAL_SCREENING}; {ISSUE_5}: relative",
    ),
    Contraindication(
        code="contraindication.substance_use_disorder",
        severity=Severity.RELATIVE,
        label="Ketamine or other substance use disorder",
        message=(
            "A ketamine or other substance use disorder, or prior ketamine misuse: ketamine "
            "can be misused and lead to dependence."
        ),
        source=f"{CLINICAL_SCREENING}; {ISSUE_5}: relative",
    ),
    Contraindication(
        code="contraindication.hepatic_impairment",
        severity=Severity.RELATIVE,
        label="Significant hepatic impairment",
        message=(
            "Significant liver impairment: ketamine is cleared by the liver, so its effects "
            "may last longer."
        ),
        source=f"{ISSUE_5}: relative",
    ),
    Contraindication(
        code="contraindication.cystitis",
        severity=Severity.RELATIVE,
        label="Interstitial or ulcerative cystitis",
        message=(
            "Interstitial or ulcerative cystitis: repeated ketamine use can damage the bladder."
        ),
        source=f"{CLINICAL_CONSENT} (cystitis with repeated use); {ISSUE_5}: relative",
    ),
    Contraindication(
        code="contraindication.high_dissociation",
        severity=Severity.RELATIVE,
        label="High baseline dissociation (DES-II)",
        message=(
            "High baseline dissociation on the DES-II: ketamine is itself dissociative, so "
            "the plan should account for it."
        ),
        source=f"{ISSUE_5}: relative, DES-II >= 30",
        basis=Basis.DES_II,
    ),
    Contraindication(
        code="contraindication.unreviewed_suicide_flag",
        severity=Severity.RELATIVE,
        label="Unreviewed suicide-risk flag",
        message=("A suicide-risk flag is open and has not been reviewed by the care team yet."),
        source=f"{ISSUE_5}: relative; DESIGN.md rule safety.unreviewed_risk_flag",
        basis=Basis.RISK_FLAG,
    ),
)


@dataclass(frozen=True)
class ScreeningPolicy:
    contraindications: tuple[Contraindication, ...] = field(
        default=DEFAULT_CONTRAINDICATIONS, metadata=_source("each item carries its own source")
    )
    des_ii_at_or_above: Decimal = field(
        default=Decimal(30),
        metadata=_source(
            f"{ISSUE_5}; DES cut-off 30 (Carlson, Putnam et al., Am J Psychiatry 1993;150:1030)"
        ),
    )
    # Baseline blood pressure at or above either value is a relative finding of
    # uncontrolled hypertension even when the form says "no" (one reading; the
    # medical provider may justify it, e.g. white-coat effect).
    baseline_systolic_at_or_above: int = field(default=140, metadata=_source(SPRAVATO_BP))
    baseline_diastolic_at_or_above: int = field(default=90, metadata=_source(SPRAVATO_BP))

    def __post_init__(self) -> None:
        codes = [c.code for c in self.contraindications]
        if len(codes) != len(set(codes)):
            raise ValueError("Contraindication codes must be unique.")
        for basis in (Basis.DES_II, Basis.RISK_FLAG, Basis.QUESTION_AND_BASELINE_BP):
            if sum(c.basis == basis for c in self.contraindications) > 1:
                raise ValueError(f"At most one contraindication may be decided by {basis}.")
        if not Decimal(0) <= self.des_ii_at_or_above <= Decimal(100):
            raise ValueError("The DES-II threshold must be between 0 and 100.")


# --- The medicine session --------------------------------------------------------


def _minutes(value: int) -> dt.timedelta:
    return dt.timedelta(minutes=value)


@dataclass(frozen=True)
class SessionPolicy:
    # Pre-dose checklist.
    fasting_food: dt.timedelta = field(
        default=dt.timedelta(hours=4), metadata=_source(f"{CLINICAL_CONSENT}: commonly 4 h food")
    )
    fasting_liquids: dt.timedelta = field(
        default=dt.timedelta(hours=2), metadata=_source(f"{CLINICAL_CONSENT}: commonly 2 h liquids")
    )
    predose_vitals_max_age: dt.timedelta = field(
        default=_minutes(60),
        metadata=_source(f"{ENGINEERING}; pre-dose vitals must describe the client at dosing"),
    )

    # Hold rule on pre-dose vitals (inclusive thresholds).
    hold_systolic_at_or_above: int = field(
        default=160,
        metadata=_source(
            f"{ISSUE_5}; {CLINICAL_SESSION}: hard stop e.g. 160/100 is a practice choice"
        ),
    )
    hold_diastolic_at_or_above: int = field(
        default=100,
        metadata=_source(
            f"{ISSUE_5}; {CLINICAL_SESSION}: hard stop e.g. 160/100 is a practice choice"
        ),
    )
    hold_spo2_below: int = field(
        default=92,
        metadata=_source(f"{CLINICAL_SESSION}: SpO2 floor e.g. 92 % is a practice choice"),
    )
    ack_systolic_at_or_above: int = field(
        default=140, metadata=_source(f"{ISSUE_5}; {SPRAVATO_BP}")
    )
    ack_diastolic_at_or_above: int = field(
        default=90, metadata=_source(f"{ISSUE_5}; {SPRAVATO_BP}")
    )

    # Monitoring schedule: minutes after the FIRST dose (pre-dose and before
    # discharge are checks of their own).
    vitals_schedule_minutes: tuple[int, ...] = field(
        default=(15, 30, 40, 60, 90, 120),
        metadata=_source(
            f"{ISSUE_5}; {CLINICAL_SESSION}: BP before dosing, ~40 min (peak), then as needed"
        ),
    )
    vitals_early_window: dt.timedelta = field(
        default=_minutes(5),
        metadata=_source(f"{ENGINEERING}; a reading this early still counts for the check"),
    )
    vitals_overdue_after: dt.timedelta = field(
        default=_minutes(2),
        metadata=_source(f"{ENGINEERING}; a check this late is shown as overdue"),
    )

    # Out-of-range alerts during monitoring.
    alert_systolic_at_or_above: int = field(default=180, metadata=_source(ISSUE_5))
    alert_diastolic_at_or_above: int = field(default=110, metadata=_source(ISSUE_5))
    alert_heart_rate_below: int = field(default=50, metadata=_source(ISSUE_5))
    alert_heart_rate_above: int = field(default=120, metadata=_source(ISSUE_5))
    alert_spo2_below: int = field(default=92, metadata=_source(f"{ISSUE_5}; {CLINICAL_SESSION}"))

    # Discharge gate.
    min_monitoring: dt.timedelta = field(
        default=_minutes(120), metadata=_source(f"{ISSUE_5}; {SPRAVATO_REMS}; {CLINICAL_SESSION}")
    )
    discharge_systolic_below: int = field(default=140, metadata=_source(ISSUE_5))
    discharge_diastolic_below: int = field(default=90, metadata=_source(ISSUE_5))
    discharge_predose_margin: Decimal = field(
        default=Decimal("0.10"),
        metadata=_source(f"{ISSUE_5}: 'or within 10 % of pre-dose' (read as: at most 10 % above)"),
    )
    discharge_vitals_max_age: dt.timedelta = field(
        default=_minutes(15),
        metadata=_source(f"{SPRAVATO_REMS} (BP at discharge); window: {ENGINEERING}"),
    )

    # Recorded times: entered after the fact is fine, the future is not.
    future_tolerance: dt.timedelta = field(
        default=dt.timedelta(0), metadata=_source(f"{ISSUE_5}: times may not be in the future")
    )
    earliest_before_start: dt.timedelta = field(
        default=dt.timedelta(hours=3),
        metadata=_source(
            f"{ENGINEERING}; a time this long before the booked start is a typing error "
            "(pre-dose vitals and checks happen shortly before the session)"
        ),
    )

    # Plausibility of a typed vital sign (a typo guard, not a clinical range).
    plausible_systolic: tuple[int, int] = field(default=(40, 300), metadata=_source(ENGINEERING))
    plausible_diastolic: tuple[int, int] = field(default=(20, 200), metadata=_source(ENGINEERING))
    plausible_heart_rate: tuple[int, int] = field(default=(20, 250), metadata=_source(ENGINEERING))
    plausible_spo2: tuple[int, int] = field(default=(50, 100), metadata=_source(ENGINEERING))

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
        default=60, metadata=_source("CPT 0820T / +0821T / +0822T descriptors: 'each hour'")
    )
    unit_rule: UnitRule = field(default=UnitRule.MIDPOINT, metadata=_source(CPT_TIME_RULE))
    max_people_per_addon_code: int = field(
        default=1,
        metadata=_source(
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
    """A practice's whole medicine policy."""

    screening: ScreeningPolicy = field(
        default_factory=ScreeningPolicy, metadata=_source("ScreeningPolicy defaults")
    )
    session: SessionPolicy = field(
        default_factory=SessionPolicy, metadata=_source("SessionPolicy defaults")
    )
    billing: BillingPolicy = field(
        default_factory=BillingPolicy, metadata=_source("BillingPolicy defaults")
    )
