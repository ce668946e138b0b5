"""The improvement requests as a list (yorozu/core/tables.py draws it): the bureau's
follow-up list, the hub's to-do list, HQ's overview."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yorozu.core.tables import NOWRAP, ListTable, table_date

from .models import ImprovementRequest


class RequestTable(ListTable):
    caption = _("Improvement requests")
    title = tables.Column(_("What to improve"), order_by=("title", "pk"))
    hub = tables.Column(_("Hub"), accessor="hub__name", order_by=("hub__jis_code", "pk"),
                        attrs=NOWRAP)
    fiscal_year = tables.Column(_("Evaluation of"), accessor="assessment__fiscal_year",
                                order_by=("assessment__fiscal_year", "pk"), attrs=NOWRAP)
    due_on = tables.Column(_("By when"), order_by=("due_on", "pk"), attrs=NOWRAP)
    status = tables.Column(_("Status"), order_by=("status", "due_on", "pk"), attrs=NOWRAP)

    class Meta(ListTable.Meta):
        model = ImprovementRequest
        fields = ()
        sequence = ("title", "hub", "fiscal_year", "due_on", "status")
        empty_text = _("No improvement requests to show.")

    def render_title(self, record, value):
        return format_html('<a href="{}">{}</a>',
                           reverse("assessments:request_detail", args=[record.pk]), value)

    def render_fiscal_year(self, value):
        return _("FY %(year)s") % {"year": value}

    def render_due_on(self, value):
        return table_date(value)

    def render_status(self, record):
        return record.get_status_display()
