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


def may_edit_demographics(roles: frozenset[Role], *, on_care_team: bool) -> bool:
    """Front desk keeps demographics; clinicians on the team may correct them."""
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


# Reviewing a risk flag is a clinical judgement: a therapist or medical provider on the
# care team closes it; a monitor sees open flags but does not close them. (Seeing them
# is by category: risk flags are safety data.)
FLAG_REVIEWER_ROLES = frozenset({Role.THERAPIST, Role.MEDICAL_PROVIDER})


def may_review_risk_flags(roles: frozenset[Role]) -> bool:
    return bool(roles & FLAG_REVIEWER_ROLES)
