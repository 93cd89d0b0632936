"""Staff journeys in real Chromium: signing in and out, clients, charts, the audit log."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES, Role
from kapcare.people.vocabulary import PathwayStage
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, make_care_team_member, make_client

pytestmark = pytest.mark.browser

SIGN_IN_PATH = "/accounts/sign-in/"


def _client_row(page: Page, name: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name))


def test_therapist_sees_only_own_clients_and_opens_a_chart(
    page: Page,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    other_client: Client,
) -> None:
    # Given a therapist with two clients, and a client they do not care for
    rob, imani = team_clients

    # When they sign in
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)

    # Then the home page lists their clients with each one's pathway stage
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My clients")
    table = page.get_by_role("table", name=re.compile("Clients on your care team"))
    expect(table.get_by_role("link")).to_have_text([rob.display_name, imani.display_name])
    expect(_client_row(page, rob.display_name)).to_contain_text("Preparation (step 4 of 7)")
    expect(_client_row(page, imani.display_name)).to_contain_text("Integration (step 6 of 7)")
    # and not the client outside their care team
    expect(page.get_by_text(other_client.display_name)).to_have_count(0)

    # When they open a chart
    page.get_by_role("link", name=rob.display_name).click()

    # Then the chart shows demographics, care team, pathway and the later sections
    expect(page).to_have_url(re.compile(rf"/clients/{rob.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rob Ashby")
    expect(page.get_by_role("navigation", name="Client record").get_by_role("link")).to_have_text(
        ["Chart", "Details and contact", "Care team", "Progress report", "Superbill"]
    )
    demographics = page.get_by_role("region", name="Demographics")
    expect(demographics).to_contain_text("Robin Ashby")
    expect(demographics).to_contain_text("Pennsylvania")
    team = page.get_by_role("region", name="Care team")
    for role in CARE_TEAM_ROLES:
        expect(team).to_contain_text(staff[role].display_name)
    current = page.locator('.stepper [aria-current="step"]')
    expect(current).to_have_text(re.compile(r"Preparation\s*\(current stage\)"))
    for heading in ("Safety flags", "Measures", "Medicine sessions", "Psychotherapy notes"):
        expect(page.get_by_role("region", name=heading)).to_be_visible()
    # the therapist's own psychotherapy notes, and the therapy panel (issue 10)
    expect(page.get_by_role("region", name="Psychotherapy notes")).to_contain_text(
        "You have written none for this client."
    )
    expect(
        page.get_by_role("region", name="Therapy: session notes, parts and EMDR")
    ).to_be_visible()


def test_front_desk_sees_every_client_is_refused_the_chart_but_opens_details(
    page: Page,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    other_client: Client,
) -> None:
    # Given front desk staff
    rob = team_clients[0]
    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)

    # Then every client of the practice is listed
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    links = page.get_by_role("table", name=re.compile("All clients")).get_by_role("link")
    expect(links).to_have_count(3)
    expect(page.get_by_role("link", name=other_client.display_name)).to_be_visible()

    # When they go to a chart directly, it is not there for them
    response = page.goto(f"/clients/{rob.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text("Robin")).to_have_count(0)

    # But the client's details and contact open from the list
    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name=rob.display_name).click()
    expect(page).to_have_url(re.compile(rf"/clients/{rob.pk}/profile/$"))
    expect(page.get_by_role("heading", level=2, name="Details and contact")).to_be_visible()
    expect(page.get_by_label("Legal first name")).to_have_value("Robin")
    expect(page.get_by_role("link", name="Chart")).to_have_count(0)


def test_wrong_password_shows_an_error_and_stays_on_sign_in(
    page: Page, staff: dict[Role, StaffMember]
) -> None:
    # When someone types a wrong password
    page.goto(SIGN_IN_PATH)
    page.get_by_label("Email").fill(staff[Role.THERAPIST].user.email)
    page.get_by_label("Password").fill("not-the-password")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign in").click()

    # Then the sign-in page says so, keeps the email, and nobody is signed in
    assert posted.value.status == 422
    expect(page).to_have_url(re.compile(rf"{SIGN_IN_PATH}$"))
    expect(page).to_have_title("Error: Sign in · KAP Care")
    expect(page.get_by_role("alert")).to_contain_text(
        "That email and password do not match an account. Please try again."
    )
    expect(page.get_by_label("Email")).to_have_value(staff[Role.THERAPIST].user.email)
    expect(page.get_by_label("Password")).to_have_value("")
    page.goto("/")
    expect(page).to_have_url(re.compile(rf"{SIGN_IN_PATH}\?next=/$"))


def test_sign_out(page: Page, staff: dict[Role, StaffMember], team_clients: list[Client]) -> None:
    # Given a signed-in therapist
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # When they sign out
    page.get_by_role("button", name="Sign out").click()

    # Then they are back at sign-in, told so, and client pages need signing in again
    expect(page).to_have_url(re.compile(rf"{SIGN_IN_PATH}$"))
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    page.goto(f"/clients/{team_clients[0].pk}/")
    expect(page).to_have_url(re.compile(rf"{SIGN_IN_PATH}\?next="))
    expect(page.get_by_text("Please sign in to continue.")).to_be_visible()
    expect(page.get_by_text("Robin")).to_have_count(0)


def test_change_password_then_sign_in_with_the_new_one(
    page: Page, staff: dict[Role, StaffMember]
) -> None:
    email = staff[Role.MONITOR].user.email
    new_password = "quiet-harbor-lantern-2031"
    sign_in(page, email, TEST_PASSWORD)

    # When they change their password
    page.get_by_role("link", name="Password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change password")
    page.get_by_label("Current password").fill(TEST_PASSWORD)
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password again").fill(new_password)
    page.get_by_role("button", name="Change password").click()

    # Then it is confirmed and they are still signed in
    expect(page.get_by_role("heading", level=1)).to_have_text("Password changed")
    page.get_by_role("button", name="Sign out").click()

    # And the old password no longer works, the new one does
    sign_in(page, email, TEST_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    sign_in(page, email, new_password)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_privacy_officer_sees_sign_in_events_in_the_audit_log(
    page: Page, staff: dict[Role, StaffMember]
) -> None:
    # Given a therapist who signed in, and a failed attempt on their account
    therapist = staff[Role.THERAPIST].user
    sign_in(page, therapist.email, TEST_PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, therapist.email, "a-wrong-password")

    # When the privacy officer opens the audit log
    officer = staff[Role.PRIVACY_OFFICER].user
    sign_in(page, officer.email, TEST_PASSWORD)
    page.get_by_role("link", name="Audit log").first.click()

    # Then the sign-ins, the sign-out and the failure are there, newest first
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    rows = page.get_by_role("table", name=re.compile("Events")).locator("tbody tr")
    signins = rows.filter(has_text=re.compile("Sign-in|Sign-out"))
    expect(signins).to_have_count(4)
    expect(signins.nth(0)).to_contain_text(officer.email)
    expect(signins.nth(0)).to_contain_text("Success")
    expect(signins.nth(1)).to_contain_text(therapist.email)
    expect(signins.nth(1)).to_contain_text("Failure")
    expect(signins.nth(2)).to_contain_text("Sign-out")
    expect(signins.nth(3)).to_contain_text(therapist.email)
    expect(signins.nth(3)).to_contain_text("Success")

    # And filtering by action narrows the list
    page.get_by_label("Action").select_option("login")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(3)


def test_html_in_a_client_name_is_shown_as_text(
    page: Page, practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    # Given a client whose name holds markup
    given = '<img src=x onerror="window.__pwned=1">'
    family = "<script>window.__pwned=2</script>O'Hara"
    client = make_client(practice=practice, legal_given_name=given, legal_family_name=family)
    make_care_team_member(client=client, staff=staff[Role.THERAPIST], role=Role.THERAPIST)

    # When the therapist sees the list and the chart
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)
    expect(page.get_by_role("link", name=f"{given} {family}")).to_be_visible()
    page.get_by_role("link", name=f"{given} {family}").click()

    # Then the name is text, nothing ran, and no element was injected
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{given} {family}")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img").count() == 0
    # The only scripts are the product's own files (the menu, the idle warning).
    assert page.locator("script:not([src])").count() == 0
    sources = page.locator("script").evaluate_all("els => els.map(e => e.getAttribute('src'))")
    assert all(src.startswith("/static/") for src in sources), sources


def test_chart_fits_a_tablet_without_sideways_scrolling(
    page: Page, practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    # Given a client with long details, on an 820 x 1180 tablet
    client = make_client(
        practice=practice,
        legal_given_name="Maximiliana-Konstantina",
        legal_family_name="Featherstonehaugh-Cholmondeley",
        email="maximiliana.konstantina.featherstonehaugh@longexample.org",
        emergency_contact_name="Bartholomew Featherstonehaugh-Cholmondeley",
        emergency_contact_relationship="brother",
        emergency_contact_phone="+1 215 555 0199",
        stage=PathwayStage.MEDICINE,
    )
    for role in CARE_TEAM_ROLES:
        make_care_team_member(client=client, staff=staff[role], role=role)
    page.set_viewport_size({"width": 820, "height": 1180})
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)

    for path in ("/", f"/clients/{client.pk}/profile/", f"/clients/{client.pk}/"):
        # When a page opens
        page.goto(path)

        # Then nothing is wider than the screen
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{path} scrolls sideways: {widths}"
    # And on the chart the pathway is in view without scrolling down
    expect(page.get_by_role("region", name="Care pathway")).to_be_in_viewport()


def test_a_new_client_is_added_through_the_form(page: Page, staff: dict[Role, StaffMember]) -> None:
    # Given front desk on the "Add a client" page
    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Add a client").click()

    # When they send it without a last name, then correct it
    page.get_by_label("Legal first name").fill("Noor")
    page.get_by_label("Date of birth").fill("1988-06-15")
    page.get_by_label("Home state").select_option("NJ")
    page.get_by_label(staff[Role.THERAPIST].display_name).check()
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the client's legal last name.")
    page.get_by_label("Legal last name").fill("Haddad")
    page.get_by_role("button", name="Add client").click()

    # Then the client exists, with the therapist on the care team
    expect(page.get_by_role("status")).to_have_text("Noor Haddad was added.")
    expect(page.get_by_role("region", name="Care team")).to_contain_text(
        staff[Role.THERAPIST].display_name
    )
    client = Client.objects.get(legal_family_name="Haddad")
    assert list(client.care_team.values_list("staff_id", flat=True)) == [staff[Role.THERAPIST].pk]


def test_the_api_link_opens_working_interactive_docs(
    page: Page, staff: dict[Role, StaffMember]
) -> None:
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)
    page.get_by_role("link", name="API", exact=True).click()
    expect(page).to_have_title("KAP Care API")
    page.wait_for_selector("#swagger-ui .opblock, #swagger-ui .errors-wrapper")
    assert page.locator("#swagger-ui .errors-wrapper").count() == 0
    expect(page.get_by_text("/api/v1/clients").first).to_be_visible()
