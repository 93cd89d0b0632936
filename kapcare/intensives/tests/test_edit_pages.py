"""Edit pages: a client's intensive plan (days and blocks, location, re-plan) and the
practice's pattern templates; the template API's read and change."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.intensives.models import IntensivePlan, PatternTemplate
from kapcare.intensives.tests.records import MONDAY, PATTERN, office, ready_for_intensive
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from tests.factories import make_practice, make_staff

SignIn = Callable[[Role], HttpClient]
AT = dt.datetime(2029, 12, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _one_worker(settings: Any) -> None:
    settings.INTENSIVE_SOLVER_WORKERS = 1
    settings.INTENSIVE_SOLVER_SECONDS = 20


@pytest.fixture
def ready(practice: Practice, staff: dict[Role, StaffMember], team_client: Client) -> Client:
    office(practice, staff)
    ready_for_intensive(team_client, staff)
    return team_client


def url(client: Client) -> str:
    return f"/clients/{client.pk}/intensive-plan/"


def grid(pattern: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """The page's grid fields for ``pattern``."""
    data: dict[str, Any] = {"days": len(pattern)}
    for day, blocks in enumerate(pattern, 1):
        for slot, block in enumerate(blocks, 1):
            for part in ("activity", "minutes", "modality"):
                data[f"day{day}_block{slot}_{part}"] = block[part]
    return data


def plan_form(pattern: list[list[dict[str, Any]]], **extra: Any) -> dict[str, Any]:
    return {
        **grid(pattern),
        "earliest_start": MONDAY.isoformat(),
        "approved_dosing_days": [2],
        "action": "save",
        **extra,
    }


def test_the_page_shows_the_plan_as_a_grid_of_days(signed_in: SignIn, ready: Client) -> None:
    page = signed_in(Role.FRONT_DESK).get(url(ready))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Day 3" in body
    assert 'name="day2_block1_activity"' in body
    assert '<option value="medicine" selected>' in body
    assert "intensive." not in body  # no rule codes
    assert AuditEvent.objects.filter(client_id=ready.pk, detail="page:intensive_plan").exists()


def test_a_changed_block_is_saved_and_the_next_planning_follows_it(
    signed_in: SignIn, ready: Client
) -> None:
    http = signed_in(Role.FRONT_DESK)
    changed = [list(day) for day in PATTERN]
    changed[2] = [
        {"activity": "emdr", "minutes": 120, "modality": "in_person"},
        *PATTERN[2][1:],
    ]
    answer = http.post(url(ready), plan_form(changed, action="plan"))
    assert answer.status_code == 302
    assert answer["Location"].startswith(f"/intensives/plan/?clients={ready.pk}&days=3")
    stored = IntensivePlan.objects.get(client=ready)
    assert stored.pattern[2][0] == {"activity": "emdr", "minutes": 120, "modality": "in_person"}
    planned = http.get(answer["Location"])
    body = planned.content.decode()
    assert planned.status_code == 200
    assert "Proposed plan" in body
    assert "EMDR, " + ready.display_name in body
    assert not Appointment.objects.exists()  # planning books nothing


def test_a_day_without_its_closure_is_refused_with_the_reason(
    signed_in: SignIn, ready: Client
) -> None:
    broken = [list(day) for day in PATTERN]
    broken[0] = broken[0][:-1]
    answer = signed_in(Role.FRONT_DESK).post(url(ready), plan_form(broken))
    assert answer.status_code == 422
    # beside the grid it is about (on the days' count), not only above the form
    assert answer.context["form"].errors["days"] == ["Day 1 must end with its daily closure."]
    assert 'id="id_days_error"' in answer.content.decode()
    assert IntensivePlan.objects.get(client=ready).pattern == PATTERN


def test_a_block_without_its_length_is_refused_on_that_field(
    signed_in: SignIn, ready: Client
) -> None:
    data = plan_form(PATTERN)
    data["day1_block2_minutes"] = ""
    answer = signed_in(Role.FRONT_DESK).post(url(ready), data)
    assert answer.status_code == 422
    assert answer.context["form"].errors["day1_block2_minutes"] == [
        "Give the block's length in minutes."
    ]


def test_more_days_are_drawn_without_saving(signed_in: SignIn, ready: Client) -> None:
    answer = signed_in(Role.FRONT_DESK).post(url(ready), plan_form(PATTERN, days=4, action="days"))
    body = answer.content.decode()
    assert answer.status_code == 200
    assert 'name="day4_block1_activity"' in body
    assert '<option value="medicine" selected>' in body  # what was typed stays
    assert len(IntensivePlan.objects.get(client=ready).pattern) == 3


def test_a_template_fills_the_grid(
    signed_in: SignIn, ready: Client, staff: dict[Role, StaffMember], practice: Practice
) -> None:
    two_days = [PATTERN[1], PATTERN[2]]
    template = PatternTemplate.objects.create(
        practice=practice,
        name="Two days",
        pattern=two_days,
        updated_by=staff[Role.FRONT_DESK],
        updated_at=AT,
    )
    answer = signed_in(Role.FRONT_DESK).post(
        url(ready), plan_form(PATTERN, template=template.pk, action="template")
    )
    form = answer.context["form"]
    assert list(form.day_numbers) == [1, 2]
    assert form["day1_block1_activity"].initial == "medicine"


def test_the_location_for_video_blocks_is_chosen_on_the_page(
    signed_in: SignIn, ready: Client
) -> None:
    http = signed_in(Role.FRONT_DESK)
    refused = http.post(url(ready), plan_form(PATTERN, virtual_location_state="NY"))
    assert refused.status_code == 422
    assert "No therapist of the practice may see a client in New York" in refused.content.decode()
    saved = http.post(url(ready), plan_form(PATTERN, virtual_location_state="NJ"))
    assert saved.status_code == 302
    assert IntensivePlan.objects.get(client=ready).virtual_location_state == "NJ"


def test_only_a_medical_provider_changes_the_dosing_days(
    signed_in: SignIn, ready: Client, staff: dict[Role, StaffMember]
) -> None:
    # The front desk's page shows the days but cannot change them.
    http = signed_in(Role.FRONT_DESK)
    http.post(url(ready), plan_form(PATTERN, approved_dosing_days=[1, 2]))
    assert IntensivePlan.objects.get(client=ready).approved_dosing_days == [2]
    one_day_later = [PATTERN[0], PATTERN[0], PATTERN[1]]
    doctor = signed_in(Role.MEDICAL_PROVIDER)
    saved = doctor.post(url(ready), plan_form(one_day_later, approved_dosing_days=[3]))
    assert saved.status_code == 302
    stored = IntensivePlan.objects.get(client=ready)
    assert stored.approved_dosing_days == [3]
    assert stored.dosing_approved_by == staff[Role.MEDICAL_PROVIDER]


def test_an_intensive_is_not_shortened_past_an_approved_dosing_day_by_the_front_desk(
    signed_in: SignIn, ready: Client, staff: dict[Role, StaffMember]
) -> None:
    # Given a three-day plan with day 2 approved for a medicine session
    stored = IntensivePlan.objects.get(client=ready)
    # When the front desk makes it one day long
    http = signed_in(Role.FRONT_DESK)
    refused = http.post(url(ready), plan_form([PATTERN[0]]))
    # Then it is refused beside the dosing days (shown, day 2 still ticked), saying who can
    assert refused.status_code == 422
    page = refused.content.decode()
    assert (
        "Day 2 is approved for a medicine session and the intensive would have 1 day: "
        "a medical provider changes the approved days first." in page
    )
    assert 'value="2" disabled aria-invalid="true" id="id_approved_dosing_days_1" checked' in page
    unchanged = IntensivePlan.objects.get(client=ready)
    assert (len(unchanged.pattern), unchanged.approved_dosing_days) == (
        len(stored.pattern), [2],
    )  # fmt: skip
    # And a medical provider shortens it, approving the one day left
    doctor = signed_in(Role.MEDICAL_PROVIDER)
    one_day = [[*PATTERN[1]]]
    saved = doctor.post(url(ready), plan_form(one_day, approved_dosing_days=[1]))
    assert saved.status_code == 302
    shortened = IntensivePlan.objects.get(client=ready)
    assert (len(shortened.pattern), shortened.approved_dosing_days) == (1, [1])
    assert shortened.dosing_approved_by == staff[Role.MEDICAL_PROVIDER]


def test_a_client_off_the_team_is_not_found(
    signed_in: SignIn, ready: Client, other_client: Client
) -> None:
    assert signed_in(Role.THERAPIST).get(url(other_client)).status_code == 404


def test_templates_are_listed_added_and_changed_on_their_pages(signed_in: SignIn) -> None:
    http = signed_in(Role.FRONT_DESK)
    added = http.post(
        "/intensives/templates/new/", {"name": "Three days", **grid(PATTERN), "action": "save"}
    )
    assert added.status_code == 302
    template = PatternTemplate.objects.get(name="Three days")
    assert template.pattern == PATTERN
    listed = http.get("/intensives/templates/").content.decode()
    assert "Three days" in listed
    changed = http.post(
        f"/intensives/templates/{template.pk}/",
        {"name": "Two days", **grid(PATTERN[1:]), "action": "save"},
    )
    assert changed.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.pattern) == ("Two days", PATTERN[1:])


def test_another_practices_template_is_not_found(signed_in: SignIn) -> None:
    elsewhere = make_practice(name="Elsewhere Practice")
    template = PatternTemplate.objects.create(
        practice=elsewhere,
        name="Theirs",
        pattern=PATTERN,
        updated_by=make_staff(practice=elsewhere, roles=[Role.FRONT_DESK]),
        updated_at=AT,
    )
    http = signed_in(Role.FRONT_DESK)
    assert http.get(f"/intensives/templates/{template.pk}/").status_code == 404
    assert http.get(f"/api/v1/intensives/templates/{template.pk}").status_code == 404


def test_the_template_api_reads_and_changes_one(signed_in: SignIn) -> None:
    http = signed_in(Role.FRONT_DESK)
    made = http.post(
        "/api/v1/intensives/templates",
        {"name": "Three days", "pattern": PATTERN},
        content_type="application/json",
    ).json()
    assert http.get(f"/api/v1/intensives/templates/{made['id']}").json() == made
    changed = http.put(
        f"/api/v1/intensives/templates/{made['id']}",
        {"name": "Two days", "pattern": PATTERN[1:]},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json() == {"id": made["id"], "name": "Two days", "pattern": PATTERN[1:]}
    bad = http.put(
        f"/api/v1/intensives/templates/{made['id']}",
        {"name": "Two days", "pattern": [[{"activity": "emdr", "minutes": 60}]]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "pattern"
