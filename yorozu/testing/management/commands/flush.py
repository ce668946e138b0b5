"""Django's flush, for the test suite (yorozu.settings.test installs yorozu.testing): after
emptying the tables between transactional tests it skips the post_migrate handlers when the
reference tables the test backend keeps through a flush (KEPT) hold what migrate left.

Every post_migrate handler of the project only creates rows that are missing (content types,
permissions, bureaus and hubs, topics and industries) or re-grants role groups (flushed, so
none are left); with the kept rows all there they found nothing to do, at about a hundred
queries per transactional test. A test that removed kept rows still gets them back."""

from django.core.management.commands import flush
from django.db import connections


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        kept_intact = getattr(connection.creation, "kept_intact", None)
        if kept_intact is not None and not options.get("reset_sequences", True) and kept_intact():
            options["inhibit_post_migrate"] = True
        return super().handle(**options)
