"""The time grid's cells as HTML, written here rather than by the template.

A location's week holds about a thousand free cells (each a link named with its day, time
and place) and a few hundred blocks; the template engine spent longer on them than the
rest of the page took altogether (15 of 21 ms of rendering, the profile at 10,000
clients). Here a row's cells are one string: a block from its texts each escaped
(``html.escape``, what Django's ``escape`` calls), and a free cell from parts escaped
once per column and once per row (``FreeColumn``). The markup is what
``scheduling/calendar.html`` wrote before, byte for byte (``tests/test_calendar_cells``).
"""

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

from kapcare.core.templatetags.dates import clock
from kapcare.scheduling.vocabulary import AppointmentStatus

if TYPE_CHECKING:
    from kapcare.scheduling.views.calendar import AppointmentRow

__all__ = ["FreeColumn", "block_cell", "free_cell", "row_cells", "row_times"]

# Constants of the markup, no text in them.
_BUSY = '<span class="block-client">Busy</span>'
_LINK_END = "</a>"


@dataclass(frozen=True)
class FreeColumn:
    """A column's free cells, escaped: their link and name around the row's time."""

    url: str
    url_end: str
    label: str
    label_end: str
    today: bool

    @staticmethod
    def of(*, url: str, url_end: str, label: str, label_end: str, today: bool) -> "FreeColumn":
        return FreeColumn(escape(url), escape(url_end), escape(label), escape(label_end), today)


def row_times(query: str, spoken: str) -> tuple[str, str]:
    """A row's part of every free cell's link (its times) and name (its time), escaped."""
    return escape(query), escape(spoken)


def free_cell(column: FreeColumn, times: tuple[str, str], *, now: bool) -> str:
    """A free cell: a link to book there, named for a screen reader (escaped parts only)."""
    query, spoken = times
    return (
        f'<td class="free{" now" if now else ""}"><a href="{column.url}{query}{column.url_end}">'
        f'<span class="visually-hidden">{column.label}{spoken}{column.label_end}</span></a></td>'
    )


def block_cell(row: "AppointmentRow", *, url: str | None, rows: int) -> str:
    """An appointment's block: its time, client (or "Busy"), kind and place, spanning
    ``rows`` rows, a link when ``url``. Every text escaped here (``format_html`` per
    part cost a week's few hundred blocks more than the rest of the grid)."""
    appointment = row.appointment
    if row.visible:
        status = (
            ""
            if appointment.status == AppointmentStatus.BOOKED.value
            else f" ({escape(row.status.lower())})"
        )
        who = (
            f'<span class="block-client">{escape(appointment.client.display_name)}</span>\n'
            f'        <span class="block-kind">{escape(row.kind)}{status}</span>'
        )
    else:
        who = _BUSY
    where = f'<span class="block-where">{escape(row.where)}</span>' if row.where else ""
    opens = f'<a href="{escape(url)}">' if url else ""
    return (
        f'<td rowspan="{rows:d}" class="block kind-{escape(appointment.kind)} '
        f'status-{escape(appointment.status)}">\n        '
        f'{opens}<span class="block-time">{escape(clock(row.start))}\N{EN DASH}'
        f"{escape(clock(row.end))}</span>\n        {who}\n        {where}"
        f"{_LINK_END if url else ''}\n      </td>"
    )


def row_cells(cells: list[str]) -> SafeString:
    """A row's cells as one piece of the page."""
    # Safe: blocks escape their every text (block_cell), free cells are built from parts
    # escaped by FreeColumn.of and row_times; format_html over a thousand free cells cost
    # what the template did.
    return mark_safe("".join(cells))  # noqa: S308
