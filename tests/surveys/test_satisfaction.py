"""The client satisfaction survey: one invitation when a case ends, sent exactly once by a
job; a one-time link that only its POST uses up; answers stored without the case or client;
results that never show (or let anyone work out) a figure over too few answers."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consultations import services as consultation_services
from consultations.demo import seed_activity
from evaluation.permissions import EVALUATE
from evaluation.plans import actuals
from evaluation.selectors import evidence_pack
from evaluation.surveys import links, satisfaction, sending
from evaluation.surveys.demo_satisfaction import seed_satisfaction
from evaluation.surveys.models import SatisfactionInvitation, SatisfactionResponse
from evaluation.surveys.satisfaction_selectors import (
    satisfaction_monthly_share,
    satisfaction_summary,
)
from hubs.access import authorise
from hubs.demo import seed_demo
from hubs.models import Hub
from hubs.roles import VIEW_AGGREGATES, Role
from tests.consultations.factories import CaseFactory
from tests.hubs.factories import AppointmentFactory, UserFactory, read_as_hq
from tests.pages import page_text
from yorozu.core import fiscal
from yorozu.core.links import token_hash
from yorozu.jobs.models import Job
from yorozu.jobs.services import job_execute

LINK = re.compile(r"https?://[^/\s]+(/s/c/[A-Za-z0-9_\-]+/)")
YEAR = fiscal.current_fiscal_year()
ANSWERS = {"overall": "5", "understanding": "4", "usefulness": "4", "speed": "3",
           "recommend": "5", "comment": "とても親身に相談に乗っていただきました。"}


@pytest.fixture
def case(cast):
    return CaseFactory(hub=cast.hub, lead=cast.coordinator,
                       client__email="keiri@shiken.example.jp", client__survey_consent=True)


def end(case, by, capture, *, status="resolved"):
    """The coordinator ends (or reopens) the case through the service, as the page does."""
    case.refresh_from_db()
    data = {"status": status, "closed_on": None if status == "open" else fiscal.today()}
    with capture(execute=True):
        consultation_services.case_update(case=case, by=by, data=data, topics=None,
                                          version=case.version)


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def invitation_with_link(case, **fields) -> tuple[SatisfactionInvitation, str]:
    """A sent invitation and its link, without going through the job."""
    now = timezone.now()
    invitation = SatisfactionInvitation.objects.create(
        hub=case.hub, case=case, coordinator=case.lead, email="c@example.jp", sent_at=now,
        expires_at=now + timedelta(days=30), **fields)
    token = links.token_for(invitation)
    SatisfactionInvitation.objects.filter(pk=invitation.pk).update(
        token_hash=token_hash(token))
    return invitation, reverse("survey_satisfaction_open", args=[token])


def answers(hub, coordinator, scores, *, on=None, comment=""):
    """One stored answer per overall score in `scores` (other questions: the same score)."""
    for score in scores:
        SatisfactionResponse.objects.create(
            hub=hub, coordinator=coordinator, answered_on=on or fiscal.today(),
            overall=score, understanding=score, usefulness=score, speed=score,
            recommend=score, comment=comment)


def results_url(hub, **query):
    url = reverse("surveys:satisfaction_results", args=[hub.jis_code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- Invitations and sending -----------------------------------------------------------------
def test_closing_a_consenting_clients_case_sends_one_email_with_a_working_link(
        client, cast, case, django_capture_on_commit_callbacks):
    end(case, cast.coordinator, django_capture_on_commit_callbacks)

    invitation = SatisfactionInvitation.objects.get()
    assert (invitation.hub, invitation.case, invitation.coordinator, invitation.email) == (
        cast.hub, case, cast.coordinator, "keiri@shiken.example.jp")
    assert invitation.sent_at and invitation.expires_at > timezone.now() + timedelta(days=29)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["keiri@shiken.example.jp"]
    assert message.extra_headers["Message-ID"] == sending.message_id(invitation, "invite")
    assert "2分" in message.subject and "匿名" in message.body and "30日" in message.body
    assert cast.hub.name in message.body
    job = Job.objects.get(kind="satisfaction_send")
    assert job.status == Job.Status.DONE and job.hub == cast.hub and job.started_by is None

    path = link_in(message)
    assert client.get(path).status_code == 200
    opened = client.post(path)
    assert opened.status_code == 302 and opened.url == reverse("survey_satisfaction_answer")
    assert client.get(opened.url).status_code == 200


def test_reopening_and_closing_again_sends_no_second_email(
        cast, case, django_capture_on_commit_callbacks):
    end(case, cast.coordinator, django_capture_on_commit_callbacks)
    end(case, cast.coordinator, django_capture_on_commit_callbacks, status="open")
    end(case, cast.coordinator, django_capture_on_commit_callbacks, status="closed")
    assert SatisfactionInvitation.objects.count() == 1
    assert len(mail.outbox) == 1
    assert Job.objects.filter(kind="satisfaction_send").count() == 1


@pytest.mark.parametrize("client_fields", [{"survey_consent": False, "email": "a@example.jp"},
                                           {"survey_consent": True, "email": ""}])
def test_clients_without_consent_or_email_get_no_invitation(
        cast, client_fields, django_capture_on_commit_callbacks):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator,
                       **{f"client__{k}": v for k, v in client_fields.items()})
    end(case, cast.coordinator, django_capture_on_commit_callbacks)
    assert not SatisfactionInvitation.objects.exists()
    assert not Job.objects.exists() and mail.outbox == []


def test_editing_an_already_closed_case_invites_nobody(
        cast, django_capture_on_commit_callbacks):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator, client__email="a@example.jp",
                       status="closed", closed_on=fiscal.today())
    end(case, cast.coordinator, django_capture_on_commit_callbacks, status="resolved")
    assert not SatisfactionInvitation.objects.exists() and mail.outbox == []


def test_a_job_delivered_twice_sends_nothing_more(cast, case,
                                                  django_capture_on_commit_callbacks):
    end(case, cast.coordinator, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="satisfaction_send")
    # As if the worker had died after sending and the broker delivered the task again.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.PENDING)
    assert job_execute(job.pk) == Job.Status.DONE
    assert job_execute(job.pk) == "skipped"
    assert len(mail.outbox) == 1
    assert SatisfactionInvitation.objects.get().send_attempts == 0


def test_a_failing_mail_server_is_retried_then_given_up(
        cast, case, monkeypatch, django_capture_on_commit_callbacks):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    end(case, cast.coordinator, django_capture_on_commit_callbacks)
    invitation = SatisfactionInvitation.objects.get()
    assert invitation.sent_at is None
    assert invitation.send_attempts == sending.MAX_SEND_ATTEMPTS  # the job ran three times
    assert "mail server down" in invitation.send_error
    job = Job.objects.get(kind="satisfaction_send")
    assert job.attempts == 3 and "送信できなかったもの1件" in job.summary

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        satisfaction.satisfaction_dispatch_schedule()  # the next day: a fresh set of tries
    assert [m.to for m in mail.outbox] == [[invitation.email]]


def test_an_invitation_older_than_its_link_is_not_retried(
        cast, case, monkeypatch, django_capture_on_commit_callbacks, settings):
    monkeypatch.setattr("django.core.mail.EmailMessage.send",
                        lambda self, *a, **k: (_ for _ in ()).throw(OSError("down")))
    end(case, cast.coordinator, django_capture_on_commit_callbacks)
    monkeypatch.undo()
    SatisfactionInvitation.objects.update(
        created_at=timezone.now() - timedelta(days=settings.SURVEY_LINK_DAYS + 1))
    with django_capture_on_commit_callbacks(execute=True):
        satisfaction.satisfaction_dispatch_schedule()
    assert mail.outbox == []  # given up for good: it would have expired by now


def test_the_daily_catch_up_sends_what_is_unsent_once_a_day(
        cast, case, django_capture_on_commit_callbacks):
    unsent = SatisfactionInvitation.objects.create(hub=cast.hub, case=case,
                                                   coordinator=cast.coordinator,
                                                   email="a@example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        first = satisfaction.satisfaction_dispatch_schedule()
        again = satisfaction.satisfaction_dispatch_schedule()
    assert first == again  # one job per day
    assert [m.to for m in mail.outbox] == [["a@example.jp"]]
    unsent.refresh_from_db()
    assert unsent.sent_at is not None
    assert Job.objects.get(pk=first).scope == Job.Scope.NATIONAL


def test_no_email_once_the_client_withdrew_consent(cast, case,
                                                   django_capture_on_commit_callbacks):
    invitation = SatisfactionInvitation.objects.create(hub=cast.hub, case=case,
                                                       coordinator=cast.coordinator,
                                                       email="a@example.jp")
    case.client.survey_consent = False
    case.client.save()
    assert satisfaction.invitation_send(invitation.pk) is False
    assert mail.outbox == []


# --- The client's link -----------------------------------------------------------------------


def test_used_expired_and_tampered_links_answer_exactly_like_a_missing_page(client, cast):
    _used, used = invitation_with_link(CaseFactory(hub=cast.hub, lead=cast.coordinator))
    expired_inv, expired = invitation_with_link(
        CaseFactory(hub=cast.hub, lead=cast.coordinator))
    SatisfactionInvitation.objects.filter(pk=expired_inv.pk).update(expires_at=timezone.now())
    assert client.post(used).status_code == 302

    stranger = client.__class__()
    tampered = used[:-2] + ("0" if used[-2] != "0" else "1") + "/"
    found = {
        "reused": stranger.get(used), "reused by POST": stranger.post(used),
        "expired": stranger.get(expired), "expired by POST": stranger.post(expired),
        "tampered": stranger.get(tampered), "tampered by POST": stranger.post(tampered),
        "too long": stranger.get(reverse("survey_satisfaction_open", args=["a" * 300])),
        "no visit": stranger.get(reverse("survey_satisfaction_answer")),
        "missing page": stranger.get("/no-such-page/"),
    }
    assert {k: r.status_code for k, r in found.items()} == dict.fromkeys(found, 404)
    assert len({page_text(r) for r in found.values()}) == 1


def test_fetching_the_link_does_not_use_it_up(client, cast):
    invitation, path = invitation_with_link(CaseFactory(hub=cast.hub, lead=cast.coordinator))
    for _ in range(3):  # mail scanners, previews, the client
        response = client.__class__().get(path)
        assert response.status_code == 200
        assert "no-store" in response.headers["Cache-Control"]
    invitation.refresh_from_db()
    assert invitation.opened_at is None
    assert client.post(path).status_code == 302


def test_opening_links_is_rate_limited_per_address(client, db):
    codes = [client.get(reverse("survey_satisfaction_open", args=[f"{i:064x}"])).status_code
             for i in range(21)]
    assert codes[:20] == [404] * 20
    assert codes[20] == 429


def test_answering_stores_answers_without_the_case_or_client(client, cast):
    invitation, path = invitation_with_link(CaseFactory(hub=cast.hub, lead=cast.coordinator))
    client.post(path)
    page = client.post(reverse("survey_satisfaction_answer"), ANSWERS)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    assert page.templates[0].name == "evaluation/surveys/satisfaction_thanks.html"

    answer = SatisfactionResponse.objects.get()
    assert (answer.hub, answer.coordinator, answer.answered_on) == (
        cast.hub, cast.coordinator, fiscal.today())
    assert [getattr(answer, q) for q in SatisfactionResponse.QUESTIONS] == [5, 4, 4, 3, 5]
    assert answer.comment == ANSWERS["comment"]
    fields = {f.name for f in SatisfactionResponse._meta.get_fields()}
    assert not fields & {"case", "client", "invitation", "email"}
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


def test_a_second_answer_is_refused(client, cast):
    _invitation, path = invitation_with_link(CaseFactory(hub=cast.hub, lead=cast.coordinator))
    client.post(path)
    answer_url = reverse("survey_satisfaction_answer")
    assert client.post(answer_url, ANSWERS).status_code == 200
    assert client.post(answer_url, ANSWERS).status_code == 404  # the visit has ended
    assert client.post(path).status_code == 404  # and the link is used
    assert SatisfactionResponse.objects.count() == 1


def test_an_answer_racing_another_is_refused(cast):
    invitation, _path = invitation_with_link(CaseFactory(hub=cast.hub, lead=cast.coordinator))
    assert links.claim_answer(SatisfactionInvitation, invitation.pk)  # the other tab won
    with pytest.raises(satisfaction.AlreadyAnswered):
        satisfaction.response_save(invitation=invitation, data={**ANSWERS})
    assert not SatisfactionResponse.objects.exists()


def test_an_incomplete_answer_keeps_what_was_typed(client, cast):
    _invitation, path = invitation_with_link(CaseFactory(hub=cast.hub, lead=cast.coordinator))
    client.post(path)
    partial = {k: v for k, v in ANSWERS.items() if k != "speed"}
    page = client.post(reverse("survey_satisfaction_answer"), partial)
    assert page.status_code == 200
    assert list(page.context["form"].errors) == ["speed"]
    body = page.content.decode()
    assert ANSWERS["comment"] in body
    assert re.search(r'id="id_overall_0" value="5" checked', body)
    assert 'aria-describedby="id_speed-error"' in body
    assert not SatisfactionResponse.objects.exists()


# --- Results ---------------------------------------------------------------------------------
@pytest.fixture
def second(cast):
    user = UserFactory(family_name="二番")
    AppointmentFactory(user=user, role=Role.COORDINATOR, hub=cast.hub)
    return user


def test_results_withhold_averages_under_the_threshold(client, cast, second):
    answers(cast.hub, cast.coordinator, [5, 4, 4, 2])  # four: below five
    client.force_login(cast.chief)
    page = client.get(results_url(cast.hub))
    summary = page.context["summary"]
    assert summary["n"] == 4 and summary["withheld"]
    assert summary["averages"] == dict.fromkeys(SatisfactionResponse.QUESTIONS)
    assert summary["share_satisfied"] is None
    assert page.context["comments_withheld"]
    assert "4.0" not in page.content.decode().split("satisfaction-summary")[1]

    answers(cast.hub, cast.coordinator, [3])
    summary = client.get(results_url(cast.hub)).context["summary"]
    assert not summary["withheld"]
    assert summary["averages"]["overall"] == 3.6
    assert summary["share_satisfied"] == 60.0


def test_a_withheld_coordinator_cannot_be_worked_out_by_subtraction(client, cast, second):
    answers(cast.hub, cast.coordinator, [5] * 6)
    answers(cast.hub, second, [1, 2])  # withheld; hub minus the first would reveal them
    client.force_login(cast.chief)
    page = client.get(results_url(cast.hub))
    rows = {row["coordinator_id"]: row for row in page.context["rows"]}
    assert page.context["summary"]["averages"]["overall"] == pytest.approx(33 / 8, abs=0.01)
    assert rows[second.pk]["withheld"] and rows[second.pk]["n"] == 2
    assert rows[cast.coordinator.pk]["withheld"]  # hidden too: 8 - 6 = the second's two
    assert rows[cast.coordinator.pk]["averages"]["overall"] is None

    third = UserFactory()
    answers(cast.hub, third, [3] * 5)
    rows = {r["coordinator_id"]: r for r in client.get(results_url(cast.hub)).context["rows"]}
    # The smallest row shown goes with the second's: together 7 answers, enough to hide in.
    assert [rows[u.pk]["withheld"] for u in (cast.coordinator, second, third)] == [
        False, True, True]
    assert rows[cast.coordinator.pk]["averages"]["overall"] == 5.0
    hidden = sum(r["n"] for r in rows.values() if r["withheld"])
    assert hidden >= 5  # what subtraction reveals is never a small group


def test_a_coordinator_sees_only_their_own_row(client, cast, second):
    answers(cast.hub, cast.coordinator, [5] * 5, comment="助かりました。")
    answers(cast.hub, second, [2] * 5)
    client.force_login(cast.coordinator)
    page = client.get(results_url(cast.hub))
    assert [row["coordinator_id"] for row in page.context["rows"]] == [cast.coordinator.pk]
    assert page.context["rows"][0]["averages"]["overall"] == 5.0
    assert page.context["summary"]["averages"]["overall"] == 3.5
    body = page.content.decode()
    assert "二番" not in body and "助かりました。" not in body  # no colleague, no comments

    client.force_login(cast.chief)
    page = client.get(results_url(cast.hub))
    assert {row["coordinator_id"] for row in page.context["rows"]} == {cast.coordinator.pk,
                                                                       second.pk}
    assert [c["comment"] for c in page.context["comments"]] == ["助かりました。"] * 5


def test_the_bureau_sees_the_hub_against_national_only(client, cast):
    answers(cast.hub, cast.coordinator, [4] * 5, comment="丁寧でした。")
    client.force_login(cast.bureau)
    page = client.get(results_url(cast.hub))
    assert page.context["rows"] == [] and page.context["comments"] == []
    assert page.context["summary"]["averages"]["overall"] == 4.0
    assert "丁寧でした。" not in page.content.decode()


def test_comments_show_the_month_only_newest_first(client, cast):
    answers(cast.hub, cast.coordinator, [4] * 4, on=fiscal.fiscal_year_start(YEAR))
    answers(cast.hub, cast.coordinator, [4], on=fiscal.fiscal_year_start(YEAR)
            + timedelta(days=40), comment="新しい")
    answers(cast.hub, cast.coordinator, [4], on=fiscal.fiscal_year_start(YEAR)
            + timedelta(days=3), comment="古い")
    client.force_login(cast.impl_org)
    page = client.get(results_url(cast.hub, year=YEAR))
    comments = page.context["comments"]
    assert [c["comment"] for c in comments] == ["新しい", "古い"]
    assert comments[0]["month"] == date(YEAR, 5, 1)
    assert f"{YEAR}年5月" in page.content.decode()


def test_national_figures_are_withheld_when_they_would_reveal_a_small_hub(client, cast):
    answers(cast.hub, cast.coordinator, [5] * 5)
    answers(cast.other_hub, cast.outsider, [1])  # national minus Tokyo = this one answer
    summary = satisfaction_summary(hub=authorise(cast.hq, VIEW_AGGREGATES, cast.hub),
                                   fiscal_year=YEAR)
    assert summary["national"]["n"] == 6 and summary["national"]["withheld"]
    answers(cast.other_hub, cast.outsider, [2] * 4)
    summary = satisfaction_summary(hub=authorise(cast.hq, VIEW_AGGREGATES, cast.hub),
                                   fiscal_year=YEAR)
    assert summary["national"]["averages"]["overall"] == 3.4  # (25 + 1 + 8) / 10


def test_another_hubs_results_are_a_404_like_a_missing_hub(client, cast):
    client.force_login(cast.coordinator)
    other = client.get(results_url(cast.other_hub))
    missing = client.get(reverse("surveys:satisfaction_results", args=["99"]))
    assert other.status_code == missing.status_code == 404
    assert page_text(other) == page_text(missing)
    assert client.get(results_url(cast.hub, year="x")).status_code == 404


def _results_queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_results_run_the_same_queries_with_more_data(client, cast, second,
                                                     django_assert_max_num_queries):
    client.force_login(cast.chief)
    url = results_url(cast.hub)
    answers(cast.hub, cast.coordinator, [4] * 5, comment="良い")
    small = _results_queries(client, url, django_assert_max_num_queries, 20)
    for user in [second] + [UserFactory() for _ in range(5)]:
        answers(cast.hub, user, [1, 3, 5, 4, 2, 5], comment="改善を希望")
    answers(cast.other_hub, cast.outsider, [3] * 20)
    large = _results_queries(client, url, django_assert_max_num_queries, 20)
    assert small == large


# --- Figures for others ----------------------------------------------------------------------
def test_actuals_satisfaction_equals_a_direct_count(cast, settings):
    settings.SATISFACTION_MIN_ANSWERS = 1  # withholding is tested in test_plan_dashboards
    start = fiscal.fiscal_year_start(YEAR)
    answers(cast.hub, cast.coordinator, [5, 4, 2], on=start)
    answers(cast.hub, cast.coordinator, [3], on=start + timedelta(days=31))  # May
    answers(cast.other_hub, cast.outsider, [5, 5], on=start)
    answers(cast.hub, cast.coordinator, [5], on=start - timedelta(days=1))  # last year
    rows = SatisfactionResponse.objects.filter(hub=cast.hub, answered_on__range=(
        start, fiscal.fiscal_year_end(YEAR)))
    direct = round(100 * rows.filter(overall__gte=4).count() / rows.count(), 1)

    year = actuals.yearly(hub_ids=[cast.hub.pk], fiscal_year=YEAR)
    months = actuals.monthly(hub_ids=[cast.hub.pk], fiscal_year=YEAR)
    assert year["satisfaction"] == direct == 50.0
    assert months["satisfaction"][:2] == [66.7, 0.0]
    assert satisfaction_monthly_share(hub_ids=[cast.hub.pk], fiscal_year=YEAR)[:3] == [
        66.7, 0.0, None]
    everywhere = satisfaction_monthly_share(hub_ids=None, fiscal_year=YEAR)
    assert everywhere[0] == 80.0  # 4 of 5 in April at both hubs
    by_hub = actuals.tallies(hub_ids=None, fiscal_year=YEAR, by_hub=True)
    assert by_hub[cast.other_hub.pk].yearly()["satisfaction"] == 100.0


def test_the_hearing_evidence_pack_shows_the_satisfaction_summary(client, cast):
    from evaluation import services as evaluation_services

    answers(cast.hub, cast.coordinator, [5, 4, 4, 4, 1])
    pack = evidence_pack(hub=authorise(cast.hq, EVALUATE, cast.hub), fiscal_year=YEAR)
    assert pack["satisfaction"]["n"] == 5
    assert pack["satisfaction"]["share_satisfied"] == 80.0

    draft = evaluation_services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
    evaluation_services.guideline_publish(guideline=draft, by=cast.hq)
    hearing = evaluation_services.hearing_schedule(hub=cast.hub, fiscal_year=YEAR,
                                                   held_on=fiscal.today(), lead=cast.hq,
                                                   by=cast.hq)
    client.force_login(cast.hq)
    page = client.get(reverse("evaluation:hearing_detail", args=[hearing.pk]))
    evidence = page.content.decode().split("evidence-pack")[1]
    assert "80.0" in evidence and results_url(cast.hub, year=YEAR) in evidence


def test_the_hub_page_links_to_the_results(client, cast):
    client.force_login(cast.coordinator)
    page = client.get(reverse("hubs:hub_detail", args=[cast.hub.jis_code]))
    assert results_url(cast.hub) in page.content.decode()


def test_demo_seed_is_idempotent_and_plausible(db):
    seed_demo()
    seed_activity()
    first = seed_satisfaction()
    assert first["added"] == 4 and first["responses"] > 100 and first["invitations"] > 0
    again = seed_satisfaction()
    assert again == {**first, "added": 0}
    tokyo = satisfaction_summary(hub=read_as_hq(Hub.objects.get(jis_code="13")),
                                 fiscal_year=YEAR - 1)
    assert not tokyo["withheld"] and 50 <= tokyo["share_satisfied"] <= 95
    assert SatisfactionResponse.objects.exclude(comment="").exists()
    assert mail.outbox == []  # the demo emails nobody
