"""Lantern's one settings file, driven by environment variables.

LANTERN_ENV    required: "production" (a council's server) or "development" (a developer's own
               machine; `make run`, `make test` and pytest say so). Anything else, or nothing,
               refuses to start: DEBUG and the development key are never a default.
               Production turns DEBUG off, requires SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL,
               and switches on secure cookies and HSTS.
DATABASE_URL   e.g. postgres://user@127.0.0.1:5432/lantern. Development default: SQLite file db.sqlite3.
SECRET_KEY     required in production; development uses a fixed, clearly-labelled key.
ALLOWED_HOSTS  comma-separated host names (production).
TRUSTED_PROXY  "1" when Lantern runs behind a reverse proxy that ends TLS and sets
               X-Forwarded-Proto (production); never set it when clients reach Lantern directly.
SESSION_IDLE_MINUTES  minutes of inactivity before a session expires (default 30).
Sign-in, second factor, single sign-on and throttling: see the "Identity" section at the end.
The rest are in docs/operator-guide.md.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENTS = ("development", "production")
LANTERN_ENV = os.environ.get("LANTERN_ENV", "")
if LANTERN_ENV not in ENVIRONMENTS:
    # Fail closed: a missing or mistyped environment must never mean DEBUG with a known key.
    raise ImproperlyConfigured(
        ("LANTERN_ENV is not set" if not LANTERN_ENV else f"LANTERN_ENV={LANTERN_ENV!r} is not known")
        + ": set LANTERN_ENV=production on a council's server, or LANTERN_ENV=development on a "
        "developer's own machine (make run and make test set it)."
    )
PRODUCTION = LANTERN_ENV == "production"


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


if PRODUCTION:
    _missing = []
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        _missing.append("SECRET_KEY (at least 50 random characters)")
    DEBUG = False
    ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not ALLOWED_HOSTS:
        _missing.append("ALLOWED_HOSTS (the host names people use, comma-separated)")
    if not os.environ.get("DATABASE_URL"):
        _missing.append("DATABASE_URL (postgres://user:password@host:5432/name)")
    if _missing:
        raise ImproperlyConfigured("Set " + "; ".join(_missing) + " in production (LANTERN_ENV=production).")
else:
    # Development and tests only: never used when LANTERN_ENV=production.
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-key-not-secret-" + "x" * 32)
    DEBUG = os.environ.get("DEBUG", "1") == "1"
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "lantern.core",
    "lantern.operations",
    "lantern.people",
    "lantern.workforce",
    "lantern.access",
    "lantern.approvals",
    "lantern.casework",
    "lantern.recording",
    "lantern.notes",
    "lantern.caseloads",
    "lantern.oversight",
    "lantern.supervision",
    "lantern.family",
    "lantern.chronology",
    "lantern.insight",
    "lantern.audits",
    "lantern.returns",
    "lantern.onboarding",
    "lantern.synthetic",
]

MIDDLEWARE = [
    # Outermost: one structured log line per request (lantern/operations/logs.py).
    "lantern.operations.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lantern.core.middleware.SecurityHeadersMiddleware",
    "lantern.core.middleware.IdRangeMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Innermost: the access log's rows are written once the page's answer is known (refused or viewed).
    "lantern.access.log.AccessLogMiddleware",
]

if PRODUCTION:
    # Static files straight from the web process, compressed and cached (no separate file server).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

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
                "lantern.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection is checked before each request's first query (and in the worker before
        # each poll), so one dropped by a database restart is replaced rather than failing a request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "workforce.Worker"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after inactivity (sliding expiry) and when the browser closes.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]
    # Load balancers and monitors check /healthz over plain HTTP on the machine itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Behind a reverse proxy that ends TLS (docs/operator-guide.md), the proxy's X-Forwarded-Proto
# header says whether the browser used HTTPS. Trusted only when configured: a client that reaches
# Lantern directly could otherwise forge it.
TRUSTED_PROXY = _flag("TRUSTED_PROXY")
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Built assets (compiled GOV.UK Frontend CSS, its fonts-free assets and JavaScript) - see Makefile.
STATICFILES_DIRS = [BASE_DIR / "lantern" / "static"]
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

PAGE_SIZE = 25

# Council settings are cached: a shared database cache in production so every web process
# sees the same values (run `manage.py createcachetable`), memory in development.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lantern_cache"}
        if PRODUCTION
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Ofsted's Annex A headings and DfE's national figures, as published, ship inside the package
# (lantern/reference/). Set this only to use a newer copy of the same files.
LANTERN_REFERENCE_DIR = os.environ.get("LANTERN_REFERENCE_DIR") or None

# Logs go to standard error (systemd's journal, or the process manager's log): JSON lines in
# production (one object per line, with the request id), plain text in development. Each request
# is one line from "lantern.requests": request id, user id (never a name), method, route, path
# without its query string, status and duration (lantern/operations/logs.py).
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use json or text.")
LOG_REQUESTS = _flag("LOG_REQUESTS", "1" if PRODUCTION else "0")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "lantern.operations.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Who produced or downloaded a statutory return, and when.
        "lantern.returns": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "lantern.requests": {
            "handlers": ["console"],
            "level": "INFO" if LOG_REQUESTS else "WARNING",
            "propagate": False,
        },
        "lantern.operations": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Optional error tracker: set SENTRY_DSN and install sentry-sdk (it is not a requirement). Events
# carry no personal data: no request bodies, query strings, cookies, local variables, SQL or
# exception messages (lantern/operations/logs.py: scrub_event).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError:
        print("SENTRY_DSN is set but sentry-sdk is not installed: errors are only logged.", file=sys.stderr)
    else:
        from lantern.operations.logs import scrub_event

        sentry_sdk.init(
            dsn=SENTRY_DSN,
            environment=LANTERN_ENV,
            send_default_pii=False,
            include_local_variables=False,
            max_breadcrumbs=0,
            traces_sample_rate=0,
            before_send=scrub_event,
        )

# The background worker (`manage.py run_worker`) writes a heartbeat this often; one not heard
# from for WORKER_STALE_SECONDS is taken as gone (/healthz fails; its running jobs are failed).
WORKER_HEARTBEAT_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_SECONDS", "10"))
WORKER_STALE_SECONDS = int(os.environ.get("WORKER_STALE_SECONDS", "60"))

# ---------------------------------------------------------------------------------------------
# Background tasks (statutory return exports: lantern/returns/tasks.py), through Django's task
# interface (the django-tasks backport) with its database backend (django-tasks-db): the web
# process queues a task as a database row and a separate worker process runs it:
#     python manage.py run_worker     (django-tasks-db's worker with a heartbeat, surviving a
#                                      database restart; lantern/operations/worker.py)
# Tests that need a task to run switch to "django_tasks.backends.immediate.ImmediateBackend".
# ---------------------------------------------------------------------------------------------
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# ---------------------------------------------------------------------------------------------
# Identity: sign-in throttling, single sign-on, second factor and sessions (lantern/identity).
# Every variable is described in docs/operator-guide.md ("Signing in").
# ---------------------------------------------------------------------------------------------
from datetime import timedelta  # noqa: E402


def _env_flag(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
        raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}.")
    return value in ("1", "true", "yes", "on")


INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "lantern.identity",
    "lantern.administration",
]
# Refuse deactivated people, end sessions past their absolute lifetime, note "last seen".
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "lantern.identity.middleware.SessionGuardMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in before any password is checked
    *AUTHENTICATION_BACKENDS,
    "lantern.identity.oidc.CouncilOIDCBackend",  # does nothing unless single sign-on is configured
]

# Throttling (django-axes): failures count per username, and per username with address; never
# per address alone, so one person's typos behind the council's proxy lock out no one else.
LOGIN_THROTTLE_FAILURES = int(os.environ.get("LOGIN_THROTTLE_FAILURES", "5"))
LOGIN_THROTTLE_WINDOW_SECONDS = int(os.environ.get("LOGIN_THROTTLE_WINDOW_SECONDS", "900"))
AXES_FAILURE_LIMIT = LOGIN_THROTTLE_FAILURES
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_THROTTLE_WINDOW_SECONDS)
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed attempt, for the sign-in log
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 1_000_000
AXES_CLIENT_IP_CALLABLE = "lantern.identity.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "lantern.identity.views.locked_out"
AXES_WHITELIST_CALLABLE = "lantern.identity.throttle.not_a_password_attempt"
AXES_VERBOSE = False
# The client's address comes from REMOTE_ADDR unless the council's reverse proxy is named here:
# LANTERN_CLIENT_IP_HEADER=X-Forwarded-For and LANTERN_TRUSTED_PROXY_COUNT = proxies in front.
LANTERN_CLIENT_IP_HEADER = os.environ.get("LANTERN_CLIENT_IP_HEADER", "").strip()
LANTERN_TRUSTED_PROXY_COUNT = int(os.environ.get("LANTERN_TRUSTED_PROXY_COUNT", "1"))

# Password sign-in (with a second factor) can be switched off once single sign-on works.
LANTERN_PASSWORD_SIGN_IN = _env_flag("LANTERN_PASSWORD_SIGN_IN", "1")
# How long a one-time set-password link from an administrator works (lantern/identity/passwords.py).
LANTERN_PASSWORD_LINK_HOURS = float(os.environ.get("LANTERN_PASSWORD_LINK_HOURS", "24"))

# Second factor (django-otp: TOTP authenticator apps and single-use recovery codes) for every
# password sign-in. The only exemption is the synthetic demo's accounts, marked by the seeder;
# production never honours it.
LANTERN_DEMO_MFA_EXEMPTION = not PRODUCTION and _env_flag("LANTERN_DEMO_MFA_EXEMPTION", "1")
OTP_TOTP_ISSUER = os.environ.get("LANTERN_MFA_ISSUER", "Lantern")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Single sign-on by OpenID Connect (mozilla-django-oidc), on when OIDC_RP_CLIENT_ID is set.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")  # unused: claims come from the ID token
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_CREATE_USER = False  # staff records are made by the council, never by a sign-in
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
# The claim that identifies a person for good: "sub" (Google), "oid" (Microsoft Entra ID).
LANTERN_SSO_SUBJECT_CLAIM = os.environ.get("LANTERN_SSO_SUBJECT_CLAIM", "sub")
# First sign-in only: link to the one active staff record with the same email address.
LANTERN_SSO_LINK_BY_EMAIL = _env_flag("LANTERN_SSO_LINK_BY_EMAIL", "0")
LANTERN_SSO_NAME = os.environ.get("LANTERN_SSO_NAME", "your council account")
if OIDC_RP_CLIENT_ID:
    _missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_ISSUER",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured("Single sign-on needs " + ", ".join(_missing) + ".")
if not LANTERN_PASSWORD_SIGN_IN and not OIDC_RP_CLIENT_ID:
    raise ImproperlyConfigured("LANTERN_PASSWORD_SIGN_IN=0 needs single sign-on (OIDC_RP_CLIENT_ID and the rest).")

# Sessions: the idle timeout above, and an absolute lifetime from sign-in however active.
SESSION_ABSOLUTE_HOURS = float(os.environ.get("SESSION_ABSOLUTE_HOURS", "10"))

# ---------------------------------------------------------------------------------------------
# Onboarding (lantern/onboarding): where files uploaded in the browser are kept, one folder per
# run, for the background worker to load. Both the web process and the worker must reach it.
# ---------------------------------------------------------------------------------------------
ONBOARDING_DIR = Path(os.environ.get("LANTERN_ONBOARDING_DIR", str(BASE_DIR / "var" / "onboarding")))
