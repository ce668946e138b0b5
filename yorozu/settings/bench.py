"""The benchmark's server (`make bench`, yorozu/bench/): the production settings the
documented deployment runs, with what a deployment sets in its environment given here for a
local run, mail going nowhere, and one more page: the floor (yorozu/bench/urls.py)."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1")
os.environ.setdefault("EMAIL_HOST", "localhost")

from .production import *  # noqa: E402, F403

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
ROOT_URLCONF = "yorozu.bench.urls"
