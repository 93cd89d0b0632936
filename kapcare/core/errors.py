"""The errors a service raises, whoever called it (page, API, command, admin).

They say what went wrong in the domain's words and know nothing about HTTP: the API
(``kapcare.api``) answers :class:`FieldError` with 422 and :class:`PermissionDenied`
with 403; pages put a field error on its form field. "Not found" is
``people.access.NotFound`` (Django's own not-found exception, answered 404 by pages and
the API alike), raised only through ``people.access.deny`` so that it is audited.
"""

from dataclasses import dataclass

__all__ = ["FieldError", "PermissionDenied"]


@dataclass(frozen=True)
class FieldError(Exception):
    """Input that cannot be saved, with the field it belongs to."""

    field: str
    message: str


class PermissionDenied(Exception):
    """The actor may see the record but not make this change (answered 403 by callers)."""
