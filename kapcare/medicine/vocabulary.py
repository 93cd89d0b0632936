"""The medicine session's words: adverse events, their severity, who signs a record.

Pure Python, one enum per concept with its labels, used alike by the models (choices and
check constraints), the pure rules, the API schemas and the pages. The values are what
the API sends and the database stores: a stable contract.
"""

from enum import StrEnum

__all__ = [
    "ADVERSE_EVENT_LABELS",
    "SEVERITY_LABELS",
    "SIGNER_ROLE_LABELS",
    "AdverseEventKind",
    "AdverseEventSeverity",
    "SignerRole",
]


class AdverseEventKind(StrEnum):
    """CLINICAL.md, 'Medicine session': the adverse events to offer."""

    HYPERTENSION = "hypertension"
    TACHYCARDIA = "tachycardia"
    HYPOTENSION_ARRHYTHMIA = "hypotension_arrhythmia"
    NAUSEA_VOMITING = "nausea_vomiting"
    DIZZINESS = "dizziness"
    EXCESSIVE_SEDATION = "excessive_sedation"
    ANXIETY_AGITATION = "anxiety_agitation"
    CONFUSION = "confusion"
    HYPERSALIVATION = "hypersalivation"
    RESPIRATORY = "respiratory"
    MUSCLE_TONE = "muscle_tone"
    ANAPHYLAXIS = "anaphylaxis"
    SUICIDALITY = "suicidality"
    MISUSE = "misuse"
    FALL = "fall"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ADVERSE_EVENT_LABELS[self]


ADVERSE_EVENT_LABELS: dict[AdverseEventKind, str] = {
    AdverseEventKind.HYPERTENSION: "Hypertension",
    AdverseEventKind.TACHYCARDIA: "Tachycardia",
    AdverseEventKind.HYPOTENSION_ARRHYTHMIA: "Hypotension or arrhythmia",
    AdverseEventKind.NAUSEA_VOMITING: "Nausea or vomiting",
    AdverseEventKind.DIZZINESS: "Dizziness, diplopia or nystagmus",
    AdverseEventKind.EXCESSIVE_SEDATION: "Excessive sedation",
    AdverseEventKind.ANXIETY_AGITATION: "Dysphoria, anxiety, agitation or emergence reaction",
    AdverseEventKind.CONFUSION: "Confusion",
    AdverseEventKind.HYPERSALIVATION: "Hypersalivation",
    AdverseEventKind.RESPIRATORY: "Laryngospasm or respiratory depression",
    AdverseEventKind.MUSCLE_TONE: "Raised muscle tone",
    AdverseEventKind.ANAPHYLAXIS: "Anaphylaxis",
    AdverseEventKind.SUICIDALITY: "Suicidality",
    AdverseEventKind.MISUSE: "Signs of misuse",
    AdverseEventKind.FALL: "Fall",
    AdverseEventKind.OTHER: "Other",
}


class AdverseEventSeverity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SERIOUS = "serious"

    @property
    def label(self) -> str:
        return SEVERITY_LABELS[self]


SEVERITY_LABELS: dict[AdverseEventSeverity, str] = {
    AdverseEventSeverity.MILD: "Mild",
    AdverseEventSeverity.MODERATE: "Moderate",
    AdverseEventSeverity.SERIOUS: "Serious",
}


class SignerRole(StrEnum):
    MONITOR = "monitor"
    THERAPIST = "therapist"
    MEDICAL_PROVIDER = "medical_provider"

    @property
    def label(self) -> str:
        return SIGNER_ROLE_LABELS[self]


SIGNER_ROLE_LABELS: dict[SignerRole, str] = {
    SignerRole.MONITOR: "Monitor",
    SignerRole.THERAPIST: "Therapist",
    SignerRole.MEDICAL_PROVIDER: "Medical provider",
}


# Codes of the medicine-session rules (``medicine.rules``): a stable contract.
CHECKLIST_INCOMPLETE = "dose.checklist_incomplete"
PREPARATION_INCOMPLETE = "dose.preparation_incomplete"
PREDOSE_VITALS_HOLD = "dose.predose_vitals_hold"
PREDOSE_VITALS_ACK_REQUIRED = "dose.predose_vitals_ack_required"
NO_ACTIVE_ORDER = "dose.no_active_order"
EXCEEDS_ORDER = "dose.exceeds_order"
ROUTE_MISMATCH = "dose.route_mismatch"
DOSE_INVALID_AMOUNT = "dose.invalid_amount"
DOSE_LOT_MISSING = "dose.lot_missing"
DOSE_TIME_IN_FUTURE = "dose.time_in_future"
VITALS_TIME_IN_FUTURE = "vitals.time_in_future"
VITALS_IMPLAUSIBLE = "vitals.implausible"
ALERT_SYSTOLIC_HIGH = "vitals.systolic_high"
ALERT_DIASTOLIC_HIGH = "vitals.diastolic_high"
ALERT_HEART_RATE_LOW = "vitals.heart_rate_low"
ALERT_HEART_RATE_HIGH = "vitals.heart_rate_high"
ALERT_SPO2_LOW = "vitals.spo2_low"
DISCHARGE_MIN_MONITORING = "discharge.min_monitoring"
DISCHARGE_VITALS_OUT_OF_RANGE = "discharge.vitals_out_of_range"
DISCHARGE_VITALS_NOT_RECENT = "discharge.vitals_not_recent"
DISCHARGE_NOT_ORIENTED = "discharge.not_oriented"
DISCHARGE_UNSTEADY_GAIT = "discharge.unsteady_gait"
DISCHARGE_ESCORT_MISSING = "discharge.escort_missing"
DISCHARGE_TIME_IN_FUTURE = "discharge.time_in_future"
TIME_IN_FUTURE = "time_in_future"
BEFORE_SESSION_DAY = "record.before_session_day"
TIME_BEFORE_SESSION = "time_before_session"
