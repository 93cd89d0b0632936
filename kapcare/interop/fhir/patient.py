"""Patient: a client's demographics (the ``demographics`` category)."""

from typing import Any

from kapcare.interop.fhir.codes import KAPCARE_CLIENT_ID, ref
from kapcare.people.models import Client

PRONOUNS_EXTENSION = "http://hl7.org/fhir/StructureDefinition/individual-pronouns"


def patient(client: Client) -> dict[str, Any]:
    names: list[dict[str, Any]] = [
        {
            "use": "official",
            "family": client.legal_family_name,
            "given": [client.legal_given_name],
        }
    ]
    if client.preferred_name:
        names.append(
            {"use": "usual", "family": client.legal_family_name, "given": [client.preferred_name]}
        )
    telecom = [
        {"system": system, "value": value, "use": "home"}
        for system, value in (("email", client.email), ("phone", client.phone))
        if value
    ]
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(client.pk),
        "identifier": [{"system": KAPCARE_CLIENT_ID, "value": str(client.pk)}],
        "active": client.status != "closed",
        "name": names,
        "birthDate": client.date_of_birth.isoformat(),
        "address": [{"use": "home", "state": client.home_state, "country": "US"}],
        "managingOrganization": ref("Organization", client.practice_id),
    }
    if telecom:
        resource["telecom"] = telecom
    if client.pronouns:
        resource["extension"] = [
            {"url": PRONOUNS_EXTENSION, "valueCodeableConcept": {"text": client.pronouns}}
        ]
    contact = _emergency_contact(client)
    if contact:
        resource["contact"] = [contact]
    return resource


def _emergency_contact(client: Client) -> dict[str, Any] | None:
    if not client.emergency_contact_name:
        return None
    contact: dict[str, Any] = {
        "relationship": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v2-0131",
                        "code": "C",
                        "display": "Emergency Contact",
                    }
                ],
                "text": client.emergency_contact_relationship or "Emergency contact",
            }
        ],
        "name": {"text": client.emergency_contact_name},
    }
    if client.emergency_contact_phone:
        contact["telecom"] = [{"system": "phone", "value": client.emergency_contact_phone}]
    return contact


def _names(resource: dict[str, Any], use: str) -> dict[str, Any] | None:
    names = [n for n in resource.get("name") or [] if isinstance(n, dict)]
    return next((n for n in names if n.get("use") == use), None)


def _telecom(resource: dict[str, Any], system: str) -> str:
    for item in resource.get("telecom") or []:
        if isinstance(item, dict) and item.get("system") == system and item.get("value"):
            return str(item["value"])
    return ""


def patient_fields(resource: dict[str, Any]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A Patient resource (as ``patient`` writes one, or another system's) read back into
    the client's fields, and the problems found (template field, message).

    Checked against the R4B model first; then the official name (or the first), the
    usual name's given name as the name they go by, the home address's state, e-mail,
    phone, pronouns and the emergency contact.
    """
    from fhir.resources.R4B.patient import Patient
    from pydantic import ValidationError

    try:
        Patient.model_validate(resource)
    except ValidationError as error:
        return {}, [
            ("", f"Not a valid FHIR Patient at {'.'.join(str(p) for p in e['loc'])}: {e['msg']}.")
            for e in error.errors()[:5]
        ]
    official = _names(resource, "official") or next(iter(resource.get("name") or []), None) or {}
    usual = _names(resource, "usual") or {}
    given = official.get("given") or []
    addresses = [a for a in resource.get("address") or [] if isinstance(a, dict)]
    home = next((a for a in addresses if a.get("use") == "home"), addresses[0] if addresses else {})
    fields = {
        "legal_given_name": str(given[0]) if given else "",
        "legal_family_name": str(official.get("family") or ""),
        "preferred_name": str((usual.get("given") or [""])[0]),
        "date_of_birth": str(resource.get("birthDate") or ""),
        "email": _telecom(resource, "email"),
        "phone": _telecom(resource, "phone"),
        "home_state": str(home.get("state") or ""),
        "pronouns": "",
        "emergency_contact_name": "",
        "emergency_contact_relationship": "",
        "emergency_contact_phone": "",
    }
    for extension in resource.get("extension") or []:
        if extension.get("url") == PRONOUNS_EXTENSION:
            fields["pronouns"] = str(
                (extension.get("valueCodeableConcept") or {}).get("text") or ""
            )
    for contact in resource.get("contact") or []:
        name = (contact.get("name") or {}).get("text") or ""
        if name:
            relationship: dict[str, Any] = next(iter(contact.get("relationship") or []), {})
            fields["emergency_contact_name"] = str(name)
            fields["emergency_contact_relationship"] = str(relationship.get("text") or "")
            phones = [t for t in contact.get("telecom") or [] if t.get("system") == "phone"]
            fields["emergency_contact_phone"] = str(phones[0].get("value") or "") if phones else ""
            break
    if fields["emergency_contact_relationship"] == "Emergency contact":
        fields["emergency_contact_relationship"] = ""
    return fields, []
