"""Parvis settings: one module, configured by environment variables.

Two deployments share this file. With no configuration at all Parvis runs in *embedded* mode:
SQLite, a file-backed Celery broker and media under ``./var/``. Setting ``DATABASE_URL``,
``BROKER_URL`` (and ``CACHE_URL``) moves it to *scaled* mode: PostgreSQL, Redis or RabbitMQ and
any number of workers. ``docs/deploy.md`` lists every variable; ``parvis doctor`` checks them.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from parvis.core.env import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    persistent_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PARVIS_VAR_DIR", str(BASE_DIR / "var"))).resolve()

# Production mode turns on HTTPS-only cookies, HSTS and refuses to invent secrets.
PRODUCTION = env_bool("PARVIS_PRODUCTION", default=False)
DEBUG = env_bool("PARVIS_DEBUG", default=False)

SECRET_KEY = persistent_secret(
    "PARVIS_SECRET_KEY", store=VAR_DIR / "secret_key", generate=not PRODUCTION
)
# Keys that encrypt tokens at rest. The first encrypts; all of them decrypt, so a key can be
# rotated by putting a new one first and running `parvis rotate_keys` (docs/deploy.md).
ENCRYPTION_KEYS = [
    key.strip()
    for key in persistent_secret(
        "PARVIS_ENCRYPTION_KEYS", store=VAR_DIR / "encryption_key", generate=not PRODUCTION
    ).split(",")
    if key.strip()
]

ALLOWED_HOSTS = env_list("PARVIS_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("PARVIS_CSRF_TRUSTED_ORIGINS")
# Where Parvis is reachable from outside (links in e-mails, media URLs fetched by networks).
PUBLIC_BASE_URL = env_str("PARVIS_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "parvis.core",
    "parvis.accounts",
    "parvis.web",
    "parvis.networks",
    "parvis.inbox",
    "parvis.publishing",
    "parvis.strategy",
]

MIDDLEWARE = [
    "parvis.core.middleware.RequestIdMiddleware",
    # /healthz answers before anything that needs the database, so it can report a dead one.
    "parvis.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "parvis.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parvis.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "parvis.urls"
WSGI_APPLICATION = "parvis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parvis.web.context_processors.parvis",
                "parvis.publishing.context_processors.publishing",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_secret("DATABASE_URL")
EMBEDDED = not DATABASE_URL
if EMBEDDED:
    DATABASES: dict[str, dict[str, object]] = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "parvis.sqlite3",
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the busy
                # timeout instead of failing with "database is locked" halfway through.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
else:
    try:
        DATABASES = {"default": dict(dj_database_url.parse(DATABASE_URL, conn_max_age=60))}
    except ValueError as exc:
        raise ConfigError(
            f"DATABASE_URL is malformed ({exc}); expected postgres://user:password@host:5432/name."
        ) from None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login rate limits, short-lived state) -------------------------------------------
CACHE_URL = env_secret("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    # Shared between the web server's processes and the worker, unlike the local-memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery -----------------------------------------------------------------------------------
BROKER_URL = env_secret("BROKER_URL")
CELERY_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = BROKER_URL or "filesystem://"
if not BROKER_URL:
    # Kombu's file transport fails to enqueue into a folder that does not exist yet.
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {}
    if BROKER_URL
    else {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
)
# One queue name per installation, so two installations may share a Redis without mixing tasks.
CELERY_TASK_DEFAULT_QUEUE = env_str("PARVIS_TASK_QUEUE", "parvis")
CELERY_TASK_ALWAYS_EAGER = env_bool("PARVIS_TASKS_EAGER", default=False)
# A worker or scheduler heartbeat older than this turns /healthz red.
HEARTBEAT_INTERVAL_S = env_int("PARVIS_HEARTBEAT_INTERVAL", default=10)
HEARTBEAT_STALE_S = env_int("PARVIS_HEARTBEAT_STALE_AFTER", default=45)
# How often every connected account is read, and the alignment score computed again (seconds).
INBOX_POLL_INTERVAL_S = env_int("PARVIS_INBOX_POLL_INTERVAL", default=300)
ALIGNMENT_INTERVAL_S = env_int("PARVIS_ALIGNMENT_INTERVAL", default=300)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed log-ins allowed per e-mail and per IP address within the window, before a pause.
LOGIN_RATE_LIMIT = env_int("PARVIS_LOGIN_RATE_LIMIT", default=10)
LOGIN_RATE_WINDOW_S = env_int("PARVIS_LOGIN_RATE_WINDOW", default=900)
INVITATION_VALID_DAYS = 14
SIGNUP_OPEN = env_bool("PARVIS_SIGNUP_OPEN", default=True)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_URL = env_secret("EMAIL_URL")
DEFAULT_FROM_EMAIL = env_str("PARVIS_FROM_EMAIL", "Parvis <parvis@localhost>")
if EMAIL_URL:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    from urllib.parse import unquote, urlsplit

    _mail = urlsplit(EMAIL_URL)
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 587
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
    EMAIL_USE_SSL = _mail.scheme == "smtps"
else:
    # Embedded mode prints e-mails (password resets, invitations) on the console.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "parvis" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # storage and server time; each organisation displays its own zone
DEFAULT_ORGANISATION_TIMEZONE = "Europe/Paris"
USE_THOUSAND_SEPARATOR = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    # WhiteNoise warns about a missing STATIC_ROOT even when it serves from the finders.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist")]
# Embedded mode serves static files straight from the apps, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("PARVIS_MEDIA_ROOT", str(VAR_DIR / "media")))

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("PARVIS_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("PARVIS_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("PARVIS_BEHIND_PROXY", default=PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging --------------------------------------------------------------------------------
LOG_FORMAT = env_str("PARVIS_LOG_FORMAT", "json" if PRODUCTION else "console")
LOG_LEVEL = env_str("PARVIS_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "parvis.core.logging.RequestIdFilter"},
        "redact": {"()": "parvis.core.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {"()": "parvis.core.logging.JsonFormatter"},
        "console": {"()": "parvis.core.logging.ConsoleFormatter"},
    },
    "handlers": {
        "default": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["default"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

# --- Social networks ------------------------------------------------------------------------
# Each network is off until enabled, with its developer app's credentials (docs/connectors.md).
# PARVIS_<NETWORK>_API_URL points a network at another server: a local peer in tests, a
# self-hosted instance in a lab. Mastodon and Bluesky need no app credentials: Parvis registers
# itself per instance, and Bluesky uses app passwords.
# Server addresses that people type (a Mastodon instance, a Bluesky PDS) may point at private
# or loopback hosts only when this is on: off in production, so a manager cannot make the
# server call its own internal network.
NETWORK_ALLOW_PRIVATE_HOSTS = env_bool("PARVIS_ALLOW_PRIVATE_HOSTS", default=not PRODUCTION)
NETWORK_KINDS = ("facebook", "instagram", "linkedin", "x", "youtube", "bluesky", "mastodon")
NETWORKS: dict[str, dict[str, object]] = {
    kind: {
        "enabled": env_bool(
            f"PARVIS_{kind.upper()}_ENABLED", default=kind in {"bluesky", "mastodon"}
        ),
        "client_id": env_str(f"PARVIS_{kind.upper()}_CLIENT_ID"),
        "client_secret": env_secret(f"PARVIS_{kind.upper()}_CLIENT_SECRET"),
        "api_url": env_str(f"PARVIS_{kind.upper()}_API_URL"),
        "auth_url": env_str(f"PARVIS_{kind.upper()}_AUTH_URL"),
        "token_url": env_str(f"PARVIS_{kind.upper()}_TOKEN_URL"),
        "webhook_secret": env_secret(f"PARVIS_{kind.upper()}_WEBHOOK_SECRET"),
    }
    for kind in NETWORK_KINDS
}

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
API_KEY_PREFIX = "pvk_"

# --- Publishing -----------------------------------------------------------------------------
# The dispatcher's knobs (docs/publishing.md). The lease must outlast one publish call (HTTP
# timeout + reconciliation): a worker killed mid-call loses its claim after it, not before.
PUBLISHING = {
    "LEASE_S": env_int("PARVIS_PUBLISH_LEASE_S", default=120),
    "HTTP_TIMEOUT_S": float(env_str("PARVIS_PUBLISH_HTTP_TIMEOUT_S", "20")),
    "MAX_ATTEMPTS": env_int("PARVIS_PUBLISH_MAX_ATTEMPTS", default=8),
    "RETRY_BASE_S": float(env_str("PARVIS_PUBLISH_RETRY_BASE_S", "1")),
    "RETRY_CAP_S": 15 * 60,
    "UNCONFIRMED_RECHECK_S": float(env_str("PARVIS_PUBLISH_RECHECK_S", "5")),
    # A publish holds its lease (renewed while it works) at most this long, then another
    # worker may take it over: a call that hangs must not hold a post for ever.
    "MAX_HOLD_S": env_int("PARVIS_PUBLISH_MAX_HOLD_S", default=3600),
    # `parvis dispatcher`: publishing threads per process, and its idle poll of the database.
    "DISPATCH_THREADS": env_int("PARVIS_DISPATCH_THREADS", default=8),
    "DISPATCH_POLL_S": float(env_str("PARVIS_DISPATCH_POLL_S", "0.2")),
    "BATCH": 50,
    "WATCHDOG_AFTER_S": 120,
}
