"""Bundle and OperationOutcome shapes."""

from collections.abc import Iterable, Sequence
from typing import Any

FHIR_JSON = "application/fhir+json"


def searchset(
    base_url: str, resources: Iterable[dict[str, Any]], *, self_url: str, total: int | None = None
) -> dict[str, Any]:
    """A search result: each entry with its full URL (so references resolve inside it)."""
    entries = [
        {
            "fullUrl": f"{base_url}/{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in resources
    ]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(entries) if total is None else total,
        "link": [{"relation": "self", "url": self_url}],
        "entry": entries,
    }


def operation_outcome(code: str, diagnostics: str, *, severity: str = "error") -> dict[str, Any]:
    """An error (or a note) as FHIR answers one; ``code`` is an issue-type code."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


def references(value: Any) -> set[str]:
    """Every ``reference`` string inside ``value`` (resources, lists, elements)."""
    found: set[str] = set()
    if isinstance(value, dict):
        reference = value.get("reference")
        if isinstance(reference, str):
            found.add(reference)
        for item in value.values():
            found |= references(item)
    elif isinstance(value, list):
        for item in value:
            found |= references(item)
    return found


def _key(resource: dict[str, Any]) -> str:
    return f"{resource['resourceType']}/{resource['id']}"


def with_referenced(
    pool: Sequence[dict[str, Any]], resources: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``resources``, then those of ``pool`` (the practice's own) that they name, and what
    those name in turn, so that every reference resolves inside one Bundle. A
    QuestionnaireResponse names its Questionnaire by canonical URL."""
    chosen = list(resources)
    present = {_key(r) for r in chosen}
    wanted = references(chosen) | {
        r["questionnaire"] for r in chosen if r["resourceType"] == "QuestionnaireResponse"
    }
    while True:
        extra = [
            r for r in pool
            if _key(r) not in present and (_key(r) in wanted or r.get("url") in wanted)
        ]  # fmt: skip
        if not extra:
            return chosen
        chosen += extra
        present |= {_key(r) for r in extra}
        wanted |= references(extra)
