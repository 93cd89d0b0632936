"""The calendar's time grid: what each block links to and where a free cell books.

The day grid has a column per clinician (or per room), the week grid a column per day;
``scheduling.grid`` lays the appointments out. Every free cell is a link to the booking
form with its date, time and clinician or room filled in; a medicine session's block
opens the session's console in one click (for the care team), another block the chart.
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString

from kapcare.core.wording import fmt_date, fmt_time
from kapcare.scheduling.forms.places import PlaceFields
from kapcare.scheduling.grid import STEP_MINUTES, Column, Item, Placed, lay_out
from kapcare.scheduling.views.calendar_cells import (
    FreeColumn,
    block_cell,
    free_cell,
    row_cells,
    row_times,
)
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality

if TYPE_CHECKING:
    from kapcare.scheduling.views.calendar import AppointmentRow

BOOKED_MINUTES = 60
"""A free cell offers an hour; the booking form changes it."""
TELEHEALTH_COLUMN = 0
"""The room grid's column for sessions held by video (no room)."""


@dataclass(frozen=True)
class GridRow:
    label: str
    on_the_hour: bool
    now: bool
    cells: SafeString
    """The row's blocks and free cells (``calendar_cells``)."""


@dataclass(frozen=True)
class GridHead:
    label: str
    lanes: int
    today: bool


@dataclass(frozen=True)
class CalendarGrid:
    columns: list[GridHead]
    rows: list[GridRow]
    caption: str


def _minutes(moment: dt.datetime, day: dt.date, zone: zoneinfo.ZoneInfo) -> int:
    local = moment.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _spoken(minute: int) -> str:
    """The minute of the day in the one format of every page ("9:00 am")."""
    return fmt_time(dt.time(minute // 60, minute % 60))


def by_id(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many ids: reversed once, each id put in the place of
    a marker no URL of the site holds (a reverse per block cost a week ~30 µs each)."""
    marker = 918273645546372819
    before, after = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{before}{pk:d}{after}"


@dataclass(frozen=True)
class BlockLinks:
    """Where a block leads, by the appointment's or client's id."""

    console: Callable[[int], str]
    chart: Callable[[int], str]
    reschedule: Callable[[int], str]

    @staticmethod
    def of() -> "BlockLinks":
        return BlockLinks(
            by_id("medicine:console"), by_id("people:client-chart"), by_id("scheduling:reschedule")
        )


def block_url(row: "AppointmentRow", charts: set[int], links: BlockLinks) -> str | None:
    """One click from the grid: the console of a medicine session, else the chart (for those
    who may open it), else rescheduling a booked session (front desk)."""
    appointment = row.appointment
    if not row.visible:
        return None
    if appointment.client_id in charts:
        if appointment.kind == AppointmentKind.MEDICINE.value:
            return links.console(appointment.pk)
        return links.chart(appointment.client_id)
    if appointment.status == AppointmentStatus.BOOKED.value:
        return links.reschedule(appointment.pk)
    return None


@dataclass(frozen=True)
class GridRequest:
    view: str
    by: str
    days: Sequence[dt.date]
    zone: zoneinfo.ZoneInfo
    staff_id: int | None
    location_id: int | None
    room_id: int | None
    now: dt.datetime


def _columns(
    request: GridRequest, places: PlaceFields, rows: Sequence["AppointmentRow"]
) -> list[Column[object]]:
    if request.view == "week":
        return [Column(day, f"{day:%a} {day.day} {day:%b}") for day in request.days]
    if request.by == "room":
        rooms = [
            r
            for r in places.rooms
            if (request.location_id is None or r.location_id == request.location_id)
            and (request.room_id is None or r.pk == request.room_id)
        ]
        columns: list[Column[object]] = [
            Column(r.pk, f"{r.name} ({r.location_name})") for r in rooms
        ]
        if request.room_id is None and any(
            r.appointment.modality == Modality.TELEHEALTH.value for r in rows
        ):
            columns.append(Column(TELEHEALTH_COLUMN, "Telehealth"))
        return columns
    return [
        Column(s.pk, s.display_name)
        for s in places.staff
        if request.staff_id is None or s.pk == request.staff_id
    ]


def _items(
    request: GridRequest, rows: Iterable["AppointmentRow"]
) -> Iterable[Item[object, "AppointmentRow"]]:
    for row in rows:
        appointment = row.appointment
        if appointment.status == AppointmentStatus.CANCELLED.value:
            continue  # the list shows cancelled sessions; the grid shows what holds time
        start_local = appointment.start.astimezone(request.zone)
        day = start_local.date()
        span = (
            _minutes(appointment.start, day, request.zone),
            _minutes(appointment.end, day, request.zone),
        )
        if request.view == "week":
            keys: list[object] = [day]
        elif request.by == "room":
            keys = [appointment.room_id or TELEHEALTH_COLUMN]
        else:
            keys = list(row.staff_ids)
        for key in keys:
            yield Item(key, span[0], span[1], row)


def build_grid(
    request: GridRequest,
    places: PlaceFields,
    rows: Sequence["AppointmentRow"],
    charts: set[int],
    book_params: Callable[[dt.date], dict[str, object]],
) -> CalendarGrid:
    columns = _columns(request, places, rows)
    grid = lay_out(columns, _items(request, rows))
    now_local = request.now.astimezone(request.zone)
    today = now_local.date()
    now_minute = now_local.hour * 60 + now_local.minute
    now_minute -= now_minute % STEP_MINUTES

    # The place a cell books, said in its name when the calendar is narrowed to one (a
    # keyboard or screen-reader user hears day, time and place on each cell).
    room_shown = places.rooms_by_id.get(request.room_id or 0)
    location_shown = places.locations.get(request.location_id or 0)
    staff_shown = places.staff_by_id.get(request.staff_id or 0)
    place = f" at {location_shown.name}" if location_shown is not None else ""
    shown_place = ""
    if room_shown is not None:
        shown_place = f" in {room_shown.name} ({room_shown.location_name})"
    elif staff_shown is not None:
        shown_place = f" with {staff_shown.display_name}{place}"
    else:
        shown_place = place

    def day_of(n: int) -> dt.date:
        return columns[n].key if request.view == "week" else request.days[0]  # type: ignore[return-value]

    book_url = reverse("scheduling:book")

    def free_column(n: int) -> FreeColumn:
        """What every free cell of column ``n`` says and links to, but its time."""
        day = day_of(n)
        column = columns[n]
        params = book_params(day)
        params["start_time"] = params["end_time"] = ""  # the row's, in this place
        where = ""
        if request.view == "day" and request.by == "room" and column.key != TELEHEALTH_COLUMN:
            room = places.rooms_by_id[column.key]  # type: ignore[index]
            params.update(room=room.pk, location=room.location_id)
            where = f" in {column.label}"
        elif request.view == "day" and request.by == "room":
            params.update(modality=Modality.TELEHEALTH.value)
            where = " by telehealth"
        elif request.view == "day":
            params["staff"] = column.key
            where = f" with {column.label}{place}"
        else:
            where = shown_place
        keys = list(params)
        at = keys.index("start_time")
        before = urlencode({k: params[k] for k in keys[:at]})
        after = urlencode({k: params[k] for k in keys[at + 2 :]})
        return FreeColumn.of(
            url=f"{book_url}?{before}&" if before else f"{book_url}?",
            url_end=f"&{after}" if after else "",
            label=f"Book {fmt_date(day)} at ",
            label_end=where,
            today=day == today,
        )

    free_columns = [free_column(n) for n in range(len(columns))]
    links = BlockLinks.of()

    out_rows = []
    for row in grid.rows:
        # Read once per row: the row header and every free cell's label say it.
        at = _spoken(row.minute)
        end_minute = min(row.minute + BOOKED_MINUTES, 24 * 60 - 1)
        times = row_times(
            urlencode({"start_time": _clock(row.minute), "end_time": _clock(end_minute)}), at
        )
        now_row = row.minute == now_minute
        cells: list[str] = []
        for cell in row.cells:
            if isinstance(cell, Placed):
                url = block_url(cell.payload, charts, links)
                cells.append(block_cell(cell.payload, url=url, rows=cell.rows))
            else:
                column = free_columns[cell.column_index]
                cells.append(free_cell(column, times, now=now_row and column.today))
        now = now_row and any(day_of(n) == today for n in range(len(columns)))
        out_rows.append(GridRow(at, row.on_the_hour, now, row_cells(cells)))
    heads = [
        GridHead(
            head.column.label,
            head.lanes,
            today in ((head.column.key,) if request.view == "week" else request.days),
        )
        for head in grid.columns
    ]
    caption = "Time grid"
    return CalendarGrid(heads, out_rows, caption)
