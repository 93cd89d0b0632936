"""Emergency access rules (pure): the reason, the time box, what it opens, the review."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.core.errors import FieldError
from kapcare.people import policy
from kapcare.people.emergency import rules
from kapcare.people.policy import CARE_TEAM_ROLES, Category, Role

START = dt.datetime(2026, 12, 6, 14, 0, tzinfo=dt.UTC)


def test_the_time_box_is_the_practice_setting_and_ends_by_itself() -> None:
    window = rules.window_from(START, rules.DEFAULT_HOURS)
    assert window.ends_at == START + dt.timedelta(hours=4)
    assert window.is_open(START)
    assert window.is_open(window.ends_at - dt.timedelta(microseconds=1))
    assert not window.is_open(window.ends_at)
    assert not window.is_open(START - dt.timedelta(seconds=1))


@pytest.mark.parametrize("hours", [0, -1, 13, 48])
def test_a_time_box_outside_the_range_is_refused(hours: int) -> None:
    with pytest.raises(ValueError, match="1 to 12 hours"):
        rules.window_from(START, hours)


@pytest.mark.parametrize("reason", ["", "   ", "\n\t \n"])
def test_a_reason_is_required(reason: str) -> None:
    with pytest.raises(FieldError) as refused:
        rules.clean_reason(reason)
    assert refused.value.field == "reason"
    assert "why" in refused.value.message.lower()


@pytest.mark.parametrize("bad", ["crisis\x00", "crisis\x07call", "\x1b[31mred", "a\u202eb"])
def test_a_reason_with_control_characters_is_refused_naming_the_position(bad: str) -> None:
    with pytest.raises(FieldError) as refused:
        rules.clean_reason(bad)
    assert refused.value.field == "reason"
    assert "position" in refused.value.message
    assert bad not in refused.value.message  # never echoes the input


def test_a_reason_is_kept_trimmed_with_its_line_breaks_and_bounded() -> None:
    assert rules.clean_reason("  Client called in crisis.\nTherapist away.  ") == (
        "Client called in crisis.\nTherapist away."
    )
    assert len(rules.clean_reason("x" * rules.REASON_LIMIT)) == rules.REASON_LIMIT
    with pytest.raises(FieldError, match="500 characters"):
        rules.clean_reason("x" * (rules.REASON_LIMIT + 1))


def test_a_review_note_is_optional_but_plain_text() -> None:
    assert rules.clean_review_note("  ") == ""
    with pytest.raises(FieldError) as refused:
        rules.clean_review_note("ok\x00")
    assert refused.value.field == "note"


def test_where_a_review_stands() -> None:
    window = rules.window_from(START, 4)
    during, after = START + dt.timedelta(hours=1), START + dt.timedelta(hours=5)
    assert rules.review_state(window, reviewed=False, now=during) == rules.ReviewState.OPEN
    assert rules.review_state(window, reviewed=False, now=after) == rules.ReviewState.TO_REVIEW
    assert rules.review_state(window, reviewed=True, now=during) == rules.ReviewState.REVIEWED
    assert rules.review_state(window, reviewed=True, now=after) == rules.ReviewState.REVIEWED


roles_sets = st.frozensets(st.sampled_from(list(Role)))


@given(roles_sets)
def test_emergency_access_opens_only_what_the_roles_bring_on_a_care_team(
    roles: frozenset[Role],
) -> None:
    opened = policy.emergency_categories(roles)
    assert opened <= policy.allowed_categories(roles, on_care_team=True)
    assert Category.AUDIT not in opened
    assert bool(opened) == policy.may_request_emergency_access(roles)


@pytest.mark.parametrize("role", [Role.PRIVACY_OFFICER, Role.FRONT_DESK])
def test_the_privacy_officer_and_front_desk_cannot_ask_and_gain_no_clinical_data(
    role: Role,
) -> None:
    assert not policy.may_request_emergency_access(frozenset({role}))
    assert policy.emergency_categories(frozenset({role})) == frozenset()


def test_each_clinical_role_gets_its_own_care_team_grants() -> None:
    for role in CARE_TEAM_ROLES:
        assert policy.emergency_categories(frozenset({role})) == policy.allowed_categories(
            frozenset({role}), on_care_team=True
        )
    assert Category.MEDICAL not in policy.emergency_categories(frozenset({Role.MONITOR}))


def test_only_the_privacy_officer_reviews() -> None:
    assert policy.may_review_emergency_access(frozenset({Role.PRIVACY_OFFICER}))
    for role in set(Role) - {Role.PRIVACY_OFFICER}:
        assert not policy.may_review_emergency_access(frozenset({role}))
