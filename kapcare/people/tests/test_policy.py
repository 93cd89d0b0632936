"""The access policy, tested exhaustively against a table written from DESIGN.md.

``EXPECTED`` below is written by hand from the "role | sees" table in
DESIGN.md, not derived from ``people.policy``: if the two disagree, one of them
is wrong and a person should decide which.
"""

import ast
import inspect
from itertools import chain, combinations, product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.people import policy
from kapcare.people.policy import (
    CARE_TEAM_ROLES,
    CLINICAL_CATEGORIES,
    PRACTICE_WIDE_ROLES,
    Category,
    Role,
    allowed_categories,
    may_access,
    may_create_clients,
    may_edit_demographics,
    may_read_audit_log,
    sees_all_clients,
)

T, MP, MO, FD, PO = (
    Role.THERAPIST,
    Role.MEDICAL_PROVIDER,
    Role.MONITOR,
    Role.FRONT_DESK,
    Role.PRIVACY_OFFICER,
)
DEM, SCH, CLI, MED, SES, SAF, PSY, AUD = (
    Category.DEMOGRAPHICS,
    Category.SCHEDULE,
    Category.CLINICAL,
    Category.MEDICAL,
    Category.MEDICINE_SESSION,
    Category.SAFETY,
    Category.PSYCHOTHERAPY_NOTES,
    Category.AUDIT,
)

# role -> category -> (sees it when on the client's care team, sees it when not)
#
# therapist: "full record of clients on their care team; own psychotherapy notes only"
#   (authorship of a note is checked where notes are read; the category is theirs).
# medical provider: "medical record of their clients; progress notes; not psychotherapy notes".
# monitor: "medicine-session record and safety data of clients they monitor".
# front desk: "scheduling, demographics ... no clinical note content", practice-wide.
# privacy officer: "audit trail; no clinical content by default", practice-wide, plus
#   the client's identity (demographics) to run access reviews and record requests.
Y, N = True, False
EXPECTED: dict[Role, dict[Category, tuple[bool, bool]]] = {
    T: {
        DEM: (Y, N),
        SCH: (Y, N),
        CLI: (Y, N),
        MED: (Y, N),
        SES: (Y, N),
        SAF: (Y, N),
        PSY: (Y, N),
        AUD: (N, N),
    },
    MP: {
        DEM: (Y, N),
        SCH: (Y, N),
        CLI: (Y, N),
        MED: (Y, N),
        SES: (Y, N),
        SAF: (Y, N),
        PSY: (N, N),
        AUD: (N, N),
    },
    MO: {
        DEM: (Y, N),
        SCH: (Y, N),
        CLI: (N, N),
        MED: (N, N),
        SES: (Y, N),
        SAF: (Y, N),
        PSY: (N, N),
        AUD: (N, N),
    },
    FD: {
        DEM: (Y, Y),
        SCH: (Y, Y),
        CLI: (N, N),
        MED: (N, N),
        SES: (N, N),
        SAF: (N, N),
        PSY: (N, N),
        AUD: (N, N),
    },
    PO: {
        DEM: (Y, Y),
        SCH: (N, N),
        CLI: (N, N),
        MED: (N, N),
        SES: (N, N),
        SAF: (N, N),
        PSY: (N, N),
        AUD: (Y, Y),
    },
}


def expected(roles: frozenset[Role], category: Category, *, on_care_team: bool) -> bool:
    """A person holding several roles sees what any one of them sees (union)."""
    return any(EXPECTED[role][category][0 if on_care_team else 1] for role in roles)


def subsets(items: list[Role]) -> list[frozenset[Role]]:
    return [frozenset(s) for s in chain.from_iterable(combinations(items, n) for n in range(6))]


ALL_ROLE_SETS = subsets(list(Role))
role_sets = st.frozensets(st.sampled_from(Role))


def test_the_expectation_table_covers_every_role_and_category() -> None:
    assert set(EXPECTED) == set(Role)
    for role, row in EXPECTED.items():
        assert set(row) == set(Category), role


def test_there_are_32_role_sets() -> None:
    assert len(ALL_ROLE_SETS) == 32
    assert len(set(ALL_ROLE_SETS)) == 32


@pytest.mark.parametrize("roles", ALL_ROLE_SETS, ids=lambda r: "+".join(sorted(r)) or "none")
def test_every_role_set_team_and_category_matches_the_table(roles: frozenset[Role]) -> None:
    for on_care_team, category in product((True, False), Category):
        want = expected(roles, category, on_care_team=on_care_team)
        # When
        got = may_access(roles, category, on_care_team=on_care_team)
        # Then
        assert got is want, (sorted(roles), category, on_care_team)
        assert (category in allowed_categories(roles, on_care_team=on_care_team)) is want


def test_no_roles_sees_nothing() -> None:
    assert allowed_categories(frozenset(), on_care_team=True) == frozenset()
    assert allowed_categories(frozenset(), on_care_team=False) == frozenset()


@pytest.mark.parametrize("on_care_team", [True, False])
def test_front_desk_never_sees_clinical_categories(on_care_team: bool) -> None:
    seen = allowed_categories(frozenset({FD}), on_care_team=on_care_team)
    assert seen == {DEM, SCH}
    assert not seen & CLINICAL_CATEGORIES


@pytest.mark.parametrize("on_care_team", [True, False])
def test_privacy_officer_sees_audit_and_no_clinical_content(on_care_team: bool) -> None:
    seen = allowed_categories(frozenset({PO}), on_care_team=on_care_team)
    assert AUD in seen
    assert not seen & CLINICAL_CATEGORIES


def test_monitor_sees_medicine_session_and_safety_but_not_clinical_notes() -> None:
    seen = allowed_categories(frozenset({MO}), on_care_team=True)
    assert {SES, SAF} <= seen
    assert CLI not in seen
    assert PSY not in seen
    assert MED not in seen


def test_medical_provider_sees_progress_notes_not_psychotherapy_notes() -> None:
    seen = allowed_categories(frozenset({MP}), on_care_team=True)
    assert {CLI, MED} <= seen
    assert PSY not in seen


def test_the_clinical_categories_are_the_ones_design_calls_clinical() -> None:
    assert {CLI, MED, SES, SAF, PSY} == CLINICAL_CATEGORIES


@pytest.mark.parametrize("roles", ALL_ROLE_SETS, ids=lambda r: "+".join(sorted(r)) or "none")
@pytest.mark.parametrize("on_care_team", [True, False])
def test_psychotherapy_notes_only_for_a_therapist_on_the_team(
    roles: frozenset[Role], on_care_team: bool
) -> None:
    assert may_access(roles, PSY, on_care_team=on_care_team) is (T in roles and on_care_team)


@pytest.mark.parametrize("roles", ALL_ROLE_SETS, ids=lambda r: "+".join(sorted(r)) or "none")
@pytest.mark.parametrize("on_care_team", [True, False])
def test_audit_trail_only_for_the_privacy_officer(
    roles: frozenset[Role], on_care_team: bool
) -> None:
    assert may_access(roles, AUD, on_care_team=on_care_team) is (PO in roles)
    assert may_read_audit_log(roles) is (PO in roles)


def test_multiple_roles_are_a_union() -> None:
    # A monitor who also works the front desk: front-desk reach practice-wide,
    # monitor reach on their own clients.
    roles = frozenset({MO, FD})
    assert allowed_categories(roles, on_care_team=True) == {DEM, SCH, SES, SAF}
    assert allowed_categories(roles, on_care_team=False) == {DEM, SCH}
    # A therapist who is also privacy officer sees audit everywhere, clinical only on team.
    roles = frozenset({T, PO})
    assert allowed_categories(roles, on_care_team=False) == {DEM, AUD}
    assert allowed_categories(roles, on_care_team=True) == {DEM, SCH, CLI, MED, SES, SAF, PSY, AUD}


def test_roles_are_split_into_care_team_and_practice_wide() -> None:
    assert {T, MP, MO} == CARE_TEAM_ROLES
    assert {FD, PO} == PRACTICE_WIDE_ROLES
    assert not CARE_TEAM_ROLES & PRACTICE_WIDE_ROLES


@pytest.mark.parametrize("roles", ALL_ROLE_SETS, ids=lambda r: "+".join(sorted(r)) or "none")
def test_client_list_is_the_practice_only_for_practice_wide_roles(roles: frozenset[Role]) -> None:
    assert sees_all_clients(roles) is bool(roles & {FD, PO})


@pytest.mark.parametrize("roles", ALL_ROLE_SETS, ids=lambda r: "+".join(sorted(r)) or "none")
@pytest.mark.parametrize("on_care_team", [True, False])
def test_who_may_edit_demographics(roles: frozenset[Role], on_care_team: bool) -> None:
    # Front desk keeps demographics; clinicians on the team may correct them;
    # monitors and the privacy officer only read them.
    want = FD in roles or (on_care_team and bool(roles & {T, MP}))
    assert may_edit_demographics(roles, on_care_team=on_care_team) is want


@pytest.mark.parametrize("roles", ALL_ROLE_SETS, ids=lambda r: "+".join(sorted(r)) or "none")
def test_who_may_create_clients(roles: frozenset[Role]) -> None:
    assert may_create_clients(roles) is bool(roles & {FD, T, MP})


@given(roles=role_sets, extra=st.sampled_from(Role), on_care_team=st.booleans())
def test_adding_a_role_never_removes_access(
    roles: frozenset[Role], extra: Role, on_care_team: bool
) -> None:
    before = allowed_categories(roles, on_care_team=on_care_team)
    after = allowed_categories(roles | {extra}, on_care_team=on_care_team)
    assert before <= after
    assert may_edit_demographics(roles, on_care_team=on_care_team) <= may_edit_demographics(
        roles | {extra}, on_care_team=on_care_team
    )
    assert may_create_clients(roles) <= may_create_clients(roles | {extra})
    assert sees_all_clients(roles) <= sees_all_clients(roles | {extra})


@given(roles=role_sets)
def test_joining_the_care_team_never_removes_access(roles: frozenset[Role]) -> None:
    assert allowed_categories(roles, on_care_team=False) <= allowed_categories(
        roles, on_care_team=True
    )


@given(roles=role_sets)
def test_off_team_never_grants_care_team_only_categories(roles: frozenset[Role]) -> None:
    off_team = allowed_categories(roles, on_care_team=False)
    # Clinical content needs the care team, whatever else a person holds...
    assert not off_team & CLINICAL_CATEGORIES
    # ...and off the team, only the practice-wide roles grant anything at all.
    assert off_team == allowed_categories(roles & PRACTICE_WIDE_ROLES, on_care_team=False)
    assert allowed_categories(roles & CARE_TEAM_ROLES, on_care_team=False) == frozenset()


@given(roles=role_sets, on_care_team=st.booleans())
def test_the_union_is_the_union_of_single_roles(roles: frozenset[Role], on_care_team: bool) -> None:
    union: set[Category] = set()
    for role in roles:
        union |= allowed_categories(frozenset({role}), on_care_team=on_care_team)
    assert allowed_categories(roles, on_care_team=on_care_team) == union


def test_role_codes_are_the_ones_the_api_uses() -> None:
    assert [r.value for r in Role] == [
        "therapist",
        "medical_provider",
        "monitor",
        "front_desk",
        "privacy_officer",
    ]
    assert {r.label for r in Role} == {
        "Therapist",
        "Medical provider",
        "Monitor",
        "Front desk",
        "Privacy officer",
    }


def test_policy_is_pure_python() -> None:
    # No Django and no project imports: the policy is plain data and functions.
    tree = ast.parse(inspect.getsource(policy))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported == {"enum"}


@pytest.mark.parametrize("roles", ALL_ROLE_SETS, ids=lambda r: "+".join(sorted(r)) or "none")
def test_practice_settings_are_changed_by_who_keeps_them(roles: frozenset[Role]) -> None:
    # Booking defaults are the schedule keeper's; clinical thresholds a medical decision.
    assert policy.may_change_scheduling_settings(roles) is (Role.FRONT_DESK in roles)
    assert policy.may_change_medicine_settings(roles) is (Role.MEDICAL_PROVIDER in roles)


@pytest.mark.parametrize("roles", ALL_ROLE_SETS, ids=lambda r: "+".join(sorted(r)) or "none")
def test_who_bills_and_who_reads_the_practice_outcomes(roles: frozenset[Role]) -> None:
    assert policy.may_bill(roles) is bool(roles & {FD, T, MP})
    assert policy.may_read_practice_outcomes(roles) is bool(roles & {T, Role.PRIVACY_OFFICER})
