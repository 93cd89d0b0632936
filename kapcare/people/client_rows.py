"""The client list's rows: read as values, shaped as ``ClientOut`` dumps them.

A search answers up to a page of clients, each with its care team. Read as records
with the team prefetched as records (staff member and user each), built as ``ClientOut``
objects and validated again by ninja, that cost more than the two queries behind it
(issue 14). Here the page reads the columns it answers and the teams as tuples, and
builds each row as a dict with ``ClientOut``'s fields in its order;
``core.lean_response`` renders it as ninja would. ``people/tests/test_client_rows`` holds every
row to ``ClientOut.of`` of the same record.
"""

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from kapcare.core.pagination import PageQuery, page_of
from kapcare.people.models import CareTeamMember, Client
from kapcare.people.schemas import api_field_name
from kapcare.people.services import EDITABLE_FIELDS
from kapcare.people.stage_query import STAGE_ANNOTATION

__all__ = ["client_page"]

# The columns ClientOut answers, in its order (the stage and the team come apart): the
# record's editable fields, under their API names.
_FIELDS = ("id", *EDITABLE_FIELDS)
_NAMES = tuple(api_field_name(field) for field in _FIELDS)


def _teams_of(client_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each client's care team as ``CareTeamMemberOut`` rows, in the team's own order
    (role, then name: ``CareTeamMember.Meta.ordering``)."""
    teams: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    members = CareTeamMember.objects.filter(client_id__in=client_ids).values_list(
        "client_id", "staff_id", "staff__user__full_name", "role"
    )
    for client_id, staff_id, name, role in members:
        teams[client_id].append({"staff": staff_id, "name": name, "role": role})
    return teams


def client_page(
    clients: QuerySet[Client], page: PageQuery, *, shows_stage: bool
) -> tuple[list[dict[str, Any]], int]:
    """One page of ``clients`` as ``ClientOut`` rows, and the count. With ``shows_stage``,
    ``clients`` carry the stage as ``STAGE_ANNOTATION``; without, every stage is null."""
    columns = (*_FIELDS, STAGE_ANNOTATION) if shows_stage else _FIELDS
    rows, count = page_of(clients.values_list(*columns), page)
    teams = _teams_of([row[0] for row in rows]) if rows else {}
    items = []
    for row in rows:
        item = dict(zip(_NAMES, row, strict=False))
        item["stage"] = row[-1] if shows_stage else None
        item["care_team"] = teams.get(row[0], [])
        items.append(item)
    return items, count
