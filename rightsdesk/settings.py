"""Django settings, read from the environment through :mod:`rightsdesk.config`.

Defaults are the production-safe choice; a developer turns conveniences on explicitly
(``RIGHTSDESK_DEBUG=1``). See docs/operations.md for every variable.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from rightsdesk.config import Config, ConfigError, new_token
from rightsdesk.crypto.passwords import DEFAULT_KDF
from rightsdesk.crypto.server_secrets import new_server_key

config = Config()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()
# The public pages' source (``content/<language>/<slug>.md``), loaded by ``content sync``.
CONTENT_DIR = Path(config.text("RIGHTSDESK_CONTENT_DIR", "") or BASE_DIR.parent / "content")

DEBUG = config.flag("RIGHTSDESK_DEBUG", False)
SECRET_KEY = config.secret("RIGHTSDESK_SECRET_KEY", filename="secret_key", generate=new_token)
# Encrypts TOTP seeds; kept outside the database so that a dump of it reveals no seed.
TOTP_ENCRYPTION_KEY = config.secret(
    "RIGHTSDESK_TOTP_KEY", filename="totp.key", generate=new_server_key
)

# Keys receipt look-ups (HMAC); outside the database so that a stolen database cannot test receipts.
RECEIPT_PEPPER = config.secret(
    "RIGHTSDESK_RECEIPT_PEPPER", filename="receipt_pepper", generate=new_token
)

# Keys the audit log's hash chain; outside the database so that editing rows cannot be hidden.
AUDIT_KEY = config.secret("RIGHTSDESK_AUDIT_KEY", filename="audit.key", generate=new_token)

PUBLIC_URL = config.text("RIGHTSDESK_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
_public = urlsplit(PUBLIC_URL)
if _public.scheme not in {"http", "https"} or not _public.hostname:
    raise ConfigError(f"RIGHTSDESK_PUBLIC_URL must be an http(s) URL (got {PUBLIC_URL!r})")
HTTPS = _public.scheme == "https"

ALLOWED_HOSTS = config.words(
    "RIGHTSDESK_ALLOWED_HOSTS", [_public.hostname, "localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]
# Behind a reverse proxy the client address (used only, hashed, to slow down password guessing)
# comes from X-Real-IP, which the proxy must overwrite.
BEHIND_PROXY = config.flag("RIGHTSDESK_BEHIND_PROXY", False)
CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP" if BEHIND_PROXY else "REMOTE_ADDR"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    # First, so that its management commands (changepassword) replace django.contrib.auth's.
    "rightsdesk.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "rightsdesk.core",
    "rightsdesk.notifications",
    "rightsdesk.audit",
    "rightsdesk.cases",
    "rightsdesk.intake",
    "rightsdesk.content",
    "rightsdesk.safety",
    "rightsdesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rightsdesk.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rightsdesk.core.page_cache.PublicPageFrontCache",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rightsdesk.core.middleware.UnknownLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "rightsdesk.core.middleware.SameOriginFormMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rightsdesk.accounts.middleware.StaffSessionMiddleware",
    "rightsdesk.accounts.middleware.DenyByDefaultMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "rightsdesk.core.middleware.PrivacyHeadersMiddleware",
]

ROOT_URLCONF = "rightsdesk.urls"
WSGI_APPLICATION = "rightsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rightsdesk.core.context_processors.site",
                "rightsdesk.accounts.context_processors.staff",
            ],
        },
    },
]

DATABASE_URL = config.text("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "rightsdesk.sqlite3"),
            # Each server thread keeps its connection: opening one costs more than the one read
            # (the content generation) a page served from the cache makes.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets the web server read while the worker writes; IMMEDIATE takes the write
                # lock at the start of a transaction, so two writers queue instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.StaffMember"
# Argon2id cost for wrapping staff private keys under their passwords, and case keys under
# reporters' receipts.
STAFF_KEY_KDF = DEFAULT_KDF
RECEIPT_KDF = DEFAULT_KDF
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sessions: server-side, strict same-site, short. The idle and absolute limits are enforced
# by StaffSessionMiddleware; the cookie itself dies with the browser.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "rightsdesk_session"
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 60 * 60
STAFF_SESSION_IDLE_SECONDS = config.integer("RIGHTSDESK_SESSION_IDLE_SECONDS", 30 * 60)
STAFF_SESSION_ABSOLUTE_SECONDS = config.integer("RIGHTSDESK_SESSION_ABSOLUTE_SECONDS", 8 * 60 * 60)
# A staff API bearer token lives as long as a browser session at most; it has no idle limit.
STAFF_API_TOKEN_SECONDS = config.integer("RIGHTSDESK_API_TOKEN_SECONDS", 8 * 60 * 60)
# A half-finished sign-in (password given, code not yet) is forgotten after this long.
LOGIN_PENDING_SECONDS = 10 * 60
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
# No CSRF cookie outlives the browser session: nothing should stay behind on a shared device.
CSRF_COOKIE_AGE = None
CSRF_COOKIE_SECURE = HTTPS
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security headers. HSTS only means something over https, so it follows the public URL.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = HTTPS and config.flag("RIGHTSDESK_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)

# Request size: anything larger is refused with a translated 413 page before Django reads it.
MAX_REQUEST_BYTES = config.integer("RIGHTSDESK_MAX_REQUEST_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
# Evidence files: per file and per report. Uploads are kept in memory, never spooled to disk in
# the clear, and only the evidence pages accept a body this large.
MAX_EVIDENCE_FILE_BYTES = config.integer("RIGHTSDESK_MAX_FILE_BYTES", 25 * 1024 * 1024)
MAX_EVIDENCE_REPORT_BYTES = config.integer("RIGHTSDESK_MAX_REPORT_FILES_BYTES", 100 * 1024 * 1024)
UPLOAD_PATHS = [
    r"^/[a-z-]+/report/evidence/$",
    r"^/[a-z-]+/report/followup/files/$",
    r"^/api/v1/reports/files$",
    r"^/api/v1/reporter/files$",
]
FILE_UPLOAD_HANDLERS = ["rightsdesk.intake.uploads.BoundedMemoryUploadHandler"]
# Of a file streamed to disk encrypted, this much is also kept in memory to be inspected; a larger
# file is kept whole but marked "too large to inspect".
MAX_INSPECTED_BYTES = config.integer("RIGHTSDESK_MAX_INSPECTED_BYTES", 32 * 1024 * 1024)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# An explicit choice of language (the language links) is remembered in this cookie and nothing
# else: it holds only the language code, and lets "/" open the chosen language next time.
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = HTTPS
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
# Only needed when a reverse proxy serves the files itself (after collectstatic).
STATIC_ROOT = config.text("RIGHTSDESK_STATIC_ROOT", "") or None
# Static files are few and small; WhiteNoise serves them straight from the apps, no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600

# Public pages for cookie-less visitors are kept this long in a per-process memory cache.
PUBLIC_PAGE_CACHE_SECONDS = config.integer("RIGHTSDESK_PUBLIC_PAGE_CACHE_SECONDS", 60)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# The case queue counts closed cases (most of the table, changing only when a case closes) at
# most this many seconds ago; open cases are always counted live.
CASE_QUEUE_CLOSED_COUNT_SECONDS = config.integer("RIGHTSDESK_QUEUE_CLOSED_COUNT_SECONDS", 30)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The worker writes a heartbeat this often; /healthz calls it stale after three missed beats.
WORKER_HEARTBEAT_SECONDS = 10
# Housekeeping the worker runs with every heartbeat.
WORKER_MAINTENANCE = [
    "rightsdesk.intake.drafts.drafts_purge_expired",
    "rightsdesk.cases.storage.evidence_purge_orphans",
    # Retries notification mail the server did not take, and forgets mail refused for good.
    "rightsdesk.notifications.services.outbox_deliver",
    "rightsdesk.notifications.services.outbox_purge_failed",
    "rightsdesk.cases.sla.sla_check_when_due",
    "rightsdesk.cases.retention.retention_run_when_due",
]

EMAIL_BACKEND_PATH = config.text(
    "RIGHTSDESK_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
MAILERS: dict[str, dict[str, object]] = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": config.text("RIGHTSDESK_EMAIL_HOST", "localhost"),
        "port": config.integer("RIGHTSDESK_EMAIL_PORT", 25),
        "username": config.text("RIGHTSDESK_EMAIL_USER", ""),
        "password": config.secret_or_empty("RIGHTSDESK_EMAIL_PASSWORD"),
        "use_tls": config.flag("RIGHTSDESK_EMAIL_STARTTLS", False),
        "use_ssl": config.flag("RIGHTSDESK_EMAIL_TLS", False),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = config.text("RIGHTSDESK_EMAIL_FROM", f"rightsdesk@{_public.hostname}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS: list[tuple[str, str]] = []

# The reporting flow. A draft lives encrypted in the data directory, never in the database.
REPORT_DRAFT_SECONDS = config.integer("RIGHTSDESK_REPORT_DRAFT_SECONDS", 60 * 60)
# A reporter who came back with a receipt stays signed in this long.
REPORTER_SESSION_SECONDS = config.integer("RIGHTSDESK_REPORTER_SESSION_SECONDS", 30 * 60)
# Shown at once to someone in immediate danger: an address read around the clock, and any
# further contacts (one per line, plain text) the team wants to list.
EMERGENCY_EMAIL = config.text("RIGHTSDESK_EMERGENCY_EMAIL", "emergency@wikimedia.org")
EMERGENCY_CONTACTS = [
    line.strip()
    for line in config.text("RIGHTSDESK_EMERGENCY_CONTACTS", "").split("\n")
    if line.strip()
]
TRUST_AND_SAFETY_URL = config.text(
    "RIGHTSDESK_TRUST_AND_SAFETY_URL", "https://meta.wikimedia.org/wiki/Trust_and_Safety"
)
COMMUNITY_HELP_URL = config.text(
    "RIGHTSDESK_COMMUNITY_HELP_URL", "https://meta.wikimedia.org/wiki/Help:Contents"
)
# Told at once, by mail, about every critical report (addresses separated by spaces or commas).
ONCALL_EMAILS = config.words("RIGHTSDESK_ONCALL_EMAILS", [])
# Members (by user name) who also get the in-app notice when a case reaches the on-call step.
ONCALL_LEAD = config.words("RIGHTSDESK_ONCALL_LEAD", [])


def _sla_minutes(name: str, default: str) -> tuple[int, ...]:
    """Minutes after a report arrives: acknowledge by; tell every coordinator (defaults to the
    first); tell the on-call lead (optional). "30,60,90" means 30 min, then 60, then 90."""
    words = config.words(name, default.split(","))
    try:
        steps = tuple(int(word) for word in words)
    except ValueError:
        steps = ()
    if not 1 <= len(steps) <= 3 or steps[0] < 1 or list(steps) != sorted(steps):
        raise ConfigError(f"{name} must be 1 to 3 rising numbers of minutes (got {words!r})")
    return steps


# Response deadlines per urgency; the worker escalates a case nobody has answered in time.
SLA_MINUTES = {
    "critical": _sla_minutes("RIGHTSDESK_SLA_CRITICAL", "30,60,90"),
    "high": _sla_minutes("RIGHTSDESK_SLA_HIGH", "240"),
    "normal": _sla_minutes("RIGHTSDESK_SLA_NORMAL", "1440"),
}
# Resolved, rejected and merged cases are crypto-shredded this many days after they closed; the
# member holding one is warned this many days before.
RETENTION_DAYS = config.integer("RIGHTSDESK_RETENTION_DAYS", 365)
RETENTION_WARNING_DAYS = config.integer("RIGHTSDESK_RETENTION_WARNING_DAYS", 14)
if RETENTION_DAYS < 1 or not 0 <= RETENTION_WARNING_DAYS < RETENTION_DAYS:
    raise ConfigError(
        "RIGHTSDESK_RETENTION_DAYS must be at least 1 and RIGHTSDESK_RETENTION_WARNING_DAYS "
        "between 0 and one less than it"
    )

# The wiki footprint check reads user pages only from hosts ending in one of these names (never an
# address, a port or a path, so the server cannot be turned against internal services), and runs
# at most this many checks a minute per client (a keyed hash of the address, kept a minute in
# memory) and in all.
RIGHTSDESK_FOOTPRINT_WIKI_SUFFIXES = config.words(
    "RIGHTSDESK_FOOTPRINT_WIKI_SUFFIXES",
    [
        *("wikipedia.org", "wikimedia.org", "wiktionary.org", "wikiquote.org", "wikibooks.org"),
        *("wikisource.org", "wikinews.org", "wikiversity.org", "wikivoyage.org", "wikidata.org"),
        *("mediawiki.org", "wikifunctions.org"),
    ],
)
FOOTPRINT_CHECKS_PER_MINUTE = config.integer("RIGHTSDESK_FOOTPRINT_CHECKS_PER_MINUTE", 5)
FOOTPRINT_CHECKS_PER_MINUTE_ALL = config.integer("RIGHTSDESK_FOOTPRINT_CHECKS_PER_MINUTE_ALL", 60)

# Where the "Leave this site quickly" link goes: somewhere ordinary that raises no questions.
QUICK_EXIT_URL = config.text("RIGHTSDESK_QUICK_EXIT_URL", "https://www.wikipedia.org/")
SITE_NAME = config.text("RIGHTSDESK_SITE_NAME", "rightsdesk")
# Addresses public pages show through the placeholders {{team_email}} and
# {{trust_safety_email}} ({{emergency_email}} is EMERGENCY_EMAIL above); the defaults are examples.
TEAM_EMAIL = config.text("RIGHTSDESK_TEAM_EMAIL", "team@rightsdesk.example")
TRUST_SAFETY_EMAIL = config.text("RIGHTSDESK_TRUST_SAFETY_EMAIL", "trust-safety@rightsdesk.example")

# Login throttling: after a few failures each attempt must wait longer (doubling up to a cap),
# per account name and per client. Never a permanent lockout: many people share one Tor exit.
LOGIN_FREE_FAILURES = 3
LOGIN_DELAY_CAP_SECONDS = 60
LOGIN_FAILURE_MEMORY_SECONDS = 60 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"privacy": {"()": "rightsdesk.core.logging.PrivacyFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["privacy"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": config.text("RIGHTSDESK_LOG_LEVEL", "INFO")},
    "loggers": {
        # django.server would print every request line with the client address.
        "django.server": {"handlers": [], "propagate": False},
        # urllib3 prints request URLs at debug level; the footprint check's carry a user name.
        "urllib3": {"level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
