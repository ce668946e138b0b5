"""Applies the retention periods now, or with --dry-run only reports what it would change.
The yearly run is Celery beat's (CELERY_BEAT_SCHEDULE, a job on the jobs page); this command
is for the dry run before it and for running by hand."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from consultations import retention
from yorozu.core import fiscal

KINDS = ["clients", "cases", "sessions", "referrals", "history", "reads"]


class Command(BaseCommand):
    help = ("Anonymises clients past their retention period and deletes read-log entries past "
            "theirs. --dry-run prints what would change, per hub and kind, and changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Report what would change; change nothing.")
        parser.add_argument("--date", help="Count the periods back from this day (YYYY-MM-DD) "
                                           "instead of today.")

    def handle(self, *args, dry_run=False, date=None, **options):
        today = self._day(date)
        report = retention.retention_report(today=today)
        self._print(report)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
            return
        result = retention.retention_run(today=today)
        self.stdout.write(_("Clients anonymised: %(clients)s. Read-log entries deleted: "
                            "%(reads)s.") % {"clients": result.clients, "reads": result.reads})

    def _day(self, value):
        if not value:
            return fiscal.today()
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"--date: {value!r} is not a date (YYYY-MM-DD)") from exc

    def _print(self, report: retention.Report) -> None:
        self.stdout.write(_(
            "Clients whose last activity was before %(client)s (%(client_years)s years) are "
            "anonymised; read-log entries from before %(reads)s (%(read_years)s years) are "
            "deleted.") % {
            "client": date_format(report.client_cutoff, "DATE_FORMAT"),
            "client_years": settings.RETENTION_CLIENT_YEARS,
            "reads": date_format(report.read_log_cutoff, "DATE_FORMAT"),
            "read_years": settings.RETENTION_READ_LOG_YEARS})
        # Literal calls, so that makemessages finds each one.
        headers = [pgettext("retention", "Hub"), pgettext("retention", "Clients"),
                   pgettext("retention", "Cases"), pgettext("retention", "Sessions"),
                   pgettext("retention", "Referrals"), pgettext("retention", "History rows"),
                   pgettext("retention", "Read-log entries")]
        rows = [[str(row.hub), *(str(getattr(row, kind)) for kind in KINDS)]
                for row in report.hubs]
        rows.append([pgettext("retention", "Total"),
                     *(str(report.total(kind)) for kind in KINDS)])
        self.stdout.write(self._table(headers, rows))

    @staticmethod
    def _table(headers: list[str], rows: list[list[str]]) -> str:
        # Tab-separated: lines up in a terminal and pastes into a spreadsheet as it is.
        return "\n".join("\t".join(cells) for cells in [headers, *rows])
