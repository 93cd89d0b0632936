"""Test helpers: validate FHIR JSON with fhir.resources (R4B) and resolve references."""

from collections.abc import Iterable
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from kapcare.interop.fhir.bundle import references


def validate(resource: dict[str, Any]) -> None:
    """Raise (pydantic's ValidationError) unless ``resource`` is a valid R4B resource."""
    model = get_fhir_model_class(resource["resourceType"])
    model.model_validate(resource)


def unresolved(resources: Iterable[dict[str, Any]]) -> set[str]:
    """References (and Questionnaire canonicals) that name no resource of the set."""
    resources = list(resources)
    present = {f"{r['resourceType']}/{r['id']}" for r in resources}
    urls = {r["url"] for r in resources if "url" in r and r["resourceType"] == "Questionnaire"}
    missing = references(resources) - present
    missing |= {
        r["questionnaire"]
        for r in resources
        if r["resourceType"] == "QuestionnaireResponse" and r["questionnaire"] not in urls
    }
    return missing


def validate_bundle(bundle: dict[str, Any], *, resolve: bool = True) -> list[dict[str, Any]]:
    """Validate the Bundle and each resource in it (and, with ``resolve``, that every
    reference names a resource of the Bundle); the resources."""
    validate(bundle)
    resources = [entry["resource"] for entry in bundle.get("entry", [])]
    for resource in resources:
        validate(resource)
    if resolve:
        missing = unresolved(resources)
        assert missing == set(), missing
    return resources
