"""The audit log's table rows, their markup written in Python.

A page shows 50 events; rendered through the template's loop (a dozen variables, filters
and two ``{% url %}`` per row) the rows took longer than the rest of the page with its
queries (issue 14). This writes the same markup, byte for byte, as the loop did
(``tests/test_event_rows`` renders both): every value escaped here.
"""

from collections.abc import Iterable

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kapcare.audit.models import AuditEvent, AuditOutcome
from kapcare.audit.wording import describe_event
from kapcare.core.templatetags.dates import when
from kapcare.core.wording import value_words

__all__ = ["event_rows"]

_FLAGGED = (AuditOutcome.DENIED, AuditOutcome.FAILURE)
NONE = "—"


def _who(event: AuditEvent) -> str:
    if event.actor is None:
        return '<span class="muted">Nobody signed in</span>'
    return (
        f'{escape(event.actor.full_name)}<br><span class="muted">{escape(event.actor.email)}</span>'
    )


def _client(event: AuditEvent, profile: tuple[str, str], access: tuple[str, str]) -> str:
    if not event.client_id:
        return NONE
    pk = event.client_id
    return (
        f'<a href="{profile[0]}/{pk}/{profile[1]}">{pk}</a> '
        f'<a href="{access[0]}/{pk}/{access[1]}" class="muted">who looked</a>'
    )


def _around_id(name: str) -> tuple[str, str]:
    """The path of ``name`` for a client, split where the client's id goes."""
    head, tail = reverse(name, args=[0]).rsplit("/0/", 1)
    return head, tail


def _row(event: AuditEvent, profile: tuple[str, str], access: tuple[str, str]) -> str:
    flagged = ' class="flagged"' if event.outcome in _FLAGGED else ""
    sentence = describe_event(
        action=event.action,
        category=event.category,
        detail=event.detail,
        about_client=event.client_id is not None,
    )
    at = escape(date_filter(timezone.localtime(event.at), "c"))
    return (
        f"\n    <tr{flagged}>"
        f"\n      <td>{event.seq}</td>"
        f'\n      <td class="nowrap"><time datetime="{at}">'
        f"{escape(when(event.at))}</time></td>"
        f"\n      <td>{_who(event)}</td>"
        f"\n      <td>{escape(event.get_action_display())}</td>"
        f'\n      <td><span class="outcome outcome-{escape(event.outcome)}">'
        f"{escape(event.get_outcome_display())}</span></td>"
        f"\n      <td>{_client(event, profile, access)}</td>"
        f"\n      <td>{escape(value_words(event.category) or NONE)}</td>"
        f"\n      <td>{escape(sentence)}</td>"
        f"\n      <td>{escape(event.source_ip or NONE)}</td>"
        "\n    </tr>\n  "
    )


def event_rows(events: Iterable[AuditEvent]) -> SafeString:
    """The rows of ``events`` (each with its actor), as the log's table shows them."""
    # The two links of a row differ only by the client's id: each path reversed once.
    profile = _around_id("people:client-profile")
    access = _around_id("audit:client-access")
    return mark_safe("".join(_row(e, profile, access) for e in events))  # noqa: S308 -- escaped above
