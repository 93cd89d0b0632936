from collections.abc import Callable

from django.test import Client as HttpClient

from kapcare.people.models import Client
from kapcare.people.policy import Role


def test_therapist_opens_chart_of_own_client(
    signed_in: Callable[[Role], HttpClient], team_client: Client
) -> None:
    response = signed_in(Role.THERAPIST).get(f"/clients/{team_client.pk}/")
    assert response.status_code == 200
    assert team_client.display_name.encode() in response.content


def test_front_desk_refused_chart(
    signed_in: Callable[[Role], HttpClient], team_client: Client
) -> None:
    response = signed_in(Role.FRONT_DESK).get(f"/clients/{team_client.pk}/")
    assert response.status_code == 404
