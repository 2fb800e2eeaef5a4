"""Settings shared by every environment; each value can be overridden from the environment."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MESH_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def persisted_secret_key() -> str:
    """SECRET_KEY from the environment, else one generated on first start and kept in var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # O_EXCL: when several workers start at once, only one writes the key and all read it.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = persisted_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "kernel",
    "organisations",
    "journey",
    "assessments",
    "champions",
    "workshops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivatePagesMiddleware",
    "config.middleware.ThrottledMiddleware",
    "config.middleware.BusyDatabaseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisations.context_processors.current_organisation",
            ],
        },
    },
]


def database_config() -> dict:
    if url := os.environ.get("DATABASE_URL"):
        # Served over ASGI, a request's sync code runs on a thread that ends with the request,
        # so a connection kept for later is never reused and only piles up: Django's
        # documentation says to turn persistent connections off under ASGI.
        return dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", VAR_DIR / "db.sqlite3"),
        # IMMEDIATE takes the write lock when a transaction starts, so two writers queue
        # instead of one failing with "database is locked" half way through.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        },
    }


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_config() -> dict:
    # Throttles (kernel.throttle) count attempts in the cache, so it must be shared by every
    # worker: Redis when configured, otherwise a table in the database. Redis's INCR keeps a
    # key's expiry; Django's own DatabaseCache does not, hence kernel.cache.
    if url := os.environ.get("REDIS_URL"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    return {
        "BACKEND": "kernel.cache.DatabaseCache",
        "LOCATION": "mesh_cache",
        # Past MAX_ENTRIES the table is culled, live counters included: with Django's default
        # of 300, anyone able to try 300 keys could wipe a sign-in lock.
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 100_000)},
    }


CACHES = {"default": cache_config()}

AUTH_USER_MODEL = "organisations.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto and X-Forwarded-For headers.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)

# Throttles (kernel.throttle). Sign-in: attempts per account and per client address within
# the window. A single address may try more accounts than one account may be tried: offices
# share addresses.
LOGIN_MAX_ATTEMPTS = env_int("LOGIN_MAX_ATTEMPTS", 5)
LOGIN_MAX_ATTEMPTS_PER_ADDRESS = env_int("LOGIN_MAX_ATTEMPTS_PER_ADDRESS", 20)
LOGIN_WINDOW_SECONDS = env_int("LOGIN_WINDOW_SECONDS", 15 * 60)
# Password-reset mails per hour, per client address and per email address.
PASSWORD_RESET_MAX_PER_ADDRESS = env_int("PASSWORD_RESET_MAX_PER_ADDRESS", 5)
PASSWORD_RESET_MAX_PER_EMAIL = env_int("PASSWORD_RESET_MAX_PER_EMAIL", 3)
# Sign-ups (each makes an organisation) per client address per hour.
SIGNUP_MAX_PER_ADDRESS = env_int("SIGNUP_MAX_PER_ADDRESS", 10)
# New organisations per account per day.
ORGANISATION_MAX_PER_USER = env_int("ORGANISATION_MAX_PER_USER", 10)

INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 14)

# Background work (PDF exports): queued in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Longest an export may spend turning its document into a file before it fails with a message.
EXPORT_TIME_BUDGET_SECONDS = env_int("EXPORT_TIME_BUDGET_SECONDS", 120)

# Live boards (kernel/live.py). On SQLite every worker process looks for new events when the
# database files change (checked every LIVE_WATCH_SECONDS) and at least once per tick; on
# PostgreSQL NOTIFY wakes it, and the slower tick only covers a lost LISTEN. A
# stream sends a keepalive comment when quiet, ends after its lifetime (the browser
# reconnects and resumes), and tells a client further behind than the replay limit to
# re-fetch the board. Events older than a day, or beyond the last 5000 of a channel, go.
LIVE_TICK_SECONDS = float(os.environ.get("LIVE_TICK_SECONDS", 0.5))
LIVE_WATCH_SECONDS = float(os.environ.get("LIVE_WATCH_SECONDS", 0.05))
LIVE_NOTIFY_TICK_SECONDS = float(os.environ.get("LIVE_NOTIFY_TICK_SECONDS", 5))
LIVE_KEEPALIVE_SECONDS = float(os.environ.get("LIVE_KEEPALIVE_SECONDS", 15))
LIVE_STREAM_MAX_SECONDS = float(os.environ.get("LIVE_STREAM_MAX_SECONDS", 600))
LIVE_REPLAY_LIMIT = env_int("LIVE_REPLAY_LIMIT", 1000)
LIVE_KEEP_PER_CHANNEL = env_int("LIVE_KEEP_PER_CHANNEL", 5000)
LIVE_KEEP_SECONDS = env_int("LIVE_KEEP_SECONDS", 24 * 60 * 60)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Mesh Journey <noreply@localhost>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_tokens": {"()": "config.logging.RedactTokensFilter"},
        "permission_denied": {"()": "config.logging.PermissionDeniedFilter"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Links with a secret in the path are logged redacted (config/logging.py), and a 403 is
        # one line. Configuring a logger replaces its handlers, so runserver's is restated.
        "django.request": {"filters": ["redact_tokens", "permission_denied"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_tokens"],
        },
        # WeasyPrint reports every refused fetch; the refusal is deliberate, so keep it quiet.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
