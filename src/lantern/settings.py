"""Lantern settings: everything a deployment changes comes from environment variables (see README)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("LANTERN_HOME", Path.cwd())).resolve()
VAR_DIR = BASE_DIR / "var"


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEMO_MODE = _env_bool("LANTERN_DEMO_MODE", default=True)
DEBUG = _env_bool("LANTERN_DEBUG", default=False)


def _secret_key() -> str:
    key = os.environ.get("LANTERN_SECRET_KEY", "")
    if key:
        return key
    if not DEMO_MODE:
        raise RuntimeError("LANTERN_SECRET_KEY must be set when LANTERN_DEMO_MODE is off.")
    # Demo mode: a key generated once per checkout and kept under var/, never a default in the code.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _env_list("LANTERN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEMO_MODE else [])
CSRF_TRUSTED_ORIGINS = _env_list("LANTERN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram lookups for fuzzy search when the database is PostgreSQL
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "lantern.web",
    "lantern.calendar",
    "lantern.audit",
    "lantern.accounts",
    "lantern.access",
    "lantern.locality",
    "lantern.people",
    "lantern.intel",
    "lantern.cases",
    "lantern.language",
    "lantern.screening",
    "lantern.network",
    "lantern.oversight",
    "lantern.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lantern.accounts.middleware.IdleTimeoutMiddleware",
    "lantern.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "lantern.web.middleware.AccessErrorMiddleware",
]

ROOT_URLCONF = "lantern.urls"
WSGI_APPLICATION = "lantern.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "lantern.web.context_processors.shell",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'lantern.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, a busy timeout and IMMEDIATE transactions keep concurrent requests from failing with
    # "database is locked", and serialise audit-chain appends.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A real file (not :memory:) so the live server thread shares it; one per run, so runs never collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # One test database per run, so two runs on one server never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_lantern_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Sessions: short-lived, idle timeout enforced by middleware, cookies never readable by scripts.
LANTERN_IDLE_TIMEOUT_MINUTES = _env_int("LANTERN_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = _env_int("LANTERN_SESSION_MAX_HOURS", 10) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
_https = _env_bool("LANTERN_HTTPS", default=not DEMO_MODE)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
if _env_bool("LANTERN_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "manifest-src": [SELF],
    },
}

# Failed-login lockout (django-axes): per username, so one attacker cannot lock out an office.
AXES_FAILURE_LIMIT = _env_int("LANTERN_LOCKOUT_ATTEMPTS", 5)
AXES_COOLOFF_TIME = _env_int("LANTERN_LOCKOUT_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# axes.W006 warns that a username-only lockout can be bypassed by rotating user agents or cookies; it
# cannot: the lock is on the account. Locking by IP address would lock whole offices behind one NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANTERN_DEMO_PASSWORD = os.environ.get("LANTERN_DEMO_PASSWORD", "lantern-demo")
LANTERN_BREAK_GLASS_MINUTES = _env_int("LANTERN_BREAK_GLASS_MINUTES", 60)
LANTERN_TOKEN_DAYS = _env_int("LANTERN_TOKEN_DAYS", 30)
# Demo mode may skip two-factor authentication; the banner says so. Production never can.
LANTERN_REQUIRE_2FA = _env_bool("LANTERN_REQUIRE_2FA", default=not DEMO_MODE) or not DEMO_MODE
OTP_TOTP_ISSUER = "Lantern"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LANTERN_LOG_LEVEL", "WARNING")},
}

# Background work (linkage runs) is queued in the database and run by `lantern db_worker`; `lantern serve`
# starts one beside the web server unless LANTERN_TASK_WORKER=0 (when workers run as their own service).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TASK_WORKER_IN_SERVE = _env_bool("LANTERN_TASK_WORKER", default=True)
# Overdue case work goes to managers this often while `lantern serve` runs its worker (0: run `lantern escalate`
# from cron or a scheduler instead).
LANTERN_ESCALATE_MINUTES = _env_int("LANTERN_ESCALATE_MINUTES", 60)
# Each member of staff's daily digest of overdue and due-soon work is made, and emailed, from this hour (London) while
# `lantern serve` runs its worker (-1: run `lantern digest` once a day from cron or a scheduler instead).
LANTERN_DIGEST_HOUR = _env_int("LANTERN_DIGEST_HOUR", 7)

# Localities (issue 7): the name profiles and maps give the borough as a whole.
LANTERN_BOROUGH_NAME = os.environ.get("LANTERN_BOROUGH_NAME", "Kestrelmoor")
# Profiles read figures recomputed this often while `lantern serve` runs its worker (0: run
# `lantern locality-recompute` from a scheduler instead); imports recompute at once.
LANTERN_LOCALITY_RECOMPUTE_MINUTES = _env_int("LANTERN_LOCALITY_RECOMPUTE_MINUTES", 60)
LANTERN_NETWORK_REBUILD_MINUTES = _env_int("LANTERN_NETWORK_REBUILD_MINUTES", 60)

# Intelligence (issue 5). The agency that receives and triages anonymous public reports; who is told at once
# when a child is at immediate risk; the public form's rate limit (per sender, per window, stored only as a
# salted hash that is deleted with its window).
LANTERN_PUBLIC_REPORTS_AGENCY = os.environ.get("LANTERN_PUBLIC_REPORTS_AGENCY", "police")
LANTERN_URGENT_AGENCIES = _env_list("LANTERN_URGENT_AGENCIES", ["csc", "police"])
LANTERN_PUBLIC_RATE_LIMIT = _env_int("LANTERN_PUBLIC_RATE_LIMIT", 5)
LANTERN_PUBLIC_RATE_WINDOW_MINUTES = _env_int("LANTERN_PUBLIC_RATE_WINDOW_MINUTES", 15)
LANTERN_RELEASE_DAYS = _env_int("LANTERN_RELEASE_DAYS", 30)
# Where "Exit this page" on the public pages goes: an ordinary site that gives nothing away.
LANTERN_EXIT_URL = os.environ.get("LANTERN_EXIT_URL", "https://www.bbc.co.uk/weather")
EMAIL_BACKEND = os.environ.get("LANTERN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("LANTERN_FROM_EMAIL", "lantern@kestrelmoor.example")

# Calendar and timescales (rulebook sections F and G). One-off bank holidays proclaimed after the `holidays`
# release in use and the local authority's closure days (ISO dates, comma-separated) are not working days;
# CAL-COUNT-WD counts the start as day 0 unless LANTERN_WD_START_IS_DAY_ZERO=0 (then a working start is day 1).
LANTERN_EXTRA_BANK_HOLIDAYS = _env_list("LANTERN_EXTRA_BANK_HOLIDAYS", [])
LANTERN_CLOSURE_DAYS = _env_list("LANTERN_CLOSURE_DAYS", [])
LANTERN_WD_START_IS_DAY_ZERO = _env_bool("LANTERN_WD_START_IS_DAY_ZERO", default=True)
# The local timescales (LOCAL-STRAT-3, LOCAL-S47-15, LOCAL-CPVISIT-10, LOCAL-CORE-4W, LOCAL-OVERSIGHT-20,
# LOCAL-DRIFT-10), configurable per local authority.
LANTERN_STRATEGY_WORKING_DAYS = _env_int("LANTERN_STRATEGY_WORKING_DAYS", 3)
LANTERN_S47_WORKING_DAYS = _env_int("LANTERN_S47_WORKING_DAYS", 15)
LANTERN_CP_VISIT_WORKING_DAYS = _env_int("LANTERN_CP_VISIT_WORKING_DAYS", 10)
LANTERN_CORE_GROUP_WEEKS = _env_int("LANTERN_CORE_GROUP_WEEKS", 4)
LANTERN_OVERSIGHT_WORKING_DAYS = _env_int("LANTERN_OVERSIGHT_WORKING_DAYS", 20)
LANTERN_DRIFT_WORKING_DAYS = _env_int("LANTERN_DRIFT_WORKING_DAYS", 10)

# The partnership board's comparators (issue 9): the DfE's "Children in need" figures are kept for England, every
# region, and the local authority whose new_la_code this is (empty: none, as for the fictional Kestrelmoor); the
# board compares with the region named here (default E12000003, Yorkshire and The Humber).
LANTERN_LA_CODE = os.environ.get("LANTERN_LA_CODE", "")
LANTERN_REGION_CODE = os.environ.get("LANTERN_REGION_CODE", "E12000003")
