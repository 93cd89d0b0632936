"""Who may see what: the access policy as pure data and functions.

Every view, API endpoint, export and admin page asks ``people.access``, and
``people.access`` asks this module. No Django imports here, so the whole
policy can be tested exhaustively.
"""

from enum import StrEnum


class Role(StrEnum):
    """Staff role codes, as the API and DESIGN.md spell them."""

    THERAPIST = "therapist"
    MEDICAL_PROVIDER = "medical_provider"
    MONITOR = "monitor"
    FRONT_DESK = "front_desk"
    PRIVACY_OFFICER = "privacy_officer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.THERAPIST: "Therapist",
    Role.MEDICAL_PROVIDER: "Medical provider",
    Role.MONITOR: "Monitor",
    Role.FRONT_DESK: "Front desk",
    Role.PRIVACY_OFFICER: "Privacy officer",
}


class Category(StrEnum):
    """Kinds of client data; access and audit events are by category."""

    DEMOGRAPHICS = "demographics"  # names, contact, care team, status
    SCHEDULE = "schedule"  # appointments (kind, time, place; no content)
    CLINICAL = "clinical"  # pathway, plans, measures, progress notes
    MEDICAL = "medical"  # screening, clearance, dose orders
    MEDICINE_SESSION = "medicine_session"  # dosing, vitals, discharge
    SAFETY = "safety"  # risk flags
    PSYCHOTHERAPY_NOTES = "psychotherapy_notes"  # author only, see notes app
    AUDIT = "audit"  # the audit trail


CLINICAL_CATEGORIES = frozenset(
    {
        Category.CLINICAL,
        Category.MEDICAL,
        Category.MEDICINE_SESSION,
        Category.SAFETY,
        Category.PSYCHOTHERAPY_NOTES,
    }
)

# What each role may see of a client, and whether that needs the person to be
# on the client's care team. Psychotherapy notes are further limited to their
# author, which is checked where the notes are read.
_CARE_TEAM_GRANTS: dict[Role, frozenset[Category]] = {
    Role.THERAPIST: frozenset(
        {
            Category.DEMOGRAPHICS,
            Category.SCHEDULE,
            Category.CLINICAL,
            Category.MEDICAL,
            Category.MEDICINE_SESSION,
            Category.SAFETY,
            Category.PSYCHOTHERAPY_NOTES,
        }
    ),
    Role.MEDICAL_PROVIDER: frozenset(
        {
            Category.DEMOGRAPHICS,
            Category.SCHEDULE,
            Category.CLINICAL,
            Category.MEDICAL,
            Category.MEDICINE_SESSION,
            Category.SAFETY,
        }
    ),
    Role.MONITOR: frozenset(
        {
            Category.DEMOGRAPHICS,
            Category.SCHEDULE,
            Category.MEDICINE_SESSION,
            Category.SAFETY,
        }
    ),
}
_PRACTICE_WIDE_GRANTS: dict[Role, frozenset[Category]] = {
    Role.FRONT_DESK: frozenset({Category.DEMOGRAPHICS, Category.SCHEDULE}),
    Role.PRIVACY_OFFICER: frozenset({Category.DEMOGRAPHICS, Category.AUDIT}),
}

CARE_TEAM_ROLES = frozenset(_CARE_TEAM_GRANTS)
PRACTICE_WIDE_ROLES = frozenset(_PRACTICE_WIDE_GRANTS)

# The client (portal user, not staff; DESIGN.md "People and roles"): role code "client".
# Not a staff Role: it is held by a person through a ``people.ClientAccount``, and it
# opens one record only, the person's own. Psychotherapy notes, medical and
# medicine-session records, safety flags and the audit trail are never the client's
# to read through KAP Care (a record request goes through the privacy officer).
CLIENT_ROLE = "client"
CLIENT_SELF_GRANTS: frozenset[Category] = frozenset(
    {Category.DEMOGRAPHICS, Category.SCHEDULE, Category.CLINICAL}
)


def client_allowed_categories(*, own_record: bool) -> frozenset[Category]:
    """What a client signed in to the portal may see of a record: their own, some of it."""
    return CLIENT_SELF_GRANTS if own_record else frozenset()


def allowed_categories(roles: frozenset[Role], *, on_care_team: bool) -> frozenset[Category]:
    """What a person holding ``roles`` may see of one client."""
    allowed: set[Category] = set()
    for role in roles:
        if role in _PRACTICE_WIDE_GRANTS:
            allowed |= _PRACTICE_WIDE_GRANTS[role]
        elif on_care_team:
            allowed |= _CARE_TEAM_GRANTS[role]
    return frozenset(allowed)


def may_access(roles: frozenset[Role], category: Category, *, on_care_team: bool) -> bool:
    return category in allowed_categories(roles, on_care_team=on_care_team)


def sees_all_clients(roles: frozenset[Role]) -> bool:
    """Whether the person's client list is the whole practice, not the care team."""
    return bool(roles & PRACTICE_WIDE_ROLES)


# The pathway stage ("medicine session", "integration", ...) names the medicine program a
# client is in: clinical data (issue 12, finding 6). It follows from the clinical record
# and the schedule, so who may see either already sees what makes it (front desk books
# the medicine sessions); the privacy officer, who sees neither, does not see it.
STAGE_CATEGORIES = frozenset({Category.CLINICAL, Category.SCHEDULE})


def may_see_pathway_stage(roles: frozenset[Role], *, on_care_team: bool) -> bool:
    """Whether a person holding ``roles`` sees one client's pathway stage."""
    return bool(allowed_categories(roles, on_care_team=on_care_team) & STAGE_CATEGORIES)


def list_shows_pathway_stage(roles: frozenset[Role]) -> bool:
    """Whether a client list shows the stage of every row.

    A practice-wide list (front desk, privacy officer) holds clients off the person's
    care team, so only the practice-wide grants count there; a care-team list holds the
    team's clients only.
    """
    return may_see_pathway_stage(roles, on_care_team=not sees_all_clients(roles))


def may_edit_demographics(roles: frozenset[Role], *, on_care_team: bool) -> bool:
    """Front desk keeps demographics; clinicians on the team may correct them."""
    if Role.FRONT_DESK in roles:
        return True
    return on_care_team and bool(roles & {Role.THERAPIST, Role.MEDICAL_PROVIDER})


def may_change_care_team(roles: frozenset[Role], *, on_care_team: bool) -> bool:
    """Who is on a client's care team: front desk (the practice admin, who keeps the staff
    assignments) for any client; a therapist or medical provider for their own team's
    clients. A monitor, who sees a client for the medicine session, does not change it."""
    if Role.FRONT_DESK in roles:
        return True
    return on_care_team and bool(roles & {Role.THERAPIST, Role.MEDICAL_PROVIDER})


def may_create_clients(roles: frozenset[Role]) -> bool:
    return bool(roles & {Role.FRONT_DESK, Role.THERAPIST, Role.MEDICAL_PROVIDER})


def may_read_audit_log(roles: frozenset[Role]) -> bool:
    return Role.PRIVACY_OFFICER in roles


def may_manage_staff_schedules(roles: frozenset[Role]) -> bool:
    """Whose working hours, time off and calendar feed a person may change.

    Everyone manages their own; front desk (the practice admin of DESIGN.md) manages
    everyone's, since it keeps the schedule.
    """
    return Role.FRONT_DESK in roles


def may_change_scheduling_settings(roles: frozenset[Role]) -> bool:
    """The practice's booking-rule defaults and reminder lead time: front desk / practice admin."""
    return Role.FRONT_DESK in roles


def may_change_medicine_settings(roles: frozenset[Role]) -> bool:
    """The practice's medicine-session thresholds are a medical decision: medical providers."""
    return Role.MEDICAL_PROVIDER in roles


def may_edit_practice_documents(roles: frozenset[Role]) -> bool:
    """The practice's consent documents and Learn pages: its admin (front desk) and its
    clinicians (therapists, medical providers) write them."""
    return bool(roles & {Role.FRONT_DESK, Role.THERAPIST, Role.MEDICAL_PROVIDER})


# Reviewing a risk flag is a clinical judgement: a therapist or medical provider on the
# care team closes it; a monitor sees open flags but does not close them. (Seeing them
# is by category: risk flags are safety data.)
FLAG_REVIEWER_ROLES = frozenset({Role.THERAPIST, Role.MEDICAL_PROVIDER})


def may_review_risk_flags(roles: frozenset[Role]) -> bool:
    return bool(roles & FLAG_REVIEWER_ROLES)


def may_set_note_supervision(roles: frozenset[Role]) -> bool:
    """Whose session notes need a supervisor's co-signature: a staff setting the practice
    admin (front desk, who keeps the staff list) sets."""
    return Role.FRONT_DESK in roles


# Who must sign in with a second factor when the practice requires it (ONC
# 170.315(d)(13)): everyone who opens clinical records, and the privacy officer, who
# reads the whole audit trail. Front desk may enrol too; it is offered to everyone.
SECOND_FACTOR_ROLES = CARE_TEAM_ROLES | {Role.PRIVACY_OFFICER}


def needs_second_factor(roles: frozenset[Role]) -> bool:
    return bool(roles & SECOND_FACTOR_ROLES)


def may_manage_intensive_templates(roles: frozenset[Role]) -> bool:
    """The practice's intensive pattern templates: front desk and the clinicians."""
    return bool(roles & {Role.FRONT_DESK, Role.THERAPIST, Role.MEDICAL_PROVIDER})


def may_approve_dosing_days(roles: frozenset[Role]) -> bool:
    """Which intensive days may have a medicine session is a medical decision
    (CLINICAL.md: dosing on consecutive days needs the medical provider's approval)."""
    return Role.MEDICAL_PROVIDER in roles


# Billing (superbills, the claim-ready CSV) reads codes and times through the client's
# schedule category: the front desk bills, and clinicians print their own clients'.
BILLING_ROLES = frozenset({Role.FRONT_DESK, Role.THERAPIST, Role.MEDICAL_PROVIDER})


def may_bill(roles: frozenset[Role]) -> bool:
    return bool(roles & BILLING_ROLES)


def may_read_practice_outcomes(roles: frozenset[Role]) -> bool:
    """The practice's outcomes (aggregates, no names, small cells suppressed): its
    therapists, who judge the program, and the privacy officer, who answers for it."""
    return bool(roles & {Role.THERAPIST, Role.PRIVACY_OFFICER})


# Emergency access ("break the glass", ONC 170.315(d)(6)): a clinician off a client's care
# team may open that one record for a time box, giving a reason. It brings what their own
# roles would bring on the care team, nothing more: a privacy officer or front desk gains
# no clinical data by it, so only the care-team roles may ask (``people.emergency``).
def may_request_emergency_access(roles: frozenset[Role]) -> bool:
    return bool(roles & CARE_TEAM_ROLES)


def emergency_categories(roles: frozenset[Role]) -> frozenset[Category]:
    """What an emergency access opens of the one client: the care-team grants of the
    person's care-team roles (psychotherapy notes stay their author's, as on the team)."""
    return allowed_categories(roles & CARE_TEAM_ROLES, on_care_team=True)


def may_review_emergency_access(roles: frozenset[Role]) -> bool:
    """The privacy officer is told of every emergency access and reviews it."""
    return Role.PRIVACY_OFFICER in roles
