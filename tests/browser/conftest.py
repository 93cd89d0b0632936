"""Real Chromium, driven by Playwright, against pytest-django's live server.

The browser is Debian's Chromium at ``/usr/bin/chromium`` (``.ci/run`` installs
it); Playwright never downloads one. It starts once for all browser tests;
every test gets a fresh context (no cookies, no storage) and a page in it.
Run them alone with ``pytest -m browser``, or skip them with ``-m "not browser"``.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES, Role
from kapcare.people.vocabulary import PathwayStage
from tests.factories import make_care_team_member, make_client

CHROMIUM = Path(os.environ.get("KAPCARE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright for the browser tests only; stopped when they are done.

    Its sync API runs an asyncio loop in this thread, and Django's ORM refuses
    to run beside a loop unless told it is not serving requests. The switch is
    on for the browser tests only, so the rest of the suite keeps the check.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            yield p
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium, as .ci/run does) or set KAPCARE_CHROMIUM."
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    # Nothing may come from another origin (no CDN, no fonts, no analytics).
    context.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: route.abort(),
    )
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test on any script error, CSP violation or broken asset."""
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: _console(message, problems))
    page.on("response", lambda response: _asset(response, problems))
    yield page
    # A page may still be loading what its script asks for after it (the chart's parts):
    # let it finish, or the live server answers it while the next test's data is laid.
    page.wait_for_load_state("networkidle")
    assert problems == []


def _console(message: ConsoleMessage, problems: list[str]) -> None:
    # A 4xx page (404, 422) is logged as "Failed to load resource"; the
    # document's status is asserted by the tests, and assets by _asset.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.append(f"console: {message.text}")


def _asset(response: Response, problems: list[str]) -> None:
    if response.request.resource_type != "document" and response.status >= 400:
        problems.append(f"{response.status} for {response.url}")


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture(scope="package")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def assert_accessible(axe: Axe) -> Callable[[Page], None]:
    """axe-core finds no violations (WCAG 2.x A/AA and best practices) on the page."""

    def check(page: Page) -> None:
        # A test may look before the page has finished loading (the title of a refused
        # form arrives before its body); axe must read the whole page, not half of it.
        page.wait_for_load_state("load")
        # The chart's parts arrive after the page (kapcare/chart-parts.js): read them too.
        page.wait_for_function("() => !document.querySelector('[data-chart-part]')")
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check


@pytest.fixture
def team_clients(practice: Practice, staff: dict[Role, StaffMember]) -> list[Client]:
    """Two clients on the care team of the fixture's therapist, doctor and monitor."""
    clients = [
        make_client(
            practice=practice,
            legal_given_name="Robin",
            legal_family_name="Ashby",
            preferred_name="Rob",
            pronouns="they/them",
            stage=PathwayStage.PREPARATION,
        ),
        make_client(
            practice=practice,
            legal_given_name="Imani",
            legal_family_name="Brooks",
            stage=PathwayStage.INTEGRATION,
        ),
    ]
    for client in clients:
        for role in CARE_TEAM_ROLES:
            make_care_team_member(client=client, staff=staff[role], role=role)
    return clients
