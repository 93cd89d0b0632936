"""GET /healthz: for load balancers and monitoring, no sign-in, no client data."""

import logging

import pytest
from django.db import OperationalError, connection
from django.test import Client as HttpClient
from pytest_django.fixtures import Settings

pytestmark = pytest.mark.django_db


class _DatabaseDown:
    """Stands in for ``connection.cursor`` when the database cannot be reached."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        raise OperationalError("could not connect to server: Connection refused")


def test_healthy_answers_200_ok_without_sign_in(client: HttpClient) -> None:
    # When
    response = client.get("/healthz")

    # Then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}


def test_never_cached(client: HttpClient) -> None:
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_database_unreachable_answers_503_naming_the_database(
    client: HttpClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Given
    down = _DatabaseDown()
    monkeypatch.setattr(connection, "cursor", down)

    # When
    with caplog.at_level(logging.WARNING, logger="kapcare.health"):
        response = client.get("/healthz")

    # Then
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}
    assert down.calls == 1
    # The log names the kind of failure, not the driver's message (which can
    # hold host names or credentials).
    assert [r.getMessage() for r in caplog.records if r.name == "kapcare.health"] == [
        "health check: database unreachable (OperationalError)"
    ]


def test_recovers_when_the_database_is_back(
    client: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", _DatabaseDown())
        assert client.get("/healthz").status_code == 503

    # When
    response = client.get("/healthz")

    # Then
    assert response.status_code == 200


def test_head_for_checkers_that_only_want_the_status(client: HttpClient) -> None:
    response = client.head("/healthz")

    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_and_head(client: HttpClient, method: str) -> None:
    response = getattr(client, method)("/healthz")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_exempt_from_the_https_redirect(client: HttpClient, settings: Settings) -> None:
    # Given production's redirect (tests/test_settings.py checks the exemption is set there)
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

    # When
    health = client.get("/healthz")
    sign_in = client.get("/accounts/sign-in/")

    # Then
    assert health.status_code == 200
    assert sign_in.status_code == 301
    assert sign_in["Location"] == "https://testserver/accounts/sign-in/"


def test_live_answers_without_the_database(
    client: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a database that cannot be reached
    down = _DatabaseDown()
    monkeypatch.setattr(connection, "cursor", down)
    # when the process is asked whether it lives
    response = client.get("/livez")
    # then it answers, without a query
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert down.calls == 0
