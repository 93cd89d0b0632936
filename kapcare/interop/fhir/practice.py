"""Organization, Location, Practitioner, PractitionerRole: the practice and its people.

No client data: any staff member of the practice reads these.
"""

from collections.abc import Iterable
from typing import Any

from kapcare.interop.fhir.codes import KAPCARE_ROLE, NPI, coding, concept, ref
from kapcare.people.models import Location, Practice, StaffMember
from kapcare.people.policy import Role


def organization(practice: Practice) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": str(practice.pk),
        "active": True,
        "name": practice.name,
    }


def location(place: Location) -> dict[str, Any]:
    address: dict[str, Any] = {
        "use": "work",
        "line": [line for line in (place.address_line1, place.address_line2) if line],
        "city": place.city,
        "state": place.state,
        "postalCode": place.postal_code,
        "country": "US",
    }
    resource: dict[str, Any] = {
        "resourceType": "Location",
        "id": str(place.pk),
        "status": "active",
        "name": place.name,
        "mode": "instance",
        "address": address,
        "managingOrganization": ref("Organization", place.practice_id),
    }
    if place.phone:
        resource["telecom"] = [{"system": "phone", "value": place.phone, "use": "work"}]
    return resource


def _human_name(full_name: str) -> dict[str, Any]:
    parts = full_name.split()
    name: dict[str, Any] = {"use": "official", "text": full_name}
    if len(parts) > 1:
        name["family"] = parts[-1].rstrip(",")
        name["given"] = parts[:-1]
    elif parts:
        name["family"] = parts[0]
    return name


def practitioner(staff: StaffMember) -> dict[str, Any]:
    """A staff member (``staff.user`` selected)."""
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": str(staff.pk),
        "active": staff.is_active,
        "name": [_human_name(staff.name)],
    }
    if staff.npi:
        resource["identifier"] = [{"system": NPI, "value": staff.npi}]
    if staff.credentials:
        resource["qualification"] = [{"code": {"text": staff.credentials}}]
    return resource


def practitioner_role(staff: StaffMember, roles: Iterable[str]) -> dict[str, Any]:
    """The staff member's roles in the practice (one PractitionerRole per person)."""
    codes = sorted(roles)
    return {
        "resourceType": "PractitionerRole",
        "id": str(staff.pk),
        "active": staff.is_active,
        "practitioner": ref("Practitioner", staff.pk, staff.name),
        "organization": ref("Organization", staff.practice_id),
        "code": [
            {"coding": [coding(KAPCARE_ROLE, code, Role(code).label)], "text": Role(code).label}
            for code in codes
        ],
    }


def role_concept(code: str) -> dict[str, Any]:
    return concept(KAPCARE_ROLE, code, Role(code).label)
