"""The audit log's rows written in Python (``audit.event_rows``) are the template's rows.

The reference below is the loop ``audit/log.html`` held before the rows were written in
Python (issue 14), rendered by Django's templates with the page's own context; the two
must agree byte for byte for every kind of row: flagged (denied, failure), without an
actor, a client, a category or an address, and with text that needs escaping.
"""

import datetime as dt
from pathlib import Path

from django.template import engines

from kapcare.accounts.models import User
from kapcare.audit.event_rows import event_rows
from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome

# audit/log.html's rows as its template wrote them, with the {% empty %} row the page
# keeps in its own template.
REFERENCE = (Path(__file__).parent / "reference_rows.html").read_text()


def _events() -> list[AuditEvent]:
    person = User(id=7, full_name="Ana <O'Neil> & Co", email="ana@example.org")
    at = dt.datetime(2026, 7, 3, 18, 5, 9, 123456, tzinfo=dt.UTC)  # summer: daylight time
    return [
        AuditEvent(
            seq=12,
            at=at,
            actor=person,
            action=AuditAction.READ,
            outcome=AuditOutcome.SUCCESS,
            client_id=41,
            category="medical",
            detail="page:chart",
            source_ip="203.0.113.9",
        ),
        AuditEvent(
            seq=11,
            at=at - dt.timedelta(days=190),
            actor=person,
            action=AuditAction.DENIED,
            outcome=AuditOutcome.DENIED,
            client_id=1_000_000,
            category="psychotherapy_notes",
            detail="api:get_note",
            source_ip="2001:db8::1",
        ),
        AuditEvent(
            seq=10,
            at=at,
            actor=None,
            action=AuditAction.LOGIN,
            outcome=AuditOutcome.FAILURE,
            client_id=None,
            category="",
            detail="<script>x</script>",
            source_ip=None,
        ),
        AuditEvent(
            seq=9,
            at=at,
            actor=person,
            action=AuditAction.EXPORT,
            outcome=AuditOutcome.SUCCESS,
            client_id=None,
            category="audit",
            detail="csv:audit_log",
            source_ip="",
        ),
    ]


def _reference(events: list[AuditEvent]) -> str:
    template = engines["django"].from_string(REFERENCE)
    context = {"events": events, "denied": AuditOutcome.DENIED, "failure": AuditOutcome.FAILURE}
    return template.render(context)


def test_the_rows_are_the_templates_rows() -> None:
    events = _events()

    written = "<tbody>\n  " + event_rows(events) + "\n  </tbody>\n"

    assert written == _reference(events)
    assert written.count('class="flagged"') == 2
    assert "<script>" not in written
    assert "Ana &lt;O&#x27;Neil&gt; &amp; Co" in written


def test_no_rows_for_no_events() -> None:
    assert event_rows([]) == ""
