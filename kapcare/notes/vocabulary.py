"""The notes app's words: note templates, risk levels, the 8 Cs, parts roles, EMDR terms.

Pure Python, one enum per concept with its page labels; the values are what the API
sends and the database stores (a stable contract).
"""

from enum import StrEnum

__all__ = [
    "BLS_LABELS",
    "CLOSURE_LABELS",
    "EMDR_PHASE_LABELS",
    "NOTE_KIND_FOR_APPOINTMENT",
    "NOTE_KIND_LABELS",
    "PERMISSION_LABELS",
    "PRONG_LABELS",
    "RISK_LABELS",
    "ROLE_LABELS",
    "SELF_QUALITY_LABELS",
    "STAGE_OF_KIND",
    "UNBURDENING_LABELS",
    "BilateralStimulation",
    "Closure",
    "EmdrPhase",
    "NoteKind",
    "PartRole",
    "Permission",
    "Prong",
    "RiskLevel",
    "SelfQuality",
    "Stage",
    "UnburdeningStep",
]


class NoteKind(StrEnum):
    """A session note's template, one per appointment kind."""

    INTAKE = "intake"
    PREPARATION = "preparation"
    MEDICINE = "medicine"
    INTEGRATION = "integration"
    THERAPY = "therapy"


NOTE_KIND_LABELS = {
    NoteKind.INTAKE: "Intake assessment",
    NoteKind.PREPARATION: "Preparation",
    NoteKind.MEDICINE: "Medicine session (therapist's account)",
    NoteKind.INTEGRATION: "Integration",
    NoteKind.THERAPY: "Therapy",
}

# appointment kind (scheduling.vocabulary.AppointmentKind values) -> note template
NOTE_KIND_FOR_APPOINTMENT = {
    "consultation": NoteKind.INTAKE,
    "preparation": NoteKind.PREPARATION,
    "medicine": NoteKind.MEDICINE,
    "integration": NoteKind.INTEGRATION,
    "therapy": NoteKind.THERAPY,
}


class Stage(StrEnum):
    """Where on the pathway a part was met: the parts timeline's columns."""

    INTAKE = "intake"
    PREPARATION = "preparation"
    MEDICINE = "medicine"
    INTEGRATION = "integration"
    THERAPY = "therapy"


STAGE_OF_KIND = {kind: Stage(kind.value) for kind in NoteKind}


class RiskLevel(StrEnum):
    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


RISK_LABELS = {
    RiskLevel.NONE: "No current risk identified",
    RiskLevel.LOW: "Low",
    RiskLevel.MODERATE: "Moderate",
    RiskLevel.HIGH: "High",
}


class SelfQuality(StrEnum):
    """The 8 Cs of Self-energy (CLINICAL.md: Self is not a part)."""

    CALM = "calm"
    CLARITY = "clarity"
    COMPASSION = "compassion"
    CONFIDENCE = "confidence"
    CONNECTEDNESS = "connectedness"
    COURAGE = "courage"
    CREATIVITY = "creativity"
    CURIOSITY = "curiosity"


SELF_QUALITY_LABELS = {q: q.value.capitalize() for q in SelfQuality}


class PartRole(StrEnum):
    MANAGER = "manager"
    FIREFIGHTER = "firefighter"
    EXILE = "exile"
    UNKNOWN = "unknown"


ROLE_LABELS = {
    PartRole.MANAGER: "Manager (protector)",
    PartRole.FIREFIGHTER: "Firefighter (protector)",
    PartRole.EXILE: "Exile",
    PartRole.UNKNOWN: "Not known yet",
}
PROTECTOR_ROLES = frozenset({PartRole.MANAGER, PartRole.FIREFIGHTER})


class Permission(StrEnum):
    """Whether the protectors have given permission to approach this part."""

    NOT_ASKED = "not_asked"
    GRANTED = "granted"
    DECLINED = "declined"


PERMISSION_LABELS = {
    Permission.NOT_ASKED: "Not asked yet",
    Permission.GRANTED: "Granted",
    Permission.DECLINED: "Not yet given",
}


class UnburdeningStep(StrEnum):
    WITNESSING = "witnessing"
    RETRIEVAL = "retrieval"
    UNBURDENING = "unburdening"
    INVITATION = "invitation"


UNBURDENING_LABELS = {
    UnburdeningStep.WITNESSING: "Witnessing",
    UnburdeningStep.RETRIEVAL: "Retrieval",
    UnburdeningStep.UNBURDENING: "Unburdening to an element",
    UnburdeningStep.INVITATION: "Invitation of qualities",
}


class Prong(StrEnum):
    PAST = "past"
    PRESENT = "present"
    FUTURE = "future"


PRONG_LABELS = {
    Prong.PAST: "Past memory",
    Prong.PRESENT: "Present trigger",
    Prong.FUTURE: "Future template",
}


class EmdrPhase(StrEnum):
    HISTORY = "history"
    PREPARATION = "preparation"
    ASSESSMENT = "assessment"
    DESENSITIZATION = "desensitization"
    INSTALLATION = "installation"
    BODY_SCAN = "body_scan"
    CLOSURE = "closure"
    REEVALUATION = "reevaluation"


EMDR_PHASE_LABELS = {
    EmdrPhase.HISTORY: "1 History",
    EmdrPhase.PREPARATION: "2 Preparation",
    EmdrPhase.ASSESSMENT: "3 Assessment",
    EmdrPhase.DESENSITIZATION: "4 Desensitization",
    EmdrPhase.INSTALLATION: "5 Installation",
    EmdrPhase.BODY_SCAN: "6 Body scan",
    EmdrPhase.CLOSURE: "7 Closure",
    EmdrPhase.REEVALUATION: "8 Reevaluation",
}


class BilateralStimulation(StrEnum):
    EYE_MOVEMENTS = "eye_movements"
    TAPPING = "tapping"
    AUDITORY = "auditory"
    BUTTERFLY_HUG = "butterfly_hug"


BLS_LABELS = {
    BilateralStimulation.EYE_MOVEMENTS: "Eye movements",
    BilateralStimulation.TAPPING: "Tactile (tappers or tapping)",
    BilateralStimulation.AUDITORY: "Auditory tones",
    BilateralStimulation.BUTTERFLY_HUG: "Butterfly hug",
}


class Closure(StrEnum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


CLOSURE_LABELS = {
    Closure.COMPLETE: "Complete",
    Closure.INCOMPLETE: "Incomplete (closed with containment)",
}
