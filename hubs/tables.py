"""The hub list, a hub's support-agency directory and the appointments page as tables
(yorozu/core/tables.py)."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yorozu.core.tables import NOWRAP, NUMBER, ListTable, table_date

from .invitations import invitable
from .models import Appointment, Hub, SupportAgency
from .roles import APPROVE_APPOINTMENT, PROPOSE_APPOINTMENT


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


# --- Appointments ----------------------------------------------------------------------------
# The person an appointment is for, as this reader may see them (Appointment.shown_name), sorts
# on the key the selector computed for the same reader (hubs.selectors.with_name_key).
NAME_ORDER = ("name_key", "pk")


def _labelled(label, **attrs) -> dict:
    """A cell that names its column when a row is a card (the queue on a phone)."""
    td = {"data-label": label, **attrs}
    return {"td": td}


def _person(prefix: str) -> tuple:
    return (f"{prefix}__family_name_kana", f"{prefix}__given_name_kana",
            f"{prefix}__family_name", "pk")


class _AppointmentTable(ListTable):
    """What both tables of the appointments page share: whom, where and for how long, read
    with the reader's access (hubs.access.hub_access) to name the person as they may."""

    name = tables.Column(_("Full name"), empty_values=(), order_by=NAME_ORDER)
    hub = tables.Column(_("Hub"), accessor="hub__name", order_by=("hub__jis_code", "pk"))

    def __init__(self, *args, access, **kwargs):
        self.access = access
        super().__init__(*args, **kwargs)

    def sees_account(self, record: Appointment) -> bool:
        return self.access.can(APPROVE_APPOINTMENT, record.hub_id)

    def shown_name(self, record: Appointment) -> str:
        return record.shown_name(sees_account=self.sees_account(record))

    def value_name(self, record: Appointment) -> str:
        return self.shown_name(record)


class AppointmentQueueTable(_AppointmentTable):
    """Proposals awaiting the bureau, with the buttons of whoever may decide or withdraw them.
    On a phone each row is a card (the `table-cards` class), so the buttons stay in view."""

    caption = _("Coordinator appointments awaiting bureau approval")
    hub = tables.Column(_("Hub"), accessor="hub__name", order_by=("hub__jis_code", "pk"),
                        attrs=_labelled(_("Hub")))
    term = tables.Column(_("Term"), accessor="starts_on", order_by=("starts_on", "ends_on", "pk"),
                         attrs=_labelled(_("Term")))
    proposed_by = tables.Column(_("Proposed by"), empty_values=(), order_by=_person("proposed_by"),
                                attrs=_labelled(_("Proposed by")))
    decision = tables.Column(_("Decision"), empty_values=(), orderable=False,
                             exclude_from_export=True, attrs=_labelled(_("Decision")))

    class Meta(ListTable.Meta):
        attrs = {"class": f"{ListTable.Meta.attrs['class']} table-cards appointment-queue"}
        empty_text = _("Nothing is awaiting approval.")

    def render_name(self, record: Appointment):
        name = self.shown_name(record)
        typed = ""
        if (self.sees_account(record) and record.proposed_name
                and record.proposed_name != name):
            typed = format_html('<br><span class="small">{}</span>',
                                _("Named in the proposal: %(name)s")
                                % {"name": record.proposed_name})
        return format_html('{}{}<br><span class="small text-body-secondary text-break">{}</span>',
                           name, typed, record.user.email)

    def render_term(self, record: Appointment):
        return format_html('<span class="text-nowrap">{}</span>', _("%(start)s to %(end)s") % {
            "start": table_date(record.starts_on), "end": table_date(record.ends_on)})

    def value_term(self, record: Appointment) -> str:
        return str(_("%(start)s to %(end)s") % {"start": table_date(record.starts_on),
                                               "end": table_date(record.ends_on)})

    def render_proposed_by(self, record: Appointment):
        who = str(record.proposed_by) if record.proposed_by else "—"
        if record.note:
            return format_html('{}<br><span class="small">{}</span>', who, record.note)
        return who

    def render_decision(self, record: Appointment):
        return render_to_string("hubs/_appointment_decision.html", {
            "a": record, "name": self.shown_name(record),
            "can_decide": self.sees_account(record),
            "can_withdraw": self.access.can(PROPOSE_APPOINTMENT, record.hub_id),
        }, request=self.request)


class AppointmentTable(_AppointmentTable):
    """Coordinator appointments as decided (the page's recent decisions, newest first) and,
    in the download, with the proposals still awaiting a decision."""

    caption = _("Recent decisions")
    starts_on = tables.Column(_("Start date"), order_by=("starts_on", "pk"), attrs=NOWRAP)
    ends_on = tables.Column(_("End date"), order_by=("ends_on", "pk"), attrs=NOWRAP)
    status = tables.Column(_("Status"), order_by=("status", "pk"), attrs=NOWRAP)
    decided_at = tables.Column(_("Decided on"), order_by=("decided_at", "pk"), attrs=NOWRAP)
    decided_by = tables.Column(_("Decided by"), order_by=_person("decided_by"), attrs=NOWRAP)
    invitation = tables.Column(_("Invitation email"), empty_values=(),
                               order_by=("invitation", "invitation_at", "pk"))

    class Meta(ListTable.Meta):
        attrs = {"class": f"{ListTable.Meta.attrs['class']} appointment-decisions"}
        empty_text = _("No decisions yet.")

    def render_name(self, record: Appointment):
        return self.shown_name(record)

    def render_starts_on(self, value):
        return table_date(value)

    def render_ends_on(self, value):
        return table_date(value)

    def render_status(self, record: Appointment):
        return record.get_status_display()

    def render_decided_at(self, value):
        return table_date(value)

    def value_decided_at(self, value):
        return timezone.localtime(value).date() if value else None

    def value_decided_by(self, value) -> str:
        return str(value) if value else ""

    def render_invitation(self, record: Appointment):
        return render_to_string("hubs/_appointment_invitation.html", {
            "a": record, "can_invite": invitable(record),
            "invited_on": table_date(record.invitation_at) if record.invitation_at else ""},
            request=self.request)

    def value_invitation(self, record: Appointment) -> str:
        return record.get_invitation_display() if record.invitation else ""
