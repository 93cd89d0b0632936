"""The time grid's cells as HTML, written here rather than by the template.

A location's week holds about a thousand free cells (each a link named with its day, time
and place) and a few hundred blocks; the template engine spent longer on them than the
rest of the page took altogether (15 of 21 ms of rendering, the profile at 10,000
clients). Here a row's cells are one string: a block through ``format_html``, which
escapes what it is given, and a free cell from parts escaped once per column and once
per row (``FreeColumn``). The markup is what ``scheduling/calendar.html`` wrote before,
byte for byte.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from kapcare.core.templatetags.dates import clock
from kapcare.scheduling.vocabulary import AppointmentStatus

if TYPE_CHECKING:
    from kapcare.scheduling.views.calendar import AppointmentRow

__all__ = ["FreeColumn", "block_cell", "free_cell", "row_cells", "row_times"]

# Constants of the markup, no text in them.
_BUSY = mark_safe('<span class="block-client">Busy</span>')
_LINK_END = mark_safe("</a>")


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


def block_cell(row: "AppointmentRow", *, url: str | None, rows: int) -> SafeString:
    """An appointment's block: its time, client (or "Busy"), kind and place, spanning
    ``rows`` rows, a link when ``url``."""
    appointment = row.appointment
    if row.visible:
        status = (
            ""
            if appointment.status == AppointmentStatus.BOOKED.value
            else format_html(" ({})", row.status.lower())
        )
        who = format_html(
            '<span class="block-client">{}</span>\n        <span class="block-kind">{}{}</span>',
            appointment.client.display_name,
            row.kind,
            status,
        )
    else:
        who = _BUSY
    where = format_html('<span class="block-where">{}</span>', row.where) if row.where else ""
    opens = format_html('<a href="{}">', url) if url else ""
    return format_html(
        '<td rowspan="{}" class="block kind-{} status-{}">\n        '
        '{}<span class="block-time">{}\N{EN DASH}{}</span>\n        {}\n        {}{}\n      </td>',
        rows,
        appointment.kind,
        appointment.status,
        opens,
        clock(row.start),
        clock(row.end),
        who,
        where,
        _LINK_END if url else "",
    )


def row_cells(cells: list[str]) -> SafeString:
    """A row's cells as one piece of the page."""
    # Safe: blocks come from format_html, free cells from parts escaped by FreeColumn.of
    # and row_times; format_html over a thousand free cells cost what the template did.
    return mark_safe("".join(cells))  # noqa: S308
