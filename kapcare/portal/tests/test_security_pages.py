"""A client reads the second-factor pages (/accounts/security/) in the portal's layout;
staff keep the staff layout."""

import pytest
from django.test import Client as HttpClient

from kapcare.people.models import StaffMember
from kapcare.people.policy import Role

pytestmark = pytest.mark.django_db


def test_a_client_sees_the_security_pages_in_the_portals_layout(portal: HttpClient) -> None:
    for path in ("/accounts/security/", "/accounts/reauthenticate/"):
        response = portal.get(path)
        assert response.status_code == 200, path
        names = [t.name for t in response.templates]
        assert "portal/base.html" in names, path
        assert "base.html" not in names, path


def test_staff_keep_the_staff_layout(client: HttpClient, staff: dict[Role, StaffMember]) -> None:
    client.force_login(staff[Role.THERAPIST].user)
    names = [t.name for t in client.get("/accounts/security/").templates]
    assert "base.html" in names
    assert "portal/base.html" not in names
