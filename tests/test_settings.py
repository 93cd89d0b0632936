"""Settings come from the environment; production refuses unsafe ones.

Settings are read once per process, so each configuration runs in a fresh
Python process with exactly the environment given (nothing inherited from
the test run, such as DATABASE_URL).
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kapcare import settings as project_settings

BASE_DIR = Path(project_settings.BASE_DIR)
STRONG_KEY = "Zq3v9-pLk2_8sWn4Rx7tYb1mHc6JfGd0aVeUoTiPyNrMlKjQhBgFdSaZxCvBnM"
PRODUCTION = {
    "KAPCARE_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "care.example.org",
}
# Settings that the probe below prints, as JSON.
PROBED = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "SESSION_COOKIE_AGE",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_REDIRECT_EXEMPT",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "STATIC_ROOT",
)
PROBE = f"""
import json
from kapcare import settings as s
db = s.DATABASES["default"]
values = {{name: getattr(s, name, None) for name in {PROBED!r}}}
values["STATIC_ROOT"] = str(values["STATIC_ROOT"])
values["DB"] = {{k: db.get(k) for k in ("ENGINE", "NAME", "HOST", "PORT", "USER", "CONN_MAX_AGE")}}
values["DB_OPTIONS"] = db.get("OPTIONS", {{}})
values["STORAGE"] = s.STORAGES["staticfiles"]["BACKEND"]
print(json.dumps(values, default=str))
"""


def _run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "KAPCARE_VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(  # noqa: S603  (our own interpreter, fixed arguments)
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings(env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    done = _run(["-c", PROBE], env, tmp_path)
    assert done.returncode == 0, done.stderr
    values: dict[str, Any] = json.loads(done.stdout)
    return values


def _refusal(env: dict[str, str], tmp_path: Path) -> str:
    """The last line of the error a refused configuration prints on loading the settings."""
    done = _run(["-c", "import kapcare.settings"], env, tmp_path)
    assert done.returncode == 1
    return done.stderr.strip().splitlines()[-1]


# Development, the default --------------------------------------------------


def test_development_defaults(tmp_path: Path) -> None:
    values = _settings({}, tmp_path)

    assert values["DEBUG"] is False  # the product's own error pages; DEBUG=1 for tracebacks
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "testserver"]
    assert values["CSRF_TRUSTED_ORIGINS"] == []
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["SESSION_COOKIE_AGE"] == 8 * 3600
    assert values["SESSION_COOKIE_SECURE"] is None  # Django's default (False) applies
    assert values["DB"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DB"]["NAME"] == str(tmp_path / "var" / "kapcare.sqlite3")
    assert values["DB_OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert values["STATIC_ROOT"] == str(tmp_path / "var" / "static")
    assert values["STORAGE"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_a_first_migrate_creates_the_folder_of_the_embedded_database(tmp_path: Path) -> None:
    assert not (tmp_path / "var").exists()

    done = _run(["manage.py", "migrate", "--noinput", "-v", "0"], {}, tmp_path)

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "var" / "kapcare.sqlite3").is_file()


def test_development_runs_without_a_secret_key(tmp_path: Path) -> None:
    done = _run(["manage.py", "check"], {}, tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.stdout == "System check identified no issues (0 silenced).\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", False), ("off", False), ("TRUE", True), ("1", True), ("", False)],
)
def test_debug_flag(tmp_path: Path, value: str, expected: bool) -> None:
    assert _settings({"DEBUG": value}, tmp_path)["DEBUG"] is expected


def test_lists_and_numbers_from_the_environment(tmp_path: Path) -> None:
    values = _settings(
        {
            "ALLOWED_HOSTS": " care.example.org, .example.net ,,",
            "CSRF_TRUSTED_ORIGINS": "https://care.example.org",
            "SESSION_COOKIE_AGE": "3600",
            "KAPCARE_MAX_BODY_BYTES": "2000000",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_PORT": "587",
            "EMAIL_USE_TLS": "yes",
            "DEFAULT_FROM_EMAIL": "care@example.org",
        },
        tmp_path,
    )

    assert values["ALLOWED_HOSTS"] == ["care.example.org", ".example.net"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://care.example.org"]
    assert values["SESSION_COOKIE_AGE"] == 3600
    assert values["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 2_000_000
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_TLS"]) == (
        "smtp.example.org",
        587,
        True,
    )
    assert values["DEFAULT_FROM_EMAIL"] == "care@example.org"


def test_postgres_database_url(tmp_path: Path) -> None:
    values = _settings(
        {
            "DATABASE_URL": "postgres://kap:pw@db.internal:5433/kapcare",
            "DATABASE_CONN_MAX_AGE": "60",
        },
        tmp_path,
    )

    assert values["DB"] == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "kapcare",
        "HOST": "db.internal",
        "PORT": 5433,
        "USER": "kap",
        "CONN_MAX_AGE": 60,
    }
    assert "transaction_mode" not in values["DB_OPTIONS"]
    assert values["DB_OPTIONS"]["options"] == "-c jit=off"


def test_a_postgres_url_that_sets_jit_keeps_it(tmp_path: Path) -> None:
    url = "postgres://kap:pw@db.internal:5433/kapcare?options=-c%20jit%3Don"
    values = _settings({"DATABASE_URL": url}, tmp_path)

    assert values["DB_OPTIONS"]["options"] == "-c jit=on"


def test_any_sqlite_url_gets_immediate_transactions(tmp_path: Path) -> None:
    values = _settings({"DATABASE_URL": f"sqlite:///{tmp_path}/other.sqlite3"}, tmp_path)

    assert values["DB"]["NAME"] == f"{tmp_path}/other.sqlite3"
    assert values["DB_OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.parametrize(
    ("name", "value"),
    [("SESSION_COOKIE_AGE", "eight hours"), ("SECURE_HSTS_SECONDS", "25.0")],
)
def test_a_number_that_is_not_refuses_to_start(tmp_path: Path, name: str, value: str) -> None:
    env = {**PRODUCTION, name: value} if name == "SECURE_HSTS_SECONDS" else {name: value}

    assert _refusal(env, tmp_path) == (
        f"django.core.exceptions.ImproperlyConfigured: {name} must be a whole number, "
        f"not {value!r}."
    )


def test_unknown_mode_refuses_to_start(tmp_path: Path) -> None:
    assert _refusal({"KAPCARE_ENV": "staging"}, tmp_path) == (
        "django.core.exceptions.ImproperlyConfigured: KAPCARE_ENV must be development or "
        "production, not 'staging'."
    )


# Production ------------------------------------------------------------------


def test_production_settings(tmp_path: Path) -> None:
    values = _settings({**PRODUCTION, "DEBUG": "1"}, tmp_path)

    assert values["DEBUG"] is False  # DEBUG=1 is ignored in production
    assert values["ALLOWED_HOSTS"] == ["care.example.org"]
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("localhost", 25)
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    # load balancers may use HTTP
    assert values["SECURE_REDIRECT_EXEMPT"] == ["^healthz$", "^livez$"]
    assert values["STORAGE"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    line = _refusal(env, tmp_path)

    assert line.startswith(
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set. In production "
        "KAP Care needs a random secret of at least 50 characters"
    )


@pytest.mark.parametrize(
    "key",
    [
        "short-but-random-Zq3v9pLk2",
        "a" * 60,
        "ababababab" * 6,
        "django-insecure-" + STRONG_KEY,
        project_settings.DEV_SECRET_KEY,
    ],
    ids=["short", "one-character", "few-characters", "django-insecure", "development-key"],
)
def test_production_with_weak_secret_key_refuses_to_start(tmp_path: Path, key: str) -> None:
    assert _refusal({**PRODUCTION, "SECRET_KEY": key}, tmp_path) == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is too weak for production: "
        "use at least 50 random characters (not the development key)."
    )


def test_production_without_allowed_hosts_refuses_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "ALLOWED_HOSTS"}

    assert _refusal(env, tmp_path) == (
        "django.core.exceptions.ImproperlyConfigured: ALLOWED_HOSTS is not set: list the host "
        "names this practice is served on, comma separated (e.g. ALLOWED_HOSTS=care.example.org)."
    )


def test_manage_py_refuses_with_the_same_message(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    done = _run(["manage.py", "migrate"], env, tmp_path)

    assert done.returncode == 1
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set.")
    )
    assert not (tmp_path / "var" / "kapcare.sqlite3").exists()


def test_the_wsgi_application_refuses_too(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    done = _run(["-c", "import kapcare.wsgi"], env, tmp_path)

    assert done.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY is not set." in done.stderr


@pytest.mark.parametrize(
    ("database_url", "informed"),
    [("", True), ("postgres://kapcare@127.0.0.1:5432/kapcare", False)],
    ids=["sqlite", "postgresql"],
)
def test_check_deploy_passes_in_production(
    tmp_path: Path, database_url: str, informed: bool
) -> None:
    env = {**PRODUCTION, "DATABASE_URL": database_url}

    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)

    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output
    # SQLite in production is information (one-laptop practices), not a warning.
    assert ("(kapcare.I001)" in output) is informed


def test_plain_check_in_production_says_nothing_about_sqlite(tmp_path: Path) -> None:
    done = _run(["manage.py", "check"], PRODUCTION, tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.stdout == "System check identified no issues (0 silenced).\n"


def test_check_deploy_fails_on_a_warning_in_production(tmp_path: Path) -> None:
    env = {**PRODUCTION, "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}

    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)

    assert done.returncode == 1
    assert "(kapcare.W001)" in done.stderr


def test_check_deploy_without_ssl_redirect_warns(tmp_path: Path) -> None:
    # A proxy that redirects to HTTPS itself can turn this off; Django still warns.
    env = {**PRODUCTION, "SECURE_SSL_REDIRECT": "0"}

    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)

    assert done.returncode == 1
    assert "(security.W008)" in done.stderr


# In this process -------------------------------------------------------------


def test_argon2_is_the_production_hasher() -> None:
    # The tests swap in MD5 for speed (conftest.py); the settings module does not.
    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_content_security_policy_allows_no_other_origin() -> None:
    directives = project_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]

    sources = {source for values in directives.values() for source in values}

    assert sources <= {"'self'", "'none'", "data:"}
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
