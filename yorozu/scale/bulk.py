"""Writing millions of rows fast: PostgreSQL's COPY, or executemany INSERTs on other databases
(SQLite in development and in the tests' small runs), behind one call.

A producer gives a model, the columns it fills and the rows as tuples in that order; every
other concrete column takes its field's default (auto_now columns the load's timestamp), so a
column added to a model later still loads, and a required column without a default stops the
load with its name. The primary keys are the producer's (ids it reserved), so that rows can
point at rows written a moment before without reading them back."""

import io
from collections.abc import Iterable
from datetime import date, datetime, time

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

CHUNK_ROWS = 50_000
_NOT_GIVEN = object()


class MissingColumn(Exception):
    pass


def _defaults(model, given: list[str], now: datetime) -> tuple[list[str], tuple]:
    """The columns the producer does not give, and their values."""
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() or (field.blank and field.empty_strings_allowed):
            value = field.get_default()  # a blank text column: ""
        elif field.null:
            value = None
        elif field.primary_key:
            continue
        else:
            raise MissingColumn(f"{model._meta.label}.{field.attname} needs a value")
        names.append(field.column)
        values.append(field.get_db_prep_save(value, connection))
    return names, tuple(values)


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, str):
        return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return str(value)


def _adapted(value):
    """A date, time or timestamp as the database takes it in a plain INSERT (SQLite's driver
    adapts none of them by itself from Python 3.12, and never a time)."""
    ops = connection.ops
    if isinstance(value, datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return ops.adapt_datefield_value(value)
    if isinstance(value, time):
        return ops.adapt_timefield_value(value)
    return value


class Writer:
    """Loads rows into one database; `finish()` moves the id sequences past what was
    written."""

    def __init__(self):
        self.now = timezone.now()
        self.written: dict[str, int] = {}
        self._models: list = []

    def next_id(self, model) -> int:
        return (model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1

    def load(self, model, columns: list[str], rows: Iterable[tuple]) -> int:
        rest, defaults = _defaults(model, columns, self.now)
        fields = {field.attname: field.column for field in model._meta.concrete_fields}
        names = [fields[name] for name in columns] + rest
        count = 0
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row + defaults)
            if len(chunk) == CHUNK_ROWS:
                count += self._write(model._meta.db_table, names, chunk)
                chunk = []
        if chunk:
            count += self._write(model._meta.db_table, names, chunk)
        self.written[model._meta.label] = self.written.get(model._meta.label, 0) + count
        self._models.append(model)
        return count

    def _write(self, table: str, names: list[str], rows: list[tuple]) -> int:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(name) for name in names)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                text = io.StringIO("".join(
                    "\t".join(_copy_text(value) for value in row) + "\n" for row in rows))
                cursor.cursor.copy_expert(f"COPY {quote(table)} ({columns}) FROM STDIN", text)
            else:
                marks = ", ".join(["%s"] * len(names))
                rows = [tuple(_adapted(value) for value in row) for row in rows]
                cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})",
                                   rows)
        return len(rows)

    def finish(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(dict.fromkeys(
            self._models)))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        # Statistics before anything reads what was loaded: without them PostgreSQL plans the
        # kept figures' rebuild as a scan of every session per client (hours, not minutes).
        self.tidy(command="ANALYZE")

    def tidy(self, *, also=(), command: str = "") -> None:
        """Statistics for the planner on the tables loaded (and `also`, filled otherwise), on
        PostgreSQL. VACUUM as well where it may run (outside a transaction): it marks the pages
        all-visible, without which an index-only scan still reads every row (and a server with
        autovacuum off never does it)."""
        if connection.vendor != "postgresql":
            return
        command = command or ("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        with connection.cursor() as cursor:
            for model in dict.fromkeys([*self._models, *also]):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
