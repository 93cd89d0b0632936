"""Headers on every answer (kapcare.headers): no caching of client data, no stray features."""

import pytest
from django.test import Client as HttpClient

from kapcare.headers import permissions_policy
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role


def test_permissions_policy_formats_each_feature_with_its_origins() -> None:
    assert permissions_policy({"camera": [], "publickey-credentials-get": ["self"]}) == (
        "camera=(), publickey-credentials-get=(self)"
    )


@pytest.mark.django_db
def test_a_chart_page_is_never_stored_and_keeps_passkeys_only(
    staff: dict[Role, StaffMember], team_client: Client
) -> None:
    # Given the client's therapist, signed in
    browser = HttpClient()
    browser.force_login(staff[Role.THERAPIST].user)

    # When they open the chart
    response = browser.get(f"/clients/{team_client.pk}/")

    # Then the browser may not keep it, and features KAP Care never uses are off
    assert response.status_code == 200
    cache_control = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private", "must-revalidate"} <= cache_control
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy
    assert "microphone=()" in policy
    assert "geolocation=()" in policy
    assert "publickey-credentials-get=(self)" in policy


@pytest.mark.django_db
def test_api_answers_and_refusals_are_never_stored(staff: dict[Role, StaffMember]) -> None:
    # Given nobody signed in, and then the front desk
    anonymous = HttpClient()
    desk = HttpClient()
    desk.force_login(staff[Role.FRONT_DESK].user)

    # When each asks for the client list
    refused = anonymous.get("/api/v1/clients")
    listed = desk.get("/api/v1/clients")

    # Then neither answer may be cached
    assert refused.status_code == 401
    assert listed.status_code == 200
    for response in (refused, listed):
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_even_the_public_schema_is_not_stored() -> None:
    # It holds no client data; one rule for every answer is simpler to trust than a list.
    response = HttpClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "max-age=0" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
