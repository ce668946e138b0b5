"""The bureau's plan review queue as a table (yorozu/core/tables.py draws it): every hub the
bureau reviews, with its plan's status for the year (a list of at most a bureau's hubs,
sorted in Python), plans awaiting review first until the reader sorts by a column."""


import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yorozu.core.tables import NOWRAP, ListTable, table_date

from .models import AnnualPlan
from .selectors import QueueRow

# A plan's stage in the workflow, for sorting by status: not started first.
STAGES = {"": 0, **{status: n for n, status in enumerate(AnnualPlan.Status.values, start=1)}}


class PlanQueueTable(ListTable):
    caption = _("Annual plans to review")
    hub = tables.Column(_("Hub"), accessor="hub__name", order_by=("hub__jis_code",),
                        attrs=NOWRAP)
    status = tables.Column(_("Status"), accessor="status_label",
                           order_by=("stage", "hub__jis_code"), attrs=NOWRAP)
    review = tables.Column(_("Actions"), accessor="status", orderable=False,
                           exclude_from_export=True, empty_values=(), attrs=NOWRAP)
    submitted_at = tables.Column(_("Submitted on"), order_by=("submitted_at", "hub__jis_code"),
                                 attrs=NOWRAP)
    deadline = tables.Column(_("Plan deadline"), order_by=("deadline", "hub__jis_code"),
                             attrs=NOWRAP)

    class Meta(ListTable.Meta):
        attrs = {"class": f"{ListTable.Meta.attrs['class']} plan-queue"}
        empty_text = _("No hubs to review.")
        row_attrs = {"class": lambda record: "table-warning" if record.awaits_review else ""}

    def __init__(self, rows: list[QueueRow], *args, fiscal_year: int, **kwargs):
        self.fiscal_year = fiscal_year
        for row in rows:
            row.stage = STAGES[row.status]
        super().__init__(rows, *args, **kwargs)

    def _plan_url(self, record: QueueRow) -> str:
        return reverse("plans:plan_detail", args=[record.hub.jis_code, self.fiscal_year])

    def render_hub(self, value, record: QueueRow):
        return format_html('<a href="{}">{}</a>', self._plan_url(record), value)

    def render_status(self, value, record: QueueRow):
        return format_html("<strong>{}</strong>", value) if record.awaits_review else value

    def render_review(self, record: QueueRow):
        # Start the review, accept or return: on the plan page, one tap from the queue.
        if not record.awaits_review:
            return ""
        return format_html('<a class="btn btn-sm btn-primary" href="{}#plan-actions">{}</a>',
                           self._plan_url(record), _("Review the plan"))

    def render_submitted_at(self, value):
        return table_date(value)

    def render_deadline(self, value):
        return table_date(value)

    def value_status(self, record: QueueRow):
        # Worked out again for a file, which is in Japanese whatever the reader's language.
        return record.plan.get_status_display() if record.plan else gettext("Not started")

    def value_submitted_at(self, record: QueueRow):
        return record.submitted_at

    def value_deadline(self, record: QueueRow):
        return record.deadline
