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
    "axes",
    "parvis.core",
    "parvis.accounts",
    "parvis.web",
    "parvis.networks",
    "parvis.inbox",
    "parvis.publishing",
    "parvis.strategy",
    "parvis.privacy",
    "parvis.watch",
]

MIDDLEWARE = [
    "parvis.core.middleware.RequestIdMiddleware",
    # Audit entries written during the request carry the client's address (core/audit.py).
    "parvis.core.audit.AuditRequestMiddleware",
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
    # Pages: NUL characters removed from forms and query strings, out-of-range values a 400.
    "parvis.core.input_guard.InputGuardMiddleware",
    # Last, as django-axes asks: turns a throttled log-in into a 429 (accounts/throttle.py).
    "axes.middleware.AxesMiddleware",
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
                "parvis.privacy.context_processors.privacy",
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
# The watch's collection cycle (docs/watch.md: its per-network call budgets assume 15 minutes).
WATCH_INTERVAL_S = env_int("PARVIS_WATCH_INTERVAL", default=900)

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
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR ranges). Empty: the
# header is never believed, so a client cannot choose its address (parvis/core/client_ip.py).
TRUSTED_PROXIES = env_list("PARVIS_TRUSTED_PROXIES")
if TRUSTED_PROXIES:
    from ipaddress import ip_network

    for _proxy in TRUSTED_PROXIES:
        try:
            ip_network(_proxy, strict=False)
        except ValueError:
            raise ConfigError(
                f"PARVIS_TRUSTED_PROXIES: {_proxy!r} is not an IP address or a CIDR range."
            ) from None
# Log-in throttling (django-axes, accounts/throttle.py): failed log-ins allowed per (account,
# client address) and per client address within the window; past either, that pair or that
# address waits for the end of the window. Another address is never blocked by them.
LOGIN_RATE_LIMIT = env_int("PARVIS_LOGIN_RATE_LIMIT", default=10)
LOGIN_RATE_LIMIT_PER_ADDRESS = env_int("PARVIS_LOGIN_RATE_LIMIT_PER_ADDRESS", default=50)
LOGIN_RATE_WINDOW_S = env_int("PARVIS_LOGIN_RATE_WINDOW", default=900)
# Password-reset requests per target e-mail and per client address within the window.
PASSWORD_RESET_RATE_LIMIT = env_int("PARVIS_PASSWORD_RESET_RATE_LIMIT", default=5)
PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS = env_int(
    "PARVIS_PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS", default=20
)
PASSWORD_RESET_RATE_WINDOW_S = env_int("PARVIS_PASSWORD_RESET_RATE_WINDOW", default=3600)
# Against mail-bombing from many addresses: e-mails to one address per window, whoever asks.
PASSWORD_RESET_RATE_LIMIT_PER_EMAIL = env_int(
    "PARVIS_PASSWORD_RESET_RATE_LIMIT_PER_EMAIL", default=20
)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a throttled log-in before the password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "parvis.accounts.throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "parvis.accounts.throttle.failure_limit"
AXES_COOLOFF_TIME = "parvis.accounts.throttle.cool_off"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "parvis.accounts.throttle.login_username"
AXES_CLIENT_IP_CALLABLE = "parvis.core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "parvis.accounts.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True  # only for that account from that address (LoginThrottleHandler)
# Refused attempts during a pause are not counted, so the pause ends at the end of the window.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins are not kept with their address
AXES_VERBOSE = False  # no banner on every command's start; failures are still logged
INVITATION_VALID_DAYS = 14
# Who may create an account: "open" (anyone), "invitation" (invitation links only) or
# "domains" (addresses at PARVIS_SIGNUP_DOMAINS; invitation links still work). The very first
# account of a fresh install may always be created. PARVIS_SIGNUP_OPEN=1/0, the older setting,
# still means open/invitation when PARVIS_SIGNUP is not set.
_signup_default = "invitation" if PRODUCTION else "open"
if env_str("PARVIS_SIGNUP_OPEN").strip():
    _signup_default = "open" if env_bool("PARVIS_SIGNUP_OPEN", default=True) else "invitation"
SIGNUP_MODE = env_str("PARVIS_SIGNUP", _signup_default).strip().lower()
if SIGNUP_MODE not in {"open", "invitation", "domains"}:
    raise ConfigError(
        f"PARVIS_SIGNUP={SIGNUP_MODE!r} is not valid: use open, invitation or domains."
    )
SIGNUP_DOMAINS = [domain.lower().lstrip("@") for domain in env_list("PARVIS_SIGNUP_DOMAINS")]
if SIGNUP_MODE == "domains" and not SIGNUP_DOMAINS:
    raise ConfigError(
        "PARVIS_SIGNUP=domains needs PARVIS_SIGNUP_DOMAINS, e.g. menuiserie-martin.fr,martin.fr."
    )

# --- Privacy (docs/privacy.md) -------------------------------------------------------------
# Days between an owner's request to delete the organisation and the deletion (owners may
# cancel until then), and how long data is kept before the daily purge deletes it.
ORGANISATION_DELETION_DELAY_DAYS = env_int("PARVIS_ORGANISATION_DELETION_DELAY_DAYS", default=7)
RETENTION_WEBHOOK_DAYS = env_int("PARVIS_RETENTION_WEBHOOK_DAYS", default=7)
RETENTION_INBOX_DAYS = env_int("PARVIS_RETENTION_INBOX_DAYS", default=3 * 365)
RETENTION_AUDIT_DAYS = env_int("PARVIS_RETENTION_AUDIT_DAYS", default=365)
for _name, _days, _lowest, _highest in (
    ("PARVIS_ORGANISATION_DELETION_DELAY_DAYS", ORGANISATION_DELETION_DELAY_DAYS, 0, 90),
    # Raw payloads are processed within minutes; a week is the most they may wait.
    ("PARVIS_RETENTION_WEBHOOK_DAYS", RETENTION_WEBHOOK_DAYS, 1, 7),
    ("PARVIS_RETENTION_INBOX_DAYS", RETENTION_INBOX_DAYS, 1, 36500),
    ("PARVIS_RETENTION_AUDIT_DAYS", RETENTION_AUDIT_DAYS, 1, 36500),
):
    if not _lowest <= _days <= _highest:
        raise ConfigError(f"{_name}={_days} must be between {_lowest} and {_highest} days.")

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
# Every static file comes from an app: htmx is the copy bundled in the django-htmx wheel
# (django_htmx/htmx-2.min.js), so serving the pages needs no Node.js and no CDN.
# Embedded mode serves static files straight from the apps, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_URL = "/media/"  # never served: members read files through posts:media_file, networks
# through signed, expiring addresses (publishing/media_urls.py)
MEDIA_ROOT = Path(env_str("PARVIS_MEDIA_ROOT", str(VAR_DIR / "media")))
# Internal nginx location (``internal;``) that sends media bytes after Parvis checked access
# (X-Accel-Redirect); empty: Parvis streams the file itself.
MEDIA_ACCEL_REDIRECT = env_str("PARVIS_MEDIA_ACCEL_REDIRECT", "")
# Pictures with more pixels are refused before being decoded (decompression bombs).
MEDIA_MAX_PIXELS = env_int("PARVIS_MEDIA_MAX_PIXELS", default=40_000_000)

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
        # django-axes logs every attempt with the typed username (sometimes a password typed in
        # the wrong field) and the address: personal data outside any retention. Its errors only.
        "axes": {"level": "ERROR"},
    },
}

# --- Social networks ------------------------------------------------------------------------
# Each network is off until enabled, with its developer app's credentials (docs/connectors.md).
# PARVIS_<NETWORK>_API_URL points a network at another server: a local peer in tests, a
# self-hosted instance in a lab. Mastodon and Bluesky need no app credentials: Parvis registers
# itself per instance, and Bluesky uses app passwords.
# Every server-side fetch (networks, the language model, addresses people type) goes through
# parvis.core.guarded_http, which refuses loopback, private, link-local... addresses so that a
# manager cannot make the server call its own network. These CIDR ranges are allowed anyway
# (on-premises services, a lab's peers); empty, i.e. off, in every mode. The old switch
# PARVIS_ALLOW_PRIVATE_HOSTS=on still works and means the loopback and private ranges.
HTTP_ALLOW_PRIVATE = env_list("PARVIS_HTTP_ALLOW_PRIVATE") or (
    ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
    if env_bool("PARVIS_ALLOW_PRIVATE_HOSTS", default=False)
    else []
)
for _range in HTTP_ALLOW_PRIVATE:
    from ipaddress import ip_network

    try:
        ip_network(_range, strict=False)
    except ValueError:
        raise ConfigError(
            f"PARVIS_HTTP_ALLOW_PRIVATE: {_range!r} is not an IP address or a CIDR range."
        ) from None
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
