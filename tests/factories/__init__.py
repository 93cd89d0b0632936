"""Factories for synthetic test data (never real people): one for every model.

One module per app (``tests/factories/<app>.py``); everything is importable from here.
``tests/test_factories.py`` checks that every model of KAP Care has a factory here and
that it builds a row the database accepts: a new model needs a factory in its app's
module, added to this list.

The ``make_*`` functions are typed entry points for the factories tests use most
(factory_boy's own calls are untyped).
"""

from kapcare.accounts.models import User
from kapcare.measures.models import MeasureResponse
from kapcare.pathway.models import (
    Clearance,
    Consent,
    DoseOrder,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
    PlanProblemWording,
    PlanReview,
    TreatmentPlan,
)
from kapcare.people.models import (
    CareTeamMember,
    Client,
    EmergencyAccess,
    Location,
    Practice,
    Room,
    StaffMember,
)
from kapcare.portal.models import JournalEntry
from kapcare.scheduling.models import Appointment
from tests.factories.accounts import (
    ApiTokenFactory,
)
from tests.factories.audit import (
    AuditChainHeadFactory,
    AuditEventFactory,
    ExportedDocumentFactory,
)
from tests.factories.intensives import (
    IntensivePlanFactory,
    PatternTemplateFactory,
)
from tests.factories.interop import (
    ExportFileFactory,
    ExportJobFactory,
    PracticeBillingFactory,
)
from tests.factories.measures import (
    CompletionLinkFactory,
    InstrumentDefinitionFactory,
    MeasureAssignmentFactory,
    MeasureResponseFactory,
    RiskFlagFactory,
)
from tests.factories.medicine import (
    AddendumFactory,
    AdverseEventFactory,
    DoseAdministrationFactory,
    MedicineSessionFactory,
    ObservationFactory,
    PracticeMedicineSettingsFactory,
    SignatureFactory,
    VitalsAlertFactory,
    VitalsReadingFactory,
)
from tests.factories.notes import (
    TEST_NOTES_KEY,
    EmdrSessionFactory,
    EmdrTargetFactory,
    NoteAddendumFactory,
    NoteSupervisionFactory,
    PartAppearanceFactory,
    PartFactory,
    PsychotherapyNoteFactory,
    SessionNoteFactory,
)
from tests.factories.pathway import (
    ClearanceFactory,
    ConsentDocumentFactory,
    ConsentFactory,
    DiagnosisFactory,
    DoseOrderFactory,
    GoalReviewFactory,
    MedicalScreeningFactory,
    PlanGoalFactory,
    PlanInterventionFactory,
    PlanProblemFactory,
    PlanProblemWordingFactory,
    PlanReviewFactory,
    PracticeDiagnosisCodeFactory,
    ScreeningAnswerFactory,
    TreatmentPlanFactory,
    TreatmentPlanVersionFactory,
)
from tests.factories.people import (
    TEST_PASSWORD,
    CareTeamChangeFactory,
    CareTeamFactory,
    ClientFactory,
    EmergencyAccessFactory,
    LocationFactory,
    PracticeFactory,
    RoomFactory,
    StaffFactory,
    StaffLicenseFactory,
    StaffRoleFactory,
    UserFactory,
)
from tests.factories.portal import (
    CareTeamNoticeFactory,
    ClientAccountFactory,
    IntakeFactory,
    JournalEntryFactory,
    PortalInvitationFactory,
)
from tests.factories.scheduling import (
    AppointmentFactory,
    AppointmentStaffFactory,
    CalendarFeedFactory,
    PracticeSchedulingSettingsFactory,
    ReminderSentFactory,
    TimeOffFactory,
    WorkingHoursFactory,
)

__all__ = [
    "TEST_NOTES_KEY",
    "TEST_PASSWORD",
    "AddendumFactory",
    "AdverseEventFactory",
    "ApiTokenFactory",
    "AppointmentFactory",
    "AppointmentStaffFactory",
    "AuditChainHeadFactory",
    "AuditEventFactory",
    "CalendarFeedFactory",
    "CareTeamChangeFactory",
    "CareTeamFactory",
    "CareTeamNoticeFactory",
    "ClearanceFactory",
    "ClientAccountFactory",
    "ClientFactory",
    "CompletionLinkFactory",
    "ConsentDocumentFactory",
    "ConsentFactory",
    "DiagnosisFactory",
    "DoseAdministrationFactory",
    "DoseOrderFactory",
    "EmdrSessionFactory",
    "EmdrTargetFactory",
    "EmergencyAccessFactory",
    "ExportFileFactory",
    "ExportJobFactory",
    "ExportedDocumentFactory",
    "GoalReviewFactory",
    "InstrumentDefinitionFactory",
    "IntakeFactory",
    "IntensivePlanFactory",
    "JournalEntryFactory",
    "LocationFactory",
    "MeasureAssignmentFactory",
    "MeasureResponseFactory",
    "MedicalScreeningFactory",
    "MedicineSessionFactory",
    "NoteAddendumFactory",
    "NoteSupervisionFactory",
    "ObservationFactory",
    "PartAppearanceFactory",
    "PartFactory",
    "PatternTemplateFactory",
    "PlanGoalFactory",
    "PlanInterventionFactory",
    "PlanProblemFactory",
    "PlanProblemWordingFactory",
    "PlanReviewFactory",
    "PortalInvitationFactory",
    "PracticeBillingFactory",
    "PracticeDiagnosisCodeFactory",
    "PracticeFactory",
    "PracticeMedicineSettingsFactory",
    "PracticeSchedulingSettingsFactory",
    "PsychotherapyNoteFactory",
    "ReminderSentFactory",
    "RiskFlagFactory",
    "RoomFactory",
    "ScreeningAnswerFactory",
    "SessionNoteFactory",
    "SignatureFactory",
    "StaffFactory",
    "StaffLicenseFactory",
    "StaffRoleFactory",
    "TimeOffFactory",
    "TreatmentPlanFactory",
    "TreatmentPlanVersionFactory",
    "UserFactory",
    "VitalsAlertFactory",
    "VitalsReadingFactory",
    "WorkingHoursFactory",
    "make_appointment",
    "make_care_team_member",
    "make_clearance",
    "make_client",
    "make_consent",
    "make_dose_order",
    "make_emergency_access",
    "make_journal_entry",
    "make_location",
    "make_measure_response",
    "make_plan",
    "make_plan_goal",
    "make_plan_intervention",
    "make_plan_problem",
    "make_plan_problem_wording",
    "make_plan_review",
    "make_practice",
    "make_room",
    "make_staff",
    "make_user",
]


def make_practice(**kw: object) -> Practice:
    return PracticeFactory.create(**kw)


def make_location(**kw: object) -> Location:
    return LocationFactory.create(**kw)


def make_room(**kw: object) -> Room:
    return RoomFactory.create(**kw)


def make_user(**kw: object) -> User:
    return UserFactory.create(**kw)


def make_staff(**kw: object) -> StaffMember:
    return StaffFactory.create(**kw)


def make_client(**kw: object) -> Client:
    return ClientFactory.create(**kw)


def make_care_team_member(**kw: object) -> CareTeamMember:
    return CareTeamFactory.create(**kw)


def make_emergency_access(**kw: object) -> EmergencyAccess:
    return EmergencyAccessFactory.create(**kw)


def make_clearance(**kw: object) -> Clearance:
    return ClearanceFactory.create(**kw)


def make_consent(**kw: object) -> Consent:
    return ConsentFactory.create(**kw)


def make_dose_order(**kw: object) -> DoseOrder:
    return DoseOrderFactory.create(**kw)


def make_appointment(**kw: object) -> Appointment:
    return AppointmentFactory.create(**kw)


def make_plan(**kw: object) -> TreatmentPlan:
    return TreatmentPlanFactory.create(**kw)


def make_plan_problem(**kw: object) -> PlanProblem:
    return PlanProblemFactory.create(**kw)


def make_plan_goal(**kw: object) -> PlanGoal:
    return PlanGoalFactory.create(**kw)


def make_plan_problem_wording(**kw: object) -> PlanProblemWording:
    return PlanProblemWordingFactory.create(**kw)


def make_plan_intervention(**kw: object) -> PlanIntervention:
    return PlanInterventionFactory.create(**kw)


def make_plan_review(**kw: object) -> PlanReview:
    return PlanReviewFactory.create(**kw)


def make_measure_response(**kw: object) -> MeasureResponse:
    return MeasureResponseFactory.create(**kw)


def make_journal_entry(**kw: object) -> JournalEntry:
    return JournalEntryFactory.create(**kw)
