"""Retention of personal data (個人情報保護法): clients past their period are anonymised with
their history, every count stays the same, the dry run and a second run change nothing, the
read log is pruned on its own period, and a client's own requests are admin actions that leave
an audit record."""

import io
import json
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from consultations import retention
from consultations.models import (
    Case,
    Client,
    ClientDataAction,
    PersonalDataRead,
    Referral,
    Session,
)
from evaluation import figures
from evaluation.surveys.models import SatisfactionInvitation
from hubs.access import authorise
from hubs.roles import VIEW_AGGREGATES
from tests.consultations.factories import (
    CaseFactory,
    ClientFactory,
    ReferralFactory,
    SessionFactory,
)
from tests.hubs.factories import AgencyFactory
from yorozu.celery import app as celery_app
from yorozu.core import fiscal
from yorozu.jobs.models import Job

TODAY = fiscal.today()
OLD = retention.years_before(TODAY, settings.RETENTION_CLIENT_YEARS + 1)
RECENT = retention.years_before(TODAY, settings.RETENTION_CLIENT_YEARS - 1)
NAME = "株式会社山田製作所"


def _at(day) -> datetime:
    return datetime.combine(day, time(10), tzinfo=timezone.get_default_timezone())


def _client_with_history(cast, *, last_activity, name=NAME, hub=None) -> Client:
    """A client whose record, case, session and referral all date from `last_activity`, with
    a change in its history (the old phone number) and free texts that name people."""
    hub = hub or cast.hub
    client = ClientFactory(hub=hub, name=name, name_kana="ヤマダセイサクショ",
                           corporate_number="1234567890123", representative="山田太郎",
                           contact_person="山田花子", phone="03-1111-2222",
                           email="yamada@example.jp", municipality="千代田区")
    client.phone = "03-3333-4444"
    client.save()
    lead = cast.coordinator if hub == cast.hub else cast.outsider
    case = CaseFactory(hub=hub, client=client, lead=lead, opened_on=last_activity,
                       status=Case.Status.RESOLVED, closed_on=last_activity,
                       outcome="山田社長の事業承継がまとまった。")
    SessionFactory(hub=hub, case=case, held_on=last_activity, channel=Session.Channel.PHONE,
                   summary="山田太郎社長と承継の相談。", proposal="長男の山田一郎氏に承継。",
                   next_step="山田氏に電話")
    ReferralFactory(hub=hub, case=case, agency=AgencyFactory(hub=hub),
                    reason="山田社長の資金繰り。", handed_over="山田社長 090-0000-0000",
                    follow_up_due=last_activity, status=Referral.Status.CLOSED,
                    closing_note="山田氏から連絡あり。")
    Client.objects.filter(pk=client.pk).update(created_at=_at(last_activity))
    Referral.objects.filter(case__client=client).update(created_at=_at(last_activity),
                                                        closed_at=_at(last_activity))
    return client


def _personal_values(client: Client) -> str:
    """Every stored value that could name the client, live and in the history, as one text."""
    rows = [*Client.objects.filter(pk=client.pk).values(),
            *Client.history.filter(id=client.pk).values(),
            *Case.objects.filter(client=client).values(),
            *Case.history.filter(client_id=client.pk).values(),
            *Session.objects.filter(case__client=client).values(),
            *Session.history.filter(case__client=client).values(),
            *Referral.objects.filter(case__client=client).values(),
            *Referral.history.filter(case__client=client).values()]
    return json.dumps(rows, default=str, ensure_ascii=False)


def _snapshot() -> str:
    """Everything the run could change, to compare before and after."""
    return json.dumps([list(model.objects.order_by("pk").values())
                       for model in (Client, Case, Session, Referral, PersonalDataRead,
                                     ClientDataAction)]
                      + [list(model.history.order_by("history_id").values())
                         for model in (Client, Case, Session, Referral)],
                      default=str, ensure_ascii=False)


def test_a_client_past_the_period_is_anonymised_with_its_history(cast):
    client = _client_with_history(cast, last_activity=OLD)
    assert "山田" in _personal_values(client) and "03-1111-2222" in _personal_values(client)

    result = retention.retention_run(today=TODAY)

    assert result.clients == 1
    client.refresh_from_db()
    values = _personal_values(client)
    for personal in ("山田", "ヤマダ", "1234567890123", "03-1111-2222", "03-3333-4444",
                     "yamada@example.jp", "千代田区", "090-0000-0000"):
        assert personal not in values, personal
    assert client.name == f"匿名化済みの相談者 {client.pk}"
    assert client.name_key == f"匿名化済みの相談者{client.pk}"
    assert client.anonymised_at is not None and client.survey_consent is False
    session = Session.objects.get(case__client=client)
    assert session.summary == "（匿名化済み）" and session.proposal == ""
    assert (session.held_on, session.channel, session.hub_id) == (OLD, "phone", cast.hub.pk)
    assert list(session.case.topics.values_list("code", flat=True)) == ["sales"]
    audit = ClientDataAction.objects.get(client=client)
    assert (audit.action, audit.by, audit.hub) == ("expired", None, cast.hub)


def test_a_client_inside_the_period_is_kept(cast):
    recent = _client_with_history(cast, last_activity=RECENT, name="株式会社最近")
    # Registered long ago, but consulted within the period.
    returning = _client_with_history(cast, last_activity=OLD, name="株式会社再訪")
    SessionFactory(hub=cast.hub, case=Case.objects.get(client=returning), held_on=RECENT)
    before = {c.pk: _personal_values(c) for c in (recent, returning)}

    assert retention.retention_run(today=TODAY).clients == 0

    assert {c.pk: _personal_values(c) for c in (recent, returning)} == before
    assert not Client.objects.filter(anonymised_at__isnull=False).exists()


def test_the_hub_figures_are_the_same_before_and_after(cast):
    for n in range(3):
        _client_with_history(cast, last_activity=OLD, name=f"株式会社古{n}")
    year = fiscal.fiscal_year_of(OLD)
    tokyo = authorise(cast.hq, VIEW_AGGREGATES, cast.hub)
    before = figures.hub_year(hub=tokyo, fiscal_year=year, today=TODAY)
    assert before["sessions"] == 3 and before["new_clients"] == 3

    assert retention.retention_run(today=TODAY).clients == 3

    assert figures.hub_year(hub=tokyo, fiscal_year=year, today=TODAY) == before


def test_the_dry_run_reports_per_hub_and_kind_and_changes_nothing(cast):
    _client_with_history(cast, last_activity=OLD)
    _client_with_history(cast, last_activity=OLD, name="株式会社宮城", hub=cast.other_hub)
    PersonalDataRead.objects.create(user=cast.hq, hub=cast.hub, what="client")
    PersonalDataRead.objects.filter().update(at=_at(OLD))
    before = _snapshot()
    out = io.StringIO()

    call_command("retention", "--dry-run", stdout=out)

    assert _snapshot() == before
    lines = out.getvalue().splitlines()
    assert "拠点\t相談者\t案件\t相談対応\t紹介\t変更履歴の行\t閲覧記録" in lines
    # Per hub: one client, case, session and referral; history rows: the client's two
    # versions, the case's and the session's two each (the topics, the coordinators), the
    # referral's one. Tokyo also has one old read.
    assert f"{cast.hub}\t1\t1\t1\t1\t7\t1" in lines
    assert f"{cast.other_hub}\t1\t1\t1\t1\t7\t0" in lines
    assert "合計\t2\t2\t2\t2\t14\t1" in lines
    assert "試行のみ：何も変更していません。" in lines


def test_the_command_without_dry_run_applies_the_periods(cast):
    client = _client_with_history(cast, last_activity=OLD)
    call_command("retention", stdout=io.StringIO())
    assert Client.objects.get(pk=client.pk).anonymised_at is not None


def test_a_second_run_changes_nothing(cast):
    _client_with_history(cast, last_activity=OLD)
    retention.retention_run(today=TODAY)
    after_first = _snapshot()

    result = retention.retention_run(today=TODAY)

    assert (result.clients, result.reads) == (0, 0)
    assert _snapshot() == after_first


def test_the_read_log_is_kept_for_its_own_period_then_deleted(cast):
    kept_since = retention.years_before(TODAY, settings.RETENTION_READ_LOG_YEARS)
    old = PersonalDataRead.objects.create(user=cast.hq, hub=cast.hub, what="client")
    young = PersonalDataRead.objects.create(user=cast.hq, hub=cast.hub, what="client")
    PersonalDataRead.objects.filter(pk=old.pk).update(at=_at(kept_since) - timedelta(days=1))
    PersonalDataRead.objects.filter(pk=young.pk).update(at=_at(kept_since))

    assert retention.retention_run(today=TODAY).reads == 1

    assert list(PersonalDataRead.objects.values_list("pk", flat=True)) == [young.pk]


def test_an_anonymised_clients_survey_invitation_loses_its_address(cast):
    client = _client_with_history(cast, last_activity=OLD)
    case = Case.objects.get(client=client)
    invitation = SatisfactionInvitation.objects.create(
        hub=cast.hub, case=case, coordinator=cast.coordinator, email="yamada@example.jp")

    retention.retention_run(today=TODAY)

    invitation.refresh_from_db()
    assert invitation.email == ""


# --- The yearly job --------------------------------------------------------------------------
def test_the_yearly_run_is_a_job_on_the_jobs_page(client, cast, django_capture_on_commit_callbacks):
    old = _client_with_history(cast, last_activity=OLD)
    entry = settings.CELERY_BEAT_SCHEDULE["retention-yearly"]
    assert entry["task"] in celery_app.tasks

    with django_capture_on_commit_callbacks(execute=True):
        job_id = celery_app.tasks[entry["task"]]()
    with django_capture_on_commit_callbacks(execute=True):
        assert celery_app.tasks[entry["task"]]() == job_id  # once per year

    job = Job.objects.get(pk=job_id)
    assert (job.kind, job.scope, job.status, job.done, job.total) == (
        "retention", "national", "done", 2, 2)
    assert job.summary == "匿名化した相談者：1件。削除した閲覧記録：0件。"
    assert Client.objects.get(pk=old.pk).anonymised_at is not None
    client.force_login(cast.hq)
    page = client.get(reverse("jobs:job_list")).content.decode()
    assert "個人データの保存期間の処理" in page
    client.force_login(cast.chief)
    assert "個人データの保存期間の処理" not in client.get(reverse("jobs:job_list")).content.decode()


# --- A client's own requests (admin) ---------------------------------------------------------
def _changelist(search: str = NAME) -> str:
    return reverse("admin:consultations_client_changelist") + f"?q={search}"


def test_the_client_admin_lists_nothing_until_searched(client, cast,
                                                      django_assert_max_num_queries):
    for n in range(5):
        _client_with_history(cast, last_activity=RECENT, name=f"{NAME}{n}")
    client.force_login(cast.admin)
    assert NAME not in client.get(reverse("admin:consultations_client_changelist")
                                  ).content.decode()
    with django_assert_max_num_queries(8):
        found = client.get(_changelist()).content.decode()
    assert all(f"{NAME}{n}" in found for n in range(5))


def test_the_audit_list_has_a_query_budget(client, cast, django_assert_max_num_queries):
    for n in range(5):
        yamada = _client_with_history(cast, last_activity=RECENT, name=f"{NAME}{n}")
        retention.client_anonymise(client_ids=[yamada.pk], by=cast.admin,
                                   action=ClientDataAction.Action.ANONYMISED)
    client.force_login(cast.admin)
    client.get(reverse("admin:index"))  # the day's first request syncs access: not counted
    with django_assert_max_num_queries(10):
        listing = client.get(reverse("admin:consultations_clientdataaction_changelist"))
    assert listing.content.decode().count("依頼による匿名化") >= 5


def test_only_superusers_reach_the_client_admin(client, cast):
    staff = type(cast.admin).objects.create_user(email="staff@example.jp", password="x" * 12,
                                                 is_staff=True)
    client.force_login(staff)
    assert client.get(_changelist()).status_code == 403


def test_exporting_a_clients_data_is_audited(client, cast):
    yamada = _client_with_history(cast, last_activity=RECENT)
    client.force_login(cast.admin)

    response = client.post(_changelist(), {"action": "export_data",
                                           "_selected_action": [yamada.pk]})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)["clients"][0]
    assert data["name"] == NAME and data["phone"] == "03-3333-4444"
    assert data["cases"][0]["sessions"][0]["summary"] == "山田太郎社長と承継の相談。"
    assert [h["phone"] for h in data["history"]] == ["03-1111-2222", "03-3333-4444"]
    audit = ClientDataAction.objects.get(client=yamada)
    assert (audit.action, audit.by, audit.hub) == ("exported", cast.admin, cast.hub)
    assert PersonalDataRead.objects.filter(client=yamada, user=cast.admin,
                                           what="admin_export").exists()
    assert Client.objects.get(pk=yamada.pk).anonymised_at is None


def test_anonymising_a_client_now_asks_first_then_is_audited(client, cast):
    yamada = _client_with_history(cast, last_activity=RECENT)
    client.force_login(cast.admin)
    form = {"action": "anonymise_now", "_selected_action": [yamada.pk]}

    asked = client.post(_changelist(), form)
    assert asked.status_code == 200 and NAME in asked.content.decode()
    assert Client.objects.get(pk=yamada.pk).anonymised_at is None

    done = client.post(_changelist(), {**form, "post": "yes", "note": "削除請求 2026-05"},
                       follow=True)
    said = [str(m) for m in done.context["messages"]]
    assert said == ["1件の相談者を匿名化しました。"]
    assert "山田" not in _personal_values(yamada)
    audit = ClientDataAction.objects.get(client=yamada)
    assert (audit.action, audit.by, audit.note) == ("anonymised", cast.admin, "削除請求 2026-05")

    # Again (the same request twice): nothing more is changed or recorded.
    snapshot = _snapshot()
    again = client.post(_changelist(f"{yamada.pk}"), {**form, "post": "yes"}, follow=True)
    assert _snapshot() == snapshot
    assert [str(m) for m in again.context["messages"]] == [
        "すでに匿名化済みのため変更しなかった相談者：1件。"]


def test_the_audit_record_is_read_only_in_the_admin(client, cast):
    yamada = _client_with_history(cast, last_activity=RECENT)
    retention.client_anonymise(client_ids=[yamada.pk], by=cast.admin,
                               action=ClientDataAction.Action.ANONYMISED)
    audit = ClientDataAction.objects.get()
    client.force_login(cast.admin)

    listing = client.get(reverse("admin:consultations_clientdataaction_changelist"))
    assert listing.status_code == 200 and "依頼による匿名化" in listing.content.decode()
    assert client.get(reverse("admin:consultations_clientdataaction_add")).status_code == 403
    assert client.post(reverse("admin:consultations_clientdataaction_change",
                               args=[audit.pk]), {"note": "x"}).status_code == 403
    assert client.post(reverse("admin:consultations_clientdataaction_delete",
                               args=[audit.pk]), {"post": "yes"}).status_code == 403
    assert ClientDataAction.objects.get().note == ""


@pytest.mark.parametrize("setting", ["RETENTION_CLIENT_YEARS", "RETENTION_READ_LOG_YEARS"])
def test_a_period_below_one_year_stops_the_start(monkeypatch, setting):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv(setting, "0")
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(importlib.import_module("yorozu.settings.base"))
    monkeypatch.delenv(setting)
    importlib.reload(importlib.import_module("yorozu.settings.base"))
