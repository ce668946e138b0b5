from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from consultations.models import Session
from yorozu.bench.load import load, runs


# `make load` (docs/performance.md), beside `make bench`, whose server and pages it uses.
class Command(BaseCommand):
    help = ("Load run: many logged-in coordinators at once (locust) against gunicorn with "
            "production settings, with think time and then in a closed loop; writes "
            "var/bench/load-<time>.md and .json. Fails unless the targets are met.")

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=200,
                            help="users of the run with think time (0: no such run)")
        parser.add_argument("--seconds", type=int, default=300)
        parser.add_argument("--closed-users", type=int, default=50,
                            help="users of the closed-loop run (0: no such run)")
        parser.add_argument("--closed-seconds", type=int, default=120)
        parser.add_argument("--port", type=int, default=8766)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--out", default="var/bench")

    def handle(self, *args, users, seconds, closed_users, closed_seconds, port, workers, out,
               **options):
        if connection.vendor != "postgresql":
            raise CommandError("The load run measures PostgreSQL: set DATABASE_URL.")
        if not Session.objects.exists():
            raise CommandError("No consultations loaded: run `manage.py seed_scale` first.")
        planned = runs(users=users, seconds=seconds, closed_users=closed_users,
                       closed_seconds=closed_seconds)
        if not planned:
            raise CommandError("Nothing to run: --users and --closed-users are both 0.")
        call_command("collectstatic", interactive=False, verbosity=0)  # as a deployment does
        result = load(runs=planned, port=port, workers=workers, out=Path(out),
                      report=self.stdout.write)
        failed = [one["run"]["name"] for one in result["runs"] if not one["passed"]]
        if failed:
            raise CommandError(f"Targets not met: {', '.join(failed)}.")
