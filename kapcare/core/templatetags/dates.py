"""The one date and time format of every page, as template filters (built in: no ``load``).

``{{ a.start|when }}`` → ``Tue 8 Dec 2026, 3:30 pm``; ``|day`` the date, ``|clock`` the
time, ``{{ a.start|span:a.end }}`` a session, ``|birth_date`` a date of birth and
``|zone_words`` a time zone as people say it. ``tests/test_page_words.py`` refuses a raw
``|date:"..."`` or ``|time:"..."`` shown to a reader.

Which clock: a datetime the code already put on a location's clock (``astimezone``) is
shown on that clock; one straight from the database (UTC) on the page's clock (the
practice's, or a ``{% timezone %}`` block's). ``when`` and ``span`` name the zone in words
when it is not the reader's (the practice's default zone).
"""

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from kapcare.core import wording

register = template.Library()

_UTC_KEYS = frozenset({"UTC", "Etc/UTC"})


def _zone_name(zone: Any) -> str:
    return str(getattr(zone, "key", None) or zone)


def _on_its_clock(value: dt.datetime) -> dt.datetime:
    """``value`` on the clock the code chose for it, or on the page's clock (see above)."""
    if timezone.is_naive(value):
        return value
    if value.tzinfo is dt.UTC or getattr(value.tzinfo, "key", None) in _UTC_KEYS:
        return timezone.localtime(value)
    return value


def _zone_note(value: dt.datetime) -> str:
    if timezone.is_naive(value):
        return ""
    shown = _zone_name(value.tzinfo)
    if shown == _zone_name(timezone.get_default_timezone()):
        return ""
    return f" ({wording.zone_words(shown)})"


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    """``Tue 8 Dec 2026``."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = _on_its_clock(value).date()
    return wording.fmt_date(value)


@register.filter
def birth_date(value: dt.date | None) -> str:
    """``8 Dec 1985``."""
    return wording.fmt_birth_date(value) if value else ""


@register.filter
def month(value: dt.date | None) -> str:
    """``Mar 2026``."""
    return wording.fmt_month(value) if value else ""


@register.filter
def clock(value: dt.time | dt.datetime | None) -> str:
    """``3:30 pm``."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _on_its_clock(value)
    return wording.fmt_time(value)


@register.filter
def when(value: dt.datetime | None) -> str:
    """``Tue 8 Dec 2026, 3:30 pm`` (and ``(Central time)`` when not the reader's zone)."""
    if not value:
        return ""
    local = _on_its_clock(value)
    return wording.fmt_datetime(local) + _zone_note(local)


@register.filter
def span(start: dt.datetime | None, end: dt.datetime | None) -> str:
    """``Tue 8 Dec 2026, 3:30 pm to 4:20 pm`` (an en dash) (the zone named as ``when`` does)."""
    if not start:
        return ""
    local = _on_its_clock(start)
    if not end:
        return wording.fmt_datetime(local) + _zone_note(local)
    later = _on_its_clock(end).astimezone(local.tzinfo) if local.tzinfo else end
    return wording.fmt_span(local, later) + _zone_note(local)


@register.filter
def zone_words(zone: Any) -> str:
    """``Eastern time`` for ``America/New_York`` (a name or a ``ZoneInfo``)."""
    return wording.zone_words(_zone_name(zone)) if zone else ""


@register.filter
def source_words(text: str) -> str:
    """A setting's source without file names, issue numbers or zone ids."""
    return wording.source_words(str(text))


@register.filter
def value_words(value: object) -> str:
    """A setting's value in words (a list joined, a zone named, ``wall clock``)."""
    return wording.value_words(value)


@register.filter
def zone_note(value: dt.datetime | None) -> str:
    """``Central time`` when ``value`` is shown on another zone than the reader's, else ``""``."""
    if not isinstance(value, dt.datetime):
        return ""
    return _zone_note(_on_its_clock(value)).strip(" ()")
