"""The pathway's words: plan, consent, clearance, dose route and screening answers.

Pure Python, one enum per concept, used alike by the models (choices and check
constraints), the pure rules, the API schemas (the OpenAPI enums) and the pages (the
labels). The values are what the API sends and the database stores: a stable contract.
"""

from enum import StrEnum
from typing import Literal, get_args

__all__ = [
    "ANSWER_LABELS",
    "CLEARANCE_LABELS",
    "CONSENT_LABELS",
    "FORMAT_LABELS",
    "GOAL_COMPARISON_LABELS",
    "GOAL_PROGRESS_LABELS",
    "GOAL_STATUS_LABELS",
    "INTERVENTION_LABELS",
    "ORDERABLE_ROUTES",
    "PLAN_STATUS_LABELS",
    "PREGNANCY_LABELS",
    "ROUTE_LABELS",
    "TREATMENT_MODALITY_LABELS",
    "Answer",
    "ClearanceStatus",
    "ConsentKind",
    "GoalComparison",
    "GoalProgress",
    "GoalStatus",
    "InterventionKind",
    "OrderableRoute",
    "PlanFormat",
    "PlanStatus",
    "PregnancyStatus",
    "Route",
    "TreatmentModality",
]


class PlanFormat(StrEnum):
    """Format of a client's KAP treatment plan."""

    ONGOING = "ongoing"
    INTENSIVE = "intensive"


FORMAT_LABELS = {PlanFormat.ONGOING: "Ongoing therapy", PlanFormat.INTENSIVE: "Intensive"}


class PlanStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


PLAN_STATUS_LABELS = {
    PlanStatus.ACTIVE: "Active",
    PlanStatus.PAUSED: "Paused by the client",
    PlanStatus.CLOSED: "Closed",
}


class TreatmentModality(StrEnum):
    KAP = "kap"
    PARTS_WORK = "parts_work"
    EMDR = "emdr"


TREATMENT_MODALITY_LABELS = {
    TreatmentModality.KAP: "Ketamine-assisted psychotherapy",
    TreatmentModality.PARTS_WORK: "Parts work",
    TreatmentModality.EMDR: "EMDR",
}


class ConsentKind(StrEnum):
    KAP_INFORMED_CONSENT = "kap_informed_consent"
    TELEHEALTH = "telehealth"
    FINANCIAL = "financial"


CONSENT_LABELS = {
    ConsentKind.KAP_INFORMED_CONSENT: "KAP informed consent",
    ConsentKind.TELEHEALTH: "Telehealth consent",
    ConsentKind.FINANCIAL: "Financial agreement",
}


class ClearanceStatus(StrEnum):
    """A medical provider's clearance decision: cleared, not cleared, or needs more
    information."""

    CLEARED = "cleared"
    NOT_CLEARED = "not_cleared"
    NEEDS_INFORMATION = "needs_information"


CLEARANCE_LABELS = {
    ClearanceStatus.CLEARED: "Cleared",
    ClearanceStatus.NOT_CLEARED: "Not cleared",
    ClearanceStatus.NEEDS_INFORMATION: "Needs information",
}


class Route(StrEnum):
    """How ketamine is given (dose orders and the doses given under them)."""

    SUBLINGUAL = "sublingual"
    ORAL = "oral"
    INTRAMUSCULAR = "intramuscular"
    INTRAVENOUS = "intravenous"
    INTRANASAL = "intranasal"


ROUTE_LABELS = {
    Route.SUBLINGUAL: "Sublingual",
    Route.ORAL: "Oral",
    Route.INTRAMUSCULAR: "Intramuscular",
    Route.INTRAVENOUS: "Intravenous",
    Route.INTRANASAL: "Intranasal",
}

OrderableRoute = Literal["sublingual", "intramuscular", "intravenous"]
"""The routes a dose order may name (issue 3's list; the API's and the database's)."""

ORDERABLE_ROUTES: tuple[Route, ...] = tuple(Route(value) for value in get_args(OrderableRoute))


class Answer(StrEnum):
    """An item of the medical screening: a finding, not one, or not known yet."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


ANSWER_LABELS = {Answer.YES: "Yes", Answer.NO: "No", Answer.UNKNOWN: "Unknown"}


class PregnancyStatus(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    NOT_PREGNANT = "not_pregnant"
    PREGNANT = "pregnant"
    UNKNOWN = "unknown"


PREGNANCY_LABELS = {
    PregnancyStatus.NOT_APPLICABLE: "Not applicable",
    PregnancyStatus.NOT_PREGNANT: "Not pregnant",
    PregnancyStatus.PREGNANT: "Pregnant or breastfeeding",
    PregnancyStatus.UNKNOWN: "Unknown",
}


# --- the treatment plan's problems, goals, interventions and reviews (issue 10) ---------


class GoalComparison(StrEnum):
    """How a measured goal compares the instrument's total with its target."""

    BELOW = "below"
    AT_OR_BELOW = "at_or_below"
    ABOVE = "above"
    AT_OR_ABOVE = "at_or_above"


GOAL_COMPARISON_LABELS = {
    GoalComparison.BELOW: "below",
    GoalComparison.AT_OR_BELOW: "at or below",
    GoalComparison.ABOVE: "above",
    GoalComparison.AT_OR_ABOVE: "at or above",
}


class GoalStatus(StrEnum):
    ACTIVE = "active"
    MET = "met"
    DISCONTINUED = "discontinued"


GOAL_STATUS_LABELS = {
    GoalStatus.ACTIVE: "Working on it",
    GoalStatus.MET: "Met",
    GoalStatus.DISCONTINUED: "Set aside",
}


class GoalProgress(StrEnum):
    """A goal's progress as judged at a plan review."""

    WORSE = "worse"
    NO_CHANGE = "no_change"
    SOME_PROGRESS = "some_progress"
    MUCH_PROGRESS = "much_progress"
    MET = "met"


GOAL_PROGRESS_LABELS = {
    GoalProgress.WORSE: "Worse",
    GoalProgress.NO_CHANGE: "No change",
    GoalProgress.SOME_PROGRESS: "Some progress",
    GoalProgress.MUCH_PROGRESS: "Much progress",
    GoalProgress.MET: "Met",
}


class InterventionKind(StrEnum):
    """What the plan does toward its goals: the program's three modalities and the rest."""

    KAP = "kap"
    PARTS_WORK = "parts_work"
    EMDR = "emdr"
    RELATIONAL = "relational"
    OTHER = "other"


INTERVENTION_LABELS = {
    InterventionKind.KAP: "Ketamine-assisted psychotherapy",
    InterventionKind.PARTS_WORK: "Parts work",
    InterventionKind.EMDR: "EMDR",
    InterventionKind.RELATIONAL: "Relational psychotherapy",
    InterventionKind.OTHER: "Other",
}
