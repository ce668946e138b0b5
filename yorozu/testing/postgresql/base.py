"""PostgreSQL for the test suite (yorozu.settings.test): empties tables with DELETE instead of
TRUNCATE between transactional tests (live server, real workers).

Reference tables (KEPT) are not emptied.

TRUNCATE gives every table and index a new file, which on ~60 small tables costs about a second
per test; DELETE of their few rows takes a few milliseconds. Django's foreign keys are deferred
on PostgreSQL, so the tables can be emptied in any order inside the one transaction. When a
test asks for its sequences to be reset, TRUNCATE ... RESTART IDENTITY is kept."""

from django.db.backends.postgresql import base, operations

from .creation import DatabaseCreation

# Reference rows that every test starts from and no test changes: loaded by migrate and kept
# through the flushes, so the post-flush handlers find them in place (a few queries) instead of
# creating them again (about 0.4 s per transactional test). Rows made from them per test
# (groups, object permissions) are emptied as usual.
KEPT = frozenset({"django_content_type", "auth_permission", "hubs_bureau", "hubs_hub",
                  "consultations_topic", "consultations_industry"})


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        tables = [table for table in tables if table not in KEPT]
        if not tables or reset_sequences:
            return super().sql_flush(style, tables, reset_sequences=reset_sequences,
                                     allow_cascade=allow_cascade)
        return ["SET CONSTRAINTS ALL DEFERRED;"] + [
            f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')} "
            f"{style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    creation_class = DatabaseCreation
