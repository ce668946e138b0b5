"""Settings read from the environment (django-environ): the defaults of development, the
bucket that moves files to object storage, and production's refusals. Each case imports the
settings in a fresh interpreter with its own environment."""

import os
import subprocess
import sys

from django.conf import settings

from tests.project.test_dev_setup import _settings_value

STORAGE = "s.STORAGES['default']"


def test_without_a_bucket_files_stay_on_the_servers_disk():
    backend = _settings_value("yorozu.settings.base", f"{STORAGE}['BACKEND']",
                              AWS_STORAGE_BUCKET_NAME="")
    assert backend == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_name_puts_files_in_s3_compatible_storage_without_overwriting():
    value = _settings_value(
        "yorozu.settings.base",
        f"({STORAGE}['BACKEND'], {STORAGE}['OPTIONS']['endpoint_url'], "
        f"{STORAGE}['OPTIONS']['file_overwrite'], {STORAGE}['OPTIONS']['default_acl'])",
        AWS_STORAGE_BUCKET_NAME="yorozu", AWS_S3_ENDPOINT_URL="http://minio:9000")
    assert value == "('storages.backends.s3.S3Storage', 'http://minio:9000', False, None)"


def test_values_are_taken_as_written_and_lists_ignore_blanks():
    value = _settings_value("yorozu.settings.base", "(s.SECRET_KEY, s.ALLOWED_HOSTS, s.DEBUG)",
                            SECRET_KEY="$3cret$key", DEBUG="0",
                            ALLOWED_HOSTS=" a.example.jp, b.example.jp ,")
    assert value == "('$3cret$key', ['a.example.jp', 'b.example.jp'], False)"


def test_development_defaults_need_no_environment():
    value = _settings_value("yorozu.settings.base",
                            "(s.DEBUG, s.ALLOWED_HOSTS, s.EMAIL_HOST, s.SESSION_IDLE_TIMEOUT)",
                            DEBUG="", ALLOWED_HOSTS="", EMAIL_HOST="localhost")
    # An empty variable is an empty value, as before django-environ: no hosts, DEBUG off.
    assert value == "(False, [], 'localhost', 1800)"


def _production(**env) -> subprocess.CompletedProcess:
    """Imports the production settings; a variable given as None is left out."""
    environ = {**os.environ, "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "yorozu.example.jp",
               "EMAIL_HOST": "mail.example.jp", **env}
    environ = {key: value for key, value in environ.items() if value is not None}
    return subprocess.run([sys.executable, "-c", "import yorozu.settings.production"],
                          cwd=settings.BASE_DIR, env=environ, capture_output=True, text=True)


def test_production_refuses_to_start_without_a_mail_server():
    for missing in ("", None):
        done = _production(EMAIL_HOST=missing)
        assert done.returncode != 0
        assert "ImproperlyConfigured: Set EMAIL_HOST in the environment" in done.stderr
    assert _production().returncode == 0
