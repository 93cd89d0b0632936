"""Plain-language pieces of the rules' messages: dates, counts and lists.

Pure Python: every app's rule messages say a date, a count and a list the same way.
"""

import datetime as dt
from collections.abc import Sequence

__all__ = ["fmt_date", "join_words", "plural"]


def fmt_date(day: dt.date) -> str:
    """``Tue 4 Mar 2025``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``1 day``, ``2 days`` (or ``many`` when the plural is not ``singular`` + s)."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def join_words(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
