import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from consultations.models import Session
from yorozu.bench.reports import bench_reports
from yorozu.bench.run import bench_pages, page_rows, write_results
from yorozu.bench.warm import cpu_reference, database_in_memory

PAGES, REPORTS = "pages", "reports"


# `make bench` (docs/performance.md). It reads every app's pages, so it sits in the project
# layer beside seed_scale, whose data it needs.
class Command(BaseCommand):
    help = ("Times every daily page (p50, p95 over --requests each) served by gunicorn with "
            "production settings, against the floor page, and every report job against the "
            "plain SQL behind it; writes var/bench/.")

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--runs", type=int, default=5,
                            help="Timed runs of each report job and of its SQL floor.")
        parser.add_argument("--only", choices=[PAGES, REPORTS],
                            help="Time only the pages, or only the report jobs.")
        parser.add_argument("--page", action="append", dest="only_pages", metavar="NAME",
                            help="Time only the pages whose names contain NAME (repeatable; "
                                 "the floor always runs).")
        parser.add_argument("--out", default="var/bench")

    def handle(self, *args, requests, port, workers, runs, only, out, only_pages=None,
               **options):
        if connection.vendor != "postgresql":
            raise CommandError("The bench measures PostgreSQL: set DATABASE_URL.")
        if not Session.objects.exists():
            raise CommandError("No consultations loaded: run `manage.py seed_scale` first.")
        pages, reports = [], []
        warmed, cpu = database_in_memory(), cpu_reference()
        self.stdout.write(f"{warmed}\n{cpu}")
        if only != REPORTS:
            call_command("collectstatic", interactive=False, verbosity=0)  # as a deployment does
            self.stdout.write(f"{'page':<38} {'p50 ms':>7} {'p95 ms':>7} {'qs':>4} {'/floor':>7}")
            pages = page_rows(bench_pages(requests=requests, port=port, workers=workers,
                                          out=Path(out), report=self.stdout.write,
                                          only_pages=only_pages))
        if only != PAGES:
            self.stdout.write(f"{'report':<44} {'job ms':>9} {'floor ms':>9} {'/floor':>7}")
            reports = bench_reports(runs=runs, report=self.stdout.write)
        result = write_results(
            Path(out), pages=pages, reports=reports, load_average=os.getloadavg(),
            settings_={"requests": requests, "workers": workers, "runs": runs, "database": warmed,
                       "cpu": cpu})
        self.stdout.write(f"Load average during the run: {result['load_average']}")
