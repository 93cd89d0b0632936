"""The CapabilityStatement at ``/fhir/R4/metadata``: what this server answers."""

from collections.abc import Iterable
from typing import Any

SERVER_DATE = "2026-12-01"


def capability_statement(
    base_url: str, *, client_types: Iterable[str], practice_types: Iterable[str]
) -> dict[str, Any]:
    patient_search = [{"name": "patient", "type": "reference"}]
    resources: list[dict[str, Any]] = []
    for resource_type in sorted(set(client_types) | set(practice_types)):
        entry: dict[str, Any] = {
            "type": resource_type,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
        }
        if resource_type == "Patient":
            entry["searchParam"] = [{"name": "_id", "type": "token"}]
            entry["operation"] = [
                {
                    "name": "everything",
                    "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                },
                {
                    "name": "export",
                    "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export",
                },
            ]
        elif resource_type in set(client_types):
            entry["searchParam"] = patient_search
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "id": "kapcare",
        "status": "active",
        "date": SERVER_DATE,
        "publisher": "KAP Care",
        "kind": "instance",
        "software": {"name": "KAP Care"},
        "implementation": {"description": "KAP Care FHIR R4 read API", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Read and search by patient. Authenticate with a personal access token "
                    "(Authorization: Bearer kapc_...) or a signed-in staff session. Each read "
                    "is checked against the reader's role and care team, and audited."
                ),
                "security": {"cors": False, "description": "Bearer personal access token."},
                "resource": resources,
                "operation": [
                    {
                        "name": "export",
                        "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
                    }
                ],
            }
        ],
    }
