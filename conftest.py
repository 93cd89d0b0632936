"""Fixtures shared by every test: a practice, one staff member per role, clients, and the
one ``world`` (``tests/world.py``) built from them."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client as HttpClient
from hypothesis import settings as hypothesis_settings

from kapcare.people.access import Actor, actor_for_user
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES, Role
from tests.factories import make_care_team_member, make_client, make_practice, make_staff
from tests.world import World, build_world

# Tests never assert times: Hypothesis's default 200 ms per example would fail a property
# on a machine that is merely busy (two cores shared by parallel test workers).
hypothesis_settings.register_profile("kapcare", deadline=None)
hypothesis_settings.load_profile("kapcare")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Browser tests on SQLite use a database file, as production does, not memory.

    For an in-memory database the live server hands its one connection to every
    request thread, so two requests at once (a page and its idle-timeout poll) collide
    with "database table is locked". With a file each thread has its own connection,
    and WAL with the busy timeout (settings.py) serializes writers as in production.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    if any(item.get_closest_marker("browser") for item in request.session.items):
        path = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Argon2 is the production hasher (see test_settings); MD5 keeps tests fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _export_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("exports")


@pytest.fixture(autouse=True)
def _exports_in_a_temporary_folder(settings: Any, _export_root: Path) -> None:
    # Bulk exports write NDJSON files: never into the checkout's var/ from a test.
    settings.EXPORT_DIR = _export_root


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Rate limits (allauth's reset e-mails and second-step codes) live in the cache:
    # one test's attempts must not count against the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def practice(db: None) -> Practice:
    return make_practice()


@pytest.fixture
def staff(practice: Practice) -> dict[Role, StaffMember]:
    """One staff member per role, licensed in PA and NJ."""
    return {
        role: make_staff(
            practice=practice,
            roles=[role],
            states=["PA", "NJ"],
            user__email=f"{role.value}@example.org",
            user__full_name=f"Test {role.label}",
        )
        for role in Role
    }


@pytest.fixture
def team_client(practice: Practice, staff: dict[Role, StaffMember]) -> Client:
    """A client whose care team holds the therapist, medical provider and monitor."""
    client = make_client(practice=practice)
    for role in CARE_TEAM_ROLES:
        make_care_team_member(client=client, staff=staff[role], role=role)
    return client


@pytest.fixture
def other_client(practice: Practice) -> Client:
    """A client of the same practice with nobody from ``staff`` on the care team."""
    return make_client(practice=practice)


@pytest.fixture
def actor(staff: dict[Role, StaffMember]) -> Callable[[Role], Actor]:
    def make(role: Role) -> Actor:
        return actor_for_user(staff[role].user, source_ip="127.0.0.1")

    return make


@pytest.fixture
def signed_in(client: HttpClient, staff: dict[Role, StaffMember]) -> Callable[[Role], HttpClient]:
    """The Django test client signed in as the staff member holding ``role``."""

    def sign_in(role: Role) -> HttpClient:
        client.force_login(staff[role].user)
        return client

    return sign_in


@pytest.fixture
def world(
    practice: Practice, staff: dict[Role, StaffMember], team_client: Client, other_client: Client
) -> World:
    """The practice most tests start from (``tests.world.World``)."""
    return build_world(practice, staff, team_client, other_client)
