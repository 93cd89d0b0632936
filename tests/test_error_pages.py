"""With DEBUG off (as `make run` now serves), every error is the product's own page.

No stack trace, no Django "yellow page", no URL patterns or view names: the practice's
header and stylesheet, a plain title and what to do next (issue 9).
"""

from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.people.models import StaffMember
from kapcare.people.policy import Role
from tests.page_words import assert_plain_words

# What Django's debug pages show, and what a traceback looks like.
DEBUG_PAGE_MARKERS = (
    "Traceback",
    "Using the URLconf",
    "urlpatterns",
    "kapcare.urls",
    "Django tried these URL patterns",
    "RuntimeError",
    "SECRET_KEY",
    "SuspiciousOperation",
    "CSRF verification failed",
    "You're seeing this error because you have",
    "test-errors",
)


@pytest.fixture(autouse=True)
def _debug_off(settings: Any) -> None:
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.error_urls"


def _assert_own_page(body: str, title: str) -> None:
    assert f"<h1>{title}</h1>" in body
    assert "/static/kapcare/app.css" in body or "app.css" in body  # the practice's style
    for marker in DEBUG_PAGE_MARKERS:
        assert marker not in body, f"the error page shows {marker!r}"
    assert_plain_words(body, title)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/test-errors/bad/", 400, "Something in that request was not right"),
        ("/test-errors/forbidden/", 403, "That action was refused"),
        ("/no/such/page/", 404, "Page not found"),
        ("/test-errors/broken/", 500, "Something went wrong on our side"),
    ],
)
def test_each_error_is_the_products_own_page(
    signed_in: Any, staff: dict[Role, StaffMember], path: str, status: int, title: str
) -> None:
    http: HttpClient = signed_in(Role.THERAPIST)
    http.raise_request_exception = False

    response = http.get(path)

    assert response.status_code == status
    _assert_own_page(response.content.decode(), title)


@pytest.mark.django_db
def test_a_signed_out_visitor_gets_the_same_page_not_found(client: HttpClient) -> None:
    response = client.get("/static/no-such-file.css")

    assert response.status_code == 404
    _assert_own_page(response.content.decode(), "Page not found")


@pytest.mark.django_db
def test_an_expired_form_is_refused_in_plain_words(
    staff: dict[Role, StaffMember],
) -> None:
    # Given a signed-in person whose form lost its CSRF token (an expired session, say)
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(staff[Role.THERAPIST].user)

    # When they send it
    response = http.post("/clients/new/", {"legal_given_name": "Ada"})

    # Then they read what happened and what to do, and nothing was saved
    assert response.status_code == 403
    body = response.content.decode()
    _assert_own_page(body, "That form has expired")
    assert "Nothing was saved" in body


@pytest.mark.django_db
def test_the_api_answers_json_not_a_page(signed_in: Any) -> None:
    http: HttpClient = signed_in(Role.THERAPIST)

    response = http.get("/api/v1/no-such-endpoint")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
