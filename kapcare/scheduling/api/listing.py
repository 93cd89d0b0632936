"""The appointments list's rows: read as values, shaped as ``AppointmentOut`` dumps them.

A location's day is some fifty appointments. Read as records with their staff links
prefetched (joined to the staff and users only for the links' default ordering), built as
``AppointmentOut`` objects and validated again by ninja, the page cost several times the
two queries behind it (issue 14). Here the page reads only the columns it answers, the
staff of those appointments as pairs of ids, and builds each row as a dict with
``AppointmentOut``'s fields in its order; ``core.lean_response`` renders it as ninja
would. ``test_api_listing`` holds every row to ``AppointmentOut.of`` of the same record.
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from kapcare.core.pagination import PageQuery, page_of
from kapcare.scheduling.models import Appointment, AppointmentStaff

__all__ = ["appointment_page"]

# The columns AppointmentOut answers, in its order (staff comes from the links).
_COLUMNS = (
    "id",
    "client_id",
    "kind",
    "modality",
    "start",
    "end",
    "location_id",
    "room_id",
    "status",
    "status_reason",
    "client_location_state",
    "follow_up_of_id",
)


def _staff_of(appointment_ids: list[int]) -> dict[int, list[int]]:
    """Each appointment's staff ids, ascending (as ``AppointmentOut.of`` sorts them)."""
    staff: defaultdict[int, set[int]] = defaultdict(set)
    links = (
        AppointmentStaff.objects.filter(appointment_id__in=appointment_ids)
        .order_by()
        .values_list("appointment_id", "staff_id")
    )
    for appointment_id, staff_id in links:
        staff[appointment_id].add(staff_id)
    return {appointment_id: sorted(ids) for appointment_id, ids in staff.items()}


def appointment_page(
    appointments: QuerySet[Appointment], page: PageQuery
) -> tuple[list[dict[str, Any]], int]:
    """One page of ``appointments`` (ordered by the caller) as ``AppointmentOut`` rows, and
    the count: two queries for a short page, three for a full one."""
    rows, count = page_of(appointments.values_list(*_COLUMNS), page)
    staff = _staff_of([row[0] for row in rows]) if rows else {}
    return [
        {
            "id": pk,
            "client": client_id,
            "kind": kind,
            "modality": modality,
            "start": start.astimezone(dt.UTC),
            "end": end.astimezone(dt.UTC),
            "location": location_id,
            "room": room_id,
            "staff": staff.get(pk, []),
            "status": status,
            "status_reason": status_reason,
            "client_location_state": client_location_state or None,
            "follow_up_of": follow_up_of_id,
        }
        for (
            pk,
            client_id,
            kind,
            modality,
            start,
            end,
            location_id,
            room_id,
            status,
            status_reason,
            client_location_state,
            follow_up_of_id,
        ) in rows
    ], count
