"""Emergency access ("break the glass", ONC 170.315(d)(6)): the rules, as pure functions.

A clinician off a client's care team opens that client's record in an emergency by
giving a reason; the access lasts a time box (the practice's setting, 4 hours by
default) and then ends by itself. Who may ask and what it opens is the access policy's
(``people.policy.may_request_emergency_access``, ``emergency_categories``); the service
that keeps the grants is ``people.emergency``.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from kapcare.core.errors import FieldError
from kapcare.core.inputs import first_forbidden_character

__all__ = [
    "DEFAULT_HOURS",
    "HOURS_RANGE",
    "REASON_LIMIT",
    "ReviewState",
    "Window",
    "clean_reason",
    "clean_review_note",
    "review_state",
    "window_from",
]

DEFAULT_HOURS = 4
# A practice may shorten or lengthen the time box within a working day's span.
HOURS_RANGE = (1, 12)
REASON_LIMIT = 500
REVIEW_NOTE_LIMIT = 1000


@dataclass(frozen=True)
class Window:
    """When an emergency access opens and when it ends by itself."""

    starts_at: dt.datetime
    ends_at: dt.datetime

    def is_open(self, now: dt.datetime) -> bool:
        return self.starts_at <= now < self.ends_at


def window_from(start: dt.datetime, hours: int) -> Window:
    """The time box that starts at ``start`` and lasts ``hours`` (the practice's setting)."""
    if not HOURS_RANGE[0] <= hours <= HOURS_RANGE[1]:
        raise ValueError(f"An emergency access lasts {HOURS_RANGE[0]} to {HOURS_RANGE[1]} hours.")
    return Window(starts_at=start, ends_at=start + dt.timedelta(hours=hours))


def _clean(text: str, field: str, *, limit: int, required: bool) -> str:
    position = first_forbidden_character(text)
    if position is not None:
        raise FieldError(
            field,
            f"Remove the control character at position {position}: text may hold letters, "
            "digits, punctuation, spaces, tabs and line breaks.",
        )
    text = text.strip()
    if required and not text:
        raise FieldError(field, "Say why you need this record now: the privacy officer reads it.")
    if len(text) > limit:
        raise FieldError(field, f"Keep this to {limit} characters.")
    return text


def clean_reason(text: str) -> str:
    """The reason as kept: required (blanks alone are no reason), plain text, bounded."""
    return _clean(text, "reason", limit=REASON_LIMIT, required=True)


def clean_review_note(text: str) -> str:
    """The privacy officer's note on a review: optional, plain text, bounded."""
    return _clean(text, "note", limit=REVIEW_NOTE_LIMIT, required=False)


class ReviewState(StrEnum):
    OPEN = "open"  # the time box is running
    TO_REVIEW = "to_review"  # ended (or still open) and not yet reviewed
    REVIEWED = "reviewed"


def review_state(window: Window, *, reviewed: bool, now: dt.datetime) -> ReviewState:
    """Where one access stands for the privacy officer. An open access may be reviewed
    already (the officer acts at once); reviewed wins over open."""
    if reviewed:
        return ReviewState.REVIEWED
    return ReviewState.OPEN if window.is_open(now) else ReviewState.TO_REVIEW
