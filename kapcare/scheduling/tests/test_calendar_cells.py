"""The grid's blocks, written in Python, are the markup the template wrote, every text
escaped (the expected strings were rendered through ``format_html`` before the change)."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from kapcare.people.models import Client
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.views.calendar import AppointmentRow
from kapcare.scheduling.views.calendar_cells import block_cell
from kapcare.scheduling.views.calendar_grid import by_id

ZONE = zoneinfo.ZoneInfo("America/Chicago")
NAME = 'Ann <b>&</b> "O\'Neil"'
CLIENT_HTML = "Ann &lt;b&gt;&amp;&lt;/b&gt; &quot;O&#x27;Neil&quot; &lt;i&gt;Smith&lt;/i&gt;"
TIME = '<span class="block-time">9:00 am\N{EN DASH}10:45 am</span>'


def _row(status: str, *, visible: bool, where: str) -> AppointmentRow:
    appointment = Appointment(
        pk=7,
        kind="medicine",
        status=status,
        start=dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC),
        end=dt.datetime(2026, 3, 4, 16, 45, tzinfo=dt.UTC),
        client_id=3,
    )
    appointment.client = Client(
        legal_given_name=NAME, legal_family_name="<i>Smith</i>", preferred_name=""
    )
    return AppointmentRow(
        appointment=appointment,
        visible=visible,
        start=appointment.start.astimezone(ZONE),
        end=appointment.end.astimezone(ZONE),
        kind="Medicine <session>",
        where=where,
        staff="",
        status='No-show & "late"',
    )


CASES = [
    (
        ("booked", True, "Main & <Co>, Room 1"),
        "/clients/3/?a=1&b=<2>",
        '<td rowspan="7" class="block kind-medicine status-booked">\n        '
        f'<a href="/clients/3/?a=1&amp;b=&lt;2&gt;">{TIME}\n        '
        f'<span class="block-client">{CLIENT_HTML}</span>\n        '
        '<span class="block-kind">Medicine &lt;session&gt;</span>\n        '
        '<span class="block-where">Main &amp; &lt;Co&gt;, Room 1</span></a>\n      </td>',
    ),
    (
        ("no_show", True, ""),
        None,
        '<td rowspan="7" class="block kind-medicine status-no_show">\n        '
        f"{TIME}\n        "
        f'<span class="block-client">{CLIENT_HTML}</span>\n        '
        '<span class="block-kind">Medicine &lt;session&gt; (no-show &amp; &quot;late&quot;)'
        "</span>\n        \n      </td>",
    ),
    (
        ("booked", False, "Main"),
        None,
        '<td rowspan="7" class="block kind-medicine status-booked">\n        '
        f'{TIME}\n        <span class="block-client">Busy</span>\n        '
        '<span class="block-where">Main</span>\n      </td>',
    ),
    (
        ("completed", True, "Main"),
        "/x/",
        '<td rowspan="7" class="block kind-medicine status-completed">\n        '
        f'<a href="/x/">{TIME}\n        '
        f'<span class="block-client">{CLIENT_HTML}</span>\n        '
        '<span class="block-kind">Medicine &lt;session&gt; (no-show &amp; &quot;late&quot;)'
        '</span>\n        <span class="block-where">Main</span></a>\n      </td>',
    ),
]


@pytest.mark.parametrize(("row", "url", "expected"), CASES)
def test_a_block_is_the_templates_markup_with_every_text_escaped(
    row: tuple[str, bool, str], url: str | None, expected: str
) -> None:
    status, visible, where = row
    cell = block_cell(_row(status, visible=visible, where=where), url=url, rows=7)
    assert str(cell) == expected


@pytest.mark.parametrize(
    "name", ["medicine:console", "people:client-chart", "scheduling:reschedule"]
)
@pytest.mark.parametrize("pk", [1, 42, 918273645])
def test_a_block_links_where_reverse_does(name: str, pk: int) -> None:
    assert by_id(name)(pk) == reverse(name, args=[pk])
