"""`make restore FILE=...`: loads a db_backup dump with pg_restore. See yorozu/backup.py and
docs/operations.md (stop web, worker and beat first)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yorozu import backup


class Command(BaseCommand):
    help = ("Restores a db_backup dump into the configured database, or into --database-name, "
            "creating the database if it does not exist.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .dump file db_backup wrote.")
        parser.add_argument("--database-name", help="Restore into this database on the same "
                                                    "server instead of the configured one.")
        parser.add_argument("--clean", action="store_true",
                            help="Replace the contents of a database that has tables.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="Do not ask before replacing a database's contents.")

    def handle(self, *args, file, database_name=None, clean=False, interactive=True, **options):
        if clean and interactive:
            target = database_name or "the configured database"
            answer = input(f"Everything in {target} will be replaced by {file}. "
                           "Type 'yes' to go on: ")
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            name = backup.restore(path=Path(file), database=database_name, clean=clean)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{file} restored into {name}.")
