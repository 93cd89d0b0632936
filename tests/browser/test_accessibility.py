"""axe-core finds no accessibility violations on the staff pages, in real Chromium.

axe runs its WCAG 2.x A/AA rules and its best practices (landmarks, heading
order, one main, labels, contrast). Pages are checked in the states people
see them in, including failed form submissions.
"""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.core import clock
from kapcare.people.policy import Role
from kapcare.people.vocabulary import PathwayStage
from tests.browser.steps import sign_in_as
from tests.stages import give_stage
from tests.world import World

pytestmark = pytest.mark.browser


@pytest.fixture
def world(world: World) -> World:
    """The one world, its client in preparation (the home page's filter finds them)."""
    give_stage(world.client, PathwayStage.PREPARATION, by=world.staff[Role.THERAPIST])
    return world


def _sign_in_page(page: Page, world: World) -> None:
    page.goto("/accounts/sign-in/")


def _sign_in_failed(page: Page, world: World) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email").fill(world.staff[Role.THERAPIST].user.email)
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()


def _sign_in_empty(page: Page, world: World) -> None:
    page.goto("/accounts/sign-in/?next=/practice/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your email address.")


def _home_therapist(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.THERAPIST)


def _home_front_desk(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.FRONT_DESK)
    page.goto(f"/?stage=preparation&q={world.client.legal_given_name.lower()}")
    expect(page.get_by_role("link", name=world.client.display_name)).to_be_visible()


def _home_privacy_officer(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.PRIVACY_OFFICER)


def _chart(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.THERAPIST)
    page.goto(f"/clients/{world.client.pk}/")


def _chart_monitor_tablet(page: Page, world: World) -> None:
    page.set_viewport_size({"width": 820, "height": 1180})
    sign_in_as(page, world, Role.MONITOR)
    page.goto(f"/clients/{world.client.pk}/")


def _profile_form(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.FRONT_DESK)
    page.goto(f"/clients/{world.client.pk}/profile/")
    expect(page.get_by_role("button", name="Save")).to_be_visible()


def _profile_form_errors(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.THERAPIST)
    page.goto(f"/clients/{world.client.pk}/profile/")
    page.get_by_label("Legal last name").fill("")
    page.get_by_label("Email").fill("not an email")
    page.get_by_label("Date of birth").fill(f"{clock.today().year + 1}-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Date of birth cannot be in the future.")


def _profile_read_only(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.PRIVACY_OFFICER)
    page.goto(f"/clients/{world.other_client.pk}/profile/")
    expect(page.get_by_role("button", name="Save")).to_have_count(0)


def _client_new_errors(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.THERAPIST)
    page.goto("/clients/new/")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the client's legal first name.")


def _practice(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.FRONT_DESK)
    page.goto("/practice/")
    expect(page.get_by_role("heading", name=world.office.name)).to_be_visible()


def _audit_log(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.PRIVACY_OFFICER)
    page.goto("/audit/")


def _audit_log_bad_filter(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.PRIVACY_OFFICER)
    page.goto("/audit/?client=abc")
    expect(page.get_by_role("alert")).to_be_visible()


def _not_found(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.FRONT_DESK)
    page.goto(f"/clients/{world.client.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def _not_found_signed_out(page: Page, world: World) -> None:
    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def _change_password(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.MEDICAL_PROVIDER)
    page.goto("/accounts/password/")


def _change_password_errors(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.MEDICAL_PROVIDER)
    page.goto("/accounts/password/")
    page.get_by_label("Current password").fill("wrong")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password again").fill("different")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_be_visible()


def _signed_out(page: Page, world: World) -> None:
    sign_in_as(page, world, Role.THERAPIST)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")


PAGES: dict[str, Callable[[Page, World], None]] = {
    "sign-in": _sign_in_page,
    "sign-in-failed": _sign_in_failed,
    "sign-in-empty": _sign_in_empty,
    "signed-out": _signed_out,
    "home-therapist": _home_therapist,
    "home-front-desk-filtered": _home_front_desk,
    "home-privacy-officer": _home_privacy_officer,
    "chart": _chart,
    "chart-monitor-tablet": _chart_monitor_tablet,
    "details-form": _profile_form,
    "details-form-errors": _profile_form_errors,
    "details-read-only": _profile_read_only,
    "add-client-errors": _client_new_errors,
    "practice": _practice,
    "audit-log": _audit_log,
    "audit-log-bad-filter": _audit_log_bad_filter,
    "not-found": _not_found,
    "not-found-signed-out": _not_found_signed_out,
    "change-password": _change_password,
    "change-password-errors": _change_password_errors,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_accessibility_violations(
    name: str, page: Page, world: World, assert_accessible: Callable[[Page], None]
) -> None:
    PAGES[name](page, world)
    assert_accessible(page)
