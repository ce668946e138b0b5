"""The consultation lists as tables (yorozu/core/tables.py draws them): cases, open referrals
and next steps. Each column sorts on what the reader sees (a client by the kana of the name,
a person by the kana of theirs), with the primary key last so that pages never overlap."""

import django_tables2 as tables
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from yorozu.core.tables import NOWRAP, NUMBER, DateColumn, ListTable, table_date

from .models import Case, Referral, Session

PERSON = ("lead__family_name_kana", "lead__given_name_kana", "pk")


def _person(path: str) -> tuple[str, ...]:
    """The columns read of the person at `path` (User.name_of)."""
    return tuple(f"{path}__{name}" for name in get_user_model().NAME_FIELDS)


class CaseLinks:
    """Links to cases from a table's rows, the address reversed once per table (a reverse
    per row was a twentieth of a 50-row page)."""

    def case_link(self, case_id: int, name) -> str:
        if "_case_address" not in self.__dict__:
            address = reverse("consultations:case_detail", args=[0])
            self._case_address = address.rpartition("0")[::2]  # around the key
        head, tail = self._case_address
        return mark_safe(f'<a href="{head}{int(case_id)}{tail}">{escape(name)}</a>')


def _due(value, today) -> str:
    shown = table_date(value)
    if value < today:
        return format_html('{} <span class="badge text-bg-danger">{}</span>', shown,
                           _("Overdue"))
    return shown


class CaseTable(CaseLinks, ListTable):
    caption = _("Cases")
    paged_by_key = True
    client = tables.Column(_("Client"), accessor="client__name",
                           order_by=("client__name_kana", "client__name", "pk"))
    topics = tables.Column(_("Topics"), accessor="pk", orderable=False)
    status = tables.Column(_("Status"), order_by=("status", "pk"), attrs=NOWRAP)
    lead = tables.Column(_("Lead coordinator"), order_by=PERSON, attrs=NOWRAP)
    opened_on = DateColumn(_("Opened on"), order_by=("opened_on", "pk"), attrs=NOWRAP)
    session_count = tables.Column(_("Sessions"), order_by=("session_count", "pk"), attrs=NUMBER)
    last_session_on = DateColumn(_("Last session"), order_by=("last_session_on", "pk"),
                                 attrs=NOWRAP)

    READS = ("hub_id", "status", "opened_on", "session_count", "last_session_on",
             "client__name", *_person("lead"))

    class Meta(ListTable.Meta):
        attrs = {"class": f"{ListTable.Meta.attrs['class']} case-table"}
        empty_text = _("No cases match.")

    @classmethod
    def shown(cls, rows):
        # Without the hub the list joins for its file (it shows none).
        return super().shown(rows.select_related(None).select_related("client", "lead"))

    def render_client(self, value, record: Case):
        return self.case_link(record.pk, value)

    def render_topics(self, record: Case):
        return mark_safe("".join(f'<span class="badge text-bg-light border me-1">'
                                 f"{escape(topic)}</span>" for topic in record.topics.all()))

    # Status: django-tables2 shows a choice's label (get_status_display) itself.

    def render_session_count(self, value):
        return f"{value:,}"


class ClientCaseTable(CaseTable):
    """A client's own cases (the client page): the case table without the client, each case
    reached from the date it opened."""

    class Meta(CaseTable.Meta):
        exclude = ("client",)
        sequence = ("opened_on", "...")

    def render_opened_on(self, value, record: Case):
        return self.case_link(record.pk, table_date(value))


class ReferralTable(CaseLinks, ListTable):
    caption = _("Referrals")
    paged_by_key = True
    follow_up_due = tables.Column(_("Follow-up due"), order_by=("follow_up_due", "pk"),
                                  attrs=NOWRAP)
    client = tables.Column(_("Client"), accessor="case__client__name",
                           order_by=("case__client__name_kana", "case__client__name", "pk"))
    agency = tables.Column(_("Support agency"), accessor="agency__name",
                           order_by=("agency__name", "pk"))
    status = tables.Column(_("Status"), order_by=("status", "pk"), attrs=NOWRAP)
    lead = tables.Column(_("Lead coordinator"), accessor="case__lead", attrs=NOWRAP,
                         order_by=tuple(f"case__{key}" for key in PERSON))
    READS = ("follow_up_due", "status", "hub_id", "agency_id", "case__hub_id",
             "case__client__name", *_person("case__lead"))

    class Meta(ListTable.Meta):
        empty_text = _("No open referrals.")
        sequence = ("follow_up_due", "client", "agency", "status", "lead")
        row_attrs = {"class": lambda record, table: "table-danger"
                     if record.follow_up_due < table.today else ""}

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def render_follow_up_due(self, value):
        return _due(value, self.today)

    def render_client(self, value, record: Referral):
        return self.case_link(record.case_id, value)

    # Status: the choice's label, as the case table's (yorozu/core/table_cells.py).


class NextStepTable(CaseLinks, ListTable):
    caption = _("Next steps")
    paged_by_key = True
    next_step_due = tables.Column(_("Due"), order_by=("next_step_due", "pk"), attrs=NOWRAP)
    client = tables.Column(_("Client"), accessor="case__client__name",
                           order_by=("case__client__name_kana", "case__client__name", "pk"))
    next_step = tables.Column(_("Next step"), order_by=("next_step", "pk"))
    lead = tables.Column(_("Lead coordinator"), accessor="case__lead", attrs=NOWRAP,
                         order_by=tuple(f"case__{key}" for key in PERSON))
    READS = ("next_step_due", "next_step", "hub_id", "held_on", "case__hub_id",
             "case__client__name", *_person("case__lead"))

    class Meta(ListTable.Meta):
        empty_text = _("Nothing due.")
        row_attrs = {"class": lambda record, table: "table-danger"
                     if record.next_step_due < table.today else ""}

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def render_next_step_due(self, value):
        return _due(value, self.today)

    def render_client(self, value, record: Session):
        return self.case_link(record.case_id, value)
