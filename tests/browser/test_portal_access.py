"""The client portal in real Chromium, on a phone (390 by 844): invited by the front desk,
the client chooses a password, lands in the portal, fills in and sends the intake, answers
the PHQ-9 their therapist
assigned (item 9 above zero: the crisis box, and the risk flag on the chart) and signs out
everywhere; axe-core finds nothing on any page they see."""

import re
from collections.abc import Callable, Iterator

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from kapcare.core import clock
from kapcare.measures.models import RiskFlag, Schedule
from kapcare.measures.services import assign_measure
from kapcare.people.access import actor_for_user
from kapcare.people.models import Client, ClientAccount, StaffMember
from kapcare.people.policy import Role
from kapcare.portal import tasks
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

PASSWORD = "a calm river at dusk 7"
# PHQ-9 answers by label: item 9 "Several days" (a suicidality flag).
PHQ9 = ["Several days"] * 4 + ["Not at all"] * 4 + ["Several days"]


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """The client's own phone: a separate browser with nobody signed in."""
    context: BrowserContext = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def invite_from_the_profile(page: Page, staff: StaffMember, client: Client) -> str:
    """The front desk presses "Invite to the portal"; the queued mail is sent; its link."""
    sign_in(page, staff.user.email, TEST_PASSWORD)
    page.goto(f"/clients/{client.pk}/profile/")
    panel = page.get_by_role("region", name="Portal")
    panel.get_by_role("button", name="Invite to the portal").click()
    expect(page.get_by_text("The invitation is on its way")).to_be_visible()
    expect(page.get_by_role("region", name="Portal")).to_contain_text("being sent")
    queued = DBTaskResult.objects.get(task_path="kapcare.portal.tasks.send_portal_invitation")
    mail.outbox.clear()
    assert tasks.send_portal_invitation.call(*queued.args_kwargs["args"]) is True
    (message,) = mail.outbox
    match = re.search(r"http://\S+/portal/welcome/\S+/", str(message.body))
    assert match is not None
    return match.group(0)


def test_an_invited_client_chooses_a_password_and_lands_in_the_portal(
    page: Page,
    phone: Page,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    assert_accessible: Callable[[Page], None],
) -> None:
    client = team_clients[0]
    assign_measure(
        actor=actor_for_user(staff[Role.THERAPIST].user),
        client_id=client.pk,
        instrument_code="PHQ-9",
        schedule=Schedule.ONCE,
        due_on=clock.today(),
        now=clock.now(),
        site_url="http://testserver",
    )
    link = invite_from_the_profile(page, staff[Role.FRONT_DESK], client)
    assert_accessible(page)

    phone.goto(link)
    expect(phone).to_have_url(re.compile(r"/portal/welcome/$"))  # the token left the address
    expect(phone.get_by_role("heading", name="Welcome")).to_be_visible()
    assert_accessible(phone)

    # A password that is too short is refused next to its field.
    phone.get_by_label("Password", exact=True).fill("short")
    phone.get_by_label("Password (again)").fill("short")
    phone.get_by_role("button", name="Save my password").click()
    expect(phone.locator(".field-error").first).to_contain_text("too short")
    assert_accessible(phone)

    phone.get_by_label("Password", exact=True).fill(PASSWORD)
    phone.get_by_label("Password (again)").fill(PASSWORD)
    phone.get_by_role("button", name="Save my password").click()
    expect(phone).to_have_url(re.compile(r"/portal/$"))
    expect(phone.get_by_text("Your password is saved")).to_be_visible()
    assert_accessible(phone)
    assert ClientAccount.objects.get(client=client).is_open

    # The link works once.
    phone.goto(link)
    expect(
        phone.get_by_role("heading", name="This invitation has already been used")
    ).to_be_visible()
    assert_accessible(phone)

    # The intake: sending without medicines is refused next to the field; then sent.
    phone.goto("/portal/")
    phone.get_by_role("link", name="Fill in your intake").click()
    assert_accessible(phone)
    phone.get_by_label("Your phone number").fill("215-555-0199")
    phone.get_by_label("Emergency contact: name").fill("Sam Lindell")
    phone.get_by_label("Emergency contact: phone number").fill("215-555-0100")
    phone.get_by_label("What you would like to change in your relationships").fill(
        "To stay present when someone gets close."
    )
    phone.get_by_role("button", name="Save for later").click()
    expect(phone.get_by_text("Only you can see it until you send it")).to_be_visible()
    phone.get_by_role("group", name=re.compile("emotionally stuck")).get_by_label(
        "This fits me"
    ).check()
    phone.get_by_role("button", name="Send to my care team").click()
    expect(phone.locator(".field-error")).to_contain_text("List the medicines you take")
    assert_accessible(phone)
    phone.get_by_label("Medicines you take now").fill("none")
    phone.get_by_role("button", name="Send to my care team").click()
    expect(phone.get_by_text("Your intake was sent to your care team")).to_be_visible()
    assert_accessible(phone)

    # The PHQ-9 the therapist assigned is a task; item 9 answered "Several days".
    phone.goto("/portal/")
    phone.get_by_role("link", name="Patient Health Questionnaire").first.click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Patient Health Questionnaire")
    assert_accessible(phone)
    phone.get_by_role("button", name="Send my answers").click()  # nothing chosen
    expect(phone.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(phone)
    for index, label in enumerate(PHQ9):
        phone.locator(f"#q{index}").get_by_label(label, exact=True).check()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="You are not alone with this")).to_be_visible()
    crisis = phone.get_by_role("alert")
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    assert_accessible(phone)
    assert RiskFlag.objects.get(client=client).code == "suicidality"

    # Sign out everywhere, then sign in again with the new password.
    phone.goto("/portal/account/")
    assert_accessible(phone)
    phone.get_by_role("button", name="Sign out everywhere").click()
    expect(phone).to_have_url(re.compile(r"/accounts/sign-in/"))
    sign_in(phone, client.email, PASSWORD)
    expect(phone).to_have_url(re.compile(r"/portal/$"))

    # The staff side says the client signs in now.
    page.goto(f"/clients/{client.pk}/profile/")
    expect(page.get_by_role("region", name="Portal")).to_contain_text(
        "signs in to the client portal"
    )
