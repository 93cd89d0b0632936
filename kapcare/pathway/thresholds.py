"""Thresholds of the medical screening: the contraindication catalogue and its cut-offs.

Every value is a setting with the source of its default (``core.sources``); nothing here
is clinical advice: the defaults come from ``CLINICAL.md`` and issue 5, and each names
where it comes from. Pure Python (no Django): ``pathway.screening`` reads it. The
contraindications are data, not prose: a stable code, a label, a plain message, a source.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from kapcare.core.sources import source

__all__ = [
    "CLINICAL_CONSENT",
    "CLINICAL_SCREENING",
    "DEFAULT_CONTRAINDICATIONS",
    "ENGINEERING",
    "ISSUE_5",
    "PLAUSIBLE_DIASTOLIC",
    "PLAUSIBLE_HEART_RATE",
    "PLAUSIBLE_SPO2",
    "PLAUSIBLE_SYSTOLIC",
    "SPRAVATO_BP",
    "SPRAVATO_LABEL",
    "Basis",
    "Contraindication",
    "ScreeningPolicy",
    "Severity",
]

# Where the defaults come from, so each source string stays short and exact.
ISSUE_5 = "KAP Care issue 5 (medical screening and the medicine session)"
CLINICAL_SCREENING = "CLINICAL.md, 'Medical screening'"
CLINICAL_CONSENT = "CLINICAL.md, 'Consent must cover'"
SPRAVATO_LABEL = "SPRAVATO (esketamine) US prescribing information, Contraindications"
SPRAVATO_BP = (
    "SPRAVATO (esketamine) US prescribing information, Warnings (blood pressure): "
    "consider delaying treatment when BP > 140/90 (general guide)"
)
ENGINEERING = "KAP Care engineering default (no clinical source; chosen for safety, change freely)"

# What a typed vital sign can be (a typo guard, not a clinical range; ENGINEERING): the
# screening's baseline and the medicine session's readings are checked alike.
PLAUSIBLE_SYSTOLIC = (40, 300)
PLAUSIBLE_DIASTOLIC = (20, 200)
PLAUSIBLE_HEART_RATE = (20, 250)
PLAUSIBLE_SPO2 = (50, 100)


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
        default=DEFAULT_CONTRAINDICATIONS, metadata=source("each item carries its own source")
    )
    des_ii_at_or_above: Decimal = field(
        default=Decimal(30),
        metadata=source(
            f"{ISSUE_5}; DES cut-off 30 (Carlson, Putnam et al., Am J Psychiatry 1993;150:1030)"
        ),
    )
    # Baseline blood pressure at or above either value is a relative finding of
    # uncontrolled hypertension even when the form says "no" (one reading; the
    # medical provider may justify it, e.g. white-coat effect).
    baseline_systolic_at_or_above: int = field(default=140, metadata=source(SPRAVATO_BP))
    baseline_diastolic_at_or_above: int = field(default=90, metadata=source(SPRAVATO_BP))

    def __post_init__(self) -> None:
        codes = [c.code for c in self.contraindications]
        if len(codes) != len(set(codes)):
            raise ValueError("Contraindication codes must be unique.")
        for basis in (Basis.DES_II, Basis.RISK_FLAG, Basis.QUESTION_AND_BASELINE_BP):
            if sum(c.basis == basis for c in self.contraindications) > 1:
                raise ValueError(f"At most one contraindication may be decided by {basis}.")
        if not Decimal(0) <= self.des_ii_at_or_above <= Decimal(100):
            raise ValueError("The DES-II threshold must be between 0 and 100.")
