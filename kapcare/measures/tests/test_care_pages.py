"""The pages: the client's link (public), staff entry, assignment, links, review, chart panels."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from kapcare.core import clock
from kapcare.measures import services
from kapcare.measures.models import (
    CompletionLink,
    MeasureAssignment,
    MeasureResponse,
    RiskFlag,
    Schedule,
)
from kapcare.measures.tests.care import (
    ASQ_NEGATIVE,
    GAD7,
    PHQ9_CLEAR,
    PHQ9_FLAGGED,
    form_answers,
    post_json,
)
from kapcare.people.access import Actor
from kapcare.people.models import Client
from kapcare.people.policy import Role
from tests.whole_chart import whole_chart

pytestmark = pytest.mark.django_db
SignIn = Callable[[Role], HttpClient]


def _link(actor: Actor, client: Client, code: str = "PHQ-9", **kw: Any) -> str:
    issued = services.issue_link(
        actor=actor, client_id=client.pk, instrument_code=code, now=clock.now(), **kw
    )
    return f"/complete/{issued.token}/"


def _text(response: Any) -> str:
    return str(response.content.decode())


FORM = "/complete/form/"


def _open(url: str, **kw: Any) -> HttpClient:
    """The client's browser after following the link: the form is at FORM, token-free."""
    phone = HttpClient(**kw)
    opened = phone.get(url)
    assert (opened.status_code, opened["Location"]) == (302, FORM)
    return phone


# ---------------------------------------------------------------- the client's link


def test_the_client_completes_a_phq9_by_link_without_signing_in(
    actor: Callable[[Role], Actor], team_client: Client
) -> None:
    url = _link(actor(Role.THERAPIST), team_client)
    browser = _open(url, enforce_csrf_checks=True)

    form = browser.get(FORM)
    assert form.status_code == 200
    assert form["Cache-Control"].startswith("max-age=0")
    page = _text(form)
    for private in (team_client.legal_given_name, team_client.legal_family_name, team_client.email):
        assert private not in page
    assert page.count('<fieldset class="question"') == 9
    assert "Nearly every day" in page
    csrf = browser.cookies["csrftoken"].value

    sent = browser.post(FORM, {**form_answers(PHQ9_FLAGGED), "csrfmiddlewaretoken": csrf})

    assert sent.status_code == 302
    assert sent["Location"] == "/complete/done/"
    done = browser.get("/complete/done/")
    assert "Your answers were sent to your care team" in _text(done)
    assert "9" not in _text(done).split("<main", 1)[1].split("988", 1)[0]  # no score shown
    response = MeasureResponse.objects.get()
    assert (response.source, response.total, response.answers) == ("link", Decimal(9), PHQ9_FLAGGED)
    assert RiskFlag.objects.get().code == "suicidality"
    for again in (browser.get(url), browser.get(FORM)):
        assert again.status_code in {404, 410}
    assert "This link has already been used" in _text(browser.get(url))
    assert "This link does not work" in _text(browser.get(FORM))  # the session forgot it


def test_missing_answers_are_shown_on_their_questions_and_nothing_is_saved(
    actor: Callable[[Role], Actor], team_client: Client
) -> None:
    url = _link(actor(Role.THERAPIST), team_client)
    data = form_answers(PHQ9_CLEAR)
    del data["q8"]

    response = _open(url).post(FORM, data)

    assert response.status_code == 422
    page = _text(response)
    assert '<a href="#q8-0">Question 9: Choose an answer.</a>' in page
    assert 'value="1" checked' in page  # what was chosen is kept
    assert not MeasureResponse.objects.exists()
    assert CompletionLink.objects.get().used_at is None


def test_asq_question_5_is_not_needed_when_all_answers_are_no(
    actor: Callable[[Role], Actor], team_client: Client
) -> None:
    url = _link(actor(Role.THERAPIST), team_client, "ASQ")
    response = _open(url).post(FORM, {**form_answers(ASQ_NEGATIVE), "q4": "yes"})
    assert response.status_code == 302
    stored = MeasureResponse.objects.get()
    assert stored.answers == ASQ_NEGATIVE
    assert stored.outcomes == {"risk": "negative"}
    assert not RiskFlag.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "heading"),
    [
        ("expire", 410, "This link has expired"),
        ("withdraw", 410, "This link has been withdrawn"),
        ("forge", 404, "This link does not work"),
    ],
)
def test_unusable_links_answer_a_clear_page(
    actor: Callable[[Role], Actor], team_client: Client, change: str, status: int, heading: str
) -> None:
    url = _link(actor(Role.THERAPIST), team_client)
    opened_before = _open(url)
    if change == "expire":
        CompletionLink.objects.update(
            issued_at=clock.now() - dt.timedelta(days=8),
            expires_at=clock.now() - dt.timedelta(days=1),
        )
    elif change == "withdraw":
        CompletionLink.objects.update(revoked_at=clock.now())
    else:
        url = url[:-3] + "x/"
    responses = [HttpClient().get(url)]
    if change != "forge":  # a form opened before the link expired or was withdrawn
        responses.append(opened_before.post(FORM, form_answers(PHQ9_CLEAR)))
    for response in responses:
        assert response.status_code == status
        assert heading in _text(response)
        assert "ask your care team for a new link" in _text(response)
    assert HttpClient().get(FORM).status_code == 404
    assert not MeasureResponse.objects.exists()


# ---------------------------------------------------------------- staff pages


def test_staff_enter_a_paper_gad7(signed_in: SignIn, team_client: Client) -> None:
    http = signed_in(Role.THERAPIST)
    url = f"/clients/{team_client.pk}/measures/GAD-7/enter/"
    assert http.get(url).status_code == 200
    assert http.get(f"/clients/{team_client.pk}/measures/NOPE/enter/").status_code == 404

    response = http.post(url, form_answers(GAD7))

    assert response.status_code == 302
    assert response["Location"] == f"/clients/{team_client.pk}/#measures"
    assert MeasureResponse.objects.get().source == "staff"


def test_a_flagging_entry_sends_the_clinician_to_the_safety_panel(
    signed_in: SignIn, team_client: Client
) -> None:
    http = signed_in(Role.MEDICAL_PROVIDER)
    response = http.post(
        f"/clients/{team_client.pk}/measures/PHQ-9/enter/", form_answers(PHQ9_FLAGGED)
    )
    assert response["Location"] == f"/clients/{team_client.pk}/#safety"
    chart = _text(whole_chart(http, team_client.pk))
    assert "It raised 1 safety flag: review below." in chart
    assert "1 open safety flag" in chart
    assert "Medicine sessions cannot be booked" in chart


def test_assign_and_issue_link_pages(signed_in: SignIn, team_client: Client) -> None:
    http = signed_in(Role.THERAPIST)
    assign = f"/clients/{team_client.pk}/measures/assign/"
    bad = http.post(assign, {"instrument": "PHQ-9", "schedule": "weekly", "due_on": ""})
    assert bad.status_code == 422
    assert (
        http.post(
            assign, {"instrument": "PHQ-9", "schedule": "before_medicine", "due_on": "2026-03-01"}
        ).status_code
        == 302
    )
    duplicate = http.post(
        assign, {"instrument": "PHQ-9", "schedule": "before_medicine", "due_on": "2026-03-01"}
    )
    assert "already assigned on this schedule" in _text(duplicate)
    assert MeasureAssignment.objects.count() == 1

    link_page = http.post(
        f"/clients/{team_client.pk}/measures/link/", {"instrument": "GAD-7", "valid_for_days": "3"}
    )
    assert link_page.status_code == 200
    assert "no-store" in link_page["Cache-Control"]
    url = (
        _text(link_page)
        .split('id="link-url" class="link-url" type="text" readonly value="', 1)[1]
        .split('"', 1)[0]
    )
    assert url.startswith("http://testserver/complete/")
    assert HttpClient().get(url)["Location"] == FORM


def test_review_from_the_chart(signed_in: SignIn, team_client: Client) -> None:
    http = signed_in(Role.THERAPIST)
    post_json(
        http,
        f"/api/v1/clients/{team_client.pk}/measures",
        {"instrument": "PHQ-9", "answers": PHQ9_FLAGGED},
    )
    flag = RiskFlag.objects.get()
    url = f"/clients/{team_client.pk}/risk-flags/{flag.pk}/review/"
    assert f'action="{url}"' in _text(whole_chart(http, team_client.pk))

    # The reviewer reads what the client answered, in words, not only the score.
    review = _text(http.get(url))
    assert "The answers that raised it" in review
    assert "Thoughts that you would be better off dead" in review
    assert "More than half the days" in review  # item 9 answered 2
    blank = http.post(url, {"note": ""})
    assert blank.status_code == 422
    done = http.post(url, {"note": "Spoke with the client; no intent. Safety plan updated."})

    assert done.status_code == 302
    flag.refresh_from_db()
    assert flag.review_note == "Spoke with the client; no intent. Safety plan updated."
    chart = _text(whole_chart(http, team_client.pk))
    assert "No open safety flags." in chart
    assert "Recently reviewed" in chart


def test_the_monitor_sees_open_flags_but_not_measures_and_cannot_review(
    signed_in: SignIn, actor: Callable[[Role], Actor], team_client: Client
) -> None:
    services.record_response(
        actor=actor(Role.THERAPIST),
        client_id=team_client.pk,
        instrument_code="PHQ-9",
        answers=PHQ9_FLAGGED,
        now=clock.now(),
    )
    chart = _text(whole_chart(signed_in(Role.MONITOR), team_client.pk))
    assert "1 open safety flag" in chart
    assert "A therapist or medical provider reviews this flag." in chart
    assert 'id="measures"' not in chart


# ---------------------------------------------------------------- chart panels


def test_the_chart_panels_cost_the_same_queries_however_long_the_history(
    signed_in: SignIn, actor: Callable[[Role], Actor], team_client: Client
) -> None:
    http = signed_in(Role.THERAPIST)
    therapist = actor(Role.THERAPIST)

    def add(code: str, answers: list[Any], days_ago: int) -> None:
        services.record_response(
            actor=therapist,
            client_id=team_client.pk,
            instrument_code=code,
            answers=answers,
            now=clock.now() - dt.timedelta(days=days_ago),
        )

    services.assign_measure(
        actor=therapist,
        client_id=team_client.pk,
        instrument_code="PHQ-9",
        schedule=Schedule.MONTHLY,
        due_on=clock.today(),
        now=clock.now(),
        site_url="http://testserver",
    )
    add("PHQ-9", PHQ9_FLAGGED, 60)
    add("GAD-7", GAD7, 60)
    whole_chart(http, team_client.pk)
    with CaptureQueriesContext(connection) as few:
        whole_chart(http, team_client.pk)
    for days_ago in range(50, 0, -7):
        add("PHQ-9", PHQ9_CLEAR, days_ago)
        add("GAD-7", GAD7, days_ago)
        add("ECR-RS", [3] * 9, days_ago)
    with CaptureQueriesContext(connection) as many:
        page = whole_chart(http, team_client.pk)

    assert len(many.captured_queries) == len(few.captured_queries)
    text = _text(page)
    assert text.count('role="img"') == 3
    assert "Recovered" not in text  # 9 → 3 is not a reliable change (needs 6 points)
    assert '<strong class="change change-unchanged">Unchanged</strong>' in text
    assert "All PHQ-9 results as a table" in text


def test_medicine_sessions_are_marked_on_the_chart(
    signed_in: SignIn,
    actor: Callable[[Role], Actor],
    team_client: Client,
    staff: dict[Role, Any],
) -> None:
    from kapcare.scheduling.models import Appointment
    from tests.factories import make_location, make_room

    therapist = actor(Role.THERAPIST)
    now = clock.now()
    for days_ago, answers in ((40, PHQ9_FLAGGED), (2, PHQ9_CLEAR)):
        services.record_response(
            actor=therapist,
            client_id=team_client.pk,
            instrument_code="PHQ-9",
            answers=answers,
            now=now - dt.timedelta(days=days_ago),
        )
    room = make_room(location=make_location(practice=team_client.practice), kind="medicine")
    for days_ago, status in ((20, "completed"), (10, "cancelled")):
        start = now - dt.timedelta(days=days_ago)
        Appointment.objects.create(
            client=team_client,
            kind="medicine",
            modality="in_person",
            start=start,
            end=start + dt.timedelta(hours=3),
            location=room.location,
            room=room,
            status=status,
            status_changed_by=staff[Role.FRONT_DESK],
            created_by=staff[Role.FRONT_DESK],
            created_at=start,
        )

    page = _text(whole_chart(signed_in(Role.THERAPIST), team_client.pk))

    assert page.count('<line class="marker"') == 1  # the cancelled one is not drawn
    assert "Dashed lines mark 1 medicine session." in page
    assert "2 results from" in page


def test_a_waiting_link_is_listed_and_withdrawn_from_the_chart(
    signed_in: SignIn, actor: Callable[[Role], Actor], team_client: Client
) -> None:
    url = _link(actor(Role.THERAPIST), team_client, "GAD-7")
    link = CompletionLink.objects.get()
    http = signed_in(Role.THERAPIST)
    withdraw = f"/clients/{team_client.pk}/measures/links/{link.pk}/withdraw/"
    chart = _text(whole_chart(http, team_client.pk))
    assert "Links waiting for the client" in chart
    assert f'action="{withdraw}"' in chart

    assert http.post(withdraw)["Location"] == f"/clients/{team_client.pk}/#measures"

    assert "Links waiting for the client" not in _text(whole_chart(http, team_client.pk))
    assert HttpClient().get(url).status_code == 410
