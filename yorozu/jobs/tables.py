"""Lists of background jobs as one table (yorozu/core/tables.py): the jobs page's two lists and
a report page's recent reports, cards on a phone. A job's progress cell is the same part the
page polls (templates/jobs/_job_progress.html): while the job runs, htmx swaps that cell alone
every two seconds, so the table keeps its sort and the rows their place.

The lists are the latest jobs (a few dozen at most, yorozu/jobs/selectors.py), so they sort in
Python on what the reader sees: a job by its label, a scope by its name."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from yorozu.core.tables import DATETIME, ListTable

from .models import Job


def _labelled(label, **td) -> dict:
    """A cell that names its column when a row is a card (on a phone)."""
    return {"td": {"data-label": label, **td}}


class JobTable(ListTable):
    job = tables.Column(_("Job"), accessor="label", order_by=("label", "created_at", "pk"))
    scope = tables.Column(_("Scope"), accessor="scope_name", order_by=("scope_name", "pk"),
                          attrs=_labelled(_("Scope")))
    started_by = tables.Column(_("Requested by"), empty_values=(),
                               order_by=("started_by__family_name_kana",
                                         "started_by__given_name_kana", "pk"),
                               attrs=_labelled(_("Requested by")))
    created_at = tables.Column(_("Started"), order_by=("created_at", "pk"),
                               attrs=_labelled(_("Started"), **{"class": "text-nowrap"}))
    progress = tables.Column(_("Progress"), empty_values=(), order_by=("percent", "pk"),
                             attrs={"th": {"class": "job-progress-col"},
                                    **_labelled(_("Progress"), **{"class": "job-progress-col"})})

    class Meta(ListTable.Meta):
        # On a phone each job is a card, its progress and download button in view.
        attrs = {"class": f"{ListTable.Meta.attrs['class']} table-cards job-table"}
        order_by = "-created_at"

    def __init__(self, data, *, caption, empty_text, job_header=None, **kwargs):
        self.caption = caption
        super().__init__(data, empty_text=empty_text, **kwargs)
        if job_header:
            self.columns["job"].column.verbose_name = job_header

    def render_started_by(self, record: Job):
        if record.started_by is None:
            return _("Made automatically")
        return record.started_by.get_full_name() or record.started_by.email

    def render_created_at(self, value):
        return date_format(timezone.localtime(value), DATETIME)

    def render_progress(self, record: Job):
        return render_to_string("jobs/_job_progress.html", {"job": record})
