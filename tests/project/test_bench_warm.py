"""The bench's and the load run's first step (yorozu/bench/warm.py): the database is read into
PostgreSQL's shared_buffers when they can hold it, and the run says what it found."""

import pytest
from django.db import connection

from yorozu.bench import warm

pytestmark = pytest.mark.needs_postgres


def _buffered_pages_of(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_buffercache")
        cursor.execute("SELECT count(*) FROM pg_buffercache WHERE relfilenode = "
                       "pg_relation_filenode(%s::regclass)", [table])
        return cursor.fetchone()[0]


def test_a_database_that_fits_is_read_into_shared_buffers(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size('consultations_topic') / 8192")
        (pages,) = cursor.fetchone()
        cursor.execute("SELECT sum(pg_relation_size(oid)) FROM pg_class WHERE relnamespace = "
                       "'public'::regnamespace AND relkind IN ('r', 'i', 'm')")
        (size,) = cursor.fetchone()

    said = warm.database_in_memory()

    assert said.startswith(f"Prewarmed {size / 2**20:,.0f} MiB into shared_buffers"), said
    assert _buffered_pages_of("consultations_topic") >= pages > 0


def test_a_database_larger_than_shared_buffers_is_left_as_it_is(db, monkeypatch):
    class Sizes:
        """The two sizes the check reads: a database of 8 GiB, buffers of 128 MiB."""

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql, params=None):
            assert "pg_prewarm" not in sql, "prewarmed a database that does not fit"

        def fetchone(self):
            return 8 * 2**30, 128 * 2**20

    monkeypatch.setattr(warm.connection, "cursor", Sizes)

    said = warm.database_in_memory()

    assert said.startswith("Not prewarmed (database 8.0 GiB, shared_buffers 0.1 GiB)"), said


def test_the_cpu_reference_is_the_best_of_three_timings(monkeypatch):
    taken = {}

    def repeat(statement, *, number, repeat):
        taken.update(statement=statement, number=number, repeat=repeat)
        return [2.5, 2.061, 3.0]

    monkeypatch.setattr(warm.timeit, "repeat", repeat)

    assert warm.cpu_reference() == (
        "CPU reference (sum(range(1000)) x 100,000, best of 3): 2.06 s.")
    assert taken == {"statement": "sum(range(1000))", "number": 100_000, "repeat": 3}
