"""What a person typed into the client search: name words, a date of birth, a phone number
or an e-mail address (pure: the query lives in ``people.search``).

Front desk answers the phone with a number or a birthday, not a name. One box takes all
four: a word with ``@`` is an e-mail address (or part of one), a date in ISO or US form is
a date of birth, text of digits and phone punctuation with at least four digits is a phone
number (its digits, whatever the punctuation stored), any other word is part of a name.
"""

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["MAX_NAME_WORDS", "MIN_PHONE_DIGITS", "SearchTerms", "parse_search"]

MAX_NAME_WORDS = 4
MIN_PHONE_DIGITS = 4
_PHONE = re.compile(r"^\+?[\d\s().\-]+$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class SearchTerms:
    names: tuple[str, ...] = ()
    date_of_birth: dt.date | None = None
    phone_digits: str | None = None
    email: str | None = None
    impossible: bool = False
    """A date that does not exist (2026-02-31): nothing can match."""


def _date(word: str) -> dt.date | bool | None:
    """The date ``word`` spells, None if it is no date, False if it is an impossible one."""
    iso, us = _ISO.match(word), _US.match(word)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif us:
        month, day, year = (int(g) for g in us.groups())
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return False


def parse_search(text: str) -> SearchTerms:
    text = " ".join(text.split())
    if not text:
        return SearchTerms()
    digits = re.sub(r"\D", "", text)
    if _PHONE.match(text) and len(digits) >= MIN_PHONE_DIGITS and _date(text) is None:
        return SearchTerms(phone_digits=digits)
    names: list[str] = []
    born: dt.date | None = None
    email: str | None = None
    impossible = False
    for word in text.split():
        when = _date(word)
        if when is False:
            impossible = True
        elif isinstance(when, dt.date):
            born = when
        elif "@" in word:
            email = word.lower()
        elif len(names) < MAX_NAME_WORDS:
            names.append(word)
    return SearchTerms(names=tuple(names), date_of_birth=born, email=email, impossible=impossible)
