"""Shared fixtures. Tests that need PostgreSQL, Redis or a browser skip with a reason on a
bare machine and fail in CI (CI=true), where all of them must run."""

import copy
import os
import shutil
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.db import connection, transaction
from pytest_django.fixtures import validate_django_db

from hubs.models import Hub
from hubs.roles import Role
from tests.hubs.factories import AgencyFactory, AppointmentFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _redis_of_this_worker(url: str) -> str:
    """Tests empty their Redis database: under pytest-xdist each worker takes its own, counting
    down from the one configured (gw0: 15, gw1: 14, ...). Without xdist, the one configured."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ...
    if not worker.startswith("gw"):
        return url
    parsed = urlparse(url)
    number = int(parsed.path.strip("/") or 0) - int(worker[2:])
    if number < 1:  # 0 is the development broker's
        raise RuntimeError(f"too many test workers for one Redis database each ({url})")
    return parsed._replace(path=f"/{number}").geturl()


TEST_REDIS_URL = _redis_of_this_worker(os.environ.get("TEST_REDIS_URL",
                                                      "redis://127.0.0.1:6379/15"))
# Debian's headless shell (package chromium-headless-shell: the same Chromium build in the old
# headless mode, which Playwright itself uses for headless runs) when it is installed: it
# spends a third of the CPU of the full browser started headless. Otherwise the full browser.
HEADLESS_SHELL, FULL_CHROMIUM = "/usr/bin/chromium-headless-shell", "/usr/bin/chromium"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or (
    HEADLESS_SHELL if os.path.exists(HEADLESS_SHELL) else FULL_CHROMIUM)


def _redis_missing() -> str | None:
    parsed = urlparse(TEST_REDIS_URL)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return None
    except OSError:
        return f"no Redis at {TEST_REDIS_URL} (set TEST_REDIS_URL)"


def _postgres_missing() -> str | None:
    if connection.vendor == "postgresql":
        return None
    return "runs on PostgreSQL only (set DATABASE_URL=postgres://...)"


def _browser_missing() -> str | None:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return None
    return (f"no Chromium at {CHROMIUM} "
            "(apt-get install chromium chromium-headless-shell fonts-noto-cjk)")


NEEDS = {"needs_redis": _redis_missing, "needs_postgres": _postgres_missing,
         "browser": _browser_missing}


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering
def pytest_collection_modifyitems(items):
    """Tests that mostly wait (on a real process starting, on a timer running out) go first:
    under xdist the first worker waits through them while the others keep both cores busy,
    instead of the run ending on a worker that only waits. Then the few long tests (a whole
    migrate, a large load): started early, none of them can be the one the run ends waiting
    for while the other workers have nothing left."""
    first = ("waits", "real_worker", "long")
    early = [any(item.get_closest_marker(marker) for marker in first) for item in items]
    items[:] = ([item for item, soon in zip(items, early, strict=True) if soon]
                + [item for item, soon in zip(items, early, strict=True) if not soon])


def pytest_runtest_setup(item):
    for marker, missing in NEEDS.items():
        if item.get_closest_marker(marker) and (reason := missing()):
            if IN_CI:
                pytest.fail(f"{reason}: CI must run this test", pytrace=False)
            pytest.skip(reason)


PASSWORD = "pw-for-tests-123"


@dataclass
class Cast:
    """One user per role at the Tokyo hub (Kanto bureau), plus the Miyagi hub (Tohoku) as
    'another hub' with its own coordinator."""

    hub: Hub
    other_hub: Hub
    coordinator: object
    chief: object
    impl_org: object
    bureau: object
    hq: object
    admin: object
    outsider: object

    def by_role(self) -> dict:
        return {"coordinator": self.coordinator, "chief": self.chief,
                "impl_org": self.impl_org, "bureau": self.bureau, "hq": self.hq,
                "admin": self.admin}


def cast_make() -> Cast:
    hub = Hub.objects.get(jis_code="13")
    other_hub = Hub.objects.get(jis_code="04")

    def appointed(role, **where):
        user = UserFactory()
        AppointmentFactory(user=user, role=role, **where)
        return user

    return Cast(
        hub=hub,
        other_hub=other_hub,
        coordinator=appointed(Role.COORDINATOR, hub=hub),
        chief=appointed(Role.CHIEF, hub=hub),
        impl_org=appointed(Role.IMPL_ORG, hub=hub),
        bureau=appointed(Role.BUREAU, bureau=hub.bureau),
        hq=appointed(Role.HQ),
        admin=UserFactory(is_staff=True, is_superuser=True),
        outsider=appointed(Role.COORDINATOR, hub=other_hub),
    )


@contextmanager
def _held_transaction(django_db_blocker):
    """A transaction held open around a whole module, as Django's setUpTestData does: each
    test's own transaction nests in it as a savepoint and is rolled back at the test's end, and
    this one is rolled back at the module's end. Only for modules of plain `db` tests: a
    transactional test would flush what is made in it."""
    with django_db_blocker.unblock():
        held = transaction.atomic()
        held.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            held.__exit__(None, None, None)


# Fixtures that make a test transactional (committing, flushed afterwards).
TRANSACTIONAL = {"transactional_db", "live_server", "django_db_reset_sequences",
                 "django_db_serialized_rollback"}


def _cast_shareable(module: pytest.Module, items: list[pytest.Item]) -> bool:
    """Whether the module's tests can share one cast made before any of them (see `cast`):
    none is transactional, every database test takes the cast (so none sees users it did not
    ask for), and the module does not move the clock (a fixture that travels before the cast
    is made would give its appointments other dates)."""
    source = module.path.read_text(encoding="utf-8")
    if "time_machine" in source or "freezegun" in source:
        return False
    prefix = module.nodeid + "::"
    for item in items:
        if not item.nodeid.startswith(prefix):
            continue
        names = set(item.fixturenames)
        marker = item.get_closest_marker("django_db")
        if names & TRANSACTIONAL or (marker and any(validate_django_db(marker)[:2])):
            return False  # transaction=True or reset_sequences=True
        if (marker or "db" in names) and "cast" not in names:
            return False
    return True


@pytest.fixture(scope="module")
def _module_cast_shared(request, django_db_setup, django_db_blocker) -> Cast | None:
    """The module's one cast, or None where it cannot be shared. Module-scoped, so that its
    transaction is opened before the first test's own (pytest sets up wider scopes first)."""
    if not _cast_shareable(request.node, request.session.items):
        yield None
        return
    with _held_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            made = cast_make()
        yield made


@pytest.fixture
def cast(_module_cast_shared, db) -> Cast:
    """The cast. Made once per module where the module allows it (about a tenth of a second
    per test, for ~800 tests: mostly creating the role groups and their grants), in a
    transaction the module holds: each test gets fresh copies of the same rows, and what it
    changes in them is rolled back with its own transaction (Django's setUpTestData does the
    same, copies included). Otherwise made for each test."""
    if _module_cast_shared is None:
        return cast_make()
    return copy.deepcopy(_module_cast_shared)


@pytest.fixture(scope="module")
def module_cast(django_db_setup, django_db_blocker) -> Cast:
    """The cast made once for a whole module in a transaction held open for it (see
    _held_transaction), for modules whose module-scoped fixtures need it too. Whatever a test
    changes is undone by its own savepoint, so every test still starts from the same rows."""
    with _held_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            made = cast_make()
        yield made


@pytest.fixture
def agencies(cast):
    return AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request through the test client leaves its language active in this thread; the next
    test starts from the default again, whichever test ran before it on this worker."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _remove_test_media():
    """Report files the tests' jobs wrote (MEDIA_ROOT is per test run)."""
    yield
    from django.conf import settings

    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)



def pytest_sessionfinish(session):
    """Once every xdist worker is done, the run's template database goes (on the controller:
    yorozu/testing/postgresql/creation.py)."""
    if hasattr(session.config, "workerinput") or not session.config.getoption("numprocesses", 0):
        return
    from django.db import connection

    from yorozu.testing.postgresql.creation import DatabaseCreation, drop_templates

    if isinstance(connection.creation, DatabaseCreation):
        drop_templates(connection.settings_dict, connection.creation._get_test_db_name())
