"""Searches of the practice's own resources (Organization, Location, Practitioner,
PractitionerRole, Questionnaire): valid Bundles of this practice's rows, never another's."""

from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.interop.tests.fhir_checks import validate_bundle
from kapcare.people.models import Location, Practice, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_location, make_practice, make_staff

SignIn = Callable[[Role], HttpClient]


@pytest.fixture
def elsewhere() -> Practice:
    """Another practice, with its own office and clinician."""
    other = make_practice(name="Elsewhere Counselling")
    make_location(practice=other, name="Elsewhere Office")
    make_staff(practice=other, roles=[Role.THERAPIST], user__full_name="Elsewhere Clinician")
    return other


@pytest.mark.parametrize(
    "resource_type", ["Organization", "Location", "Practitioner", "PractitionerRole"]
)
def test_a_practice_search_lists_this_practices_rows_only(
    signed_in: SignIn,
    practice: Practice,
    staff: dict[Role, StaffMember],
    elsewhere: Practice,
    resource_type: str,
) -> None:
    make_location(practice=practice, name="Bryn Mawr")
    expected = {
        "Organization": {str(practice.pk)},
        "Location": {
            str(pk)
            for pk in Location.objects.filter(practice=practice).values_list("pk", flat=True)
        },
        "Practitioner": {str(s.pk) for s in staff.values()},
        "PractitionerRole": {str(s.pk) for s in staff.values()},
    }[resource_type]

    response = signed_in(Role.MONITOR).get(f"/fhir/R4/{resource_type}")

    assert response.status_code == 200
    bundle = response.json()
    resources = validate_bundle(bundle, resolve=False)
    assert {r["resourceType"] for r in resources} == {resource_type}
    ids = {r["id"] for r in resources}
    if resource_type == "PractitionerRole":
        # A role names its practitioner: each of this practice's staff, nobody else.
        ids = {r["practitioner"]["reference"].removeprefix("Practitioner/") for r in resources}
    assert ids == expected
    assert bundle["total"] == len(resources)
    assert "Elsewhere" not in response.content.decode()


def test_the_questionnaires_search_lists_the_instruments_read_by_id(signed_in: SignIn) -> None:
    http = signed_in(Role.FRONT_DESK)
    bundle = http.get("/fhir/R4/Questionnaire").json()
    resources = validate_bundle(bundle, resolve=False)
    urls = {r["url"] for r in resources}
    assert "https://kapcare.org/fhir/Questionnaire/phq-9" in urls
    assert "https://kapcare.org/fhir/Questionnaire/gad-7" in urls
    for resource in resources:
        assert http.get(f"/fhir/R4/Questionnaire/{resource['id']}").json() == resource
