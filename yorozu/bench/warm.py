"""The database as a server that has been running holds it: in PostgreSQL's own buffers.

The bench and the load run time pages, not disk reads. After a restart, or where the operating
system gives back file pages it has not read lately (the development VM pages out any file
page unread for about a minute; docs/performance.md), the first reads of each hub's rows would
come from the disk, and the figures would depend on what happened to be read before. So both
runs first load the database's tables and indexes into shared_buffers with pg_prewarm (a
contrib extension shipped with PostgreSQL), when shared_buffers can hold them, and state what
they found in their output, with a measure of the machine's speed (cpu_reference)."""

import timeit

from django.db import DatabaseError, connection

ALL_RELATIONS = """
    SELECT coalesce(sum(pg_prewarm(c.oid)), 0)
    FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i', 'm')
"""


def database_in_memory() -> str:
    """Prewarms the database when it fits in shared_buffers; a line saying what was done."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database()), "
                       "pg_size_bytes(current_setting('shared_buffers'))")
        size, buffers = cursor.fetchone()
        sizes = f"database {size / 2**30:.1f} GiB, shared_buffers {buffers / 2**30:.1f} GiB"
        if size > buffers:
            return (f"Not prewarmed ({sizes}): the first reads of each hub come from the disk. "
                    "Raise shared_buffers above the database's size for figures that repeat.")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except DatabaseError as error:  # no right to create it: the run goes on, cold
            return f"Not prewarmed ({sizes}): {error}".strip()
        cursor.execute(ALL_RELATIONS)
        (blocks,) = cursor.fetchone()
    return f"Prewarmed {blocks * 8192 / 2**20:,.0f} MiB into shared_buffers ({sizes})."


def cpu_reference() -> str:
    """How fast this machine runs Python, to set runs on different machines side by side: the
    same pages took twice as long on one development VM as on another (docs/performance.md).
    The best of three, so that a moment of other work does not count."""
    seconds = min(timeit.repeat("sum(range(1000))", number=100_000, repeat=3))
    return f"CPU reference (sum(range(1000)) x 100,000, best of 3): {seconds:.2f} s."
