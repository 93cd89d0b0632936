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
from kapcare.people.stage_query import STAGE_ANNOTATION

__all__ = ["client_page"]

# The columns ClientOut answers, in its order (the stage and the team come apart).
_COLUMNS = (
    "id",
    "legal_given_name",
    "legal_family_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "email",
    "phone",
    "home_state",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "status",
)


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
    columns = (*_COLUMNS, STAGE_ANNOTATION) if shows_stage else _COLUMNS
    rows, count = page_of(clients.values_list(*columns), page)
    teams = _teams_of([row[0] for row in rows]) if rows else {}
    items = []
    for row in rows:
        pk = row[0]
        items.append(
            {
                "id": pk,
                "given_name": row[1],
                "family_name": row[2],
                "preferred_name": row[3],
                "pronouns": row[4],
                "date_of_birth": row[5],
                "email": row[6],
                "phone": row[7],
                "home_state": row[8],
                "emergency_contact_name": row[9],
                "emergency_contact_relationship": row[10],
                "emergency_contact_phone": row[11],
                "status": row[12],
                "stage": row[13] if shows_stage else None,
                "care_team": teams.get(pk, []),
            }
        )
    return items, count
