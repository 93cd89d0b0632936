"""AuditEvent: the audit trail's events about a client (the ``audit`` category).

The acting person is named by an identifier (their account id), not a reference: the
trail outlives staff records, and an account may have none.
"""

from typing import Any

from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.interop.fhir.codes import (
    AUDIT_EVENT_TYPE,
    AUDIT_SOURCE_TYPE,
    KAPCARE,
    KAPCARE_AUDIT_ACTION,
    coding,
    instant,
    ref,
)

_ACTION = {
    AuditAction.CREATE: "C",
    AuditAction.READ: "R",
    AuditAction.UPDATE: "U",
    AuditAction.DELETE: "D",
    AuditAction.PRINT: "R",
    AuditAction.EXPORT: "R",
    AuditAction.EMERGENCY: "R",
    AuditAction.DENIED: "E",
    AuditAction.LOGIN: "E",
    AuditAction.LOGOUT: "E",
}
_OUTCOME = {AuditOutcome.SUCCESS: "0", AuditOutcome.FAILURE: "8", AuditOutcome.DENIED: "4"}
ACCOUNT_SYSTEM = f"{KAPCARE}/NamingSystem/account-id"


def audit_event(event: AuditEvent) -> dict[str, Any]:
    action = AuditAction(event.action)
    agent: dict[str, Any] = {"requestor": True}
    if event.actor_id is not None:
        agent["who"] = {"identifier": {"system": ACCOUNT_SYSTEM, "value": str(event.actor_id)}}
    if event.source_ip:
        agent["network"] = {"address": event.source_ip, "type": "2"}
    resource: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": str(event.seq),
        "type": coding(AUDIT_EVENT_TYPE, "rest", "RESTful Operation"),
        "subtype": [coding(KAPCARE_AUDIT_ACTION, action.value, action.label)],
        "action": _ACTION[action],
        "recorded": instant(event.at),
        "outcome": _OUTCOME[AuditOutcome(event.outcome)],
        "agent": [agent],
        "source": {
            "observer": {"display": "KAP Care"},
            "type": [coding(AUDIT_SOURCE_TYPE, "4", "Application Server")],
        },
    }
    if event.client_id is not None:
        entity: dict[str, Any] = {"what": ref("Patient", event.client_id)}
        if event.category:
            entity["description"] = event.category
        resource["entity"] = [entity]
    return resource
