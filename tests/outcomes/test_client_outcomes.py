"""A client's financial figures and milestones on the client page: added, edited with a version
check (a stale edit shows both versions and keeps the input), deleted, kept in the history;
a milestone credited only to the client's own case and session; another hub's rows are 404."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultations import retention
from consultations.models import PersonalDataRead
from evaluation.outcomes import services
from evaluation.outcomes.models import FinancialSnapshot, Milestone
from tests.consultations.factories import CaseFactory, SessionFactory
from tests.pages import same_page

from .factories import MilestoneFactory, SnapshotFactory, supported_client

FIGURES = {"period_end": "2025-03-31", "sales": "120000", "operating_profit": "-1500",
           "personnel_costs": "30000", "depreciation": "4000", "employees": "12",
           "source": "statements"}


@pytest.fixture
def firm(cast):
    """A Tokyo client first consulted on 2024-05-10, with last year's figures on record."""
    client = supported_client(cast.hub, cast.coordinator, date(2024, 5, 10))
    SnapshotFactory(client=client, period_end=date(2024, 3, 31), operating_profit=1_000,
                    personnel_costs=25_000, depreciation=3_000)
    return client


def _client_page(client, user, firm):
    client.force_login(user)
    return client.get(reverse("consultations:client_detail", args=[firm.pk]))


# --- The client page -------------------------------------------------------------------------
def test_the_client_page_shows_each_periods_value_added_and_the_add_form(client, cast, firm):
    SnapshotFactory(client=firm, period_end=date(2025, 3, 31), operating_profit=-1_500,
                    personnel_costs=30_000, depreciation=4_000)
    html = _client_page(client, cast.coordinator, firm).content.decode()
    assert 'id="outcomes"' in html and 'id="milestones"' in html
    # 1,000 + 25,000 + 3,000 before support; -1,500 + 30,000 + 4,000 after it.
    assert '<td class="text-end fw-bold outcome-value-added">29,000</td>' in html
    assert '<td class="text-end fw-bold outcome-value-added">32,500</td>' in html
    assert html.index("29,000") < html.index("32,500")  # oldest period first
    assert "outcome-add-form" in html
    assert reverse("outcomes:snapshot_create", args=[firm.pk]) in html


def test_the_implementing_organization_reads_the_figures_without_forms(client, cast, firm):
    html = _client_page(client, cast.impl_org, firm).content.decode()
    assert "29,000" in html
    assert "outcome-add-form" not in html
    assert reverse("outcomes:milestone_create", args=[firm.pk]) not in html


def test_hqs_reading_of_the_client_page_with_its_figures_is_logged(client, cast, firm):
    html = _client_page(client, cast.hq, firm).content.decode()
    assert "29,000" in html
    assert PersonalDataRead.objects.filter(user=cast.hq, client=firm, what="client").exists()


# --- Adding and editing a period -------------------------------------------------------------
def _add(client, user, firm, **changes):
    client.force_login(user)
    return client.post(reverse("outcomes:snapshot_create", args=[firm.pk]),
                       {**FIGURES, **changes})


def test_a_coordinator_adds_a_period_and_is_recorded_as_its_checker(client, cast, firm):
    response = _add(client, cast.coordinator, firm, verified="on")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/consultations/clients/{firm.pk}/#outcomes")
    snapshot = FinancialSnapshot.objects.get(client=firm, period_end=date(2025, 3, 31))
    assert (snapshot.hub, snapshot.sales, snapshot.value_added) == (cast.hub, 120_000, 32_500)
    assert snapshot.verified_by == cast.coordinator and snapshot.verified_at is not None
    assert snapshot.created_by == cast.coordinator
    assert snapshot.history.get().history_user == cast.coordinator


def test_errors_keep_what_was_typed(client, cast, firm):
    response = _add(client, cast.coordinator, firm, sales="-5", depreciation="abc")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"sales", "depreciation"}
    html = response.content.decode()
    assert 'value="120000"' not in html and 'value="-5"' in html and 'value="abc"' in html
    assert 'value="30000"' in html and 'value="-1500"' in html
    assert not FinancialSnapshot.objects.filter(period_end=date(2025, 3, 31)).exists()


def test_a_period_already_on_record_is_refused(client, cast, firm):
    response = _add(client, cast.coordinator, firm, period_end="2024-03-31")
    assert response.status_code == 200 and "period_end" in response.context["form"].errors
    assert FinancialSnapshot.objects.filter(client=firm).count() == 1


def test_a_period_saved_by_someone_else_at_the_same_moment_is_an_error_not_a_500(
        client, cast, firm, monkeypatch):
    from django.db import IntegrityError

    from evaluation.outcomes import services

    def taken(**kwargs):  # the form's check passed; the database's constraint did not
        raise IntegrityError("outcomes_one_snapshot_per_period")

    monkeypatch.setattr(services, "snapshot_create", taken)
    response = _add(client, cast.coordinator, firm)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert 'value="120000"' in response.content.decode()  # what was typed is kept


def test_a_delete_with_a_mangled_version_conflicts_instead_of_failing(client, cast, firm):
    snapshot = FinancialSnapshot.objects.get(client=firm)
    client.force_login(cast.coordinator)
    response = client.post(reverse("outcomes:snapshot_delete", args=[snapshot.pk]),
                           {"version": "²"})
    assert response.status_code == 302
    assert FinancialSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_a_period_that_has_not_ended_is_refused(client, cast, firm):
    response = _add(client, cast.coordinator, firm, period_end="2099-03-31")
    assert "period_end" in response.context["form"].errors


def _edit(client, user, snapshot, **changes):
    client.force_login(user)
    data = {**FIGURES, "period_end": f"{snapshot.period_end:%Y-%m-%d}",
            "version": snapshot.version, **changes}
    return client.post(reverse("outcomes:snapshot_edit", args=[snapshot.pk]), data)


def test_a_stale_edit_shows_both_versions_and_saving_again_replaces_knowingly(
        client, cast, firm):
    snapshot = firm.financial_snapshots.get()
    read_at = snapshot.version
    assert _edit(client, cast.chief, snapshot, sales="90000").status_code == 302
    response = _edit(client, cast.coordinator, snapshot, sales="95000", version=read_at)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflict"' in html and "90000" in html and 'value="95000"' in html
    snapshot.refresh_from_db()
    assert snapshot.sales == 90_000  # nothing overwritten
    again = response.context["form"].data["version"]
    assert _edit(client, cast.coordinator, snapshot, sales="95000",
                 version=again).status_code == 302
    snapshot.refresh_from_db()
    assert (snapshot.sales, snapshot.version) == (95_000, read_at + 2)
    assert [h.history_user for h in snapshot.history.order_by("history_id")] == [
        None, cast.chief, cast.coordinator]


def test_the_checker_stays_while_the_figures_do_and_changes_when_they_change(
        client, cast, firm):
    snapshot = firm.financial_snapshots.get()
    services.snapshot_update(snapshot=snapshot, by=cast.chief, version=snapshot.version,
                             verified=True, data={f: getattr(snapshot, f)
                                                  for f in services.SNAPSHOT_FIELDS})
    snapshot.refresh_from_db()
    checked = (snapshot.verified_by, snapshot.verified_at)
    assert checked[0] == cast.chief
    services.snapshot_update(snapshot=snapshot, by=cast.coordinator, version=snapshot.version,
                             verified=True, data={**{f: getattr(snapshot, f)
                                                     for f in services.SNAPSHOT_FIELDS},
                                                  "source": "tax_return"})
    snapshot.refresh_from_db()
    assert (snapshot.verified_by, snapshot.verified_at) == checked  # the figures stand
    services.snapshot_update(snapshot=snapshot, by=cast.coordinator, version=snapshot.version,
                             verified=True, data={**{f: getattr(snapshot, f)
                                                     for f in services.SNAPSHOT_FIELDS},
                                                  "sales": 1})
    snapshot.refresh_from_db()
    assert snapshot.verified_by == cast.coordinator


def test_a_period_is_deleted_at_the_version_read_and_kept_in_the_history(client, cast, firm):
    snapshot = firm.financial_snapshots.get()
    client.force_login(cast.coordinator)
    url = reverse("outcomes:snapshot_delete", args=[snapshot.pk])
    client.post(url, {"version": snapshot.version - 1})  # someone changed it since
    assert FinancialSnapshot.objects.filter(pk=snapshot.pk).exists()
    client.post(url, {"version": snapshot.version})
    assert not FinancialSnapshot.objects.filter(pk=snapshot.pk).exists()
    gone = FinancialSnapshot.history.filter(id=snapshot.pk).latest("history_id")
    assert (gone.history_type, gone.history_user) == ("-", cast.coordinator)


# --- Who may do what -------------------------------------------------------------------------
def test_the_implementing_organization_may_not_add_figures(client, cast, firm):
    assert _add(client, cast.impl_org, firm).status_code == 403
    assert FinancialSnapshot.objects.filter(client=firm).count() == 1


def test_another_hubs_client_and_figures_read_exactly_like_missing_ones(client, cast):
    other = supported_client(cast.other_hub, cast.outsider, date(2024, 6, 1))
    snapshot = SnapshotFactory(client=other)
    client.force_login(cast.coordinator)
    for name, pk in (("outcomes:snapshot_create", other.pk),
                     ("outcomes:snapshot_edit", snapshot.pk),
                     ("outcomes:milestone_create", other.pk)):
        theirs = client.get(reverse(name, args=[pk]))
        missing = client.get(reverse(name, args=[pk + 10_000]))
        assert theirs.status_code == missing.status_code == 404
        assert same_page(theirs, missing)
    assert client.post(reverse("outcomes:snapshot_delete", args=[snapshot.pk]),
                       {"version": snapshot.version}).status_code == 404
    assert FinancialSnapshot.objects.filter(pk=snapshot.pk).exists()


# --- Milestones ------------------------------------------------------------------------------
def _milestone(client, user, firm, **changes):
    client.force_login(user)
    case = firm.cases.order_by("opened_on").first()  # the first case, of the first session
    data = {"kind": "new_market", "achieved_on": "2025-06-01", "case": case.pk,
            "session": case.sessions.get().pk, "description": "百貨店との取引を開始",
            "confirmed_on": "2025-06-10", "confirmation": "email", **changes}
    return client.post(reverse("outcomes:milestone_create", args=[firm.pk]), data)


def test_a_milestone_is_credited_to_the_clients_case_and_session(client, cast, firm):
    response = _milestone(client, cast.coordinator, firm)
    assert response.status_code == 302
    milestone = Milestone.objects.get(client=firm)
    assert (milestone.hub, milestone.case, milestone.session) == (
        cast.hub, firm.cases.get(), firm.cases.get().sessions.get())
    assert milestone.confirmation_recorded_by == cast.coordinator
    html = _client_page(client, cast.coordinator, firm).content.decode()
    assert "百貨店との取引を開始" in html


def test_a_case_of_another_client_is_refused_by_the_form_the_service_and_the_model(
        client, cast, firm):
    stranger = CaseFactory(hub=cast.hub, lead=cast.coordinator)  # same hub, another client
    response = _milestone(client, cast.coordinator, firm, case=stranger.pk, session="")
    assert response.status_code == 200 and "case" in response.context["form"].errors
    with pytest.raises(services.WorkflowError):
        services.milestone_create(client=firm, by=cast.coordinator, data={
            "kind": "financing", "achieved_on": date(2025, 6, 1), "case": stranger,
            "description": "融資"})
    with pytest.raises(ValidationError) as refused:
        Milestone(hub=cast.hub, client=firm, case=stranger, kind="financing",
                  achieved_on=date(2025, 6, 1), description="融資").full_clean()
    assert "case" in refused.value.message_dict
    assert not Milestone.objects.exists()


def test_a_session_of_another_case_is_refused(client, cast, firm):
    second = CaseFactory(hub=cast.hub, lead=cast.coordinator, client=firm)
    other_session = SessionFactory(hub=cast.hub, case=second, held_on=date(2024, 8, 1))
    response = _milestone(client, cast.coordinator, firm, session=other_session.pk)
    assert "session" in response.context["form"].errors
    assert not Milestone.objects.exists()


def test_other_needs_a_note_and_a_confirmation_needs_its_date_and_way(client, cast, firm):
    response = _milestone(client, cast.coordinator, firm, kind="other", confirmation="")
    errors = response.context["form"].errors
    assert "note" in errors and "confirmation" in errors
    assert not Milestone.objects.exists()


def test_an_unconfirmed_milestone_records_no_confirmation(client, cast, firm):
    _milestone(client, cast.coordinator, firm, confirmed_on="", confirmation="")
    milestone = Milestone.objects.get()
    assert (milestone.confirmed_on, milestone.confirmation_recorded_by) == (None, None)


def test_anonymising_a_client_blanks_its_milestones_texts_and_keeps_the_rows(cast, firm):
    milestone = MilestoneFactory(case=firm.cases.get(), kind="other", note="海外展開")
    retention.client_anonymise(client_ids=[firm.pk], action="anonymised", by=cast.admin)
    milestone.refresh_from_db()
    assert milestone.description != "新しい取引先と契約した。" and milestone.note != "海外展開"
    assert milestone.kind == "other" and milestone.achieved_on == date(2025, 6, 1)
    assert not Milestone.history.filter(description="新しい取引先と契約した。").exists()


def test_a_stale_milestone_edit_shows_both_versions_and_changes_nothing(client, cast, firm):
    milestone = MilestoneFactory(case=firm.cases.get(), description="展示会に出展")
    read_at = milestone.version
    services.milestone_update(milestone=milestone, by=cast.chief, version=milestone.version,
                              data={"kind": milestone.kind, "achieved_on": milestone.achieved_on,
                                    "case": milestone.case, "description": "商談が成立",
                                    "confirmed_on": milestone.confirmed_on,
                                    "confirmation": milestone.confirmation})
    client.force_login(cast.coordinator)
    response = client.post(reverse("outcomes:milestone_edit", args=[milestone.pk]), {
        "kind": "new_market", "achieved_on": "2025-06-01", "case": milestone.case_id,
        "description": "私の書いた内容", "confirmed_on": "2025-06-10", "confirmation": "email",
        "version": read_at})  # the version read before the chief's save
    assert response.status_code == 409
    html = response.content.decode()
    assert "商談が成立" in html and "私の書いた内容" in html
    milestone.refresh_from_db()
    assert milestone.description == "商談が成立"
    # Nobody had recorded the confirmation: the chief's save did.
    assert milestone.confirmation_recorded_by == cast.chief
