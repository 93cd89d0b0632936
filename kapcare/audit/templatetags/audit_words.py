"""An audit event read out as a sentence on the audit pages (``audit/wording.py``)."""

from django import template

from kapcare.audit.models import AuditEvent
from kapcare.audit.wording import describe_event

register = template.Library()


@register.filter
def event_sentence(event: AuditEvent) -> str:
    """``Opened: the client's medical record, on the chart's plan panel``."""
    return describe_event(
        action=event.action,
        category=event.category,
        detail=event.detail,
        about_client=event.client_id is not None,
    )
