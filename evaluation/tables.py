"""The evaluation lists as tables (yorozu/core/tables.py draws them): HQ's hearings by hub and
a hub's coordinators' self-checks to review. Each column sorts on what the reader sees, with
the hub's code or the primary key last so that pages never overlap."""


import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yorozu.core.tables import ABSENT, NOWRAP, ListTable, table_date

from . import selfchecks
from .models import Hearing, SelfCheck

# A hearing's stage in the workflow, for sorting by status: none yet first.
STAGES = {"": 0, **{status: n for n, status in enumerate(Hearing.Status.values, start=1)}}


class HearingTable(ListTable):
    """Every hub with its hearing of the year or none (at most the 47 hubs: a list, sorted in
    Python). The hub's name and the status lead to the hearing, or the status to scheduling
    it."""

    caption = _("Hearings by hub")
    name = tables.Column(_("Hub"), order_by=("jis_code",), attrs=NOWRAP)
    bureau = tables.Column(_("Regional bureau"), accessor="bureau__name",
                           order_by=("bureau__sort_order", "jis_code"), attrs=NOWRAP)
    held_on = tables.Column(_("Hearing date"), accessor="hearing__held_on", default=ABSENT,
                            order_by=("hearing__held_on", "jis_code"), attrs=NOWRAP)
    lead = tables.Column(_("HQ lead"), accessor="hearing__lead", default=ABSENT, attrs=NOWRAP,
                         order_by=("hearing__lead__family_name_kana",
                                   "hearing__lead__given_name_kana", "jis_code"))
    status = tables.Column(_("Status"), accessor="hearing__status", empty_values=(),
                           order_by=("stage", "jis_code"), attrs=NOWRAP)

    class Meta(ListTable.Meta):
        attrs = {"class": f"{ListTable.Meta.attrs['class']} hearing-table"}
        empty_text = _("No hubs to show.")

    def __init__(self, hubs, *args, can_schedule: bool, **kwargs):
        self.can_schedule = can_schedule
        for hub in hubs:
            hub.stage = STAGES[hub.hearing.status if hub.hearing else ""]
        super().__init__(hubs, *args, **kwargs)

    def render_name(self, value, record):
        if record.hearing is None:
            return value
        return format_html('<a href="{}">{}</a>',
                           reverse("evaluation:hearing_detail", args=[record.hearing.pk]), value)

    def render_held_on(self, value):
        return table_date(value)

    def render_status(self, record):
        if record.hearing is not None:
            return format_html('<a href="{}">{}</a>', reverse(
                "evaluation:hearing_detail", args=[record.hearing.pk]),
                record.hearing.get_status_display())
        if self.can_schedule:
            return format_html(
                '<a href="{}">{}</a>', reverse("evaluation:hearing_schedule",
                                               args=[record.jis_code]),
                _("Schedule (%(hub)s)") % {"hub": record.prefecture})
        return ABSENT

    # In a file: the values themselves, blank where there is no hearing.
    def value_lead(self, record):
        return str(record.hearing.lead) if record.hearing else ""

    def value_held_on(self, record):
        return record.hearing.held_on if record.hearing else None

    def value_status(self, record):
        return record.hearing.get_status_display() if record.hearing else ""


PERSON = ("user__family_name_kana", "user__given_name_kana", "pk")
PERIOD = ("fiscal_year", "half", "pk")


class _SelfCheckTable(ListTable):
    user = tables.Column(_("Full name"), order_by=PERSON, attrs=NOWRAP)
    period = tables.Column(_("Half-year"), accessor="fiscal_year", order_by=PERIOD,
                           attrs=NOWRAP)

    class Meta(ListTable.Meta):
        pass

    def render_user(self, value, record: SelfCheck):
        return format_html('<a href="{}">{}</a>',
                           reverse("evaluation:selfcheck_edit", args=[record.pk]), value)

    def render_period(self, record: SelfCheck):
        return selfchecks.period_label(record.fiscal_year, record.half)


class AwaitingSelfCheckTable(_SelfCheckTable):
    caption = _("Self-checks awaiting review")
    submitted_at = tables.Column(_("Submitted"), order_by=("submitted_at", "pk"), attrs=NOWRAP,
                                 default=ABSENT)

    class Meta(_SelfCheckTable.Meta):
        empty_text = _("No self-check is awaiting review.")

    def render_submitted_at(self, value):
        return table_date(value)


class ReviewedSelfCheckTable(_SelfCheckTable):
    caption = _("Recently reviewed self-checks")
    reviewed_at = tables.Column(_("Reviewed"), order_by=("reviewed_at", "pk"), attrs=NOWRAP,
                                default=ABSENT)
    reviewed_by = tables.Column(_("Reviewed by"), default=ABSENT, attrs=NOWRAP, order_by=(
        "reviewed_by__family_name_kana", "reviewed_by__given_name_kana", "pk"))

    class Meta(_SelfCheckTable.Meta):
        empty_text = _("No self-checks reviewed yet.")

    def render_reviewed_at(self, value):
        return table_date(value)
