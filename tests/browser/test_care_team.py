"""Changing a care team in real Chromium with axe: the therapist brings a colleague onto
the team from the chart (a missing reason refused beside its field), the front desk takes
the therapist off it, the history shows who, when and why, and the therapist's next page
of that chart is "not found"."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.people.models import CareTeamChange, Client, Practice, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, make_staff

pytestmark = pytest.mark.browser

WARM_UP_MS = 60_000
"""The live server's first request imports every view; on a busy machine it is slow."""
A11y = Callable[[Page], None]


def _signed_in(page: Page, member: StaffMember) -> None:
    page.goto("/accounts/sign-in/", timeout=WARM_UP_MS)
    sign_in(page, member.user.email, TEST_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_the_care_team_changes_with_a_reason_and_access_follows(
    page: Page,
    practice: Practice,
    staff: dict[Role, StaffMember],
    team_client: Client,
    assert_accessible: A11y,
) -> None:
    colleague = make_staff(
        practice=practice,
        roles=[Role.THERAPIST],
        user__email="colleague@example.org",
        user__full_name="Rowan Colleague",
        credentials="LCSW",
    )
    therapist = staff[Role.THERAPIST]

    # The therapist opens the chart and goes to change the care team.
    _signed_in(page, therapist)
    page.goto(f"/clients/{team_client.pk}/")
    page.get_by_role("link", name="Change the care team").click()
    expect(page.get_by_role("heading", name="Add someone")).to_be_visible()
    assert_accessible(page)

    # Without a reason: refused beside "Why", nothing else lost.
    add = page.locator("form", has=page.get_by_role("button", name="Add to the care team"))
    add.get_by_label("Who joins").select_option(label="Rowan Colleague, LCSW (Therapist)")
    add.get_by_label("As").select_option(label="Therapist")
    add.get_by_role("button", name="Add to the care team").click()
    expect(add.locator("#id_add-reason_error")).to_contain_text("Say why they join")
    expect(add.get_by_label("Who joins")).to_have_value(str(colleague.pk))
    assert_accessible(page)

    # With one: the colleague joins, and the history says who, when and why.
    add = page.locator("form", has=page.get_by_role("button", name="Add to the care team"))
    add.get_by_label("Why").fill("Co-therapist for the medicine sessions.")
    add.get_by_role("button", name="Add to the care team").click()
    expect(page.get_by_text("Rowan Colleague joined the care team.")).to_be_visible()
    history = page.locator(".team-changes")
    expect(history).to_contain_text("Added Rowan Colleague, LCSW as therapist")
    expect(history).to_contain_text(f"by {therapist.name}")
    expect(history).to_contain_text("Why: Co-therapist for the medicine sessions.")
    page.get_by_role("link", name="Chart").click()
    expect(page.locator("#care-team-h + ul")).to_contain_text("Rowan Colleague")
    expect(page.get_by_role("heading", name="Latest changes")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The front desk takes the therapist off the team, from the client's details.
    _signed_in(page, staff[Role.FRONT_DESK])
    page.goto(f"/clients/{team_client.pk}/profile/")
    page.get_by_role("link", name="Care team", exact=True).click()
    remove = page.locator("form", has=page.get_by_role("button", name="Take off the care team"))
    remove.get_by_label("Who leaves").select_option(str(therapist.pk))
    remove.get_by_label("Why").fill("Left the practice.")
    remove.get_by_role("button", name="Take off the care team").click()
    expect(page.get_by_text(f"{therapist.name} left the care team.")).to_be_visible()
    expect(page.locator(".team-changes li").first).to_contain_text("Removed")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The therapist's next visit to that chart: no such client.
    _signed_in(page, therapist)
    answer = page.goto(f"/clients/{team_client.pk}/")
    assert answer is not None
    assert answer.status == 404
    assert list(
        CareTeamChange.objects.filter(client=team_client).values_list("change", "staff_id")
    ) == [("removed", therapist.pk), ("added", colleague.pk)]
