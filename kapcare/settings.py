"""Settings, read from the environment (README.md lists every variable).

KAPCARE_ENV chooses the mode: ``development`` (default, for ``make run`` and
the tests) or ``production``. Production refuses to start without a strong
SECRET_KEY and explicit ALLOWED_HOSTS; ``kapcare.checks`` adds system checks
for dangerous combinations that can still be configured.
"""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Lets Django's generic classes (QuerySet[Client], Prefetch[...]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KAPCARE_VAR_DIR") or BASE_DIR / "var")

ENV = os.environ.get("KAPCARE_ENV", "development")
if ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"KAPCARE_ENV must be development or production, not {ENV!r}.")
PRODUCTION = ENV == "production"


def _env_flag(name: str, default: bool) -> bool:
    """A yes/no variable: 1, true, yes or on (any case) mean yes."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


# Public on purpose: only for development and tests, refused in production.
DEV_SECRET_KEY = "kapcare-development-only-not-secret-0123456789-abcdefghijklmnop"  # noqa: S105


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if not PRODUCTION:
        return key or DEV_SECRET_KEY
    # Same strength test as Django's security.W009, made fatal: a guessable
    # key lets anyone forge sessions into psychotherapy records.
    if not key:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production KAP Care needs a random secret of at "
            "least 50 characters, e.g. from: python -c 'import secrets; "
            "print(secrets.token_urlsafe(64))'"
        )
    if (
        len(key) < 50
        or len(set(key)) < 5
        or key.startswith("django-insecure-")
        or key == DEV_SECRET_KEY
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 random characters "
            "(not the development key)."
        )
    return key


SECRET_KEY = _secret_key()
# Off unless a developer sets DEBUG=1 (so `make run` shows the product's own error pages,
# never Django's yellow page with URL patterns and settings); never on in production,
# whatever DEBUG says: error pages would show client data.
DEBUG = _env_flag("DEBUG", default=False) and not PRODUCTION

_hosts = _env_list("ALLOWED_HOSTS")
if PRODUCTION and not _hosts:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set: list the host names this practice is served on, "
        "comma separated (e.g. ALLOWED_HOSTS=care.example.org)."
    )
ALLOWED_HOSTS = _hosts or ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "kapcare.accounts",
    "kapcare.audit",
    "kapcare.backups",
    "kapcare.people",
    "kapcare.pathway",
    "kapcare.measures",
    "kapcare.scheduling",
    "kapcare.medicine",
    "kapcare.notes",
    "kapcare.interop",
    "kapcare.intensives",
    "kapcare.synthetic",
    "kapcare.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files stay cacheable), before everything that answers.
    "kapcare.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kapcare.middleware.StaffLoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "kapcare.portal.middleware.ClientConfinementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kapcare.people.idle_timeout.IdleTimeoutMiddleware",
    "kapcare.people.second_factor.SecondFactorEnrolmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kapcare.urls"
WSGI_APPLICATION = "kapcare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kapcare" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kapcare.people.context_processors.actor",
                "kapcare.people.idle_timeout.idle_timeout",
            ],
            # The one date and time format (|day, |clock, |when, |span) on every page.
            "builtins": ["kapcare.core.templatetags.dates"],
        },
    },
]
# Django's stock form errors ("This field is required.") read as the product's own,
# naming the field (kapcare/core/form_words.py).
FORM_RENDERER = "kapcare.core.form_words.FormRenderer"

_default_db = f"sqlite:///{VAR_DIR / 'kapcare.sqlite3'}"
if not os.environ.get("DATABASE_URL"):
    # SQLite cannot create the folder its file lives in: without this, a first
    # `manage.py migrate` outside `make` fails with "unable to open database file".
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_db,
        conn_max_age=_env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if os.environ.get("DATABASE_TEST_NAME"):
    # Lets two test runs share one PostgreSQL server without dropping each other's database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the app's queries are short, and at 100,000 clients the planner's
    # cost estimates pass jit_above_cost, so a 1 ms query spent 18 ms compiling itself
    # (EXPLAIN ANALYZE of the week calendar's client query). A URL that sets it wins.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if "jit" not in str(_options.get("options", "")):
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so a
    # read-then-write (audit chain, bookings) is serialized on SQLite the way
    # SELECT ... FOR UPDATE serializes it on PostgreSQL.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# On PostgreSQL, the audit events of a request that only reads commit without waiting for
# the disk (at most ~0.6 s of them lost if the database server itself crashes; changes and
# their events always wait): docs/decisions/0031-audit-append-without-waiting.md. Set to
# wait for every event.
KAPCARE_AUDIT_READS_WAIT_FOR_DISK = _env_flag("KAPCARE_AUDIT_READS_WAIT_FOR_DISK", False)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kapcare.accounts.passwords.VarietyValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Lock an account + address pair out for an hour after repeated failures;
# kapcare.accounts.lockout adds a larger limit per address across accounts.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "kapcare.accounts.lockout.AddressLimitHandler"
KAPCARE_ADDRESS_FAILURE_LIMIT = _env_int("KAPCARE_ADDRESS_FAILURE_LIMIT", 30)
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # axes would log the attempted user name otherwise

# Sign-in, password reset and second factors: django-allauth's account and mfa apps
# behind our own sign-in page (docs/decisions/0011-allauth-second-factor.md).
ACCOUNT_ADAPTER = "kapcare.accounts.adapters.AccountAdapter"
MFA_ADAPTER = "kapcare.people.second_factor.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # the practice enters its staff's work addresses
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False  # a reset never signs in: the second step still asks
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no mail to addresses without an account
ACCOUNT_EMAIL_SUBJECT_PREFIX = "KAP Care: "
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# django-axes counts wrong passwords (and locks out); allauth's own counter would stop
# the same guesses with another message. Its other limits (reset e-mails, codes) stay.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "KAP Care"
MFA_TOTP_TOLERANCE = 1
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_PASSKEY_LOGIN_ENABLED = False  # a passkey is the second step after the password
# Browsers only allow WebAuthn on https or on localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# Staff in a clinical role, the privacy officer and admins must enrol a second factor
# (kapcare.people.second_factor); on by default in production, where kapcare.E005
# refuses to run with it off.
KAPCARE_SECOND_FACTOR_REQUIRED = _env_flag("KAPCARE_SECOND_FACTOR_REQUIRED", default=PRODUCTION)

SESSION_COOKIE_AGE = _env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_flag("SECURE_SSL_REDIRECT", default=True)
    # The TLS proxy in front (docs/deployment.md) must set this header itself
    # and drop any value a client sent.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]

# Browser features KAP Care never uses are off for every page (kapcare.headers); passkeys
# and security keys (WebAuthn) are the only ones this origin uses.
KAPCARE_PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "bluetooth": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Nothing is loaded from another origin: no CDN, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = _env_int("KAPCARE_MAX_BODY_BYTES", 1_000_000)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Bulk FHIR exports (NDJSON files with client data): never served as static files.
EXPORT_DIR = Path(os.environ.get("KAPCARE_EXPORT_DIR") or VAR_DIR / "exports")
STATICFILES_DIRS = [BASE_DIR / "kapcare" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Development prints mail to the console; production sends it by SMTP
# (kapcare.W001 warns when production mail would land in a log or a file).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_flag("EMAIL_USE_TLS", default=False)
# Background work (reminders) runs in `manage.py db_worker`, queued in the database so
# SQLite and PostgreSQL both work without a broker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "care@kapcare.invalid"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

NINJA_PAGINATION_PER_PAGE = 50

# Logs name the request path and status, never client data: views and
# services log record ids and codes only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Tokens, passwords, keys and the secret parts of URLs are masked in every line.
    "filters": {"mask_secrets": {"()": "kapcare.log_masking.MaskSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "kapcare.errors.csrf_failure"
