"""Every URL pattern, for every role and anonymous visitors, against an object of the user's
own hub and one of another hub. Adding a URL without a row here fails
test_every_url_has_an_expected_outcome.

Outcomes, in role order anon, coordinator, chief, impl_org, bureau, hq, admin:
  L    redirect to the login page       AL  redirect to the admin login (not staff)
  200  page shown                       302 done, redirected onward
  403  seen but not allowed             404 not found: missing or another hub's
  405  method not allowed               L*  redirect to either login page
"""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from consultations import referrals
from consultations.models import ImportBatch
from evaluation import services as evaluation_services
from evaluation.models import Guideline, Hearing, SelfCheck
from evaluation.models import Item as EvaluationItem
from evaluation.plans.models import ActivityPolicy, AnnualPlan, PlanVersion
from hubs.models import Appointment
from hubs.roles import Role
from tests.api import matrix_api
from tests.consultations.factories import CaseFactory, ReferralFactory, SessionFactory
from tests.evaluation import matrix_assessments
from tests.evaluation.factories import ItemFactory, SelfCheckFactory
from tests.hubs.factories import AgencyFactory, AppointmentFactory, UserFactory
from tests.jobs import matrix_jobs
from tests.outcomes import matrix_outcomes
from tests.pages import same_page
from tests.reports import matrix_reports
from tests.selfstudy import matrix_selfstudy
from tests.surveys import matrix_agency_survey, matrix_satisfaction
from yorozu.core import fiscal
from yorozu.notifications.models import Notification
from yorozu.notifications.services import notify

YEAR = fiscal.current_fiscal_year()
ROLES = ["anon", "coordinator", "chief", "impl_org", "bureau", "hq", "admin"]


@dataclass(frozen=True)
class Row:
    method: str
    target: str | None  # which object the URL takes, built by TARGETS below
    own: str  # outcomes by role, space separated, in ROLES order
    other: str | None = None  # the same for another hub's object
    auth: str = "session"  # "token": called with the role's API token, not its login

    def expected(self, which: str) -> dict[str, str]:
        return dict(zip(ROLES, (self.own if which == "own" else self.other).split(), strict=True))


# Outcomes shared by the consultation pages (anon coordinator chief impl_org bureau hq admin).
READ, READ_OTHER = "L 200 200 200 404 200 404", "L 404 404 404 404 200 404"
WRITE, WRITE_OTHER = "L 200 200 403 404 403 404", "L 404 404 404 404 403 404"
WRITE_HUB, WRITE_HUB_OTHER = WRITE, WRITE_OTHER
READ_PLAN, READ_PLAN_OTHER = "L 200 200 200 200 200 404", "L 404 404 404 404 200 404"
HUB_PLAN_ACTION, BUREAU_PLAN_ACTION = "L 403 302 302 403 403 404", "L 403 403 403 302 403 404"
PLAN_OTHER = "L 404 404 404 404 403 404"
HQ_PAGE, HQ_ACTION = "L 403 403 403 403 200 403", "L 403 403 403 403 302 403"
HQ_ONLY_PAGE, HQ_ONLY_ACTION = "L 404 404 404 404 200 404", "L 404 404 404 404 302 404"

MATRIX: dict[str, Row] = {
    "home": Row("GET", None, "L 200 200 200 200 200 200"),
    "healthz": Row("GET", None, "200 200 200 200 200 200 200"),
    "set_language": Row("POST", None, "302 302 302 302 302 302 302"),
    "accounts:login": Row("GET", None, "200 302 302 302 302 302 302"),
    "accounts:logout": Row("POST", None, "L L L L L L L"),
    "accounts:keep_alive": Row("POST", None, "L 200 200 200 200 200 200"),
    "accounts:password_change": Row("GET", None, "L 200 200 200 200 200 200"),
    "accounts:password_change_done": Row("GET", None, "L 200 200 200 200 200 200"),
    "accounts:password_reset": Row("GET", None, "200 200 200 200 200 200 200"),
    "accounts:password_reset_done": Row("GET", None, "200 200 200 200 200 200 200"),
    "accounts:password_reset_confirm": Row("GET", "reset_token",
                                           "200 200 200 200 200 200 200"),
    "accounts:password_reset_complete": Row("GET", None, "200 200 200 200 200 200 200"),
    # The invitation's link (public, like password reset): a wrong token shows the page that
    # says the link is used up.
    "accounts:activate": Row("GET", "reset_token", "200 200 200 200 200 200 200"),
    "hubs:hub_list": Row("GET", None, "L 200 200 200 200 200 200"),
    "hubs:hub_detail": Row("GET", "hub", "L 200 200 200 200 200 404",
                           "L 404 404 404 404 200 404"),
    "hubs:agency_list": Row("GET", "hub", "L 200 200 200 200 200 404",
                            "L 404 404 404 404 200 404"),
    "hubs:agency_create": Row("GET", "hub", "L 403 200 200 403 403 404",
                              "L 404 404 404 404 403 404"),
    "hubs:agency_edit": Row("GET", "agency", "L 403 200 200 403 403 404",
                            "L 404 404 404 404 403 404"),
    "hubs:appointment_propose": Row("GET", "hub", "L 403 200 200 403 403 404",
                                    "L 404 404 404 404 403 404"),
    "hubs:appointment_list": Row("GET", None, "L 403 200 200 200 403 403"),
    "hubs:appointment_approve": Row("POST", "proposal", "L 403 403 403 302 403 404",
                                    "L 404 404 404 404 403 404"),
    "hubs:appointment_reject": Row("POST", "proposal", "L 403 403 403 302 403 404",
                                   "L 404 404 404 404 403 404"),
    "hubs:appointment_withdraw": Row("POST", "proposal", "L 403 302 302 403 403 404",
                                     "L 404 404 404 404 403 404"),
    "hubs:appointment_revoke": Row("POST", "coordinator", "L 403 403 403 302 403 404",
                                   "L 404 404 404 404 403 404"),
    # Resending an approved appointment's invitation: the bureau and the proposing hub.
    "hubs:appointment_invite": Row("POST", "coordinator", "L 403 302 302 302 403 404",
                                   "L 404 404 404 404 403 404"),
    # Consultations. Bureaus see counts only (404 on records); HQ and the implementing
    # organization read but do not write (403 on writes to a hub they can read).
    "consultations:my_cases": Row("GET", None, "L 200 200 200 200 200 200"),
    "consultations:quick_log": Row("GET", "hub", WRITE_HUB, WRITE_HUB_OTHER),
    "consultations:client_search": Row("GET", "hub", WRITE_HUB, WRITE_HUB_OTHER),
    "consultations:session_import": Row("GET", "hub", WRITE_HUB, WRITE_HUB_OTHER),
    "consultations:case_list": Row("GET", "hub", READ, READ_OTHER),
    "consultations:followups": Row("GET", "hub", READ, READ_OTHER),
    "consultations:case_detail": Row("GET", "case", READ, READ_OTHER),
    "consultations:client_detail": Row("GET", "client", READ, READ_OTHER),
    "consultations:case_edit": Row("GET", "case", WRITE, WRITE_OTHER),
    "consultations:session_create": Row("GET", "case", WRITE, WRITE_OTHER),
    "consultations:referral_create": Row("GET", "case", WRITE, WRITE_OTHER),
    "consultations:session_edit": Row("GET", "session", WRITE, WRITE_OTHER),
    "consultations:referral_close": Row("GET", "referral", WRITE, WRITE_OTHER),
    "consultations:client_edit": Row("GET", "client", WRITE, WRITE_OTHER),
    "consultations:referral_resend": Row("POST", "referral", "L 302 302 403 404 403 404",
                                         WRITE_OTHER),
    # The rejected rows of an import: only those who may import at that hub.
    "consultations:import_rejected": Row("GET", "import_batch", "L 200 200 404 404 404 404",
                                         "L 404 404 404 404 404 404"),
    # Support agencies have no account: a fresh one-time link shows anyone its "open" button
    # (only the button's POST uses it up and moves to the tokenless page, which without a
    # visit in the session is a 404).
    "referral_open": Row("GET", "referral_token", "200 200 200 200 200 200 200"),
    "referral_visit": Row("GET", None, "404 404 404 404 404 404 404"),
    # Evaluation. Everyone with an appointment reads published guidelines; only HQ edits
    # drafts (403 for the rest: the page exists, the role may not use it). Hearings are HQ's
    # alone: for anyone else a hearing is a 404, like a missing one.
    "evaluation:guideline_list": Row("GET", None, "L 200 200 200 200 200 200"),
    "evaluation:guideline_detail": Row("GET", "guideline", "L 200 200 200 200 200 200"),
    "evaluation:guideline_start": Row("POST", None, HQ_ACTION),
    "evaluation:guideline_edit": Row("GET", "draft_guideline", HQ_PAGE),
    "evaluation:guideline_publish": Row("POST", "draft_guideline", HQ_ACTION),
    "evaluation:guideline_copy": Row("POST", "guideline", HQ_ACTION),
    "evaluation:item_create": Row("GET", "draft_area", HQ_PAGE),
    "evaluation:area_edit": Row("GET", "draft_area_pk", HQ_PAGE),
    "evaluation:item_edit": Row("GET", "draft_item", HQ_PAGE),
    "evaluation:item_delete": Row("POST", "draft_item", HQ_ACTION),
    "evaluation:hearing_list": Row("GET", None, HQ_PAGE),
    "evaluation:national": Row("GET", None, HQ_PAGE),
    "evaluation:hearing_schedule": Row("GET", "hub", HQ_ONLY_PAGE, HQ_ONLY_PAGE),
    "evaluation:hearing_detail": Row("GET", "hearing", HQ_ONLY_PAGE, HQ_ONLY_PAGE),
    "evaluation:hearing_score": Row("GET", "hearing", HQ_ONLY_PAGE, HQ_ONLY_PAGE),
    "evaluation:score_save": Row("POST", "hearing_item", HQ_ONLY_ACTION, HQ_ONLY_ACTION),
    "evaluation:hearing_finalise": Row("POST", "hearing", HQ_ONLY_ACTION, HQ_ONLY_ACTION),
    "evaluation:hearing_reopen": Row("POST", "hearing", HQ_ONLY_ACTION, HQ_ONLY_ACTION),
    "evaluation:hearing_publish": Row("POST", "hearing", HQ_ONLY_ACTION, HQ_ONLY_ACTION),
    # Self-checks are personal: the owner, and their chief once submitted. Coordinators, the
    # chief and the implementing organization rate themselves. The hub's summary (averages
    # only) for its staff and HQ; bureaus see none of it.
    "evaluation:selfcheck_mine": Row("GET", None, "L 200 200 200 403 403 403"),
    "evaluation:selfcheck_edit": Row("GET", "self_check", "L 200 200 404 404 404 404",
                                     "L 404 404 404 404 404 404"),
    "evaluation:selfcheck_review": Row("POST", "self_check", "L 403 200 404 404 404 404",
                                       "L 404 404 404 404 404 404"),
    "evaluation:selfcheck_start": Row("POST", "hub", "L 302 302 302 404 403 404",
                                      "L 404 404 404 404 403 404"),
    "evaluation:selfcheck_review_list": Row("GET", "hub", "L 403 200 403 404 403 404",
                                            "L 404 404 404 404 403 404"),
    "evaluation:selfcheck_summary": Row("GET", "hub", READ, READ_OTHER),
    # HQ's activity policy: HQ writes; everyone reads it once published.
    "plans:policy_list": Row("GET", None, "L 200 200 200 200 200 200"),
    "plans:policy_detail": Row("GET", "policy", "L 200 200 200 200 200 200"),
    "plans:policy_edit": Row("GET", "policy", HQ_PAGE),
    "plans:policy_publish": Row("POST", "policy", HQ_ACTION),
    # Plan-versus-actual dashboards: a hub's for its staff, its bureau and HQ; the bureau page
    # for bureaus (their hubs) and HQ (all); the national page for HQ.
    "plans:plan_dashboard_hub": Row("GET", "hub", "L 200 200 200 200 200 404",
                                    "L 404 404 404 404 200 404"),
    "plans:plan_dashboard_bureau": Row("GET", None, "L 403 403 403 200 200 403"),
    "plans:plan_dashboard_national": Row("GET", None, HQ_PAGE),
    # The review queue: the bureaus' (their hubs); HQ comments on plans but does not review.
    "plans:plan_review_queue": Row("GET", None, "L 403 403 403 200 403 403"),
    # Annual plans: the hub's staff read, the chief coordinator and the implementing
    # organization draft and confirm, the bureau reviews, HQ comments. Each target puts the
    # own hub's plan (and the other hub's) in the state the action needs.
    "plans:plan_detail": Row("GET", "plan_draft", READ_PLAN, READ_PLAN_OTHER),
    "plans:plan_diff": Row("GET", "plan_draft", READ_PLAN, READ_PLAN_OTHER),
    "plans:plan_start": Row("POST", "plan_none", HUB_PLAN_ACTION, PLAN_OTHER),
    "plans:plan_edit": Row("GET", "plan_draft", "L 403 200 200 403 403 404", PLAN_OTHER),
    "plans:plan_confirm": Row("POST", "plan_draft", HUB_PLAN_ACTION, PLAN_OTHER),
    "plans:plan_revise": Row("POST", "plan_accepted", HUB_PLAN_ACTION, PLAN_OTHER),
    "plans:plan_start_review": Row("POST", "plan_submitted", BUREAU_PLAN_ACTION,
                                   PLAN_OTHER),
    "plans:plan_accept": Row("POST", "plan_submitted", BUREAU_PLAN_ACTION, PLAN_OTHER),
    # An empty return or comment shows the plan again with the error (200).
    "plans:plan_return": Row("POST", "plan_submitted", "L 403 403 403 200 403 404",
                             PLAN_OTHER),
    "plans:plan_comment": Row("POST", "plan_submitted", "L 403 403 403 200 200 404",
                              "L 404 404 404 404 200 404"),
    # Notifications are personal: the list and "mark all" show and touch only one's own; a
    # notification of someone else (the chief's for the others, the Miyagi coordinator's for
    # everyone) is a 404 like a missing one.
    "notifications:notification_list": Row("GET", None, "L 200 200 200 200 200 200"),
    "notifications:notification_read": Row("POST", "notification", "L 404 302 404 404 404 404",
                                           "L 404 404 404 404 404 404"),
    "notifications:notification_read_all": Row("POST", None, "L 302 302 302 302 302 302"),
    # A hub's result: its own staff and bureau (published only; HQ always).
    "evaluation:hub_result": Row("GET", "hub", "L 200 200 200 200 200 404",
                                 "L 404 404 404 404 200 404"),
}
# Django admin: one rule for the whole namespace. Only staff get in; everyone else is sent to
# a login page. The admin's own login page is public.
ADMIN_LOGIN = Row("GET", None, "200 200 200 200 200 200 302")
ADMIN_LOGOUT = Row("GET", None, "AL 302 302 302 302 302 405")  # logout needs a POST
ADMIN_OTHER = Row("GET", "admin_args", "L* AL AL AL AL AL ok")
ADMIN_ROWS = {"admin:login": ADMIN_LOGIN, "admin:logout": ADMIN_LOGOUT}


def _walk(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, inner)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                yield f"{namespace}{pattern.name}", pattern
            elif namespace != "admin:":  # the admin's unnamed redirects and catch-all
                yield None, pattern


ALL_PATTERNS = list(_walk(get_resolver()))


def test_every_url_has_an_expected_outcome():
    unnamed = [str(p.pattern) for name, p in ALL_PATTERNS if name is None]
    missing = [name for name, _p in ALL_PATTERNS
               if name and not name.startswith("admin:") and name not in MATRIX]
    stale = set(MATRIX) - {name for name, _p in ALL_PATTERNS}
    assert not unnamed, f"name these URL patterns: {unnamed}"
    assert not missing, f"add these URLs to the permission matrix: {missing}"
    assert not stale, f"these rows name no URL: {stale}"


@pytest.fixture
def cast(module_cast, db):
    """One cast for the module's ~1,700 cases (made once, not per case): no case changes a
    user for good, since each runs in a transaction of its own that is rolled back."""
    return module_cast


@pytest.fixture(scope="module")
def logins(module_cast, django_db_blocker) -> dict[str, str]:
    """A session per role, made once in the module's transaction: logging in for each case
    took a third of a case's time. A case that changes its session (or logs out) has that
    undone with the rest of its transaction."""
    from django.test import Client

    sessions = {}
    with django_db_blocker.unblock():
        for role, user in module_cast.by_role().items():
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


# --- Targets: the objects each URL is called with --------------------------------------------
def _hub(cast, which):
    return {"jis_code": (cast.hub if which == "own" else cast.other_hub).jis_code}


def _agency(cast, which):
    hub = cast.hub if which == "own" else cast.other_hub
    return {"pk": AgencyFactory(hub=hub).pk}


def _proposal(cast, which):
    hub = cast.hub if which == "own" else cast.other_hub
    proposer = cast.chief if which == "own" else cast.outsider
    appointment = AppointmentFactory(user=UserFactory(), role=Role.COORDINATOR, hub=hub,
                                     status=Appointment.Status.PROPOSED, proposed_by=proposer)
    return {"pk": appointment.pk}


def _coordinator(cast, which):
    user = cast.coordinator if which == "own" else cast.outsider
    return {"pk": Appointment.objects.get(user=user).pk}


def _reset_token(cast, which):
    return {"uidb64": "MQ", "token": "set-password"}


def _case(cast, which):
    hub, lead = (cast.hub, cast.coordinator) if which == "own" else (cast.other_hub,
                                                                      cast.outsider)
    return CaseFactory(hub=hub, lead=lead)


def _case_pk(cast, which):
    return {"pk": _case(cast, which).pk}


def _client(cast, which):
    return {"pk": _case(cast, which).client_id}


def _session(cast, which):
    case = _case(cast, which)
    return {"pk": SessionFactory(hub=case.hub, case=case).pk}


def _referral(cast, which):
    case = _case(cast, which)
    return {"pk": ReferralFactory(hub=case.hub, case=case,
                                  agency=AgencyFactory(hub=case.hub)).pk}


def _import_batch(cast, which):
    hub, user = (cast.hub, cast.coordinator) if which == "own" else (cast.other_hub,
                                                                      cast.outsider)
    batch = ImportBatch.objects.create(hub=hub, created_by=user, filename="x.xlsx",
                                       rejected=1, rejected_file=ContentFile(b"PK", name="r.xlsx"))
    return {"pk": batch.pk}


def _referral_token(cast, which):
    referral = ReferralFactory(hub=cast.hub, case=_case(cast, "own"),
                               agency=AgencyFactory(hub=cast.hub))
    return {"token": referrals.link_issue(referral=referral, purpose="acknowledge")}


def _guideline(cast, which):
    if not Guideline.objects.filter(fiscal_year=YEAR).exists():
        draft = evaluation_services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
        evaluation_services.guideline_publish(guideline=draft, by=cast.hq)
    return {"fiscal_year": YEAR}


def _draft(cast):
    return (Guideline.objects.filter(fiscal_year=YEAR + 1).first()
            or evaluation_services.guideline_create_from_starter(fiscal_year=YEAR + 1,
                                                                 by=cast.hq))


def _draft_guideline(cast, which):
    return {"fiscal_year": _draft(cast).fiscal_year}


def _draft_area(cast, which):
    return {"area_pk": _draft(cast).areas.first().pk}


def _draft_area_pk(cast, which):
    return {"pk": _draft(cast).areas.first().pk}


def _draft_item(cast, which):
    return {"pk": EvaluationItem.objects.filter(area__guideline=_draft(cast)).first().pk}


def _hearing(cast, which):
    _guideline(cast, which)
    hub = cast.hub if which == "own" else cast.other_hub
    hearing = Hearing.objects.filter(hub=hub, fiscal_year=YEAR).first() or (
        evaluation_services.hearing_schedule(hub=hub, fiscal_year=YEAR,
                                             held_on=fiscal.today(), lead=cast.hq, by=cast.hq))
    return {"pk": hearing.pk}


def _policy(cast, which):
    policy, _created = ActivityPolicy.objects.get_or_create(
        fiscal_year=YEAR, defaults={"priority_themes": "重点", "indicators": ["sessions"],
                                    "plan_deadline": fiscal.today(),
                                    "published_at": timezone.now()})
    return {"fiscal_year": policy.fiscal_year}


def _plan(state):
    def target(cast, which):
        hub = cast.hub if which == "own" else cast.other_hub
        if state != "none":
            plan = AnnualPlan.objects.create(hub=hub, fiscal_year=YEAR)
            if state in ("submitted", "accepted"):
                PlanVersion.objects.create(plan=plan, number=1, content={},
                                           submitted_by=cast.chief)
                AnnualPlan.objects.filter(pk=plan.pk).update(status=state)
        return {"jis_code": hub.jis_code, "fiscal_year": YEAR}
    return target


def _self_check(cast, which):
    """A submitted one: the chief never sees a draft."""
    ItemFactory()  # this year's published guideline with one coordinator item
    hub, user = (cast.hub, cast.coordinator) if which == "own" else (cast.other_hub,
                                                                      cast.outsider)
    return {"pk": SelfCheckFactory(hub=hub, user=user, status=SelfCheck.Status.SUBMITTED).pk}


def _hearing_item(cast, which):
    pk = _hearing(cast, which)["pk"]
    item = EvaluationItem.objects.filter(area__guideline__fiscal_year=YEAR).first()
    return {"pk": pk, "item_pk": item.pk}


def _notification(cast, which):
    user = cast.chief if which == "own" else cast.outsider
    notify(recipients=[user], kind="test", message="Test", key=f"matrix-{which}")
    return {"pk": Notification.objects.get(recipient=user, key=f"matrix-{which}").pk}


TARGETS = {"hub": _hub, "notification": _notification, "agency": _agency, "proposal": _proposal,
           "coordinator": _coordinator, "reset_token": _reset_token, "case": _case_pk,
           "client": _client, "session": _session, "referral": _referral,
           "import_batch": _import_batch, "referral_token": _referral_token,
           "guideline": _guideline, "draft_guideline": _draft_guideline,
           "draft_area": _draft_area, "draft_area_pk": _draft_area_pk,
           "draft_item": _draft_item, "hearing": _hearing,
           "hearing_item": _hearing_item, "self_check": _self_check, "policy": _policy,
           **{f"plan_{state}": _plan(state)
              for state in ("none", "draft", "submitted", "accepted")}}


# Rows and targets of the survey and report pages live beside their tests' other helpers;
# each module has ROWS {name: (method, target, own, other)} and TARGETS {name: callable}.
for _module in (matrix_jobs, matrix_satisfaction, matrix_agency_survey, matrix_reports,
                matrix_api, matrix_assessments, matrix_selfstudy, matrix_outcomes):
    MATRIX.update({name: Row(*row) for name, row in _module.ROWS.items()})
    TARGETS.update(_module.TARGETS)


def _admin_kwargs(pattern) -> dict:
    kwargs = {name: "1" for name in pattern.pattern.converters}
    if "app_label" in pattern.pattern.regex.groupindex:
        kwargs["app_label"] = "hubs"
    return kwargs


# --- The walk ---------------------------------------------------------------------------------
def _cases():
    for name, _pattern in ALL_PATTERNS:
        if name is None:
            continue
        if name.startswith("admin:"):
            row = ADMIN_ROWS.get(name, ADMIN_OTHER)
        elif name in MATRIX:
            row = MATRIX[name]
        else:
            continue  # reported by test_every_url_has_an_expected_outcome
        for which in ("own", "other") if row.other else ("own",):
            for role in ROLES:
                yield pytest.param(name, row, which, role, id=f"{name}-{which}-{role}")


def _check(response, outcome: str, role: str):
    location = response.headers.get("Location", "")
    if outcome == "L":
        assert response.status_code == 302 and location.startswith("/accounts/login/"), location
    elif outcome == "L*":
        assert response.status_code == 302 and "/login/" in location, location
    elif outcome == "AL":
        assert response.status_code == 302 and location.startswith("/admin/login/"), location
    elif outcome == "ok":  # admin pages for staff: anything but an error or a login redirect
        assert response.status_code < 500
        assert "login" not in location
    elif outcome == "302":
        assert response.status_code == 302 and "/login/" not in location, location
    else:
        assert response.status_code == int(outcome), (response.status_code, location)


@pytest.mark.parametrize(("name", "row", "which", "role"), list(_cases()))
def test_url_answers_each_role_as_the_matrix_says(client, cast, logins, name, row, which, role):
    if row is ADMIN_OTHER:
        pattern = dict(ALL_PATTERNS)[name]
        kwargs = _admin_kwargs(pattern)
    else:
        kwargs = TARGETS[row.target](cast, which) if row.target else {}
    url = reverse(name, kwargs=kwargs)
    headers = {}
    if row.auth == "token":  # the API: no login, the role's token
        headers = matrix_api.authorization(cast.by_role().get(role))
    elif role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = logins[role]
    response = client.post(url, **headers) if row.method == "POST" else client.get(url, **headers)
    _check(response, row.expected(which)[role], role)


# --- Downloads --------------------------------------------------------------------------------
# A list's download is the page's own address with ?format= (yorozu/core/downloads.py): it
# answers every role exactly as the page does, and another hub's list is a 404 as a file too.
DOWNLOADS = ["consultations:case_list", "consultations:followups", "hubs:agency_list",
             "plans:plan_dashboard_hub", "plans:plan_dashboard_bureau",
             "plans:plan_dashboard_national", "evaluation:hearing_list",
             "plans:plan_review_queue", *matrix_outcomes.DOWNLOADS]


def _download_cases():
    for name in DOWNLOADS:
        row = MATRIX[name]
        for which in ("own", "other") if row.other else ("own",):
            for role in ROLES:
                yield pytest.param(name, row, which, role, id=f"{name}-{which}-{role}")


@pytest.mark.parametrize(("name", "row", "which", "role"), list(_download_cases()))
def test_a_download_answers_each_role_as_its_page(client, cast, logins, name, row, which, role):
    kwargs = TARGETS[row.target](cast, which) if row.target else {}
    if role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = logins[role]
    response = client.get(reverse(name, kwargs=kwargs), {"format": "csv-cp932"})
    _check(response, row.expected(which)[role], role)
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment;")


def test_get_on_an_action_is_refused(client, cast):
    client.force_login(cast.bureau)
    pk = _proposal(cast, "own")["pk"]
    assert client.get(reverse("hubs:appointment_approve", args=[pk])).status_code == 405
    assert Appointment.objects.get(pk=pk).status == Appointment.Status.PROPOSED




@pytest.mark.parametrize("role", ["coordinator", "chief", "impl_org", "bureau"])
@pytest.mark.parametrize("name", ["hubs:hub_detail", "hubs:agency_list"])
def test_another_hubs_page_reads_exactly_like_a_missing_one(client, cast, role, name):
    client.force_login(cast.by_role()[role])
    other = client.get(reverse(name, kwargs={"jis_code": cast.other_hub.jis_code}))
    missing = client.get(reverse(name, kwargs={"jis_code": "99"}))
    assert other.status_code == missing.status_code == 404
    assert same_page(other, missing)


def test_another_hubs_agency_reads_exactly_like_a_missing_one(client, cast):
    client.force_login(cast.chief)
    other = AgencyFactory(hub=cast.other_hub)
    a = client.get(reverse("hubs:agency_edit", args=[other.pk]))
    b = client.get(reverse("hubs:agency_edit", args=[other.pk + 1000]))
    assert a.status_code == b.status_code == 404
    assert same_page(a, b)
