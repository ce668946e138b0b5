"""The clients behind a hub's value-added figure (yorozu/core/tables.py draws it): each with
its baseline, latest and change, sortable, linked to the client page."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from yorozu.core.tables import NOWRAP, NUMBER, DateColumn, ListTable


def _amount(value) -> str:
    return f"{value:,}"


class OutcomeClientTable(ListTable):
    caption = _("Clients behind the figure")
    client = tables.Column(_("Client"), accessor="name", order_by=("name_kana", "name", "pk"))
    first_session_on = DateColumn(_("First consulted on"),
                                  order_by=("first_session_on", "pk"), attrs=NOWRAP)
    baseline_va = tables.Column(_("Value added before (thousand yen)"),
                                order_by=("baseline_va", "pk"), attrs=NUMBER)
    latest_va = tables.Column(_("Latest value added (thousand yen)"),
                              order_by=("latest_va", "pk"), attrs=NUMBER)
    change = tables.Column(_("Change (thousand yen)"), order_by=("change", "pk"), attrs=NUMBER)

    READS = ("name", "name_kana", "first_session_on")

    class Meta(ListTable.Meta):
        attrs = {"class": f"{ListTable.Meta.attrs['class']} outcome-client-table"}
        empty_text = _("No client has figures from both before and after their first "
                       "consultation yet.")

    def render_client(self, value, record):
        if "_address" not in self.__dict__:
            address = reverse("consultations:client_detail", args=[0])
            self._address = address.rpartition("0")[::2]
        head, tail = self._address
        return mark_safe(f'<a href="{head}{int(record.pk)}{tail}#outcomes">{escape(value)}</a>')

    def render_baseline_va(self, value):
        return _amount(value)

    def render_latest_va(self, value):
        return _amount(value)

    def render_change(self, value):
        return f"{value:+,}" if value else "0"
