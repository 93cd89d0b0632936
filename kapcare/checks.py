"""System checks for configuration that is dangerous in a clinical system.

Each check has a stable id (``kapcare.E001`` ...) so it can be looked up in
docs/deployment.md and, where a practice decides so, silenced on purpose with
``SILENCED_SYSTEM_CHECKS``. They run with every ``manage.py`` command that
checks (``check``, ``migrate``, ``runserver``), except kapcare.I001, which is
information for ``check --deploy`` only. The production ones only look at
anything when ``KAPCARE_ENV=production``.

Registered from ``PeopleConfig.ready``.
"""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, Warning, register

__all__ = [
    "check_audit_serialization",
    "check_debug_in_production",
    "check_email_in_production",
    "check_hosts_in_production",
    "check_password_hasher_in_production",
    "check_second_factor_in_production",
    "check_session_age_in_production",
    "check_sqlite_in_production",
]

TAG = "kapcare"

ARGON2_HASHER = "django.contrib.auth.hashers.Argon2PasswordHasher"
SQLITE_ENGINE = "django.db.backends.sqlite3"
# Back-ends that keep messages on this machine (stdout, a file, memory):
# a reminder or a reset link would end up in a log instead of an inbox.
LOCAL_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    }
)
# A shared clinic tablet should not stay signed in for a whole day.
MAX_PRODUCTION_SESSION_SECONDS = 12 * 3600

_Configs = Sequence[AppConfig] | None


def _production() -> bool:
    return bool(getattr(settings, "PRODUCTION", False))


@register(TAG, Tags.security)
def check_debug_in_production(*, app_configs: _Configs, **kwargs: Any) -> list[CheckMessage]:
    if _production() and settings.DEBUG:
        return [
            Error(
                "DEBUG is on in production.",
                hint="Error pages would show settings and client data to anyone. Unset DEBUG.",
                id="kapcare.E001",
            )
        ]
    return []


@register(TAG, Tags.security)
def check_password_hasher_in_production(
    *, app_configs: _Configs, **kwargs: Any
) -> list[CheckMessage]:
    hashers = list(settings.PASSWORD_HASHERS)
    if _production() and (not hashers or hashers[0] != ARGON2_HASHER):
        return [
            Error(
                "Passwords are not hashed with Argon2 in production.",
                hint=f"Put {ARGON2_HASHER} first in PASSWORD_HASHERS (fast hashers are for "
                "tests only).",
                id="kapcare.E002",
            )
        ]
    return []


@register(TAG)
def check_audit_serialization(*, app_configs: _Configs, **kwargs: Any) -> list[CheckMessage]:
    """The audit chain's append is read-then-write; SQLite must serialize it."""
    errors: list[CheckMessage] = []
    for alias, database in settings.DATABASES.items():
        if database.get("ENGINE") != SQLITE_ENGINE:
            continue
        mode = database.get("OPTIONS", {}).get("transaction_mode")
        if str(mode).upper() != "IMMEDIATE":
            errors.append(
                Error(
                    f"The SQLite database {alias!r} does not start transactions IMMEDIATE.",
                    hint="Without OPTIONS['transaction_mode'] = 'IMMEDIATE' two writers can "
                    "fork the audit chain or double-book a room. kapcare.settings sets it "
                    "for every sqlite:// DATABASE_URL.",
                    id="kapcare.E003",
                )
            )
    return errors


@register(TAG, Tags.security)
def check_second_factor_in_production(
    *, app_configs: _Configs, **kwargs: Any
) -> list[CheckMessage]:
    if _production() and not getattr(settings, "KAPCARE_SECOND_FACTOR_REQUIRED", False):
        return [
            Error(
                "A second sign-in factor is not required in production.",
                hint="Clinical staff and the privacy officer must sign in with an authenticator "
                "app or a passkey (ONC 170.315(d)(13)). Unset KAPCARE_SECOND_FACTOR_REQUIRED "
                "(it is on by default in production).",
                id="kapcare.E005",
            )
        ]
    return []


@register(TAG, Tags.security)
def check_hosts_in_production(*, app_configs: _Configs, **kwargs: Any) -> list[CheckMessage]:
    if _production() and "*" in settings.ALLOWED_HOSTS:
        return [
            Error(
                "ALLOWED_HOSTS accepts any host name ('*') in production.",
                hint="List the practice's own host names: links in emails and redirects are "
                "built from the Host header.",
                id="kapcare.E004",
            )
        ]
    return []


@register(TAG, Tags.security)
def check_email_in_production(*, app_configs: _Configs, **kwargs: Any) -> list[CheckMessage]:
    if _production() and settings.EMAIL_BACKEND in LOCAL_EMAIL_BACKENDS:
        return [
            Warning(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND} in production.",
                hint="Mail would reach a log or a file on the server, not the person, and "
                "could leave client data there. Use SMTP (the production default) and set "
                "EMAIL_HOST.",
                id="kapcare.W001",
            )
        ]
    return []


@register(TAG, Tags.security)
def check_session_age_in_production(*, app_configs: _Configs, **kwargs: Any) -> list[CheckMessage]:
    if _production() and settings.SESSION_COOKIE_AGE > MAX_PRODUCTION_SESSION_SECONDS:
        return [
            Warning(
                f"Sessions last {settings.SESSION_COOKIE_AGE} seconds in production.",
                hint="A session left open on a shared device keeps client records open: keep "
                f"SESSION_COOKIE_AGE at most {MAX_PRODUCTION_SESSION_SECONDS} (12 hours).",
                id="kapcare.W002",
            )
        ]
    return []


@register(TAG, deploy=True)
def check_sqlite_in_production(*, app_configs: _Configs, **kwargs: Any) -> list[CheckMessage]:
    # Information, not a warning: a one-laptop practice runs on SQLite by design.
    if _production() and settings.DATABASES["default"].get("ENGINE") == SQLITE_ENGINE:
        return [
            Info(
                "Production is running on the embedded SQLite database.",
                hint="Fine for one machine and one web process; back up the database file "
                "(docs/deployment.md). Use PostgreSQL for several web workers.",
                id="kapcare.I001",
            )
        ]
    return []
