"""The portal's reads: a signed-in client reaches their own record, and nothing else.

Every portal page starts from ``client_actor`` (404 for anyone who is not a client)
and ``own_client``; records are looked up by their id only among the client's own
(``own_record``), so changing an id in the address finds nothing (an audited 404).
"""

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from kapcare.audit.models import AuditAction
from kapcare.people.access import Actor, NotFound, access_client, access_record, client_actor
from kapcare.people.models import Client
from kapcare.people.policy import Category

__all__ = ["own_client", "own_record", "portal_actor"]

M = TypeVar("M", bound=Model)


def portal_actor(request: HttpRequest) -> Actor:
    return client_actor(request)


def own_client(
    actor: Actor,
    category: Category,
    *,
    action: AuditAction = AuditAction.READ,
    detail: str,
) -> Client:
    """The signed-in client's own record, audited (``detail`` names the portal page)."""
    if actor.client_id is None:
        raise NotFound
    return access_client(actor, actor.client_id, category, action=action, detail=detail)


def own_record(
    actor: Actor,
    records: QuerySet[M],
    record_id: int,
    category: Category,
    *,
    action: AuditAction = AuditAction.READ,
    detail: str,
) -> M:
    """One of the client's own records by its id; another client's is an audited 404."""
    record, _ = access_record(actor, records, record_id, category, action=action, detail=detail)
    return record
