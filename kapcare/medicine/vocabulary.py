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
