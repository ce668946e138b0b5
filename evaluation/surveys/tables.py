"""A hub's support-agency surveys as a table (yorozu/core/tables.py draws it)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yorozu.core import fiscal
from yorozu.core.tables import DATE, NOWRAP, NUMBER, ListTable

from .models import AgencySurvey


class AgencySurveyTable(ListTable):
    caption = _("Surveys of this hub")
    title = tables.Column(_("Title"), order_by=("title", "pk"))
    fiscal_year = tables.Column(_("Fiscal year"), order_by=("fiscal_year", "pk"), attrs=NOWRAP)
    status = tables.Column(_("Status"), order_by=("status", "pk"), attrs=NOWRAP)
    deadline = tables.Column(_("Answer by"), order_by=("deadline", "pk"), attrs=NOWRAP)
    invited = tables.Column(_("Invited"), order_by=("invited", "pk"), attrs=NUMBER)
    sent = tables.Column(_("Sent"), order_by=("sent", "pk"), attrs=NUMBER)
    answered = tables.Column(_("Answered"), order_by=("answered", "pk"), attrs=NUMBER)

    class Meta(ListTable.Meta):
        empty_text = _("No surveys yet.")

    def render_title(self, value, record: AgencySurvey):
        return format_html('<a href="{}">{}</a>',
                           reverse("surveys:agency_survey_detail", args=[record.pk]), value)

    def render_fiscal_year(self, value):
        return fiscal.fiscal_year_label(value)

    def render_status(self, record: AgencySurvey):
        return record.get_status_display()

    def render_deadline(self, value):
        return date_format(value, DATE)

    def render_invited(self, value):
        return f"{value:,}"

    def render_sent(self, value):
        return f"{value:,}"

    def render_answered(self, value):
        return f"{value:,}"
