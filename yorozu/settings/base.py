"""Settings shared by every environment. Everything secret or site-specific comes from the
environment; the defaults give a working development setup (SQLite, filesystem broker)."""

import ipaddress
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class _LiteralEnviron(Mapping):
    """os.environ as django-environ should see it: every value taken as it is. By itself it
    reads a value starting with "$" as the name of another variable, so a key or password
    such as "$3cret" (Django's generated keys may start so) would turn silently into the
    default; escaped here, and unescaped by escape_proxy, the value stays whole."""

    def __getitem__(self, key):
        return os.environ[key].replace("$", r"\$")

    def __iter__(self):
        return iter(os.environ)

    def __len__(self):
        return len(os.environ)


# Every setting read from the environment goes through django-environ (no .env file is read:
# docker-compose and the Makefile pass the environment itself).
env = environ.Env()
env.ENVIRON, env.escape_proxy = _LiteralEnviron(), True


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Comma-separated, blanks around items ignored ("a, b," is ["a", "b"])."""
    return [item for item in env.list(name, cast=str.strip, default=default or []) if item]


BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env.str("YOROZU_VAR_DIR", default=str(BASE_DIR / "var")))

# Only development may run with a made-up key; production.py refuses to start without one.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # intcomma: thousands separators on the counts shown in pages.
    "django.contrib.humanize",
    "guardian",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "simple_history",
    "django_filters",
    "django_tables2",
    "yorozu.accounts",
    "yorozu.jobs",
    "yorozu.notifications",
    "hubs",
    "consultations",
    "evaluation",
    # Nested under evaluation/, each an app of its own (docs/architecture.md, Apps).
    "evaluation.surveys",
    "evaluation.plans",
    "evaluation.reports",
    "evaluation.outcomes",
    "evaluation.selfstudy",
    "evaluation.assessments",
    # The project layer (yorozu/apps.py): the seed_demo command, the URL converters.
    "yorozu",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # request.htmx, before the login and session middleware that answer htmx differently.
    "django_htmx.middleware.HtmxMiddleware",
    "yorozu.i18n.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store, private on every response to a logged-in user.
    "yorozu.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the consultation records' history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "yorozu.accounts.middleware.SessionLifetimeMiddleware",
    # Deny by default: every view needs a login unless it is marked @login_not_required.
    # Django's, except that a form posted without a login leads back to its page afterwards.
    "yorozu.accounts.middleware.LoginRequiredMiddleware",
    "hubs.middleware.AccessSyncMiddleware",
    # The database's second wall: PostgreSQL shows the request only its user's hubs (hubs.rls).
    "hubs.middleware.HubWallMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns django-ratelimit's refusals into RATELIMIT_VIEW's 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yorozu.urls"
WSGI_APPLICATION = "yorozu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hubs.context_processors.navigation",
                "yorozu.accounts.context_processors.session_timer",
                "yorozu.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# An empty DATABASE_URL (`DATABASE_URL= make test`) means the embedded default, as no setting.
DATABASES = {
    "default": {
        **env.db_url_config(env.str("DATABASE_URL", default="")
                            or f"sqlite:///{VAR_DIR / 'yorozu.sqlite3'}"),
        "CONN_MAX_AGE": 0,
    }
}
SILENCED_SYSTEM_CHECKS = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No persistent connections by default: the development server runs each request in a new
    # thread, and every thread would keep its own idle connection until PostgreSQL's limit is
    # reached. production.py turns them on, for gunicorn's and Celery's long-lived workers.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Random reads cost about what sequential ones do on SSDs and in cache (PostgreSQL's
    # default, 4, is for spinning disks). Behind the row-level security wall the planner counts
    # the policy's hub condition and the page's own as independent, expects a twelfth of a large
    # hub's cases, and with the default prefers sorting every case over walking the index to the
    # first page: 172 ms against 5 ms for Tokyo's case list at national scale
    # (docs/performance.md).
    DATABASES["default"]["OPTIONS"] = {
        "options": f"-c random_page_cost={env.float('DB_RANDOM_PAGE_COST', default=1.1)}"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to the same file: WAL and immediate transactions
    # turn "database is locked" errors into short waits.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The case list's index carries the case key for PostgreSQL's index-only scans; SQLite
    # keeps the index without it, which is all it needs at a development's size.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------------
# Shared by every web process: rate limits on the public link pages count here. Redis in
# production; a file cache under var/ in development (still shared between processes).
if env.str("CACHE_URL", default="").startswith("redis://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": env.str("CACHE_URL")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}
RATELIMIT_VIEW = "yorozu.views.rate_limited"


def env_networks(name: str) -> list[str]:
    """Addresses or networks (CIDR); a typo must stop the start, not trust nobody silently."""
    entries = env_list(name)
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            raise ImproperlyConfigured(f"{name}: {entry!r} is not an address or network") \
                from error
    return entries


# The proxies whose X-Forwarded-For is believed (yorozu/net.py). Empty: the header is ignored
# and every connection counts as its own address. Rate limits and the login lockout both
# count the address client_ip() gives.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
RATELIMIT_IP_META_KEY = "yorozu.net.client_ip"

# --- Authentication and sessions ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Absolute lifetime of a login; the idle timeout below ends it sooner when nobody is active.
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: lock a username *from one address* after repeated failures, so that an
# attacker can neither lock out a real user from elsewhere nor spray one address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "yorozu.accounts.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "yorozu.net.client_ip"
AXES_VERBOSE = False

# django-guardian: no anonymous user row; anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Security headers -----------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "ja"
# One date style per language (yorozu/core/formats/, docs/wording.md).
FORMAT_MODULE_PATH = ["yorozu.core.formats"]
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "yorozu" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Attachments (the self-study's documents: docs/operations.md, Attachments) --------------
# Per file, and for all the documents of one self-study. The type is checked from the content.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
SELF_STUDY_ATTACHMENTS_MAX_BYTES = env.int("SELF_STUDY_ATTACHMENTS_MAX_BYTES",
                                           default=50 * 1024 * 1024)
# A clamd to scan each attachment ("unix:/run/clamav/clamd.ctl" or "tcp:clamav:3310"); empty:
# no scan (yorozu/core/clamd.py). Configured but unreachable refuses the attachment.
CLAMD_ADDRESS = env.str("CLAMD_ADDRESS", default="")
CLAMD_TIMEOUT = env.int("CLAMD_TIMEOUT", default=30)

# --- Files (job results, rejected import rows) -----------------------------------------------
# Read and written only through the storage API (yorozu/core/files.py). By default on this
# server's disk under MEDIA_ROOT; with a bucket named, in S3-compatible object storage (MinIO in
# docker-compose), which every web and worker replica shares. Never served from the bucket:
# downloads stream through the app, after its access check.
MEDIA_ROOT = VAR_DIR / "media"
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        # Empty: Amazon S3 itself; MinIO and other S3-compatible services name their address.
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        # Empty: boto3 finds credentials itself (AWS_ACCESS_KEY_ID, an instance role...).
        "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
        # MinIO without a domain of its own wants "path".
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
        "location": env.str("AWS_LOCATION", default=""),
        # As on disk: a second file of the same name gets a new name, never replaces one.
        "file_overwrite": False,
        # No ACL sent: objects are as private as the bucket (keep it private; new Amazon S3
        # buckets refuse ACLs altogether).
        "default_acl": None,
        # A download is read into memory up to this size, beyond it into a temporary file.
        "max_memory_size": 10 * 1024 * 1024,
    }}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------------
# Development writes one file per message under var/mail (see yorozu/mail.py).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="yorozu.mail.MessageFileBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="yorozu@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background jobs ------------------------------------------------------------------------
# With no broker configured the jobs still run in a real worker process, over kombu's
# filesystem transport under var/, so development needs neither Redis nor Docker.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Otherwise kombu writes its exchange tables to ./control in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    for _folder in (_queue_dir, VAR_DIR / "celery" / "processed", VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
else:
    # Redis re-delivers an unacknowledged task after this long: keep it above the time limit,
    # or a long acks_late task would run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 10 * 60}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Terms end at midnight Tokyo time. Requests resync on their own (hubs.middleware); this
    # hourly pass also empties the groups of users who are not using the system.
    "access-sync-hourly": {
        "task": "hubs.tasks.access_sync_all",
        "schedule": 60 * 60,
    },
    # Jobs whose message was lost, or whose worker died, are enqueued again.
    "jobs-sweep": {"task": "yorozu.jobs.tasks.jobs_sweep", "schedule": 60},
    # Each of these records a job per day or month (a dedupe key makes a repeat harmless).
    # Their names date from when one evaluation app held them all; the tasks now live in
    # consultations (reminders), evaluation.surveys and evaluation.reports and keep the
    # names, so that messages already queued still find them.
    "referral-reminders-daily": {"task": "evaluation.tasks.referral_reminders_schedule",
                                 "schedule": crontab(hour=8, minute=0)},
    "satisfaction-catch-up-daily": {"task": "evaluation.tasks.satisfaction_dispatch_schedule",
                                    "schedule": crontab(hour=10, minute=0)},
    "survey-reminders-daily": {"task": "evaluation.tasks.survey_reminders_schedule",
                               "schedule": crontab(hour=9, minute=0)},
    "monthly-reports": {"task": "evaluation.tasks.monthly_reports_schedule",
                        "schedule": crontab(day_of_month=1, hour=6, minute=0)},
    # Yearly: clients past their retention period are anonymised, old read-log rows deleted.
    "retention-yearly": {"task": "consultations.tasks.retention_schedule",
                         "schedule": crontab(month_of_year=4, day_of_month=2, hour=3, minute=0)},
}
# A running job that has not reported progress for this long is taken to have lost its
# worker, and the sweeper enqueues it again (jobs report progress every few seconds).
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=300)
# A waiting job enqueued this long ago without a worker taking it is enqueued again.
JOB_PENDING_GRACE_SECONDS = env.int("JOB_PENDING_GRACE_SECONDS", default=600)
JOB_MAX_ATTEMPTS = 3
JOB_RETRY_SECONDS = 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# One-time links for support agencies (referrals): how long an emailed link stays valid, and
# how long the page it opens stays usable after the token has left the URL.
REFERRAL_LINK_DAYS = env.int("REFERRAL_LINK_DAYS", default=30)
REFERRAL_VISIT_SECONDS = env.int("REFERRAL_VISIT_SECONDS", default=2 * 60 * 60)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Surveys: how long an emailed link stays valid, how long the answer page stays usable after
# the token has left the URL, and the fewest answers shown as an average (fewer could point
# at one respondent).
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=30)
SURVEY_VISIT_SECONDS = env.int("SURVEY_VISIT_SECONDS", default=2 * 60 * 60)
SATISFACTION_MIN_ANSWERS = 5
AGENCY_SURVEY_MIN_ANSWERS = 3
# A hub's result shows how all hubs were scored on each item only over at least this many
# hubs: with one or two, each could read the others' levels off it.
GUIDELINE_DISTRIBUTION_MIN_HUBS = 5
# The fewest clients a value-added figure of client outcomes is shown over
# (evaluation/figures.py): with fewer, it would tell one firm's figures.
OUTCOME_MIN_CLIENTS = env.int("OUTCOME_MIN_CLIENTS", default=5)

# Retention of personal data (consultations/retention.py, docs/operations.md). The periods are
# the operator's decision under its privacy policy; these defaults are a starting point.
# Clients: years after their last activity, then anonymised. Read log: years, then deleted.
RETENTION_CLIENT_YEARS = env.int("RETENTION_CLIENT_YEARS", default=10)
RETENTION_READ_LOG_YEARS = env.int("RETENTION_READ_LOG_YEARS", default=3)
if min(RETENTION_CLIENT_YEARS, RETENTION_READ_LOG_YEARS) < 1:
    raise ImproperlyConfigured("RETENTION_CLIENT_YEARS and RETENTION_READ_LOG_YEARS must be "
                               "at least 1")

# Demo seeding prints this password; it is not used for anything but seed_demo.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="yorozu-demo-2026")

# --- REST API and calendar feeds (yorozu/api, docs/permissions.md) --------------------------
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "yorozu.api"]
REST_FRAMEWORK = {
    # Tokens made on the settings page, stored hashed (yorozu/api/models.py); no session.
    "DEFAULT_AUTHENTICATION_CLASSES": ["yorozu.api.authentication.UserTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],  # read-only: nothing is ever posted
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per user, counted in the shared cache (the same as django-ratelimit's).
    "DEFAULT_THROTTLE_CLASSES": ["yorozu.api.throttling.UserThrottle"],
}
API_RATE = env.str("API_RATE", default="1000/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "Yorozu API",
    "DESCRIPTION": ("Read-only API of the yorozu support hub platform: hubs, figures per hub "
                    "and month, annual plans and evaluation results, scoped to the token's "
                    "user as the pages are."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"PlanStatusEnum": "yorozu.api.serializers.PLAN_STATUSES",
                            "ResultStatusEnum": "yorozu.api.serializers.RESULT_STATUSES"},
}
# The calendar feed, per token and per address (calendar services poll every few minutes
# to hours; a guesser gets few tries).
CALENDAR_FEED_RATE = env.str("CALENDAR_FEED_RATE", default="60/h")
CALENDAR_FEED_IP_RATE = env.str("CALENDAR_FEED_IP_RATE", default="600/h")
