"""Annual plans: who may do what in which state, versions and their diff, comments across
versions, notification emails sent once, and edit conflicts."""


import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from evaluation.plans import content as plan_content
from evaluation.plans import selectors, services
from evaluation.plans.indicators import STANDARD
from evaluation.plans.models import SECTIONS, AnnualPlan, PlanComment, PlanNotification, PlanVersion
from evaluation.plans.tables import PlanQueueTable
from evaluation.plans.tasks import plan_notify
from hubs.roles import Role
from tests.hubs.factories import AgencyFactory, AppointmentFactory, UserFactory
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()
Status = AnnualPlan.Status


# --- Helpers ----------------------------------------------------------------------------------
def url(name, hub, year=YEAR):
    return reverse(f"plans:{name}", args=[hub.jis_code, year])


def new_plan(cast, hub=None):
    return services.plan_get_or_create(hub=hub or cast.hub, fiscal_year=YEAR, by=cast.chief)


def with_initiatives(plan, text):
    content = plan_content.normalize(plan.content)
    content["initiatives"] = text
    return content


def submit(cast, plan):
    services.plan_confirm(plan=plan, by=cast.chief)
    return services.plan_confirm(plan=plan, by=cast.impl_org)


def submitted_plan(cast, initiatives="専門家派遣の強化"):
    plan = new_plan(cast)
    services.plan_update(plan=plan, by=cast.chief, content=with_initiatives(plan, initiatives),
                         version=plan.version)
    return submit(cast, plan)


def form_data(plan, **changes):
    indicators = list(STANDARD)
    data = {k: ("" if v is None else v) for k, v in
            plan_content.to_initial(plan.content, indicators).items()}
    data["version"] = plan.version
    data.update(changes)
    return data


def second_bureau_user(cast):
    user = UserFactory()
    AppointmentFactory(user=user, role=Role.BUREAU, bureau=cast.other_hub.bureau)
    return user


# --- Who may do what, in which state ----------------------------------------------------------
def test_coordinator_can_neither_edit_nor_confirm(client, cast):
    plan = new_plan(cast)
    with pytest.raises(services.WorkflowError):
        services.plan_update(plan=plan, by=cast.coordinator, content=plan.content,
                             version=plan.version)
    with pytest.raises(services.WorkflowError):
        services.plan_confirm(plan=plan, by=cast.coordinator)
    with pytest.raises(services.WorkflowError):
        services.plan_get_or_create(hub=cast.hub, fiscal_year=YEAR + 1, by=cast.coordinator)
    client.force_login(cast.coordinator)
    assert client.get(url("plan_detail", cast.hub)).status_code == 200
    assert client.get(url("plan_edit", cast.hub)).status_code == 403
    assert client.post(url("plan_confirm", cast.hub)).status_code == 403
    plan.refresh_from_db()
    assert plan.chief_confirmed_by is None and plan.org_confirmed_by is None


def test_impl_org_alone_confirming_does_not_submit(cast):
    plan = new_plan(cast)
    plan = services.plan_confirm(plan=plan, by=cast.impl_org)
    assert plan.org_confirmed_by == cast.impl_org
    assert plan.chief_confirmed_by is None
    assert plan.status == Status.DRAFT
    assert not plan.versions.exists()


def test_a_confirmation_without_the_version_read_is_refused(client, cast):
    plan = new_plan(cast)
    client.force_login(cast.chief)
    assert client.post(url("plan_confirm", cast.hub)).status_code == 302
    plan.refresh_from_db()
    assert plan.chief_confirmed_by is None  # never a confirmation of a text not seen


def test_chief_and_impl_org_confirming_submits_version_1(client, cast,
                                                         django_capture_on_commit_callbacks):
    plan = new_plan(cast)
    client.force_login(cast.chief)
    assert client.post(url("plan_confirm", cast.hub),
                       {"version": plan.version}).status_code == 302
    client.force_login(cast.impl_org)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("plan_confirm", cast.hub), {"version": plan.version})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.SUBMITTED
    assert plan.chief_confirmed_by is None and plan.org_confirmed_by is None
    version = plan.versions.get()
    assert version.number == 1 and version.content == plan.content
    assert version.submitted_by == cast.impl_org
    assert PlanNotification.objects.filter(version=version, event="submitted").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.bureau.email]


def test_the_frozen_version_does_not_change_with_the_draft(cast):
    plan = submitted_plan(cast, "当初の取組")
    services.plan_return(plan=plan, by=cast.bureau, section="initiatives",
                         comment_text="具体的に")
    services.plan_update(plan=plan, by=cast.chief, content=with_initiatives(plan, "改訂"),
                         version=plan.version)
    assert PlanVersion.objects.get(plan=plan, number=1).content["initiatives"] == "当初の取組"


def test_bureau_of_another_bureau_gets_404(client, cast):
    submitted_plan(cast)
    tohoku = second_bureau_user(cast)
    client.force_login(tohoku)
    for name in ("plan_detail", "plan_diff", "plan_edit"):
        assert client.get(url(name, cast.hub)).status_code == 404, name
    for name in ("plan_start_review", "plan_return", "plan_accept", "plan_comment",
                 "plan_confirm", "plan_revise", "plan_start"):
        assert client.post(url(name, cast.hub)).status_code == 404, name
    with pytest.raises(services.WorkflowError):
        services.plan_accept(plan=AnnualPlan.objects.get(), by=tohoku)
    assert AnnualPlan.objects.get().status == Status.SUBMITTED


def test_another_hubs_plan_reads_exactly_like_a_missing_one(client, cast):
    services.plan_get_or_create(hub=cast.other_hub, fiscal_year=YEAR,
                                by=_chief_of(cast.other_hub))
    client.force_login(cast.chief)
    other = client.get(url("plan_diff", cast.other_hub))
    missing = client.get(reverse("plans:plan_diff", args=["99", YEAR]))
    assert other.status_code == missing.status_code == 404


def _chief_of(hub):
    user = UserFactory()
    AppointmentFactory(user=user, role=Role.CHIEF, hub=hub)
    return user


def test_the_whole_cycle_return_revise_accept_revise(client, cast,
                                                     django_capture_on_commit_callbacks):
    plan = submitted_plan(cast)
    services.plan_start_review(plan=plan, by=cast.bureau)
    assert plan.status == Status.IN_REVIEW

    # The bureau returns it with a comment on a section; the comment is required.
    client.force_login(cast.bureau)
    response = client.post(url("plan_return", cast.hub), {"return-section": "targets"})
    assert response.status_code == 200  # the page again, with the error and the input kept
    plan.refresh_from_db()
    assert plan.status == Status.IN_REVIEW
    with pytest.raises(services.WorkflowError):
        services.plan_return(plan=plan, by=cast.bureau, section="targets", comment_text=" ")
    response = client.post(url("plan_return", cast.hub),
                           {"return-section": "targets", "return-text": "月別目標を"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.RETURNED
    v1 = plan.versions.get(number=1)
    assert v1.outcome == "returned" and v1.decided_by == cast.bureau and v1.decided_at
    assert PlanComment.objects.get(plan=plan).on_version == v1

    # Editing after the return clears the confirmations.
    services.plan_confirm(plan=plan, by=cast.chief)
    assert plan.chief_confirmed_by == cast.chief
    client.force_login(cast.impl_org)
    response = client.post(url("plan_edit", cast.hub),
                           form_data(plan, target_sessions_m1="10", target_sessions_m2="１２"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.chief_confirmed_by is None and plan.org_confirmed_by is None
    assert plan.content["targets"]["sessions"]["year"] == 22  # the sum of the months

    # Resubmitting creates version 2; the bureau accepts it.
    submit(cast, plan)
    assert plan.status == Status.SUBMITTED
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2]
    client.force_login(cast.bureau)
    assert client.post(url("plan_accept", cast.hub)).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.ACCEPTED
    assert plan.versions.get(number=2).outcome == "accepted"

    # An accepted plan refuses edits, in the service and in the view.
    with pytest.raises(services.WorkflowError):
        services.plan_update(plan=plan, by=cast.chief, content=plan.content,
                             version=plan.version)
    with pytest.raises(services.WorkflowError):
        services.plan_confirm(plan=plan, by=cast.chief)
    client.force_login(cast.chief)
    assert client.get(url("plan_edit", cast.hub)).status_code == 302
    response = client.post(url("plan_edit", cast.hub), form_data(plan, initiatives="こっそり"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.content["initiatives"] != "こっそり"
    assert plan.status == Status.ACCEPTED

    # A mid-year revision: back to draft, content kept, the next submission is version 3.
    kept = plan.content
    assert client.post(url("plan_revise", cast.hub)).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT and plan.content == kept
    services.plan_update(plan=plan, by=cast.chief, content=with_initiatives(plan, "下期の見直し"),
                         version=plan.version)
    submit(cast, plan)
    assert plan.status == Status.SUBMITTED
    assert plan.versions.order_by("number").last().number == 3
    assert plan.versions.get(number=2).outcome == "accepted"  # still the yardstick


def test_review_actions_need_the_right_state(client, cast):
    plan = new_plan(cast)
    client.force_login(cast.bureau)
    for name in ("plan_start_review", "plan_accept"):
        response = client.post(url(name, cast.hub), follow=True)
        assert response.redirect_chain[-1][0] == url("plan_detail", cast.hub)
        assert list(response.context["messages"]), name
    assert client.post(url("plan_return", cast.hub),
                       {"return-section": "analysis", "return-text": "x"}).status_code == 302
    with pytest.raises(services.WorkflowError):
        services.plan_revise(plan=plan, by=cast.chief)
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT and not plan.versions.exists()


def test_roles_that_see_the_plan_but_may_not_act_get_403(client, cast):
    submitted_plan(cast)
    for user, names in [
        (cast.chief, ["plan_start_review", "plan_return", "plan_accept", "plan_comment"]),
        (cast.hq, ["plan_start_review", "plan_return", "plan_accept", "plan_confirm",
                   "plan_revise", "plan_start"]),
        (cast.bureau, ["plan_confirm", "plan_revise", "plan_start"]),
        (cast.coordinator, ["plan_comment", "plan_accept", "plan_revise"]),
    ]:
        client.force_login(user)
        for name in names:
            assert client.post(url(name, cast.hub)).status_code == 403, (user, name)


# --- Versions and comments --------------------------------------------------------------------
def test_the_diff_between_versions_shows_the_changed_lines(client, cast):
    plan = submitted_plan(cast, "創業支援セミナー\n事業承継の相談会")
    services.plan_return(plan=plan, by=cast.bureau, section="initiatives", comment_text="追加を")
    services.plan_update(plan=plan, by=cast.chief,
                         content=with_initiatives(plan, "創業支援セミナー\n販路開拓の個別支援"),
                         version=plan.version)
    submit(cast, plan)
    v1, v2 = plan.versions.order_by("number")
    labels = {key: str(label) for key, label in SECTIONS}
    diff = dict(selectors.section_diff(v1, v2))
    lines = [(line.kind, line.text) for line in diff[labels["initiatives"]]]
    assert lines == [(" ", "創業支援セミナー"), ("-", "事業承継の相談会"),
                     ("+", "販路開拓の個別支援")]
    assert all(line.kind == " " for line in diff[labels["priorities"]])

    client.force_login(cast.coordinator)
    page = client.get(url("plan_diff", cast.hub), {"from": 1, "to": 2}).content.decode()
    assert "<del" in page and "事業承継の相談会" in page
    assert "<ins" in page and "販路開拓の個別支援" in page
    assert client.get(url("plan_diff", cast.hub)).status_code == 200  # latest two by default
    assert client.get(url("plan_diff", cast.hub), {"from": 1, "to": 7}).status_code == 404


def test_comments_are_kept_across_versions_and_show_their_version(client, cast):
    plan = new_plan(cast)
    services.comment_add(plan=plan, by=cast.hq, section="analysis", text="下書きへの所見")
    submit(cast, plan)
    services.comment_add(plan=plan, by=cast.bureau, section="targets", text="目標が低い")
    services.plan_return(plan=plan, by=cast.bureau, section="priorities", comment_text="絞って")
    services.plan_update(plan=plan, by=cast.chief, content=with_initiatives(plan, "改"),
                         version=plan.version)
    submit(cast, plan)
    client.force_login(cast.bureau)
    response = client.post(url("plan_comment", cast.hub),
                           {"comment-section": "initiatives", "comment-text": "了解"})
    assert response.status_code == 302

    by_text = {c.text: c.on_version.number if c.on_version else None
               for c in PlanComment.objects.filter(plan=plan)}
    assert by_text == {"下書きへの所見": None, "目標が低い": 1, "絞って": 1, "了解": 2}
    sections = {s.key: [c.text for c in s.comments]
                for s in selectors.sections_with_comments(plan)}
    assert sections["targets"] == ["目標が低い"] and sections["initiatives"] == ["了解"]

    client.force_login(cast.chief)
    page = client.get(url("plan_detail", cast.hub))
    assert page.status_code == 200
    html = page.content.decode()
    for text in by_text:
        assert text in html
    shown = {s.key: [(c.text, c.on_version.number if c.on_version else None)
                     for c in s.comments] for s in page.context["sections"]}
    assert shown["priorities"] == [("絞って", 1)]
    assert shown["initiatives"] == [("了解", 2)]


def test_a_comment_needs_a_section_and_text(client, cast):
    plan = new_plan(cast)
    client.force_login(cast.hq)
    response = client.post(url("plan_comment", cast.hub), {"comment-text": "どの節か不明"})
    assert response.status_code == 200
    assert "どの節か不明" in response.content.decode()  # the input is kept
    assert not PlanComment.objects.filter(plan=plan).exists()
    with pytest.raises(services.WorkflowError):
        services.comment_add(plan=plan, by=cast.hq, section="nonsense", text="x")


# --- Notifications ----------------------------------------------------------------------------
def test_one_notification_per_event_and_one_email_even_when_run_twice(
        cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plan = submitted_plan(cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_return(plan=plan, by=cast.bureau, section="analysis", comment_text="再考")
    services.plan_update(plan=plan, by=cast.chief, content=with_initiatives(plan, "再"),
                         version=plan.version)
    with django_capture_on_commit_callbacks(execute=True):
        submit(cast, plan)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_accept(plan=plan, by=cast.bureau)

    events = list(PlanNotification.objects.order_by("pk")
                  .values_list("version__number", "event"))
    assert events == [(1, "submitted"), (1, "returned"), (2, "submitted"), (2, "accepted")]
    assert PlanNotification.objects.filter(sent_at=None).count() == 0
    assert len(mail.outbox) == 4
    assert mail.outbox[0].to == [cast.bureau.email]
    assert sorted(mail.outbox[1].to) == sorted([cast.chief.email, cast.impl_org.email])
    assert "/evaluation/plans/13/" in mail.outbox[3].body

    # A redelivered job finds the notification claimed and sends nothing.
    accepted = PlanNotification.objects.get(event="accepted")
    assert plan_notify(accepted.pk) is False
    assert len(mail.outbox) == 4


def test_the_task_sends_exactly_one_email_when_run_twice(cast):
    plan = submitted_plan(cast)  # no on-commit callbacks run: nothing sent yet
    notification = PlanNotification.objects.get(version__plan=plan, event="submitted")
    assert notification.sent_at is None
    assert plan_notify.delay(notification.pk).get() is True
    assert plan_notify.delay(notification.pk).get() is False
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None


# --- Edit conflicts ---------------------------------------------------------------------------
def test_a_concurrent_edit_keeps_the_second_users_input_and_shows_both(client, cast):
    plan = new_plan(cast)
    opened = form_data(plan)  # both open the form at the same version
    client.force_login(cast.chief)
    first = client.post(url("plan_edit", cast.hub), {**opened, "initiatives": "チーフ案"})
    assert first.status_code == 302

    client.force_login(cast.impl_org)
    second = client.post(url("plan_edit", cast.hub), {**opened, "initiatives": "実施機関案"})
    assert second.status_code == 409
    html = second.content.decode()
    assert "チーフ案" in html and "実施機関案" in html  # the saved version and the input
    form = second.context["form"]
    assert form["initiatives"].value() == "実施機関案"
    plan.refresh_from_db()
    assert plan.content["initiatives"] == "チーフ案"
    assert str(form["version"].value()) == str(plan.version)

    # Saving again now knowingly replaces the saved version.
    again = client.post(url("plan_edit", cast.hub),
                        {**opened, "initiatives": "実施機関案", "version": plan.version})
    assert again.status_code == 302
    plan.refresh_from_db()
    assert plan.content["initiatives"] == "実施機関案"


def test_confirming_a_plan_changed_since_it_was_read_is_refused(client, cast):
    plan = new_plan(cast)
    read_at = plan.version
    services.plan_update(plan=plan, by=cast.impl_org, content=with_initiatives(plan, "変更"),
                         version=plan.version)
    with pytest.raises(services.EditConflict):
        services.plan_confirm(plan=plan, by=cast.chief, version=read_at)
    client.force_login(cast.chief)
    client.post(url("plan_confirm", cast.hub), {"version": read_at})
    plan.refresh_from_db()
    assert plan.chief_confirmed_by is None


def test_saving_unchanged_content_keeps_the_confirmations(cast):
    plan = new_plan(cast)
    services.plan_confirm(plan=plan, by=cast.chief)
    services.plan_update(plan=plan, by=cast.impl_org, content=plan.content,
                         version=plan.version)
    plan.refresh_from_db()
    assert plan.chief_confirmed_by == cast.chief


# --- The edit form and the content ------------------------------------------------------------
def test_the_edit_form_round_trips_the_content(client, cast):
    agency = AgencyFactory(hub=cast.hub)
    other_hubs_agency = AgencyFactory(hub=cast.other_hub)
    plan = new_plan(cast)
    client.force_login(cast.chief)
    page = client.get(url("plan_edit", cast.hub))
    assert page.status_code == 200
    assert 'inputmode="numeric"' in page.content.decode()
    data = form_data(plan, analysis_industry_mix="製造業が多い",
                     target_satisfaction_year="８５．５",
                     priority_1_title="創業", priority_1_description="創業20件",
                     priority_1_measure="topic_sessions", priority_1_topics=["startup"],
                     priority_1_target="２０",
                     collab_1_agency=agency.pk, collab_1_plan="共催セミナー",
                     target_new_clients_year="300")
    assert client.post(url("plan_edit", cast.hub), data).status_code == 302
    plan.refresh_from_db()
    assert plan.content["analysis"]["industry_mix"] == "製造業が多い"
    assert plan.content["targets"]["satisfaction"] == {"year": 85.5}
    assert plan.content["targets"]["new_clients"]["year"] == 300
    assert plan.content["priorities"] == [{
        "title": "創業", "description": "創業20件", "measure": "topic_sessions",
        "topics": ["startup"], "milestone_kind": "", "target": 20}]
    assert plan.content["collaboration"] == [
        {"agency_id": agency.pk, "name": agency.name, "plan": "共催セミナー"}]

    # Another hub's agency is not a choice; an invalid form keeps the input.
    bad = client.post(url("plan_edit", cast.hub),
                      form_data(plan, collab_2_agency=other_hubs_agency.pk,
                                priority_2_description="理由なし",
                                target_follow_up_year="120",
                                initiatives="残す"))
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert {"collab_2_agency", "priority_2_title", "target_follow_up_year"} <= set(errors)
    assert "残す" in bad.content.decode()


def test_content_year_target_is_the_sum_of_the_months():
    cleaned = {plan_content.target_month_field("sessions", i): 10 for i in range(12)}
    cleaned[plan_content.target_year_field("sessions")] = 5
    content = plan_content.from_cleaned(cleaned, list(STANDARD))
    assert content["targets"]["sessions"] == {"year": 120, "months": [10] * 12}
    assert content["targets"]["follow_up"] == {"year": None}
    assert plan_content.normalize({}) == plan_content.skeleton()
    text = plan_content.render_text(content, "targets")
    assert "120" in text


def test_start_creates_a_draft_with_the_skeleton(client, cast):
    client.force_login(cast.coordinator)
    page = client.get(url("plan_detail", cast.hub))
    assert page.status_code == 200 and page.context["plan"] is None
    assert not page.context["can_start"]
    client.force_login(cast.impl_org)
    assert client.get(url("plan_detail", cast.hub)).context["can_start"]
    response = client.post(url("plan_start", cast.hub))
    assert response.status_code == 302 and response["Location"] == url("plan_edit", cast.hub)
    plan = AnnualPlan.objects.get(hub=cast.hub, fiscal_year=YEAR)
    assert plan.status == Status.DRAFT
    assert plan.content == plan_content.skeleton()
    assert client.post(url("plan_start", cast.hub)).status_code == 302  # idempotent
    assert AnnualPlan.objects.count() == 1


# --- The plan page's figures and the review queue ---------------------------------------------
def test_targets_show_beside_last_years_accepted_targets(client, cast):
    last = services.plan_get_or_create(hub=cast.hub, fiscal_year=YEAR - 1, by=cast.chief)
    content = plan_content.normalize(last.content)
    content["targets"]["new_clients"]["year"] = 240
    services.plan_update(plan=last, by=cast.chief, content=content, version=last.version)
    submit(cast, last)
    services.plan_accept(plan=last, by=cast.bureau)
    new_plan(cast)
    client.force_login(cast.coordinator)
    rows = {r.code: r for r in client.get(url("plan_detail", cast.hub)).context["targets"]}
    assert rows["new_clients"].last_target == 240
    assert rows["sessions"].last_target is None
    assert rows["sessions"].last_actual in (0, None)


def test_review_queue_lists_the_bureaus_hubs_awaiting_review_first(cast):
    submitted_plan(cast)
    rows = selectors.review_queue(user=cast.bureau, fiscal_year=YEAR)
    kanto = set(cast.hub.bureau.hubs.values_list("jis_code", flat=True))
    assert {r.hub.jis_code for r in rows} == kanto
    assert rows[0].hub == cast.hub and rows[0].awaits_review and rows[0].submitted_at
    assert all(r.plan is None for r in rows[1:])
    assert selectors.review_queue(user=cast.chief, fiscal_year=YEAR) == []
    html = render_to_string("evaluation/plans/plan_review_queue.html",
                            {"table": PlanQueueTable(rows, fiscal_year=YEAR)},
                            request=RequestFactory().get("/"))
    assert url("plan_detail", cast.hub) in html


# --- Confirmations kept with the submitted version ---------------------------------------------
def test_the_bureau_sees_who_confirmed_the_submitted_version_and_when(client, cast):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    tokyo = ZoneInfo("Asia/Tokyo")
    chief_at = datetime(YEAR, 5, 12, 9, 30, tzinfo=tokyo)
    org_at = datetime(YEAR, 5, 13, 16, 5, tzinfo=tokyo)
    plan = new_plan(cast)
    with time_machine.travel(chief_at, tick=False):
        services.plan_confirm(plan=plan, by=cast.chief)
    with time_machine.travel(org_at, tick=False):
        services.plan_confirm(plan=plan, by=cast.impl_org)
    version = plan.versions.get()
    assert (version.chief_confirmed_by, version.chief_confirmed_at) == (cast.chief, chief_at)
    assert (version.org_confirmed_by, version.org_confirmed_at) == (cast.impl_org, org_at)
    client.force_login(cast.bureau)
    html = client.get(url("plan_detail", cast.hub)).content.decode()
    card = html.split('id="plan-actions"')[1].split("</section>")[0]
    assert f"{cast.chief.get_full_name()}（{YEAR}年5月12日 9:30）" in card
    assert f"{cast.impl_org.get_full_name()}（{YEAR}年5月13日 16:05）" in card
    assert "未確認" not in card
    versions = html.split('id="versions-heading"')[1]
    assert cast.chief.get_full_name() in versions and f"{YEAR}年5月13日 16:05" in versions


def test_a_confirmation_records_its_time_and_an_edit_withdraws_both(cast):
    plan = new_plan(cast)
    plan = services.plan_confirm(plan=plan, by=cast.chief)
    assert plan.chief_confirmed_at is not None and plan.org_confirmed_at is None
    plan = services.plan_update(plan=plan, by=cast.chief,
                                content=with_initiatives(plan, "変更"), version=plan.version)
    assert plan.chief_confirmed_by is None and plan.chief_confirmed_at is None


def test_older_versions_keep_the_submitters_own_confirmation_after_the_migration(client, cast):
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module("evaluation.migrations.0005_plan_confirmations_kept")
    # The models as that migration saw them (PlanVersion was the evaluation app's then).
    apps = MigrationLoader(connection).project_state(
        ("evaluation", "0005_plan_confirmations_kept")).apps
    plan = AnnualPlan.objects.create(hub=cast.hub, fiscal_year=YEAR,
                                     status=Status.SUBMITTED)
    version = PlanVersion.objects.create(plan=plan, number=1, content={},
                                         submitted_by=cast.impl_org)
    migration.keep_the_submitters_confirmation(apps, None)
    version.refresh_from_db()
    assert (version.org_confirmed_by, version.org_confirmed_at) == (cast.impl_org,
                                                                    version.submitted_at)
    assert version.chief_confirmed_by is None  # not recorded at the time: left unknown
    client.force_login(cast.bureau)
    card = client.get(url("plan_detail", cast.hub)).content.decode().split(
        'id="plan-actions"')[1].split("</section>")[0]
    assert "記録なし" in card and cast.impl_org.get_full_name() in card
