"""The intensive's words: the activities of a day's blocks, and the planner's rule codes.

Pure Python. An activity is what the clinician does in a block; the appointment it is
booked as has one of scheduling's kinds (parts work, EMDR and the daily closure are
therapy sessions). The rule codes are additions to DESIGN.md's table, used where the
scheduling rules have no code of their own for why no intensive fits.
"""

from enum import StrEnum

from kapcare.scheduling.vocabulary import AppointmentKind

__all__ = [
    "ACTIVITY_KINDS",
    "ACTIVITY_LABELS",
    "Activity",
    "PlanRule",
]


class Activity(StrEnum):
    PREPARATION = "preparation"
    MEDICINE = "medicine"
    INTEGRATION = "integration"
    PARTS_WORK = "parts_work"
    EMDR = "emdr"
    CLOSURE = "closure"


ACTIVITY_KINDS = {
    Activity.PREPARATION: AppointmentKind.PREPARATION,
    Activity.MEDICINE: AppointmentKind.MEDICINE,
    Activity.INTEGRATION: AppointmentKind.INTEGRATION,
    Activity.PARTS_WORK: AppointmentKind.THERAPY,
    Activity.EMDR: AppointmentKind.THERAPY,
    Activity.CLOSURE: AppointmentKind.THERAPY,
}
"""The appointment kind each activity is booked as."""

ACTIVITY_LABELS = {
    Activity.PREPARATION: "Preparation",
    Activity.MEDICINE: "Medicine session",
    Activity.INTEGRATION: "Integration",
    Activity.PARTS_WORK: "Parts work",
    Activity.EMDR: "EMDR",
    Activity.CLOSURE: "Daily closure",
}


class PlanRule(StrEnum):
    """Why no intensive schedule exists, where no booking rule says it."""

    PATTERN_INVALID = "intensive.pattern_invalid"
    DAILY_CLOSURE = "intensive.daily_closure"
    NO_PLAN = "intensive.no_plan"
    DAYS_MISMATCH = "intensive.days_mismatch"
    DOSING_NOT_APPROVED = "intensive.dosing_not_approved"
    NO_THERAPIST = "intensive.no_therapist"
    NO_ROOM = "intensive.no_room"
    DOES_NOT_FIT = "intensive.does_not_fit"
    TOGETHER_DO_NOT_FIT = "intensive.together_do_not_fit"
    NOT_FOUND_IN_TIME = "intensive.not_found_in_time"
