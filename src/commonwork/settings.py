"""Settings for Commonwork, read from the environment (see docs/operator-guide.md).

One file for every deployment: DEBUG=1 is the developer's machine, anything else is
production and then SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL must be set.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from commonwork.core.env import database_from_url, env, envbool, envint, envlist

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent  # the repository (or install) root
VAR_DIR = Path(env("COMMONWORK_VAR_DIR") or BASE_DIR / "var")

DEBUG = envbool("DEBUG", False)

_secret_key = env("SECRET_KEY")
if not _secret_key:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    _secret_key = "insecure-development-key-only-for-debug-runs"  # noqa: S105
SECRET_KEY = _secret_key
# Former secrets, comma-separated, after a rotation: sessions and signed audit
# checkpoints made with them still verify.
SECRET_KEY_FALLBACKS = [key for key in (env("SECRET_KEY_FALLBACKS") or "").split(",") if key]

# The vault's master key (a Fernet key) wraps every member's data key; keep it outside
# the database and its backups. Development runs make one in var/ on first use.
VAULT_MASTER_KEY = env("COMMONWORK_MASTER_KEY")
VAULT_MASTER_KEY_FILE = env("COMMONWORK_MASTER_KEY_FILE") or (
    str(VAR_DIR / "master.key") if DEBUG else ""
)
# A file-based master key is replaced this often (the old one destroyed), which bounds how
# long a database backup can still open an erased member's data (docs/vault.md).
VAULT_MASTER_KEY_ROTATION_DAYS = envint("COMMONWORK_MASTER_KEY_ROTATION_DAYS", 7)
# The weather and air-quality alerts dispatch obeys: a CAP 1.2 feed (docs/protection.md).
WEATHER_FEED_URL = env("COMMONWORK_WEATHER_FEED_URL")
# Addresses (work.places): a Nominatim or Photon server ("nominatim+https://host"), else
# the gazetteer file of named places (the demo city's by default); nothing else is asked.
COMMONWORK_GEOCODER_URL = env("COMMONWORK_GEOCODER_URL") or ""
COMMONWORK_GAZETTEER = env("COMMONWORK_GAZETTEER") or ""
# Map tiles ("https://tile.example.org/{z}/{x}/{y}.png"); without them the maps draw
# markers, areas and radii on a plain background.
COMMONWORK_MAP_TILES = env("COMMONWORK_MAP_TILES") or ""
# A Dask scheduler (tcp://host:8786) for the policy lab's sweeps; empty: run them here.
COMMONWORK_DASK_SCHEDULER = env("COMMONWORK_DASK_SCHEDULER") or ""
# Whose data-protection law the co-op's consent records name (ISO/IEC TS 27560).
COMMONWORK_JURISDICTION = env("COMMONWORK_JURISDICTION") or "EU"
# Where the co-op works and what its workers mostly ride: the Fairwork self-assessment
# reads the minimum and living wage and the cost per km for these from its cost tables.
COMMONWORK_COUNTRY = env("COMMONWORK_COUNTRY") or "DE"
COMMONWORK_VEHICLE = env("COMMONWORK_VEHICLE") or "bicycle"
COMMONWORK_MAP_ATTRIBUTION = env("COMMONWORK_MAP_ATTRIBUTION") or "© OpenStreetMap"
# Web Push for offers (pywebpush); without keys the worker's page polls.
COMMONWORK_VAPID_PUBLIC_KEY = env("COMMONWORK_VAPID_PUBLIC_KEY") or ""
COMMONWORK_VAPID_PRIVATE_KEY = env("COMMONWORK_VAPID_PRIVATE_KEY") or ""
COMMONWORK_VAPID_CONTACT = env("COMMONWORK_VAPID_CONTACT") or "mailto:stewards@example.org"
# Federation (docs/federation.md): the origin peers reach this instance at, and whether
# plain http is allowed for peers (only ever on loopback, for the demo and the tests).
COMMONWORK_PUBLIC_URL = (env("COMMONWORK_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/")
COMMONWORK_FEDERATION_HTTP = envbool("COMMONWORK_FEDERATION_HTTP", DEBUG)
# The demo co-op's name, when two demo co-ops run side by side (`make run-federation`).
COMMONWORK_DEMO_NAME = env("COMMONWORK_DEMO_NAME") or ""

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_prometheus",
    "axes",
    "csp",
    # Its Swagger UI from its own static files, not a public CDN.
    "ninja",
    # The project's apps in layer order, lowest first (docs/architecture.md): each may
    # import only those above it in this list, and registers with them in ready().
    "commonwork.core",
    # After commonwork.core, whose `db_worker` (it beats; core.jobs) takes this one's place.
    "django_tasks_db",
    "commonwork.vault",
    "commonwork.members",
    "commonwork.governance",
    "commonwork.work",
    "commonwork.ledger",
    "commonwork.dispatch",
    "commonwork.protection",
    "commonwork.commons",
    "commonwork.observatory",
    "commonwork.platformdata",
    "commonwork.policylab",
    "commonwork.federation",
    "commonwork.site",
]

MIDDLEWARE = [
    # First and last: request latency and counts for /metrics (django-prometheus).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "commonwork.core.requests.RequestIdMiddleware",
    # A database away (restarting, failing over) answers 503 + Retry-After, not 500.
    "commonwork.site.edges.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "commonwork.site.edges.EdgeMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Notes where the primary's log stood after a write (only with a standby configured).
    "commonwork.core.replica.ReadYourWritesMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it answers a locked-out log-in with its lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# Who may read /metrics (the Prometheus scraper), by address.
METRICS_FROM = envlist("METRICS_FROM", ["127.0.0.1", "::1"])


# Content-Security-Policy (django-csp): everything from this origin only, scripts only
# with the page's nonce, no inline styles, no eval (htmx is configured without it in
# base.html), no framing. No page loads anything from another site.
def _tile_origin(url: str) -> list[str]:
    """The tile server's origin, the one other site a page may load images from."""
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/")[0].replace("{s}", "*")  # Leaflet's subdomain placeholder
    return [f"{scheme}://{host}"] if rest else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_origin(COMMONWORK_MAP_TILES)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Log-in throttling (django-axes, on the database: no extra service). After
# AXES_FAILURE_LIMIT wrong passwords for one account, or from one address, further tries
# are refused for AXES_COOLOFF_TIME, even with the right password; the page says so and
# the audit log records it. The API's bearer tokens are throttled the same way by address
# (commonwork.site.throttle).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "commonwork.site.throttle.lockout_response"
AXES_VERBOSE = False
# The access log of every log-in (who, from where, when) is personal data we do not need.
AXES_DISABLE_ACCESS_LOG = True

ROOT_URLCONF = "commonwork.site.urls"
# The largest request body read into memory (a form or a JSON call; files go elsewhere):
# larger ones are answered 413 by commonwork.site.edges.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
WSGI_APPLICATION = "commonwork.wsgi.application"
ASGI_APPLICATION = "commonwork.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commonwork.site.context_processors.cooperative",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'commonwork.sqlite3'}", base_dir=BASE_DIR
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A busy timeout lets concurrent writers wait for SQLite's single write lock
    # instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
elif envint("DATABASE_POOL_SIZE", 0):
    # Django's own pool (psycopg_pool) per process, instead of a connection per thread
    # kept for CONN_MAX_AGE: a web process then holds at most this many connections.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "pool": {"min_size": 1, "max_size": envint("DATABASE_POOL_SIZE", 0), "timeout": 10}
    }
# A streaming standby for the pages that read only public or aggregate data
# (core.replica); the writer's own session reads the primary for a while after a write.
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **database_from_url(env("DATABASE_REPLICA_URL") or "", base_dir=BASE_DIR),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["commonwork.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "members.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

# Django's default first; the demo's hasher last, only so demo log-ins (whose password is
# published) verify until their first log-in upgrades them (site.demo.DemoPasswordHasher).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "commonwork.site.demo_hasher.DemoPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English dates day-first with a 24-hour clock (commonwork/formats/en).
FORMAT_MODULE_PATH = ["commonwork.formats"]
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE") or "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL") or "commonwork@localhost"
# With EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend, these name the server.
EMAIL_HOST = env("EMAIL_HOST") or "localhost"
EMAIL_PORT = int(env("EMAIL_PORT") or "25")
EMAIL_HOST_USER = env("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = (env("EMAIL_USE_TLS") or "0") == "1"

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Background work (offer expiry, dispatch rounds, period close...) runs as Django tasks.
# The default keeps the queue in the database and `manage.py db_worker` runs it; with
# REDIS_URL set the queue is RQ on Redis (django-tasks-rq), run by
# `manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job default` (the
# scheduler part starts jobs put off to later: retries, core.jobs).
REDIS_URL = env("REDIS_URL") or ""
if REDIS_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    # Every job gets RQ's retries, spent only when its worker dies under it; workers look
    # after each other's abandoned jobs every 30 s (core.jobs).
    RQ = {
        "QUEUE_CLASS": "commonwork.core.jobs.RetryingQueue",
        "WORKER_CLASS": "commonwork.core.jobs.Worker",
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Logs go to standard error: one JSON object a line (LOG_FORMAT=json, the default with
# DEBUG off, for a log collector), or plain lines; each with the request's id.
LOG_FORMAT = env("LOG_FORMAT") or ("text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "commonwork.core.requests.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL") or "INFO"},
    # django-axes reports every attempt at INFO; the lockouts themselves are audited.
    "loggers": {"axes": {"level": "WARNING"}},
}
