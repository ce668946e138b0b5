"""Unit tests: fast hashing, eager tasks, mail in memory. Integration tests that start a real
worker turn eager mode off for themselves."""

import os

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    DATABASES,
    INSTALLED_APPS,
    SILENCED_SYSTEM_CHECKS,
    STATICFILES_DIRS,
    VAR_DIR,
)

DEBUG = False
# The test database's flush command (yorozu/testing/management/commands/flush.py).
INSTALLED_APPS = [*INSTALLED_APPS, "yorozu.testing"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A commit need not wait for its write to reach the disk: a test database that a crash
    # loses costs nothing. Transactional tests (live server, workers) commit and flush often.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
    # Emptied with DELETE between transactional tests, not TRUNCATE (yorozu/testing).
    DATABASES["default"]["ENGINE"] = "yorozu.testing.postgresql"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a worker subprocess can open the same test database; one per
    # process, so that two test runs in one checkout do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
# The test client serves static files through WhiteNoise's finders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
# axe-core for the browser tests' accessibility checks, loaded by the pages under test from
# /static/axe/axe.min.js (tests/browser/conftest.py).
STATICFILES_DIRS = [*STATICFILES_DIRS, ("axe", BASE_DIR / "tests" / "browser" / "vendor")]
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = None
# Job results (report files) of this run, apart from development's.
MEDIA_ROOT = VAR_DIR / f"test-media-{os.getpid()}"
# Rate limits need a cache; in-process memory is enough inside one test run.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003",
                          "django_ratelimit.W001"]
