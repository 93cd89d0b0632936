"""What may happen to a session note in each state: a pure table (no Django).

A note is a **draft** until its author signs it; signing **locks** it (only addenda
after that). When the author's notes need a supervisor's co-signature, a signed note
**awaits co-signature** until that supervisor co-signs; the co-signature is the one
change a locked note takes besides addenda. The note of a held session documents it
once it is signed and, if needed, co-signed (``documents_session``).
"""

from dataclasses import dataclass
from enum import StrEnum

from kapcare.core.violations import Violation

__all__ = ["Action", "NoteFacts", "NoteState", "check_action", "documents_session", "state_of"]


class NoteState(StrEnum):
    DRAFT = "draft"
    AWAITING_COSIGNATURE = "awaiting_cosignature"
    SIGNED = "signed"


STATE_LABELS = {
    NoteState.DRAFT: "Draft",
    NoteState.AWAITING_COSIGNATURE: "Signed, awaiting co-signature",
    NoteState.SIGNED: "Signed",
}


class Action(StrEnum):
    EDIT = "edit"
    SIGN = "sign"
    COSIGN = "cosign"
    ADDENDUM = "addendum"


# Rule codes (a stable contract, answered in ``violations``).
NOT_AUTHOR = "note.not_author"
LOCKED = "note.locked"
NOT_SIGNED = "note.not_signed"
NOT_COSIGNER = "note.not_cosigner"
NO_COSIGN_NEEDED = "note.no_cosignature_needed"
ALREADY_COSIGNED = "note.already_cosigned"


@dataclass(frozen=True)
class NoteFacts:
    signed: bool
    needs_cosignature: bool  # the author's notes need a co-signature (fixed at signing)
    cosigned: bool
    actor_is_author: bool
    actor_is_cosigner: bool


def state_of(facts: NoteFacts) -> NoteState:
    if not facts.signed:
        return NoteState.DRAFT
    if facts.needs_cosignature and not facts.cosigned:
        return NoteState.AWAITING_COSIGNATURE
    return NoteState.SIGNED


def documents_session(facts: NoteFacts) -> bool:
    """Whether the note completes its session's documentation."""
    return state_of(facts) is NoteState.SIGNED


def check_action(facts: NoteFacts, action: Action) -> list[Violation]:
    """Every reason the actor may not take ``action`` on the note now."""
    state = state_of(facts)
    problems: list[Violation] = []
    if action in (Action.EDIT, Action.SIGN):
        if not facts.actor_is_author:
            problems.append(Violation(NOT_AUTHOR, "Only the note's author writes and signs it."))
        if state is not NoteState.DRAFT:
            problems.append(
                Violation(LOCKED, "The note is signed and locked: add an addendum instead.")
            )
    elif action is Action.COSIGN:
        if not facts.signed:
            problems.append(Violation(NOT_SIGNED, "The author signs the note first."))
        elif not facts.needs_cosignature:
            problems.append(Violation(NO_COSIGN_NEEDED, "This note needs no co-signature."))
        elif facts.cosigned:
            problems.append(Violation(ALREADY_COSIGNED, "The note is already co-signed."))
        if facts.needs_cosignature and not facts.actor_is_cosigner:
            problems.append(
                Violation(NOT_COSIGNER, "Only the author's supervisor co-signs this note.")
            )
    elif action is Action.ADDENDUM and not facts.signed:
        problems.append(Violation(NOT_SIGNED, "The note is a draft: change it directly instead."))
    return problems
