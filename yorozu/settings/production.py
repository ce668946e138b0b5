"""Production: everything from the environment, and refuse to start with unsafe defaults."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Set SECRET_KEY in the environment (50+ random characters).")
if not env.str("ALLOWED_HOSTS", default=""):
    raise ImproperlyConfigured("Set ALLOWED_HOSTS in the environment (comma-separated).")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # the container health check speaks plain HTTP
# The TLS terminator in front of gunicorn tells us the original scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# Referrals, surveys and password resets all go by email: without a mail server they would
# fail one by one in the worker's log, days later. Base's "localhost" default is for
# development only.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
if not EMAIL_HOST:
    raise ImproperlyConfigured("Set EMAIL_HOST in the environment: the mail server (SMTP) that "
                               "sends referral, survey and password-reset emails.")

# gunicorn's sync workers and Celery's processes serve request after request on the same thread:
# there a persistent connection saves a PostgreSQL connection setup per request. Health checks
# drop a connection the server closed before it is reused.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
