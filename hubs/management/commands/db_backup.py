"""`make backup`: a pg_dump of the database into var/backups/ (or --output). See
yorozu/backup.py and docs/operations.md."""

from django.core.management.base import BaseCommand, CommandError

from yorozu import backup


class Command(BaseCommand):
    help = "Dumps the PostgreSQL database (pg_dump, custom format) to a file readable only by you."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="The file to write (default: "
                                             "var/backups/<database>-<date>-<time>.dump).")
        parser.add_argument("--database-name", help="Dump this database on the same server "
                                                    "instead of the configured one.")

    def handle(self, *args, output=None, database_name=None, **options):
        try:
            path = backup.backup(output=output, database=database_name)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
