"""The one date and time format: the wording functions and the template filters."""

import datetime as dt
import pathlib
import re
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from kapcare.core import wording

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
TEMPLATE_ROOT = pathlib.Path(__file__).resolve().parents[2]

# Formats a machine reads (an ISO date in a link or a hidden field, <time datetime="...">).
MACHINE_FORMATS = {"c", "Y-m-d"}
RAW_FORMAT = re.compile(r"\|(?:date|time)\b(?::\s*[\"']([^\"']*)[\"'])?")


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.time(15, 30), "3:30 pm"),
        (dt.time(12, 0), "12:00 pm"),
        (dt.time(0, 5), "12:05 am"),
        (dt.time(9, 0), "9:00 am"),
        (dt.time(23, 59), "11:59 pm"),
    ],
)
def test_a_time_reads_on_a_twelve_hour_clock(moment: dt.time, expected: str) -> None:
    assert wording.fmt_time(moment) == expected


def test_a_date_and_time_read_as_one_phrase() -> None:
    moment = dt.datetime(2026, 12, 8, 15, 30, tzinfo=NEW_YORK)

    assert wording.fmt_datetime(moment) == "Tue 8 Dec 2026, 3:30 pm"
    assert wording.fmt_date(moment.date()) == "Tue 8 Dec 2026"
    assert wording.fmt_birth_date(dt.date(1985, 3, 4)) == "4 Mar 1985"
    assert wording.fmt_month(dt.date(2026, 3, 1)) == "Mar 2026"


def test_a_span_names_the_end_day_only_when_it_is_another() -> None:
    start = dt.datetime(2026, 12, 8, 15, 30, tzinfo=NEW_YORK)

    assert (
        wording.fmt_span(start, start + dt.timedelta(minutes=50))
        == "Tue 8 Dec 2026, 3:30 pm\N{EN DASH}4:20 pm"
    )
    assert (
        wording.fmt_span(start, start + dt.timedelta(days=1))
        == "Tue 8 Dec 2026, 3:30 pm to Wed 9 Dec 2026, 3:30 pm"
    )


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("America/New_York", "Eastern time"),
        ("America/Chicago", "Central time"),
        ("America/Los_Angeles", "Pacific time"),
        ("Pacific/Honolulu", "Hawaii time"),
        ("Europe/London", "London time"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
    ],
)
def test_a_zone_is_named_in_words(zone: str, words: str) -> None:
    assert wording.zone_words(zone) == words


def test_a_stored_moment_shows_on_the_practices_clock() -> None:
    # Given a moment as the database gives it (UTC): 20:30 UTC is 3:30 pm in New York.
    stored = dt.datetime(2026, 12, 8, 20, 30, tzinfo=dt.UTC)

    page = render("{{ m|when }} · {{ m|day }} · {{ m|clock }}", m=stored)

    assert page == "Tue 8 Dec 2026, 3:30 pm · Tue 8 Dec 2026 · 3:30 pm"


def test_a_moment_on_another_zones_clock_names_that_zone() -> None:
    # Given a session at a Chicago location, put on that location's clock by the view.
    start = dt.datetime(2026, 12, 8, 20, 30, tzinfo=dt.UTC).astimezone(CHICAGO)

    page = render(
        "{{ s|when }} | {{ s|span:e }} | {{ s|zone_note }}",
        s=start,
        e=start + dt.timedelta(hours=1),
    )

    assert page == (
        "Tue 8 Dec 2026, 2:30 pm (Central time) | "
        "Tue 8 Dec 2026, 2:30 pm\N{EN DASH}3:30 pm (Central time) | Central time"
    )


def test_a_timezone_block_shows_stored_moments_on_its_clock() -> None:
    stored = dt.datetime(2026, 12, 8, 20, 30, tzinfo=dt.UTC)

    page = render(
        "{% load tz %}{% timezone z %}{{ m|when }}{% endtimezone %}", m=stored, z="America/Chicago"
    )

    assert page == "Tue 8 Dec 2026, 2:30 pm (Central time)"


def test_the_readers_own_zone_is_not_named() -> None:
    start = timezone.localtime(dt.datetime(2026, 12, 8, 20, 30, tzinfo=dt.UTC))

    assert render("{{ s|zone_note }}{{ z|zone_words }}", s=start, z=NEW_YORK) == "Eastern time"


def test_empty_values_show_nothing() -> None:
    assert (
        render("[{{ n|when }}{{ n|day }}{{ n|clock }}{{ n|span:n }}{{ n|birth_date }}]", n=None)
        == "[]"
    )


def test_no_page_formats_a_date_its_own_way() -> None:
    """Every date or time a person reads goes through |day, |clock, |when or |span."""
    found = []
    for path in sorted(TEMPLATE_ROOT.rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in RAW_FORMAT.finditer(line):
                if match.group(1) not in MACHINE_FORMATS:
                    found.append(f"{path.relative_to(TEMPLATE_ROOT)}:{number}: {match.group(0)}")
    assert found == []


def test_a_settings_source_names_documents_not_files() -> None:
    text = (
        "CLINICAL.md, 'Medicine session': SpO2 floor; KAP Care issue 5 (screening); "
        "DESIGN.md: shown in the location's time zone (America/New_York)"
    )

    assert wording.source_words(text) == (
        "Clinical reference, 'Medicine session': SpO2 floor; KAP Care's design (screening); "
        "Product design: shown in the location's time zone (Eastern time)"
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (["NJ", "PA"], "NJ, PA"),
        ("America/Chicago", "Central time"),
        ("wall_clock", "wall clock"),
        (7, "7"),
    ],
)
def test_a_settings_value_reads_as_words(value: object, words: str) -> None:
    assert wording.value_words(value) == words
