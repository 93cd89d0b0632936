"""Measures in real Chromium: a PHQ-9 completed by link reaches the chart and its safety flag.

Also: the ASQ's question 5 appears only after a yes (with script), and axe-core finds
nothing on the client's form (fresh and with errors), the confirmation and the chart.
"""

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from kapcare.measures.models import MeasureResponse, RiskFlag
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

# PHQ-9 answers by label: total 9 (mild), item 9 "Several days" (a suicidality flag).
PHQ9 = [
    "Several days",
    "Several days",
    "More than half the days",
    "Several days",
    "Not at all",
    "Several days",
    "Several days",
    "Not at all",
    "Several days",
]


@pytest.fixture
def client_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
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


def _issue_link(page: Page, client: Client, instrument: str) -> str:
    page.goto(f"/clients/{client.pk}/")
    measures = page.get_by_role("region", name="Measures")
    measures.get_by_role("link", name="Send a completion link").click()
    page.get_by_label("Measure", exact=True).select_option(instrument)
    page.get_by_role("button", name="Create the link").click()
    url = page.get_by_role("textbox", name="Link").input_value()
    assert re.match(r"^http://[^/]+/complete/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/$", url)
    return url


def test_a_client_completes_a_phq9_by_link_and_the_therapist_sees_it_on_the_chart(
    page: Page,
    client_page: Page,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    assert_accessible: Callable[[Page], None],
) -> None:
    rob = team_clients[0]
    # Given a therapist who sends Rob a PHQ-9 link
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)
    url = _issue_link(page, rob, "PHQ-9")

    # When Rob opens it on their phone: no name, nine questions, nothing signed in
    client_page.goto(url)
    expect(client_page.get_by_role("heading", level=1)).to_have_text(
        "Patient Health Questionnaire-9 (PHQ-9)"
    )
    expect(client_page.get_by_text("Robin")).to_have_count(0)
    expect(client_page.get_by_role("group")).to_have_count(9)
    assert_accessible(client_page)

    # and sends it with one question left out, they are told which one
    for index, answer in enumerate(PHQ9[:8]):
        client_page.locator(f"#q{index}").get_by_label(answer, exact=True).check()
    client_page.get_by_role("button", name="Send my answers").click()
    alert = client_page.get_by_role("alert")
    expect(alert).to_contain_text("Question 9: Choose an answer.")
    expect(client_page.locator("#q2").get_by_label("More than half the days")).to_be_checked()
    assert_accessible(client_page)
    alert.get_by_role("link").click()
    expect(client_page.locator("#q8-0")).to_be_focused()

    # and then answers it
    client_page.locator("#q8").get_by_label(PHQ9[8], exact=True).check()
    client_page.get_by_role("button", name="Send my answers").click()

    # Then a calm confirmation with no score
    expect(client_page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(client_page.get_by_text("Your answers were sent to your care team.")).to_be_visible()
    expect(client_page.get_by_text("mild")).to_have_count(0)
    assert_accessible(client_page)
    # and the link is used up
    client_page.goto(url)
    expect(client_page.get_by_role("heading", level=1)).to_have_text(
        "This link has already been used"
    )

    # When the therapist opens the chart
    page.goto(f"/clients/{rob.pk}/")

    # Then the PHQ-9 is there: latest result, chart with a text alternative and table
    measures = page.get_by_role("region", name="Measures")
    phq = measures.get_by_role("article", name=re.compile("PHQ-9"))
    expect(phq).to_contain_text("mild")
    expect(phq.get_by_role("img", name="PHQ-9 over time")).to_be_visible()
    phq.get_by_text("All PHQ-9 results as a table").click()
    expect(phq.get_by_role("table").get_by_role("row")).to_have_count(2)
    expect(phq.get_by_role("table")).to_contain_text("suicidality")
    # and the safety flag waits for review
    safety = page.get_by_role("region", name="Safety flags")
    expect(safety).to_contain_text("1 open safety flag")
    expect(safety).to_contain_text("PHQ-9 item 9 answered above zero")
    assert_accessible(page)

    # The reviewer can read what the client answered before writing the note
    safety.get_by_role("link", name=re.compile("Read the answers")).click()
    answers = page.get_by_role("table", name=re.compile("The answers that raised it"))
    expect(answers.get_by_role("row", name=re.compile("better off dead"))).to_contain_text(PHQ9[8])
    assert_accessible(page)
    page.go_back()
    safety = page.get_by_role("region", name="Safety flags")

    # When they review it with a note
    safety.get_by_role("textbox", name=re.compile("Review note")).fill(
        "Called Rob: passive thoughts, no plan or intent. Safety plan reviewed."
    )
    safety.get_by_role("button", name=re.compile("Mark as reviewed")).click()

    # Then it is closed on the chart and in the record
    expect(page.get_by_role("region", name="Safety flags")).to_contain_text("No open safety flags.")
    flag = RiskFlag.objects.get()
    assert flag.reviewed_by == staff[Role.THERAPIST]
    assert MeasureResponse.objects.get().source == "link"


def test_asq_question_5_appears_only_after_a_yes(
    page: Page, client_page: Page, staff: dict[Role, StaffMember], team_clients: list[Client]
) -> None:
    sign_in(page, staff[Role.MEDICAL_PROVIDER].user.email, TEST_PASSWORD)
    url = _issue_link(page, team_clients[1], "ASQ")
    client_page.goto(url)
    question5 = client_page.locator("#q4")
    expect(question5).to_be_hidden()
    for index in range(4):
        client_page.locator(f"#q{index}").get_by_label("No", exact=True).check()
    expect(question5).to_be_hidden()
    client_page.locator("#q1").get_by_label("Yes", exact=True).check()
    expect(question5).to_be_visible()
    question5.get_by_label("No", exact=True).check()
    client_page.get_by_role("button", name="Send my answers").click()
    expect(client_page.get_by_role("heading", level=1)).to_have_text("Thank you")
    stored = MeasureResponse.objects.get()
    assert stored.answers == [False, True, False, False, False]
    assert stored.outcomes == {"risk": "non_acute"}
    assert RiskFlag.objects.get().code == "suicide_risk"


def test_staff_enter_a_paper_gad7_and_the_pages_are_accessible(
    page: Page,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    assert_accessible: Callable[[Page], None],
) -> None:
    rob = team_clients[0]
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)
    page.goto(f"/clients/{rob.pk}/")
    page.get_by_role("link", name=re.compile(r"^GAD-7\W+enter answers from paper")).click()
    assert_accessible(page)
    for index in range(7):
        page.locator(f"#q{index}").get_by_label("Several days", exact=True).check()
    page.get_by_role("button", name="Record the answers").click()
    expect(page.get_by_role("status")).to_contain_text("The GAD-7 was recorded.")
    gad = page.get_by_role("region", name="Measures").get_by_role(
        "article", name=re.compile("GAD-7")
    )
    expect(gad).to_contain_text("7")
    expect(gad).to_contain_text("Reliable change needs a baseline")
    page.get_by_role("link", name="Assign a measure").click()
    assert_accessible(page)
    page.get_by_label("Measure", exact=True).select_option("PHQ-9")
    page.get_by_label("Monthly").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("region", name="Measures")).to_contain_text("PHQ-9, monthly")
    assert_accessible(page)
