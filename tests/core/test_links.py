"""Single-use links, written once (yorozu/core/links.py and link_views.py) and used by the
referral links and both survey links: a derived token of which only the hash is stored, a
fetch that uses nothing up, an opening that works once, a visit that ends, and one 404 for
every bad case. The links already emailed before the mechanism moved to core still open."""

import hashlib
import re
import secrets
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from consultations import referrals
from consultations.models import ReferralLink
from evaluation.surveys import links as survey_links
from evaluation.surveys.models import AgencyInvitation, AgencySurvey, SatisfactionInvitation
from tests.consultations.factories import CaseFactory, ReferralFactory
from tests.hubs.factories import AgencyFactory
from tests.pages import page_text
from yorozu.core import fiscal
from yorozu.core.links import token_hash
from yorozu.jobs.models import Job


@pytest.fixture
def referral(cast):
    return ReferralFactory(hub=cast.hub, case=CaseFactory(hub=cast.hub, lead=cast.coordinator),
                           agency=AgencyFactory(hub=cast.hub, email="soudan@cci.example.jp"))


def _session():
    return import_module(settings.SESSION_ENGINE).SessionStore()




# --- The mechanism ---------------------------------------------------------------------------
def test_an_issued_link_is_stored_only_as_the_hash_of_its_token(referral):
    token = referrals.link_issue(referral=referral, purpose="acknowledge")
    link = ReferralLink.objects.get()
    assert len(token) == 64
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert referrals.LINKS.usable(token)


def test_checking_a_link_uses_nothing_and_opening_it_works_once(referral):
    token = referrals.link_issue(referral=referral, purpose="acknowledge")
    assert referrals.LINKS.usable(token) and referrals.LINKS.usable(token)
    assert ReferralLink.objects.get().opened_at is None

    first, second = _session(), _session()
    assert referrals.LINKS.open(token, first)
    assert not referrals.LINKS.open(token, second)  # the second visitor gets nothing
    assert not referrals.LINKS.usable(token)
    assert referrals.LINKS.visit(first).referral_id == referral.pk
    assert referrals.LINKS.visit(second) is None


def test_an_expired_link_neither_shows_nor_opens(referral):
    token = referrals.link_issue(referral=referral, purpose="acknowledge")
    ReferralLink.objects.update(expires_at=timezone.now())
    assert not referrals.LINKS.usable(token)
    assert not referrals.LINKS.open(token, _session())
    assert ReferralLink.objects.get().opened_at is None


def test_the_visit_lasts_its_window_and_ends_when_asked(referral, settings):
    settings.REFERRAL_VISIT_SECONDS = 60
    session = _session()
    assert referrals.LINKS.open(referrals.link_issue(referral=referral, purpose="report"),
                                session)
    with time_machine.travel(timezone.now() + timedelta(seconds=59)):
        assert referrals.LINKS.visit(session) is not None
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert referrals.LINKS.visit(session) is None
    referrals.LINKS.end(session)
    assert referrals.LINKS.visit(session) is None and "referral_visit" not in session


def test_a_token_too_long_is_refused_before_the_database(referral, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not referrals.LINKS.usable("a" * 101)
        assert not referrals.LINKS.open("a" * 101, _session())


def _survey_invitation(cast, model, **fields):
    now = timezone.now()
    common = {"sent_at": now, "expires_at": now + timedelta(days=30), **fields}
    if model is SatisfactionInvitation:
        case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
        return model.objects.create(hub=cast.hub, case=case, coordinator=cast.coordinator,
                                    email="c@example.jp", **common)
    survey = AgencySurvey.objects.create(
        hub=cast.hub, fiscal_year=fiscal.current_fiscal_year(), title="地域の支援機関アンケート",
        deadline=fiscal.today() + timedelta(days=14), status=AgencySurvey.Status.OPEN,
        created_by=cast.impl_org, opened_at=now)
    agency = AgencyFactory(hub=cast.hub, email="survey@agency.example.jp")
    return model.objects.create(survey=survey, agency=agency, email=agency.email, **common)


def test_survey_kinds_sharing_the_session_do_not_see_each_others_visit(cast):
    satisfaction = _survey_invitation(cast, SatisfactionInvitation)
    token = survey_links.token_for(satisfaction)
    SatisfactionInvitation.objects.update(token_hash=token_hash(token))
    session = _session()
    assert survey_links.SATISFACTION.open(token, session)
    assert survey_links.SATISFACTION.visit(session).pk == satisfaction.pk
    assert survey_links.AGENCY.visit(session) is None


def test_an_answered_survey_link_is_used_up(cast):
    invitation = _survey_invitation(cast, AgencyInvitation, answered_at=timezone.now())
    token = survey_links.token_for(invitation)
    AgencyInvitation.objects.update(token_hash=token_hash(token))
    assert not survey_links.AGENCY.usable(token)
    assert not survey_links.AGENCY.open(token, _session())


# --- The pages, one for every kind -----------------------------------------------------------
def _links_of_each_kind(cast, referral) -> dict[str, tuple[str, str, str]]:
    """Per kind: a fresh link's address, an expired one's, and the visit page."""
    found = {}
    tokens = [referrals.link_issue(referral=referral, purpose="acknowledge") for _ in range(2)]
    ReferralLink.objects.filter(token_hash=token_hash(tokens[1])).update(
        expires_at=timezone.now())
    found["referral"] = (reverse("referral_open", args=[tokens[0]]),
                         reverse("referral_open", args=[tokens[1]]), reverse("referral_visit"))
    for name, model, url in (("satisfaction", SatisfactionInvitation, "survey_satisfaction"),
                             ("agency", AgencyInvitation, "survey_agency")):
        paths = []
        for expires_at in (timezone.now() + timedelta(days=1), timezone.now()):
            invitation = _survey_invitation(cast, model, expires_at=expires_at)
            token = survey_links.token_for(invitation)
            model.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token))
            paths.append(reverse(f"{url}_open", args=[token]))
        found[name] = (*paths, reverse(f"{url}_answer"))
    return found


def test_every_kind_shows_a_button_then_opens_once_then_answers_404_like_a_missing_page(
        client, cast, referral):
    for kind, (fresh, expired, visit) in _links_of_each_kind(cast, referral).items():
        scanner, visitor, stranger = (client.__class__() for _ in range(3))
        page = scanner.get(fresh)
        assert page.status_code == 200, kind
        assert 'method="post"' in page.content.decode() and "no-store" in page["Cache-Control"]
        opened = visitor.post(fresh)
        assert (opened.status_code, opened.url) == (302, visit), kind
        assert visitor.get(visit).status_code == 200, kind

        wrong = re.sub(r"/[0-9a-f]{64}/$", "/" + "0" * 64 + "/", fresh)
        answers = {"used": stranger.get(fresh), "used by POST": stranger.post(fresh),
                   "expired": stranger.get(expired), "expired by POST": stranger.post(expired),
                   "wrong": stranger.get(wrong), "wrong by POST": stranger.post(wrong),
                   "no visit": stranger.get(visit), "missing page": stranger.get("/no-such/")}
        assert {k: r.status_code for k, r in answers.items()} == dict.fromkeys(answers, 404)
        assert len({page_text(r) for r in answers.values()}) == 1, kind


# --- Links emailed before the mechanism moved to core ----------------------------------------
def test_a_referral_link_derived_by_the_old_formula_still_opens(client, referral,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        token = referrals.link_issue(referral=referral, purpose="acknowledge")
    link, job = ReferralLink.objects.get(), Job.objects.get(kind=referrals.LINK_JOB)
    # The formula of consultations/referrals.py before core's links, written out.
    old = salted_hmac("yorozu.referrals.link", f"{link.pk}:{job.params['salt']}",
                      algorithm="sha256").hexdigest()
    assert token == old and f"/r/{old}/" in mail.outbox[0].body
    assert link.token_hash == hashlib.sha256(old.encode()).hexdigest()
    assert client.post(reverse("referral_open", args=[old])).status_code == 302
    assert client.get(reverse("referral_visit")).status_code == 200


def test_a_referral_link_of_the_random_tokens_before_derivation_still_opens(client, referral):
    old = secrets.token_urlsafe(32)
    ReferralLink.objects.create(referral=referral, purpose="acknowledge",
                                token_hash=hashlib.sha256(old.encode()).hexdigest(),
                                expires_at=timezone.now() + timedelta(days=30))
    assert client.get(reverse("referral_open", args=[old])).status_code == 200
    assert client.post(reverse("referral_open", args=[old])).status_code == 302
    assert client.get(reverse("referral_visit")).status_code == 200


@pytest.mark.parametrize(("model", "url"), [(SatisfactionInvitation, "survey_satisfaction"),
                                            (AgencyInvitation, "survey_agency")])
def test_a_survey_link_derived_by_the_old_formula_still_opens(client, cast, model, url):
    invitation = _survey_invitation(cast, model, generation=2)
    # The formula of evaluation/surveys/links.py before core's links, written out.
    old = salted_hmac("yorozu.surveys.link",
                      f"evaluation.{model._meta.model_name}:{invitation.pk}:{invitation.salt}:2",
                      algorithm="sha256").hexdigest()
    model.objects.filter(pk=invitation.pk).update(
        token_hash=hashlib.sha256(old.encode()).hexdigest())
    assert survey_links.token_for(invitation) == old  # a repeated send emails the same link
    assert client.post(reverse(f"{url}_open", args=[old])).status_code == 302
    assert client.get(reverse(f"{url}_answer")).status_code == 200


def test_a_referral_visit_begun_before_the_upgrade_goes_on(client, referral):
    """Visits kept {"link": pk} in the session before core's links; they last two hours."""
    link = ReferralLink.objects.create(referral=referral, purpose="acknowledge",
                                       token_hash="x" * 64, opened_at=timezone.now(),
                                       expires_at=timezone.now() + timedelta(days=30))
    session = client.session
    session["referral_visit"] = {"link": link.pk,
                                 "until": (timezone.now() + timedelta(hours=1)).timestamp()}
    session.save()
    assert client.get(reverse("referral_visit")).status_code == 200
