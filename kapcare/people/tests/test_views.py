"""The staff pages through Django's test client: who sees what, forms, query counts."""

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.people.models import CareTeamMember, Client, Practice, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES, Role
from kapcare.people.views import HOME_PAGE_SIZE
from kapcare.people.vocabulary import RoomKind
from tests.factories import (
    make_care_team_member,
    make_client,
    make_location,
    make_practice,
    make_room,
    make_staff,
    make_user,
)
from tests.whole_chart import whole_chart

SignedIn = Callable[[Role], HttpClient]
CLINICIANS = (Role.THERAPIST, Role.MEDICAL_PROVIDER, Role.MONITOR)


def _events(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def _form_data(client: Client, **changes: str) -> dict[str, str]:
    data = {
        "legal_given_name": client.legal_given_name,
        "legal_family_name": client.legal_family_name,
        "preferred_name": client.preferred_name,
        "pronouns": client.pronouns,
        "date_of_birth": client.date_of_birth.isoformat(),
        "email": client.email,
        "phone": client.phone,
        "home_state": client.home_state,
        "emergency_contact_name": "",
        "emergency_contact_relationship": "",
        "emergency_contact_phone": "",
        "status": client.status,
    }
    data.update(changes)
    return data


NEW_CLIENT = {
    "legal_given_name": "Noor",
    "legal_family_name": "Haddad",
    "preferred_name": "",
    "pronouns": "she/her",
    "date_of_birth": "1988-06-15",
    "email": "noor@example.com",
    "phone": "555-0123",
    "home_state": "NJ",
    "emergency_contact_name": "",
    "emergency_contact_relationship": "",
    "emergency_contact_phone": "",
    "status": "active",
}


# --- Who gets which page ------------------------------------------------------------

# page -> {role: status} for a client on the care team of the fixture's clinicians
# ("team") and one with nobody from the fixture on its team ("other").
EXPECTED: dict[str, dict[Role, int]] = {
    "/": dict.fromkeys(Role, 200),
    "/practice/": dict.fromkeys(Role, 200),
    "/clients/new/": {
        Role.THERAPIST: 200,
        Role.MEDICAL_PROVIDER: 200,
        Role.MONITOR: 404,
        Role.FRONT_DESK: 200,
        Role.PRIVACY_OFFICER: 404,
    },
    "/clients/{team}/": {
        Role.THERAPIST: 200,
        Role.MEDICAL_PROVIDER: 200,
        Role.MONITOR: 200,
        Role.FRONT_DESK: 404,
        Role.PRIVACY_OFFICER: 404,
    },
    "/clients/{other}/": dict.fromkeys(Role, 404),
    "/clients/{team}/profile/": dict.fromkeys(Role, 200),
    "/clients/{other}/profile/": {
        Role.THERAPIST: 404,
        Role.MEDICAL_PROVIDER: 404,
        Role.MONITOR: 404,
        Role.FRONT_DESK: 200,
        Role.PRIVACY_OFFICER: 200,
    },
    "/clients/999999/": dict.fromkeys(Role, 404),
    "/clients/999999/profile/": dict.fromkeys(Role, 404),
    "/clients/99999999999999999999999/": dict.fromkeys(Role, 404),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("template", list(EXPECTED))
def test_page_status_by_role(
    template: str,
    role: Role,
    signed_in: SignedIn,
    team_client: Client,
    other_client: Client,
) -> None:
    path = template.format(team=team_client.pk, other=other_client.pk)
    response = signed_in(role).get(path)
    assert response.status_code == EXPECTED[template][role]


@pytest.mark.parametrize("template", list(EXPECTED))
def test_anonymous_is_sent_to_sign_in(
    template: str, client: HttpClient, team_client: Client, other_client: Client
) -> None:
    path = template.format(team=team_client.pk, other=other_client.pk)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/sign-in/?next={path}"


def test_account_without_staff_record_sees_no_clients(
    client: HttpClient, team_client: Client
) -> None:
    client.force_login(make_user())
    home = client.get("/")
    assert home.status_code == 403
    assert b"Your account has no staff record" in home.content
    assert team_client.display_name.encode() not in home.content
    for path in (f"/clients/{team_client.pk}/", f"/clients/{team_client.pk}/profile/"):
        assert client.get(path).status_code == 404
    assert client.get("/practice/").status_code == 404


def test_a_refused_chart_is_the_not_found_page_and_is_audited(
    signed_in: SignedIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    response = whole_chart(signed_in(Role.FRONT_DESK), team_client.pk)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert team_client.legal_given_name not in html
    [denied] = _events(AuditAction.DENIED)
    assert (denied.actor_id, denied.client_id, denied.outcome, denied.category) == (
        staff[Role.FRONT_DESK].user_id,
        team_client.pk,
        AuditOutcome.DENIED,
        "safety",
    )


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_read_only_pages_refuse_other_methods(
    method: str, signed_in: SignedIn, team_client: Client
) -> None:
    http = signed_in(Role.THERAPIST)
    for path in ("/", f"/clients/{team_client.pk}/", "/practice/"):
        assert getattr(http, method)(path).status_code == 405


# --- Home ---------------------------------------------------------------------------


def test_therapist_home_lists_own_clients_with_their_stage(
    signed_in: SignedIn, team_client: Client, other_client: Client
) -> None:
    response = signed_in(Role.THERAPIST).get("/")
    html = response.content.decode()
    assert "<h1>My clients</h1>" in html
    assert f'href="/clients/{team_client.pk}/"' in html
    assert team_client.display_name in html
    assert other_client.display_name not in html
    assert 'Inquiry and consultation<span class="visually-hidden"> (step 1 of 7)' in html


def test_front_desk_home_lists_everyone_linking_to_details(
    signed_in: SignedIn, team_client: Client, other_client: Client
) -> None:
    html = signed_in(Role.FRONT_DESK).get("/").content.decode()
    assert "<h1>Clients</h1>" in html
    for c in (team_client, other_client):
        assert f'href="/clients/{c.pk}/profile/"' in html
        assert f'href="/clients/{c.pk}/"' not in html


def test_home_reading_is_audited_per_client(
    signed_in: SignedIn, team_client: Client, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    signed_in(Role.FRONT_DESK).get("/")
    reads = _events(AuditAction.READ)
    assert sorted((e.client_id or 0, e.detail) for e in reads) == sorted(
        [(team_client.pk, "page:home"), (other_client.pk, "page:home")]
    )
    assert {e.actor_id for e in reads} == {staff[Role.FRONT_DESK].user_id}


def test_home_filters_by_stage_and_name(
    signed_in: SignedIn, practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    ada = make_client(
        practice=practice, legal_given_name="Ada", legal_family_name="Lane", stage="preparation"
    )
    bea = make_client(
        practice=practice, legal_given_name="Bea", legal_family_name="Lane", stage="screening"
    )
    cy = make_client(
        practice=practice,
        legal_given_name="Cyrus",
        legal_family_name="Moss",
        preferred_name="Cy",
        stage="preparation",
    )
    http = signed_in(Role.FRONT_DESK)

    def listed(query: str) -> list[str]:
        html = http.get("/" + query).content.decode()
        return re.findall(r'href="/clients/\d+/profile/">([^<]+)</a>', html)

    assert listed("") == [ada.display_name, bea.display_name, cy.display_name]
    assert listed("?stage=preparation") == [ada.display_name, cy.display_name]
    assert listed("?q=lane") == [ada.display_name, bea.display_name]
    assert listed("?q=cy") == [cy.display_name]
    assert listed("?q=lane&stage=preparation") == [ada.display_name]
    assert listed("?q=nobody") == []
    # The stage counts follow the name search.
    html = http.get("/?q=lane").content.decode()
    assert re.search(r"Screening <span class=\"count\">1</span>", html)
    assert re.search(r"Preparation <span class=\"count\">1</span>", html)


@pytest.mark.parametrize("query", ["?stage=nonsense", "?q=" + "x" * 101])
def test_home_with_a_bad_filter_says_so(
    query: str, signed_in: SignedIn, team_client: Client
) -> None:
    response = signed_in(Role.THERAPIST).get("/" + query)
    assert response.status_code == 422
    assert b'class="field-error"' in response.content


def test_home_pages_a_long_list_and_audits_only_what_is_shown(
    signed_in: SignedIn, practice: Practice
) -> None:
    for n in range(HOME_PAGE_SIZE + 5):
        make_client(practice=practice, legal_family_name=f"Lane{n:03}", stage="screening")
    http = signed_in(Role.FRONT_DESK)

    first = http.get("/?stage=screening").content.decode()
    assert first.count('scope="row"') == HOME_PAGE_SIZE
    assert "(page 1 of 2)" in first
    assert 'href="?stage=screening&amp;page=2" rel="next"' in first
    assert AuditEvent.objects.filter(detail="page:home").count() == HOME_PAGE_SIZE

    second = http.get("/?stage=screening&page=2").content.decode()
    assert second.count('scope="row"') == 5
    assert "Lane104" in second
    assert "Lane000" not in second


def _home_queries(http: HttpClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.FRONT_DESK])
def test_home_query_count_does_not_grow_with_clients(
    role: Role,
    signed_in: SignedIn,
    practice: Practice,
    staff: dict[Role, StaffMember],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    def add_clients(n: int) -> None:
        for _ in range(n):
            c = make_client(practice=practice)
            for team_role in CARE_TEAM_ROLES:
                make_care_team_member(client=c, staff=staff[team_role], role=team_role)

    http = signed_in(role)
    add_clients(2)
    few = _home_queries(http)
    add_clients(40)
    with django_assert_max_num_queries(few):
        response = http.get("/")
    assert response.content.decode().count('scope="row"') == 42


# --- Chart --------------------------------------------------------------------------


def test_chart_shows_demographics_team_pathway_and_placeholders(
    signed_in: SignedIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    html = whole_chart(signed_in(Role.THERAPIST), team_client.pk).content.decode()
    assert f"<h1>{team_client.display_name}" in html
    assert team_client.legal_name in html
    for role in CARE_TEAM_ROLES:
        assert staff[role].display_name in html
    assert 'aria-current="step"' in html
    for heading in (
        "Demographics",
        "Care team",
        "Care pathway",
        "Safety flags",
        "Treatment plan and consent",
        "Measures",
        "Medical screening and clearance",
        "Medicine sessions",
        "Psychotherapy notes",
    ):
        assert f">{heading}</h2>" in html


def test_monitor_chart_has_only_the_monitor_sections(
    signed_in: SignedIn, team_client: Client
) -> None:
    html = whole_chart(signed_in(Role.MONITOR), team_client.pk).content.decode()
    assert ">Safety flags</h2>" in html
    assert ">Medicine sessions</h2>" in html
    for hidden in ("Measures", "Treatment plan and consent", "Medical screening and clearance"):
        assert f">{hidden}</h2>" not in html
    assert ">Psychotherapy notes</h2>" not in html


def test_medical_provider_chart_has_no_psychotherapy_notes(
    signed_in: SignedIn, team_client: Client
) -> None:
    html = whole_chart(signed_in(Role.MEDICAL_PROVIDER), team_client.pk).content.decode()
    assert ">Medical screening and clearance</h2>" in html
    assert ">Psychotherapy notes</h2>" not in html


def test_html_in_names_is_escaped(
    signed_in: SignedIn, practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    client = make_client(
        practice=practice,
        legal_given_name="<script>alert(1)</script>",
        legal_family_name="O'Brien & <b>Sons</b>",
        pronouns='"><img src=x>',
    )
    make_care_team_member(client=client, staff=staff[Role.THERAPIST], role=Role.THERAPIST)
    http = signed_in(Role.THERAPIST)
    for path in ("/", f"/clients/{client.pk}/", f"/clients/{client.pk}/profile/"):
        html = http.get(path).content.decode()
        assert "<script>" not in html
        assert "<b>Sons</b>" not in html
        assert "<img" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pages_carry_a_strict_csp_and_no_inline_code(
    signed_in: SignedIn, team_client: Client
) -> None:
    http = signed_in(Role.THERAPIST)
    for path in ("/", f"/clients/{team_client.pk}/", f"/clients/{team_client.pk}/profile/"):
        response = http.get(path)
        assert "script-src 'self'" in response["Content-Security-Policy"]
        html = response.content.decode()
        # Scripts only from static files (the header's menu, the idle-timeout warning),
        # never inline
        # and, on the chart, the script that loads its parts
        scripts = re.findall(r"<script[^>]*>", html)
        chart_parts = ['<script src="/static/kapcare/chart-parts.js" defer>']
        assert scripts == [
            '<script src="/static/kapcare/nav-menu.js" defer>',
            *(chart_parts if path == f"/clients/{team_client.pk}/" else []),
            '<script src="/static/kapcare/idle-timeout.js" defer>',
        ]
        assert " style=" not in html
        assert "<style" not in html


# --- Details and contact ------------------------------------------------------------


def test_front_desk_edits_details(
    signed_in: SignedIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.FRONT_DESK)
    response = http.post(
        f"/clients/{team_client.pk}/profile/",
        _form_data(team_client, phone="555-0199", preferred_name="Sunny"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{team_client.pk}/profile/"
    team_client.refresh_from_db()
    assert (team_client.phone, team_client.preferred_name) == ("555-0199", "Sunny")
    [update] = _events(AuditAction.UPDATE)
    assert (update.actor_id, update.client_id, update.detail) == (
        staff[Role.FRONT_DESK].user_id,
        team_client.pk,
        "client:phone,preferred_name",
    )
    assert "Details saved." in http.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"legal_given_name": ""}, "legal_given_name", "Enter the client&#x27;s legal first name."),
        (
            {"date_of_birth": "2099-01-01"},
            "date_of_birth",
            "Date of birth cannot be in the future.",
        ),
        # Before the date of birth's own 130-year rule, the window of every date on a page.
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "between 1 Jan 1900 and 31 Dec 2100"),
        ({"date_of_birth": "31/31/1990"}, "date_of_birth", "Enter the date of birth as a real"),
        ({"email": "not-an-email"}, "email", "Enter the email in the form name@example.org."),
        ({"home_state": "ZZ"}, "home_state", "Choose the home state from the list."),
        (
            {"legal_family_name": "x" * 101},
            "legal_family_name",
            "Keep the legal last name to 100 characters (it has 101).",
        ),
    ],
)
def test_invalid_details_are_shown_with_422_and_not_saved(
    changes: dict[str, str],
    field: str,
    message: str,
    signed_in: SignedIn,
    team_client: Client,
) -> None:
    before = Client.objects.values().get(pk=team_client.pk)
    response = signed_in(Role.THERAPIST).post(
        f"/clients/{team_client.pk}/profile/", _form_data(team_client, **changes)
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert 'aria-invalid="true"' in html
    assert "There is a problem" in html
    assert Client.objects.values().get(pk=team_client.pk) == before
    assert _events(AuditAction.UPDATE) == []


@pytest.mark.parametrize("role", [Role.PRIVACY_OFFICER, Role.MONITOR])
def test_roles_that_may_not_edit_get_no_form_and_a_404_on_post(
    role: Role, signed_in: SignedIn, team_client: Client
) -> None:
    http = signed_in(role)
    page = http.get(f"/clients/{team_client.pk}/profile/").content.decode()
    assert '<form method="post" novalidate>' not in page
    assert "<dt>Legal name</dt>" in page
    response = http.post(
        f"/clients/{team_client.pk}/profile/", _form_data(team_client, legal_given_name="X")
    )
    assert response.status_code == 404
    team_client.refresh_from_db()
    assert team_client.legal_given_name != "X"


def test_a_refused_edit_is_audited(
    signed_in: SignedIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    signed_in(Role.PRIVACY_OFFICER).post(
        f"/clients/{team_client.pk}/profile/", _form_data(team_client, legal_given_name="X")
    )
    [denied] = _events(AuditAction.DENIED)
    assert (denied.actor_id, denied.client_id, denied.detail) == (
        staff[Role.PRIVACY_OFFICER].user_id,
        team_client.pk,
        "update:page:profile",
    )


def test_therapist_off_the_team_cannot_edit(signed_in: SignedIn, other_client: Client) -> None:
    response = signed_in(Role.THERAPIST).post(
        f"/clients/{other_client.pk}/profile/", _form_data(other_client, legal_given_name="X")
    )
    assert response.status_code == 404
    other_client.refresh_from_db()
    assert other_client.legal_given_name != "X"


# --- Add a client -------------------------------------------------------------------


def test_front_desk_adds_a_client_with_a_care_team(
    signed_in: SignedIn, practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    therapist = staff[Role.THERAPIST]
    response = signed_in(Role.FRONT_DESK).post(
        "/clients/new/", {**NEW_CLIENT, "care_team": [str(therapist.pk)]}
    )
    client = Client.objects.get(legal_family_name="Haddad")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client.pk}/profile/"
    assert (client.practice_id, client.date_of_birth, client.home_state) == (
        practice.pk,
        dt.date(1988, 6, 15),
        "NJ",
    )
    assert list(client.care_team.values_list("staff_id", "role")) == [
        (therapist.pk, Role.THERAPIST.value)
    ]
    [created] = _events(AuditAction.CREATE)
    assert (created.client_id, created.actor_id) == (client.pk, staff[Role.FRONT_DESK].user_id)


def test_a_therapist_who_adds_a_client_joins_the_care_team(
    signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.THERAPIST)
    form = http.get("/clients/new/").content.decode()
    assert re.search(rf'value="{staff[Role.THERAPIST].pk}"[^>]*checked', form)
    response = http.post("/clients/new/", NEW_CLIENT)
    client = Client.objects.get(legal_family_name="Haddad")
    assert list(client.care_team.values_list("staff_id", flat=True)) == [staff[Role.THERAPIST].pk]
    assert http.get(response["Location"]).status_code == 200
    assert whole_chart(http, client.pk).status_code == 200


@pytest.mark.parametrize("role", [Role.MONITOR, Role.PRIVACY_OFFICER])
def test_roles_that_may_not_add_clients_are_refused_and_audited(
    role: Role, signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(role)
    assert http.get("/clients/new/").status_code == 404
    assert http.post("/clients/new/", NEW_CLIENT).status_code == 404
    assert not Client.objects.exists()
    assert [(e.actor_id, e.detail) for e in _events(AuditAction.DENIED)] == [
        (staff[role].user_id, "create:page:new")
    ] * 2


def test_care_team_choices_are_the_practice_clinicians_only(
    signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    elsewhere = make_staff(practice=make_practice(name="Elsewhere"), roles=[Role.THERAPIST])
    html = signed_in(Role.FRONT_DESK).get("/clients/new/").content.decode()
    offered = {int(v) for v in re.findall(r'name="care_team" value="(\d+)"', html)}
    assert offered == {staff[r].pk for r in CLINICIANS}
    response = signed_in(Role.FRONT_DESK).post(
        "/clients/new/", {**NEW_CLIENT, "care_team": [str(elsewhere.pk)]}
    )
    assert response.status_code == 422
    assert "Choose the care team from the list." in response.content.decode()
    assert not Client.objects.filter(legal_family_name="Haddad").exists()
    assert not CareTeamMember.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"legal_given_name": ""}, "legal_given_name"),
        ({"legal_family_name": "   "}, "legal_family_name"),
        ({"date_of_birth": ""}, "date_of_birth"),
        ({"date_of_birth": "2999-12-31"}, "date_of_birth"),
        ({"home_state": ""}, "home_state"),
        ({"email": "@@"}, "email"),
    ],
)
def test_adding_a_client_with_bad_input_returns_422_and_saves_nothing(
    changes: dict[str, str], field: str, signed_in: SignedIn
) -> None:
    response = signed_in(Role.FRONT_DESK).post("/clients/new/", {**NEW_CLIENT, **changes})
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert "<title>Error: Add a client" in html
    assert not Client.objects.exists()
    assert _events(AuditAction.CREATE) == []


# --- Practice -----------------------------------------------------------------------


def test_practice_page_lists_locations_rooms_and_staff(
    signed_in: SignedIn, practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    office = make_location(
        practice=practice, name="Bryn Mawr office", offers_medicine_sessions=True
    )
    make_room(location=office, name="Harbor", kind=RoomKind.MEDICINE)
    make_room(location=office, name="Willow", kind=RoomKind.THERAPY)
    virtual = make_location(practice=practice, name="Telehealth", offers_medicine_sessions=False)
    other = make_practice(name="Another practice")
    make_location(practice=other, name="Not ours")
    make_staff(practice=other, roles=[Role.THERAPIST], user__full_name="Not Our Therapist")

    html = signed_in(Role.MONITOR).get("/practice/").content.decode()

    assert "Bryn Mawr office" in html
    assert virtual.name in html
    assert "Not ours" not in html
    assert "Not Our Therapist" not in html
    assert re.search(r"Harbor</span> <span class=\"kind kind-medicine\">Medicine room", html)
    assert re.search(r"Willow</span> <span class=\"kind kind-therapy\">Therapy room", html)
    assert "Not offered here" in html
    for role in Role:
        row = re.search(
            rf'<th scope="row">{re.escape(staff[role].display_name)}</th>\s*<td>([^<]*)</td>'
            r"\s*<td>(.*?)</td>",
            html,
        )
        assert row is not None
        assert row.group(1) == role.label
        assert re.findall(r">([A-Z]{2})</abbr>", row.group(2)) == ["NJ", "PA"]


def test_practice_page_query_count_is_fixed(
    signed_in: SignedIn,
    practice: Practice,
    staff: dict[Role, StaffMember],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    http = signed_in(Role.FRONT_DESK)
    make_room(location=make_location(practice=practice))
    with CaptureQueriesContext(connection) as few:
        http.get("/practice/")
    for _ in range(5):
        location = make_location(practice=practice)
        for _ in range(3):
            make_room(location=location)
        make_staff(practice=practice, roles=[Role.THERAPIST, Role.MONITOR], states=["PA", "NJ"])
    with django_assert_max_num_queries(len(few)):
        http.get("/practice/")
