"""Plain-language pieces of the rules' messages and pages: dates, times, zones, counts, lists.

Pure Python: every page and every rule message says a date, a time, a count and a list the
same way ("Tue 8 Dec 2026, 3:30 pm"; docs/decisions/0019-plain-words-on-every-page.md).
"""

import datetime as dt
import re
from collections.abc import Sequence

__all__ = [
    "US_ZONES",
    "fmt_birth_date",
    "fmt_date",
    "fmt_datetime",
    "fmt_span",
    "fmt_time",
    "join_words",
    "plural",
    "source_words",
    "value_words",
    "zone_words",
]

# The zones a US practice meets, by the name people say. Others are named after their city.
ZONE_WORDS: dict[str, str] = {
    "America/New_York": "Eastern time",
    "America/Detroit": "Eastern time",
    "America/Indiana/Indianapolis": "Eastern time",
    "America/Kentucky/Louisville": "Eastern time",
    "America/Chicago": "Central time",
    "America/Denver": "Mountain time",
    "America/Boise": "Mountain time",
    "America/Phoenix": "Arizona time",
    "America/Los_Angeles": "Pacific time",
    "America/Anchorage": "Alaska time",
    "Pacific/Honolulu": "Hawaii time",
    "America/Puerto_Rico": "Atlantic time",
    "UTC": "UTC",
    "Etc/UTC": "UTC",
}


# The zones offered when a practice chooses one, east to west.
US_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
)


def fmt_date(day: dt.date) -> str:
    """``Tue 4 Mar 2025``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def fmt_birth_date(day: dt.date) -> str:
    """``4 Mar 1985``: a date of birth, the same format without the weekday it fell on."""
    return f"{day.day} {day:%b %Y}"


def fmt_month(day: dt.date) -> str:
    """``Mar 2026``: a month of a report, the same format without the day."""
    return f"{day:%b %Y}"


def fmt_time(moment: dt.time | dt.datetime) -> str:
    """``3:30 pm``, ``12:00 pm`` (noon), ``12:05 am``."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'}"


def fmt_datetime(moment: dt.datetime) -> str:
    """``Tue 8 Dec 2026, 3:30 pm`` (on the clock ``moment`` carries)."""
    return f"{fmt_date(moment.date())}, {fmt_time(moment)}"


def fmt_span(start: dt.datetime, end: dt.datetime) -> str:
    """``Tue 8 Dec 2026, 3:30 pm to 4:20 pm`` (an en dash); the end's day named if another."""
    if end.date() == start.date():
        return f"{fmt_datetime(start)}\N{EN DASH}{fmt_time(end)}"
    return f"{fmt_datetime(start)} to {fmt_datetime(end)}"


def zone_words(name: str) -> str:
    """``Eastern time`` for ``America/New_York``; an unlisted zone by its city."""
    if name in ZONE_WORDS:
        return ZONE_WORDS[name]
    city = name.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} time"


# The documents a setting's source cites, by the name a reader knows them by.
_DOCUMENTS = {"CLINICAL.md": "Clinical reference", "DESIGN.md": "Product design"}
_DOCUMENT = re.compile(r"\b(?:CLINICAL|DESIGN)\.md\b")
_ISSUE = re.compile(r"\bKAP Care issue \d+\b")
_ZONE_ID = re.compile(
    r"\b(?:America|Europe|Pacific|Asia|Africa|Australia|Atlantic|Indian|Etc)/[A-Za-z_]+"
    r"(?:/[A-Za-z_]+)?"
)


def source_words(text: str) -> str:
    """Where a setting comes from, for a page: no file names, issue numbers or zone ids.

    ``CLINICAL.md, 'Medicine session'`` → ``Clinical reference, 'Medicine session'``;
    ``KAP Care issue 5 (...)`` → ``KAP Care's design (...)``. The API keeps the text as is.
    """
    text = _DOCUMENT.sub(lambda m: _DOCUMENTS[m.group(0)], text)
    text = _ISSUE.sub("KAP Care's design", text)
    return _ZONE_ID.sub(lambda m: zone_words(m.group(0)), text)


def value_words(value: object) -> str:
    """A setting's value for a page: a list joined, a zone named, a code's words spaced."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(value_words(v) for v in value)
    text = str(value)
    if _ZONE_ID.fullmatch(text) or text in ZONE_WORDS:
        return zone_words(text)
    return text.replace("_", " ")


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``1 day``, ``2 days`` (or ``many`` when the plural is not ``singular`` + s)."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def join_words(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
