"""The session note's state table: every action in every state, as author and not."""

import itertools

import pytest

from kapcare.notes.rules import (
    ALREADY_COSIGNED,
    LOCKED,
    NO_COSIGN_NEEDED,
    NOT_AUTHOR,
    NOT_COSIGNER,
    NOT_SIGNED,
    Action,
    NoteFacts,
    NoteState,
    check_action,
    documents_session,
    state_of,
)


def facts(
    *,
    signed: bool = False,
    needs: bool = False,
    cosigned: bool = False,
    author: bool = True,
    cosigner: bool = False,
) -> NoteFacts:
    return NoteFacts(
        signed=signed,
        needs_cosignature=needs,
        cosigned=cosigned,
        actor_is_author=author,
        actor_is_cosigner=cosigner,
    )


@pytest.mark.parametrize(
    ("given", "state", "documents"),
    [
        (facts(), NoteState.DRAFT, False),
        (facts(signed=True), NoteState.SIGNED, True),
        (facts(signed=True, needs=True), NoteState.AWAITING_COSIGNATURE, False),
        (facts(signed=True, needs=True, cosigned=True), NoteState.SIGNED, True),
    ],
)
def test_state_is_derived_from_signatures(
    given: NoteFacts, state: NoteState, documents: bool
) -> None:
    assert state_of(given) is state
    assert documents_session(given) is documents


DRAFT = facts()
SIGNED = facts(signed=True)
AWAITING = facts(signed=True, needs=True)
COSIGNED = facts(signed=True, needs=True, cosigned=True)


@pytest.mark.parametrize(
    ("given", "action", "codes"),
    [
        (DRAFT, Action.EDIT, []),
        (DRAFT, Action.SIGN, []),
        (facts(author=False), Action.EDIT, [NOT_AUTHOR]),
        (facts(author=False), Action.SIGN, [NOT_AUTHOR]),
        (SIGNED, Action.EDIT, [LOCKED]),
        (SIGNED, Action.SIGN, [LOCKED]),
        (facts(signed=True, author=False), Action.EDIT, [NOT_AUTHOR, LOCKED]),
        (AWAITING, Action.EDIT, [LOCKED]),
        (DRAFT, Action.ADDENDUM, [NOT_SIGNED]),
        (SIGNED, Action.ADDENDUM, []),
        (AWAITING, Action.ADDENDUM, []),
        (facts(signed=True, author=False), Action.ADDENDUM, []),
        (DRAFT, Action.COSIGN, [NOT_SIGNED]),
        (SIGNED, Action.COSIGN, [NO_COSIGN_NEEDED]),
        (AWAITING, Action.COSIGN, [NOT_COSIGNER]),
        (facts(signed=True, needs=True, author=False, cosigner=True), Action.COSIGN, []),
        (
            facts(signed=True, needs=True, cosigned=True, author=False, cosigner=True),
            Action.COSIGN,
            [ALREADY_COSIGNED],
        ),
        (facts(needs=True, author=False, cosigner=True), Action.COSIGN, [NOT_SIGNED]),
        (COSIGNED, Action.EDIT, [LOCKED]),
    ],
)
def test_what_each_state_allows(given: NoteFacts, action: Action, codes: list[str]) -> None:
    assert [v.rule for v in check_action(given, action)] == codes


@pytest.mark.parametrize(
    "combination", list(itertools.product([False, True], repeat=5)), ids=lambda c: str(c)
)
def test_a_locked_note_is_never_edited_or_signed(combination: tuple[bool, ...]) -> None:
    given = NoteFacts(*combination)
    for action in (Action.EDIT, Action.SIGN):
        allowed = not check_action(given, action)
        assert allowed == (not given.signed and given.actor_is_author)
