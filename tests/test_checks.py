"""kapcare.* system checks: each fires on its dangerous setting, and only then."""

from collections.abc import Callable, Iterable
from io import StringIO
from typing import Any

import pytest
from django.core.checks import WARNING, CheckMessage, Error, Info, Warning, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings

from kapcare import checks

# The checks read settings.DATABASES; nothing here opens a connection with it.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES:UserWarning")

STRONG_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"
SQLITE = "django.db.backends.sqlite3"
POSTGRES = "django.db.backends.postgresql"

Check = Callable[..., Iterable[CheckMessage]]


def _ids(check: Check) -> list[str]:
    return [str(message.id) for message in check(app_configs=None, databases=None)]


def _production(settings: Settings, **overrides: Any) -> None:
    """A sound production configuration, then ``overrides`` on top."""
    settings.PRODUCTION = True
    settings.DEBUG = False
    settings.PASSWORD_HASHERS = [
        checks.ARGON2_HASHER,
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    settings.ALLOWED_HOSTS = ["care.example.org"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SESSION_COOKIE_AGE = 8 * 3600
    settings.KAPCARE_SECOND_FACTOR_REQUIRED = True
    settings.DATABASES = {
        "default": {**settings.DATABASES["default"], "ENGINE": POSTGRES, "OPTIONS": {}}
    }
    for name, value in overrides.items():
        setattr(settings, name, value)


ALL_CHECKS: list[Check] = [
    checks.check_debug_in_production,
    checks.check_password_hasher_in_production,
    checks.check_audit_serialization,
    checks.check_hosts_in_production,
    checks.check_email_in_production,
    checks.check_session_age_in_production,
    checks.check_sqlite_in_production,
    checks.check_second_factor_in_production,
]


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
def test_sound_production_configuration_passes_every_check(
    settings: Settings, check: Check
) -> None:
    _production(settings)

    assert _ids(check) == []


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
def test_development_configuration_passes_every_check(check: Check) -> None:
    # The settings the tests run with are development settings (DEBUG, MD5 hasher...).
    assert _ids(check) == []


def test_e001_debug_in_production(settings: Settings) -> None:
    _production(settings, DEBUG=True)

    [message] = checks.check_debug_in_production(app_configs=None)

    assert isinstance(message, Error)
    assert message.id == "kapcare.E001"
    assert message.msg == "DEBUG is on in production."


def test_debug_in_development_is_fine(settings: Settings) -> None:
    settings.PRODUCTION = False
    settings.DEBUG = True

    assert _ids(checks.check_debug_in_production) == []


@pytest.mark.parametrize(
    "hashers",
    [
        ["django.contrib.auth.hashers.MD5PasswordHasher"],
        ["django.contrib.auth.hashers.PBKDF2PasswordHasher", checks.ARGON2_HASHER],
        [],
    ],
)
def test_e002_production_passwords_not_argon2_first(settings: Settings, hashers: list[str]) -> None:
    _production(settings, PASSWORD_HASHERS=hashers)

    [message] = checks.check_password_hasher_in_production(app_configs=None)

    assert isinstance(message, Error)
    assert message.id == "kapcare.E002"


@pytest.mark.parametrize("mode", [None, "DEFERRED", "EXCLUSIVE"])
def test_e003_sqlite_without_immediate_transactions(settings: Settings, mode: str | None) -> None:
    options = {} if mode is None else {"transaction_mode": mode}
    settings.DATABASES = {
        "default": {**settings.DATABASES["default"], "ENGINE": SQLITE, "OPTIONS": options}
    }

    [message] = checks.check_audit_serialization(app_configs=None)

    assert isinstance(message, Error)
    assert message.id == "kapcare.E003"
    assert message.msg == "The SQLite database 'default' does not start transactions IMMEDIATE."


def test_e003_names_every_faulty_sqlite_database(settings: Settings) -> None:
    sqlite = {"ENGINE": SQLITE, "NAME": "x.sqlite3", "OPTIONS": {}}
    settings.DATABASES = {
        "default": {**settings.DATABASES["default"], "ENGINE": POSTGRES, "OPTIONS": {}},
        "reports": sqlite,
        "archive": {**sqlite, "OPTIONS": {"transaction_mode": "immediate"}},
    }

    messages = checks.check_audit_serialization(app_configs=None)

    assert [(m.id, m.msg) for m in messages] == [
        ("kapcare.E003", "The SQLite database 'reports' does not start transactions IMMEDIATE.")
    ]


def test_settings_give_every_sqlite_url_immediate_transactions() -> None:
    from kapcare import settings as project_settings

    database = project_settings.DATABASES["default"]

    if database["ENGINE"] == SQLITE:
        assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    else:
        assert database["ENGINE"] == POSTGRES


@pytest.mark.parametrize("hosts", [["*"], ["care.example.org", "*"]])
def test_e004_any_host_in_production(settings: Settings, hosts: list[str]) -> None:
    _production(settings, ALLOWED_HOSTS=hosts)

    [message] = checks.check_hosts_in_production(app_configs=None)

    assert isinstance(message, Error)
    assert message.id == "kapcare.E004"


def test_subdomain_wildcard_is_not_any_host(settings: Settings) -> None:
    _production(settings, ALLOWED_HOSTS=[".care.example.org"])

    assert _ids(checks.check_hosts_in_production) == []


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    ],
)
def test_w001_local_email_in_production(settings: Settings, backend: str) -> None:
    _production(settings, EMAIL_BACKEND=backend)

    [message] = checks.check_email_in_production(app_configs=None)

    assert isinstance(message, Warning)
    assert message.id == "kapcare.W001"
    assert message.msg == f"EMAIL_BACKEND is {backend} in production."


def test_w002_long_sessions_in_production(settings: Settings) -> None:
    _production(settings, SESSION_COOKIE_AGE=12 * 3600 + 1)

    [message] = checks.check_session_age_in_production(app_configs=None)

    assert isinstance(message, Warning)
    assert message.id == "kapcare.W002"


def test_twelve_hour_sessions_are_allowed(settings: Settings) -> None:
    _production(settings, SESSION_COOKIE_AGE=12 * 3600)

    assert _ids(checks.check_session_age_in_production) == []


def test_i001_sqlite_in_production_is_information_only(settings: Settings) -> None:
    _production(settings)
    settings.DATABASES = {
        "default": {
            **settings.DATABASES["default"],
            "ENGINE": SQLITE,
            "OPTIONS": {"transaction_mode": "IMMEDIATE"},
        }
    }

    [message] = checks.check_sqlite_in_production(app_configs=None)

    assert isinstance(message, Info)
    assert message.id == "kapcare.I001"
    assert not message.is_serious(level=WARNING)
    # Said by `check --deploy` only, not by every migrate and runserver.
    assert "kapcare.I001" not in {m.id for m in run_checks(tags=[checks.TAG])}
    assert "kapcare.I001" in {
        m.id for m in run_checks(tags=[checks.TAG], include_deployment_checks=True)
    }


def test_checks_are_registered_under_the_kapcare_tag(settings: Settings) -> None:
    _production(
        settings, DEBUG=True, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"
    )

    ids = sorted(str(m.id) for m in run_checks(tags=[checks.TAG]))

    assert ids == ["kapcare.E001", "kapcare.W001"]


def test_manage_check_fails_on_a_kapcare_error(settings: Settings) -> None:
    _production(settings, ALLOWED_HOSTS=["*"])

    with pytest.raises(SystemCheckError, match=r"kapcare\.E004"):
        call_command("check", stdout=StringIO(), stderr=StringIO())


def test_silencing_a_check_by_id(settings: Settings) -> None:
    _production(settings, ALLOWED_HOSTS=["*"], SILENCED_SYSTEM_CHECKS=["kapcare.E004"])
    out = StringIO()

    call_command("check", stdout=out, stderr=StringIO())

    assert "1 silenced" in out.getvalue()


def test_e005_production_without_a_required_second_factor(settings: Settings) -> None:
    _production(settings, KAPCARE_SECOND_FACTOR_REQUIRED=False)
    [message] = checks.check_second_factor_in_production(app_configs=None)
    assert message.id == "kapcare.E005"
    assert isinstance(message, Error)


def test_e005_is_silent_in_development(settings: Settings) -> None:
    settings.PRODUCTION = False
    settings.KAPCARE_SECOND_FACTOR_REQUIRED = False
    assert checks.check_second_factor_in_production(app_configs=None) == []
