"""The hub list and a hub's support-agency directory as tables (yorozu/core/tables.py)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yorozu.core.tables import ListTable

from .models import Hub, SupportAgency

NUMBER = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


class HubTable(ListTable):
    caption = _("Hubs with their regional bureau and staff in term")
    name = tables.Column(_("Hub"), order_by=("jis_code",))
    bureau = tables.Column(_("Regional bureau"), accessor="bureau__name",
                           order_by=("bureau__sort_order", "jis_code"))
    implementing_org = tables.Column(_("Implementing organization"),
                                     order_by=("implementing_org", "jis_code"))
    staff_count = tables.Column(_("Staff in term"), order_by=("staff_count", "jis_code"),
                                attrs=NUMBER)

    class Meta(ListTable.Meta):
        empty_text = _("No hubs to show.")

    def render_name(self, value, record: Hub):
        return format_html('<a href="{}">{}</a>',
                           reverse("hubs:hub_detail", args=[record.jis_code]), value)

    def render_staff_count(self, value):
        return f"{value:,}"


class AgencyTable(ListTable):
    caption = _("Support agencies")
    name = tables.Column(_("Name"), order_by=("name", "pk"))
    kind = tables.Column(_("Type"), order_by=("kind", "name", "pk"))
    contact_person = tables.Column(_("Contact person"), order_by=("contact_person", "pk"))
    email = tables.Column(_("Email"), order_by=("email", "pk"))
    phone = tables.Column(_("Phone"), order_by=("phone", "pk"),
                          attrs={"td": {"class": "text-nowrap"}})

    class Meta(ListTable.Meta):
        empty_text = _("No support agencies registered yet.")

    def __init__(self, *args, can_manage: bool, **kwargs):
        self.can_manage = can_manage
        super().__init__(*args, **kwargs)

    def render_name(self, value, record: SupportAgency):
        name = (format_html('<a href="{}">{}</a>', reverse("hubs:agency_edit", args=[record.pk]),
                            value) if self.can_manage else value)
        if record.is_active:
            return name
        return format_html('{} <span class="badge text-bg-secondary">{}</span>', name,
                           _("Not in use"))

    def render_kind(self, record: SupportAgency):
        return record.get_kind_display()

    def render_email(self, value):
        return format_html('<a href="mailto:{}">{}</a>', value, value)
