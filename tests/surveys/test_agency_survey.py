"""The regional support-agency survey: the implementing organization drafts and starts a
campaign, a background job emails every agency exactly once (also when a worker dies midway
and the job runs again), reminders carry fresh links, agencies answer through single-use
links without an account, and the results are shown by type of agency only, from a minimum
number of answers."""

import re
from collections import Counter
from datetime import timedelta
from email.header import decode_header, make_header
from statistics import mean
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from evaluation.surveys import agency, agency_selectors, sending
from evaluation.surveys.demo_agency import seed_agency_surveys
from evaluation.surveys.models import AgencyInvitation, AgencyResponse, AgencySurvey
from hubs.access import authorise
from hubs.models import SupportAgency
from hubs.roles import VIEW_AGGREGATES
from tests.hubs.factories import AgencyFactory, read_as_hq
from tests.pages import page_text
from yorozu.core import fiscal
from yorozu.core.links import token_hash
from yorozu.jobs import services as job_services
from yorozu.jobs.models import Job

LINK = re.compile(r"https?://[^/\s]+(/s/a/([0-9a-f]+)/)")
ANSWERS = {"collaboration": "4", "usefulness": "5", "referrals": "3", "accessibility": "4",
           "requests": "紹介後の状況を共有してほしい。",
           "good_practice": "共催セミナーが好評でした。"}


class WorkerKilled(BaseException):
    """Like kill -9: nothing in the job gets to catch it."""


@pytest.fixture
def agencies(cast):
    """Three agencies that get the survey; one not in use, one without an address and one of
    another hub that do not."""
    invited = [AgencyFactory(hub=cast.hub, email=f"a{i}@agency.example.jp",
                             kind=kind)
               for i, kind in enumerate([SupportAgency.Kind.CHAMBER_OF_COMMERCE,
                                         SupportAgency.Kind.FINANCIAL,
                                         SupportAgency.Kind.MUNICIPALITY])]
    AgencyFactory(hub=cast.hub, email="old@agency.example.jp", is_active=False)
    AgencyFactory(hub=cast.hub, email="")
    AgencyFactory(hub=cast.other_hub, email="miyagi@agency.example.jp")
    return invited


@pytest.fixture
def draft(cast, agencies):
    return agency.survey_create(hub=cast.hub, by=cast.impl_org,
                                data={"message": "連携の改善に役立てます。"})


def _start(survey, by, capture):
    with capture(execute=True):
        return agency.survey_start(survey=survey, by=by)


def _remind(survey, capture, by=None):
    with capture(execute=True):
        return agency.survey_remind(survey=survey, by=by)


def _links(messages) -> dict[str, str]:
    """Recipient -> path of the link in their (latest) email."""
    return {m.to[0]: LINK.search(m.body).group(1) for m in messages}


def _answer(client, path, data=ANSWERS):
    opened = client.post(path)
    assert opened.status_code == 302 and opened.url == reverse("survey_agency_answer")
    return client.post(reverse("survey_agency_answer"), data)


def _rerun(job):
    """What the sweeper or a redelivery does after a worker died: the job runs again."""
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING,
                                         heartbeat_at=timezone.now() - timedelta(hours=1))
    return job_services.job_execute(job.pk)


# --- Starting and sending --------------------------------------------------------------------
def test_start_invites_each_agency_with_an_email_once_and_the_links_work(
        client, cast, draft, agencies, django_capture_on_commit_callbacks):
    job = _start(draft, cast.impl_org, django_capture_on_commit_callbacks)

    draft.refresh_from_db()
    assert draft.status == AgencySurvey.Status.OPEN and draft.opened_at
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.email for a in agencies)
    assert AgencyInvitation.objects.filter(survey=draft).count() == 3
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 3, 3)
    assert job.summary == "送信済み3件、送信できなかったもの0件。"
    message = mail.outbox[0]
    assert draft.title in message.subject and "連携の改善に役立てます。" in message.body
    assert "一度だけ" in message.body and "アカウントやパスワードは不要" in message.body
    assert str(make_header(decode_header(message.message()["From"]))).startswith(cast.hub.name)
    invitation = AgencyInvitation.objects.get(email=message.to[0])
    assert message.extra_headers["Message-ID"] == sending.message_id(invitation, "invite")
    for path in _links(mail.outbox).values():
        assert client.__class__().get(path).status_code == 200


def test_starting_twice_is_refused(cast, draft, django_capture_on_commit_callbacks):
    _start(draft, cast.impl_org, django_capture_on_commit_callbacks)
    with pytest.raises(agency.WorkflowError):
        _start(draft, cast.impl_org, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    assert Job.objects.filter(kind=agency.SEND_KIND).count() == 1


def test_a_survey_without_any_agency_email_is_not_started(cast, django_capture_on_commit_callbacks):
    AgencyFactory(hub=cast.hub, email="")
    survey = agency.survey_create(hub=cast.hub, by=cast.impl_org, data={})
    with pytest.raises(agency.WorkflowError):
        _start(survey, cast.impl_org, django_capture_on_commit_callbacks)
    survey.refresh_from_db()
    assert survey.status == AgencySurvey.Status.DRAFT
    assert not Job.objects.exists() and not AgencyInvitation.objects.exists()


def test_running_the_send_job_again_sends_nothing_more(cast, draft,
                                                       django_capture_on_commit_callbacks):
    job = _start(draft, cast.impl_org, django_capture_on_commit_callbacks)
    assert _rerun(job) == Job.Status.DONE
    assert len(mail.outbox) == 3


def test_a_job_killed_midway_ends_with_exactly_one_email_per_agency(
        cast, draft, agencies, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = agency.survey_start(survey=draft, by=cast.impl_org)
    real_send = EmailBackend.send_messages

    def dies_after_two(backend, messages):
        if len(mail.outbox) == 2:
            raise WorkerKilled
        return real_send(backend, messages)

    with mock.patch.object(EmailBackend, "send_messages", dies_after_two), \
            pytest.raises(WorkerKilled):
        job_services.job_execute(job.pk)
    assert len(mail.outbox) == 2
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING  # the worker vanished

    assert _rerun(job) == Job.Status.DONE
    assert Counter(m.to[0] for m in mail.outbox) == Counter({a.email: 1 for a in agencies})
    assert not AgencyInvitation.objects.filter(sent_at__isnull=True).exists()


def test_a_failed_send_is_retried_and_a_hopeless_one_given_up(
        cast, draft, agencies, django_capture_on_commit_callbacks):
    real_send = EmailBackend.send_messages
    bounced, flaky = agencies[0].email, agencies[1].email
    failures = Counter()

    def unreliable(backend, messages):
        to = messages[0].to[0]
        if to == bounced or (to == flaky and not failures[flaky]):
            failures[to] += 1
            raise OSError(f"550 no such user {to}")
        return real_send(backend, messages)

    with mock.patch.object(EmailBackend, "send_messages", unreliable):
        job = _start(draft, cast.impl_org, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == sending.MAX_SEND_ATTEMPTS
    assert job.summary == "送信済み2件、送信できなかったもの1件。"
    assert Counter(m.to[0] for m in mail.outbox) == Counter({flaky: 1, agencies[2].email: 1})
    given_up = AgencyInvitation.objects.get(email=bounced)
    assert given_up.sent_at is None and given_up.send_attempts == sending.MAX_SEND_ATTEMPTS
    assert "550" in given_up.send_error
    assert AgencyInvitation.objects.get(email=flaky).send_attempts == 0  # sent after all


# --- Reminders ------------------------------------------------------------------------------
def test_reminders_go_only_to_the_unanswered_once_per_round_with_a_fresh_link(
        client, cast, draft, agencies, django_capture_on_commit_callbacks):
    _start(draft, cast.impl_org, django_capture_on_commit_callbacks)
    first = _links(mail.outbox)
    assert _answer(client.__class__(), first[agencies[0].email]).status_code == 200
    mail.outbox.clear()

    job = _remind(draft, django_capture_on_commit_callbacks, by=cast.impl_org)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.email for a in agencies[1:])
    assert all(m.subject.startswith("【再送") for m in mail.outbox)
    invitation = AgencyInvitation.objects.get(email=agencies[1].email)
    assert mail.outbox[0].extra_headers["Message-ID"] in {
        sending.message_id(i, "remind") for i in AgencyInvitation.objects.all()}
    assert invitation.reminders_sent == 1 and invitation.generation == 1

    # The job run again, a second click and the scheduler the same day: nothing more.
    assert _rerun(job) == Job.Status.DONE
    assert _remind(draft, django_capture_on_commit_callbacks, by=cast.impl_org) == job
    agency.survey_reminders_schedule()
    assert len(mail.outbox) == 2

    fresh = _links(mail.outbox)[agencies[1].email]
    assert fresh != first[agencies[1].email]
    assert client.get(first[agencies[1].email]).status_code == 404  # the old link is dead
    assert _answer(client.__class__(), fresh).status_code == 200


def test_a_later_round_reminds_again_those_still_unanswered(cast, draft, agencies,
                                                           django_capture_on_commit_callbacks):
    _start(draft, cast.impl_org, django_capture_on_commit_callbacks)
    _remind(draft, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        second = _remind(draft, django_capture_on_commit_callbacks)
    assert second.params["round"] == 2
    assert Counter(m.to[0] for m in mail.outbox) == Counter({a.email: 3 for a in agencies})
    assert set(AgencyInvitation.objects.values_list("reminders_sent", flat=True)) == {2}


def test_only_an_open_survey_is_reminded(cast, draft, django_capture_on_commit_callbacks):
    with pytest.raises(agency.WorkflowError):
        _remind(draft, django_capture_on_commit_callbacks)
    _start(draft, cast.impl_org, django_capture_on_commit_callbacks)
    agency.survey_close(survey=draft, by=cast.impl_org)
    with pytest.raises(agency.WorkflowError):
        _remind(draft, django_capture_on_commit_callbacks)


def test_the_schedule_reminds_seven_and_two_days_ahead_and_closes_late_surveys(
        cast, agencies, django_capture_on_commit_callbacks):
    today = fiscal.today()
    surveys = {}
    for days in (7, 5, 2, -8):
        survey = agency.survey_create(hub=cast.hub, by=cast.impl_org,
                                      data={"title": f"締切{days}日"})
        _start(survey, cast.impl_org, django_capture_on_commit_callbacks)
        AgencySurvey.objects.filter(pk=survey.pk).update(deadline=today + timedelta(days=days))
        surveys[days] = survey
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert agency.survey_reminders_schedule() == {"reminded": 2, "closed": 1, "retried": 0}
    reminded = AgencySurvey.objects.filter(reminders_sent=1)
    assert set(reminded.values_list("pk", flat=True)) == {surveys[7].pk, surveys[2].pk}
    assert len(mail.outbox) == 6
    assert Job.objects.filter(kind=agency.REMIND_KIND, started_by__isnull=True).count() == 2
    assert AgencySurvey.objects.get(pk=surveys[-8].pk).status == AgencySurvey.Status.CLOSED


# --- The agency's link ----------------------------------------------------------------------
@pytest.fixture
def started(cast, draft, django_capture_on_commit_callbacks):
    _start(draft, cast.impl_org, django_capture_on_commit_callbacks)
    return draft




def test_get_shows_the_title_and_does_not_use_up_the_link(client, started):
    path = _links(mail.outbox)[mail.outbox[0].to[0]]
    for _ in range(3):  # a mail scanner, then the agency
        page = client.__class__().get(path)
        assert page.status_code == 200 and started.title in page.content.decode()
        assert "no-store" in page.headers["Cache-Control"]
    assert not AgencyInvitation.objects.filter(opened_at__isnull=False).exists()
    assert _answer(client, path).status_code == 200


def test_reused_expired_tampered_and_closed_links_answer_the_same_404(client, cast, started):
    paths = list(_links(mail.outbox).values())
    used, expired, closing = paths
    assert client.post(used).status_code == 302
    AgencyInvitation.objects.filter(token_hash=token_hash(expired.split("/")[3])).update(
        expires_at=timezone.now())
    stranger = client.__class__()
    tampered = used[:-2] + ("0" if used[-2] != "0" else "1") + "/"
    answers = {
        "reused": stranger.get(used), "reused by POST": stranger.post(used),
        "expired": stranger.get(expired), "expired by POST": stranger.post(expired),
        "tampered": stranger.get(tampered), "tampered by POST": stranger.post(tampered),
        "too long": stranger.get(reverse("survey_agency_open", args=["a" * 101])),
        "missing": stranger.get(reverse("survey_agency_open", args=["0" * 64])),
        "no visit": stranger.get(reverse("survey_agency_answer")),
    }
    agency.survey_close(survey=started, by=cast.impl_org)
    answers["closed"] = stranger.get(closing)
    answers["closed by POST"] = stranger.post(closing)
    assert {k: r.status_code for k, r in answers.items()} == dict.fromkeys(answers, 404)
    bodies = {page_text(r) for r in answers.values()}
    assert len(bodies) == 1
    assert started.title not in bodies.pop()


def test_closing_the_survey_ends_a_visit_in_progress(client, cast, started):
    path = next(iter(_links(mail.outbox).values()))
    client.post(path)
    agency.survey_close(survey=started, by=cast.impl_org)
    assert client.post(reverse("survey_agency_answer"), ANSWERS).status_code == 404
    assert not AgencyResponse.objects.exists()


def test_link_opening_is_rate_limited_per_address(client, db):
    codes = [client.get(reverse("survey_agency_open", args=[f"{i:064x}"])).status_code
             for i in range(21)]
    assert codes[:20] == [404] * 20 and codes[20] == 429


def test_answer_posts_are_rate_limited_per_address(client, db):
    codes = [client.post(reverse("survey_agency_answer"), ANSWERS).status_code
             for _ in range(61)]
    assert codes[:60] == [404] * 60 and codes[60] == 429


def test_an_answer_is_stored_without_the_agency_and_the_link_then_is_used(
        client, started, agencies):
    path = _links(mail.outbox)[agencies[1].email]
    response = _answer(client, path)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert {f.name for f in AgencyResponse._meta.get_fields()}.isdisjoint(
        {"agency", "invitation", "email"})
    stored = AgencyResponse.objects.get()
    assert (stored.survey_id, stored.agency_kind) == (started.pk, SupportAgency.Kind.FINANCIAL)
    assert (stored.collaboration, stored.usefulness, stored.referrals,
            stored.accessibility) == (4, 5, 3, 4)
    assert stored.requests == ANSWERS["requests"] and stored.answered_on == fiscal.today()
    assert AgencyInvitation.objects.get(email=agencies[1].email).answered_at
    assert client.get(reverse("survey_agency_answer")).status_code == 404  # the visit ended
    assert client.__class__().get(path).status_code == 404


def test_an_incomplete_answer_keeps_what_was_typed_and_marks_the_missing(client, started):
    path = next(iter(_links(mail.outbox).values()))
    partial = {"collaboration": "2", "requests": "書きかけの要望"}
    response = _answer(client, path, partial)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"usefulness", "referrals", "accessibility"}
    body = response.content.decode()
    assert "書きかけの要望" in body
    assert re.search(r'value="2"[^>]*checked|checked[^>]*value="2"', body)
    assert 'aria-describedby="id_usefulness-error"' in body
    assert not AgencyResponse.objects.exists()
    assert client.post(reverse("survey_agency_answer"), ANSWERS).status_code == 200
    assert AgencyResponse.objects.count() == 1


# --- Results --------------------------------------------------------------------------------
def _responses(survey, rows):
    for values in rows:
        AgencyResponse.objects.create(survey=survey, agency_kind=values[0],
                                      answered_on=fiscal.today(),
                                      **dict(zip(AgencyResponse.QUESTIONS, values[1:5],
                                                 strict=True)),
                                      requests=values[5], good_practice="")


def test_the_summary_withholds_results_under_the_threshold(cast, started, settings):
    _responses(started, [("chamber", 5, 5, 5, 5, "要望A"), ("financial", 1, 1, 1, 1, "要望B")])
    summary = agency_selectors.agency_survey_summary(
        hub=authorise(cast.hq, VIEW_AGGREGATES, cast.hub), fiscal_year=started.fiscal_year)
    assert summary["withheld"] and summary["answered"] == 2
    assert summary["minimum"] == settings.AGENCY_SURVEY_MIN_ANSWERS == 3
    assert "averages" not in summary and "requests" not in summary and "by_kind" not in summary


def test_the_summary_shows_averages_and_rates_equal_to_a_direct_computation(cast, started):
    rows = [("chamber", 5, 4, 3, 2, "要望A"), ("financial", 4, 4, 2, 5, ""),
            ("chamber", 3, 5, 4, 4, "要望C"), ("municipality", 2, 3, 5, 3, "要望B"),
            ("chamber", 1, 2, 5, 4, ""), ("financial", 3, 3, 3, 3, "")]
    _responses(started, rows)
    summary = agency_selectors.agency_survey_summary(
        hub=authorise(cast.hq, VIEW_AGGREGATES, cast.hub), fiscal_year=started.fiscal_year)
    assert not summary["withheld"]
    assert (summary["invited"], summary["answered"], summary["counted"]) == (3, 6, 6)
    assert summary["rate"] == round(6 * 100 / 3, 1)
    expected = [round(mean(r[i] for r in rows), 2) for i in range(1, 5)]
    assert [a["average"] for a in summary["averages"]] == expected
    # Three chambers on their own; two financial and one municipality only together.
    assert [(row["count"], row["together"]) for row in summary["by_kind"]] == [(3, False),
                                                                             (3, True)]
    assert summary["requests"] == ["要望A", "要望B", "要望C"]
    assert agency_selectors.agency_survey_summary(
        hub=authorise(cast.hq, VIEW_AGGREGATES, cast.other_hub),
        fiscal_year=started.fiscal_year) is None


def test_the_summary_partial_names_no_agency(client, cast, started, agencies):
    _responses(started, [("chamber", 5, 4, 3, 2, "要望A")] * 3)
    client.force_login(cast.bureau)
    page = client.get(reverse("surveys:agency_survey_detail", args=[started.pk]))
    body = page.content.decode()
    assert "要望A" in body and "agency-survey-averages" in body
    assert not any(a.name in body or a.email in body for a in agencies)


def test_the_results_appear_in_the_plan_and_the_hearing_evidence_pack(client, cast, started):
    from evaluation import services as evaluation_services
    from evaluation.plans.models import AnnualPlan

    _responses(started, [("chamber", 5, 4, 3, 2, "窓口の周知をお願いしたい"),
                         ("financial", 4, 4, 4, 4, ""), ("municipality", 3, 3, 3, 3, "")])
    year = started.fiscal_year
    AnnualPlan.objects.create(hub=cast.hub, fiscal_year=year)
    client.force_login(cast.chief)
    plan = client.get(reverse("plans:plan_detail", args=[cast.hub.jis_code, year]))
    assert "agency-survey-averages" in plan.content.decode()
    assert "窓口の周知をお願いしたい" in plan.content.decode()

    draft = evaluation_services.guideline_create_from_starter(fiscal_year=year, by=cast.hq)
    evaluation_services.guideline_publish(guideline=draft, by=cast.hq)
    hearing = evaluation_services.hearing_schedule(hub=cast.hub, fiscal_year=year,
                                                   held_on=fiscal.today(), lead=cast.hq,
                                                   by=cast.hq)
    client.force_login(cast.hq)
    pack = client.get(reverse("evaluation:hearing_detail", args=[hearing.pk])).content.decode()
    assert "agency-survey-averages" in pack and "窓口の周知をお願いしたい" in pack


def test_next_years_plan_draws_on_last_years_survey(client, cast, started):
    from evaluation.plans.models import AnnualPlan

    _responses(started, [("chamber", 5, 5, 5, 5, "来年度も連携を")] * 3)
    AnnualPlan.objects.create(hub=cast.hub, fiscal_year=started.fiscal_year + 1)
    client.force_login(cast.chief)
    page = client.get(reverse("plans:plan_detail",
                              args=[cast.hub.jis_code, started.fiscal_year + 1]))
    assert "来年度も連携を" in page.content.decode()


# --- Staff pages ----------------------------------------------------------------------------
def test_the_impl_org_creates_starts_and_closes_a_campaign_through_the_pages(
        client, cast, agencies, django_capture_on_commit_callbacks):
    client.force_login(cast.impl_org)
    deadline = fiscal.today() + timedelta(days=20)
    response = client.post(reverse("surveys:agency_survey_create", args=["13"]), {
        "fiscal_year": fiscal.current_fiscal_year(), "title": "支援機関アンケート",
        "message": "ご協力ください。", "deadline": deadline.isoformat()})
    survey = AgencySurvey.objects.get()
    assert response.url == reverse("surveys:agency_survey_detail", args=[survey.pk])
    assert (survey.status, survey.deadline, survey.created_by) == ("draft", deadline,
                                                                   cast.impl_org)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:agency_survey_start", args=[survey.pk]))
    page = client.get(reverse("surveys:agency_survey_detail", args=[survey.pk]))
    body = page.content.decode()
    assert "job-progress" in body and agencies[0].name in body
    assert page.context["counts"]["sent"] == 3
    client.post(reverse("surveys:agency_survey_close", args=[survey.pk]))
    assert AgencySurvey.objects.get().status == AgencySurvey.Status.CLOSED


def test_the_create_form_suggests_this_years_title_and_a_deadline(client, cast):
    client.force_login(cast.impl_org)
    form = client.get(reverse("surveys:agency_survey_create", args=["13"])).context["form"]
    year = fiscal.current_fiscal_year()
    assert form.initial["title"] == f"{year}年度 地域の支援機関アンケート"
    assert form.initial["deadline"] == fiscal.today() + timedelta(days=21)


@pytest.mark.parametrize("role", ["coordinator", "chief", "bureau", "hq"])
def test_readers_cannot_start_a_campaign(client, cast, draft, role):
    client.force_login(cast.by_role()[role])
    for name in ("agency_survey_start", "agency_survey_edit"):
        assert client.post(reverse(f"surveys:{name}", args=[draft.pk])).status_code == 403
    assert client.get(reverse("surveys:agency_survey_create",
                              args=["13"])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == AgencySurvey.Status.DRAFT and not mail.outbox


@pytest.mark.parametrize("role", ["coordinator", "chief", "bureau"])
def test_readers_see_counts_and_results_but_not_which_agency_answered(
        client, cast, started, agencies, role):
    client.force_login(cast.by_role()[role])
    page = client.get(reverse("surveys:agency_survey_detail", args=[started.pk]))
    assert page.status_code == 200 and page.context["invitations"] is None
    assert agencies[0].name not in page.content.decode()


def test_another_hubs_campaign_is_a_404_like_a_missing_one(client, cast):
    other = AgencySurvey.objects.create(
        hub=cast.other_hub, fiscal_year=fiscal.current_fiscal_year(), title="宮城",
        deadline=fiscal.today(), created_by=cast.outsider)
    client.force_login(cast.impl_org)
    for name in ("agency_survey_detail", "agency_survey_edit"):
        theirs = client.get(reverse(f"surveys:{name}", args=[other.pk]))
        missing = client.get(reverse(f"surveys:{name}", args=[other.pk + 1000]))
        assert theirs.status_code == missing.status_code == 404
        assert page_text(theirs) == page_text(missing)
    assert client.post(reverse("surveys:agency_survey_start",
                               args=[other.pk])).status_code == 404


def test_a_stale_edit_is_a_409_that_keeps_the_input(client, cast, draft):
    client.force_login(cast.impl_org)
    url = reverse("surveys:agency_survey_edit", args=[draft.pk])
    agency.survey_update(survey=draft, by=cast.impl_org, data={"title": "同僚の題名"},
                         version=draft.version)
    response = client.post(url, {"fiscal_year": draft.fiscal_year, "title": "私の題名",
                                 "message": "", "deadline": draft.deadline.isoformat(),
                                 "version": 1})
    assert response.status_code == 409
    body = response.content.decode()
    assert "私の題名" in body and "同僚の題名" in body
    assert AgencySurvey.objects.get().title == "同僚の題名"
    again = client.post(url, {**response.context["form"].data.dict()})
    assert again.status_code == 302 and AgencySurvey.objects.get().title == "私の題名"


def test_a_started_survey_cannot_be_edited(client, cast, started):
    client.force_login(cast.impl_org)
    response = client.get(reverse("surveys:agency_survey_edit", args=[started.pk]))
    assert response.status_code == 302
    with pytest.raises(agency.WorkflowError):
        agency.survey_update(survey=started, by=cast.impl_org, data={"title": "x"},
                             version=started.version + 1)


def test_actions_refuse_get(client, cast, started):
    client.force_login(cast.impl_org)
    for name in ("agency_survey_start", "agency_survey_remind", "agency_survey_close"):
        assert client.get(reverse(f"surveys:{name}", args=[started.pk])).status_code == 405


def test_the_hub_page_links_to_its_campaigns(client, cast):
    client.force_login(cast.bureau)
    page = client.get(reverse("hubs:hub_detail", args=["13"]))
    assert reverse("surveys:agency_survey_list", args=["13"]) in page.content.decode()


def _campaigns(cast, n, agencies_per_campaign):
    for i in range(n):
        survey = AgencySurvey.objects.create(
            hub=cast.hub, fiscal_year=fiscal.current_fiscal_year() - i % 2, title=f"調査{i}",
            deadline=fiscal.today(), created_by=cast.impl_org, status="open",
            opened_at=timezone.now())
        for j in range(agencies_per_campaign):
            a = AgencyFactory(hub=cast.hub, email=f"q{i}-{j}@agency.example.jp")
            AgencyInvitation.objects.create(survey=survey, agency=a, email=a.email,
                                            sent_at=timezone.now(),
                                            answered_at=timezone.now() if j % 2 else None)
        _responses(survey, [("chamber", 4, 4, 4, 4, f"要望{i}-{j}")
                            for j in range(agencies_per_campaign // 2)])
        Job.objects.create(kind=agency.SEND_KIND, scope="hub", hub=cast.hub,
                           params={"survey": survey.pk, "title": survey.title},
                           status="done", done=1, total=1)
    return survey


@pytest.mark.parametrize("role", ["impl_org", "bureau"])
def test_list_and_detail_make_a_constant_number_of_queries(
        client, cast, role, django_assert_max_num_queries):
    client.force_login(cast.by_role()[role])  # budgets + 1: the top bar's notifications
    list_url = reverse("surveys:agency_survey_list", args=["13"])
    small = _campaigns(cast, 1, 2)
    with django_assert_max_num_queries(11):
        assert client.get(list_url).status_code == 200
    with django_assert_max_num_queries(17):
        assert client.get(reverse("surveys:agency_survey_detail",
                                  args=[small.pk])).status_code == 200
    large = _campaigns(cast, 12, 30)
    with django_assert_max_num_queries(11):
        assert client.get(list_url).context["table"].paginator.count == 13
    with django_assert_max_num_queries(17):
        page = client.get(reverse("surveys:agency_survey_detail", args=[large.pk]))
    assert page.status_code == 200 and page.context["counts"]["invited"] == 30


# --- Demo data ------------------------------------------------------------------------------
def test_demo_surveys_are_seeded_once_with_enough_answers_to_show(db):
    from hubs.demo import seed_demo

    seed_demo()
    added = seed_agency_surveys()
    assert added["surveys"] == 4 and added["responses"] >= 12
    assert seed_agency_surveys() == {"surveys": 0, "responses": 0}
    tokyo = AgencySurvey.objects.filter(hub__jis_code="13")
    assert set(tokyo.values_list("status", flat=True)) == {"open", "closed"}
    last_year = agency_selectors.agency_survey_summary(
        hub=read_as_hq(tokyo.first().hub), fiscal_year=fiscal.current_fiscal_year() - 1)
    assert not last_year["withheld"] and last_year["requests"]


# --- Found in review ----------------------------------------------------------------------------
def test_invitations_given_up_in_an_outage_are_tried_again_the_next_day(
        cast, draft, agencies, django_capture_on_commit_callbacks):
    def outage(backend, messages):
        raise OSError("421 service not available")

    with mock.patch.object(EmailBackend, "send_messages", outage):
        _start(draft, cast.impl_org, django_capture_on_commit_callbacks)
    assert not mail.outbox
    assert all(i.send_attempts == sending.MAX_SEND_ATTEMPTS for i in draft.invitations.all())

    with django_capture_on_commit_callbacks(execute=True):
        agency.survey_reminders_schedule()  # the next morning, the mail server is back
    assert Counter(m.to[0] for m in mail.outbox) == Counter({a.email: 1 for a in agencies})


def test_closing_the_survey_stops_a_send_in_progress(cast, draft, agencies,
                                                    django_capture_on_commit_callbacks,
                                                    monkeypatch):
    monkeypatch.setattr(agency, "CHUNK", 1)
    real_send = EmailBackend.send_messages

    def close_after_first(backend, messages):
        sent = real_send(backend, messages)
        AgencySurvey.objects.filter(pk=draft.pk).update(status=AgencySurvey.Status.CLOSED)
        return sent

    with mock.patch.object(EmailBackend, "send_messages", close_after_first):
        _start(draft, cast.impl_org, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_a_sender_address_with_a_display_name_still_sends(cast, draft, agencies, settings,
                                                         django_capture_on_commit_callbacks):
    settings.DEFAULT_FROM_EMAIL = '"Yorozu, Secretariat" <noreply@example.jp>'
    _start(draft, cast.impl_org, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == len(agencies)
    assert "noreply@example.jp" in mail.outbox[0].from_email


def test_not_even_the_survey_runner_sees_which_agency_answered(client, cast, started):
    AgencyInvitation.objects.filter(survey=started).update(answered_at=timezone.now())
    client.force_login(cast.impl_org)
    body = client.get(reverse("surveys:agency_survey_detail", args=[started.pk])
                      ).content.decode()
    table = body[body.index('id="agencies-heading"'):]
    table = table[:table.index("</table>")]
    assert table.count('scope="col"') == 4  # agency, type, sent, sending problem
    assert "はい" not in table
