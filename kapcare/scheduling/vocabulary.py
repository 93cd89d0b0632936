"""Scheduling's words: kinds, modalities and statuses of appointments, and the rule codes.

Pure Python, one enum per concept with its page labels, used alike by the models
(choices and check constraints), the pure rules, the API schemas and the pages. The
values and the rule codes are what the API sends and the database stores: a stable
contract (DESIGN.md, "Rules the system enforces").
"""

from enum import StrEnum

__all__ = [
    "KIND_LABELS",
    "MODALITY_LABELS",
    "PATHWAY_STATUSES",
    "REMINDER_RECIPIENT_LABELS",
    "SLOT_HOLDING_STATUSES",
    "STATUS_LABELS",
    "AppointmentKind",
    "AppointmentStatus",
    "Modality",
    "ReminderRecipient",
    "Rule",
    "Subject",
]


class AppointmentKind(StrEnum):
    CONSULTATION = "consultation"
    PREPARATION = "preparation"
    MEDICINE = "medicine"
    INTEGRATION = "integration"
    THERAPY = "therapy"


class Modality(StrEnum):
    IN_PERSON = "in_person"
    TELEHEALTH = "telehealth"


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


SLOT_HOLDING_STATUSES = frozenset(
    {AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW}
)
"""Statuses that block the staff, room and client for the appointment's time."""

PATHWAY_STATUSES = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED})
"""Statuses of sessions that count for the pathway (they happen or happened)."""


class Subject(StrEnum):
    """Which appointment of a request a violation is about."""

    APPOINTMENT = "appointment"
    FOLLOW_UP = "follow_up"


class Rule(StrEnum):
    """Every code a check can return. The DESIGN.md codes are a stable contract."""

    # input shape
    NAIVE_DATETIME = "appointment.naive_datetime"
    END_BEFORE_START = "appointment.end_before_start"
    IN_PERSON_NEEDS_LOCATION = "appointment.in_person_needs_location"
    IN_PERSON_NEEDS_ROOM = "appointment.in_person_needs_room"
    ROOM_LOCATION_MISMATCH = "appointment.room_location_mismatch"
    ROOM_INACTIVE = "appointment.room_inactive"
    NO_STAFF = "appointment.no_staff"
    DUPLICATE_STAFF = "appointment.duplicate_staff"
    CLIENT_LOCATION_STATE_INVALID = "appointment.client_location_state_invalid"
    FOLLOW_UP_NOT_INTEGRATION = "appointment.follow_up_not_integration"
    # the plan
    PLAN_PAUSED = "plan.paused"
    PLAN_REQUIRED = "plan.required"
    # medicine sessions
    MEDICINE_IN_PERSON_ONLY = "medicine.in_person_only"
    MEDICINE_LOCATION_NOT_EQUIPPED = "medicine.location_not_equipped"
    MEDICINE_MONITOR_REQUIRED = "medicine.monitor_required"
    MEDICINE_REQUIRES_CONSENT = "medicine.requires_consent"
    MEDICINE_REQUIRES_CLEARANCE = "medicine.requires_clearance"
    MEDICINE_DOSE_ORDER_REQUIRED = "medicine.dose_order_required"
    MEDICINE_REQUIRES_PREPARATION = "medicine.requires_preparation"
    MEDICINE_REQUIRES_INTEGRATION = "medicine.requires_integration"
    MEDICINE_MIN_SPACING = "medicine.min_spacing"
    SAFETY_UNREVIEWED_RISK_FLAG = "safety.unreviewed_risk_flag"
    # telehealth and double booking
    TELEHEALTH_CLIENT_LOCATION_UNLICENSED = "telehealth.client_location_unlicensed"
    CONFLICT_CLINICIAN = "conflict.clinician"
    CONFLICT_ROOM = "conflict.room"
    CONFLICT_CLIENT = "conflict.client"
    # Additions to DESIGN.md's table (issue 3: working hours and time off), checked by
    # ``scheduling.hours`` and applied by the same booking service.
    STAFF_OUTSIDE_WORKING_HOURS = "staff.outside_working_hours"
    STAFF_TIME_OFF = "staff.time_off"


KIND_LABELS = {
    AppointmentKind.CONSULTATION: "Consultation",
    AppointmentKind.PREPARATION: "Preparation",
    AppointmentKind.MEDICINE: "Medicine session",
    AppointmentKind.INTEGRATION: "Integration",
    AppointmentKind.THERAPY: "Therapy",
}
MODALITY_LABELS = {Modality.IN_PERSON: "In person", Modality.TELEHEALTH: "Telehealth (video)"}
STATUS_LABELS = {
    AppointmentStatus.BOOKED: "Booked",
    AppointmentStatus.COMPLETED: "Completed",
    AppointmentStatus.CANCELLED: "Cancelled",
    AppointmentStatus.NO_SHOW: "No-show",
}


class ReminderRecipient(StrEnum):
    CLIENT = "client"
    STAFF = "staff"


REMINDER_RECIPIENT_LABELS = {
    ReminderRecipient.CLIENT: "Client",
    ReminderRecipient.STAFF: "Staff member",
}
