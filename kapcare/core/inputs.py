"""What any text or date a person sends may hold, whichever door it comes through.

Pure Python, one rule each, shared by the API's field types (``api_fields``) and the
pages' forms (``form_inputs``), so a value the API refuses is refused on a page too
(finding 3 and finding 5 of issue 12).

Text: control characters are refused, except the tab and the line breaks a text area
sends (LF, and CR before it). A NUL cannot be stored by PostgreSQL at all; BEL, ESC and
the other C0 and C1 controls have no business in a clinical record and can drive a
terminal that prints it. Lone surrogates (``"\\ud800"`` is valid JSON) are not text and
cannot be encoded. The bidirectional overrides and isolates (U+202A-U+202E,
U+2066-U+2069) make text display in another order than it is stored ("Trojan Source");
the marks that only hint a direction (U+200E, U+200F) stay allowed.

Dates: a date or moment outside 1900-2100 is refused. Nothing a practice records lies
outside it (the oldest living client was born after 1900), and a year like 9999 cannot
take the arithmetic the rules do on it (a search window, a time zone) without overflow.
"""

import datetime as dt
import unicodedata

__all__ = [
    "EARLIEST_DAY",
    "FILLED_TEXT_PATTERN",
    "LATEST_DAY",
    "TEXT_PATTERN",
    "check_day",
    "check_instant",
    "check_text",
    "first_forbidden_character",
]

_ALLOWED_CONTROLS = frozenset("\t\n\r")
_BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)

# The same rule as a JSON Schema (ECMA-262) pattern, for the API's document: a client, or a
# fuzzer, learns what the API reads without sending it. Lone surrogates are left out: no
# UTF-8 text can hold one (only a JSON escape can), and a pattern cannot name them.
# tests/test_hostile_input.py checks the two agree on every code point.
TEXT_PATTERN = (
    r"^[^"
    r"\u0000-\u0008\u000B\u000C\u000E-\u001F"  # C0 but tab, LF and CR
    r"\u007F-\u009F"  # DEL and C1
    r"\u202A-\u202E\u2066-\u2069"  # bidi embeddings, overrides and isolates
    r"]*$"
)

_TEXT_CHARACTER = TEXT_PATTERN[1:-2]  # the class: one character text may hold
# One character text may hold that str.strip() keeps: the class above, less every
# character Python counts as white space (space, tab, line breaks, NBSP, U+2000-U+200A,
# ...). tests/test_hostile_input.py checks it on every code point.
_SEEN_CHARACTER = (
    r"[^"
    r"\u0000-\u0020"  # C0 and space
    r"\u007F-\u00A0"  # DEL, C1 and NBSP
    r"\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"  # Unicode spaces
    r"\u202A-\u202E\u2066-\u2069"  # bidi embeddings, overrides and isolates
    r"]"
)
# Text that must say something: at least one character that is not white space (what a
# service refuses as blank after strip()).
FILLED_TEXT_PATTERN = f"^{_TEXT_CHARACTER}*{_SEEN_CHARACTER}{_TEXT_CHARACTER}*$"

EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)
DATE_WINDOW_MESSAGE = "Enter a date between 1 Jan 1900 and 31 Dec 2100."


def first_forbidden_character(text: str) -> int | None:
    """The position (from 1) of the first character ``text`` may not hold, or None."""
    for position, char in enumerate(text, start=1):
        if char in _ALLOWED_CONTROLS:
            continue
        if char in _BIDI_CONTROLS or unicodedata.category(char) in {"Cc", "Cs"}:
            return position
    return None


def check_text(text: str) -> str:
    """``text`` unchanged, or ValueError naming where the forbidden character is.

    The message names a position, never the character or the text around it: an
    error must not echo input (ADR 0004).
    """
    position = first_forbidden_character(text)
    if position is not None:
        raise ValueError(
            f"Remove the control character at position {position}: text may hold letters, "
            "digits, punctuation, spaces, tabs and line breaks."
        )
    return text


def check_day(day: dt.date) -> dt.date:
    """``day`` (a date, or the day of a moment) unchanged, or ValueError."""
    as_date = day.date() if isinstance(day, dt.datetime) else day
    if not EARLIEST_DAY <= as_date <= LATEST_DAY:
        raise ValueError(DATE_WINDOW_MESSAGE)
    return day


def check_instant(moment: dt.datetime) -> dt.datetime:
    """``moment`` unchanged when its day lies in the window (in its own zone), or ValueError."""
    check_day(moment.date())
    return moment
