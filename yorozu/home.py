"""The home page's to-do list: for each role, what there is to do now, each item a link to where
it is done, with its count. The counts come from the selectors of the apps that own the rows,
each read through the user's access; this module only puts them together (it sits on the top
floor, beside yorozu/views.py). Each item costs at most one query, whatever the data size."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from consultations.selectors import followup_counts
from evaluation.assessments.selectors import request_counts
from evaluation.plans.models import AnnualPlan
from evaluation.plans.selectors import plans_past_deadline, plans_to_draft
from evaluation.selectors import hearing_work, published_guideline
from evaluation.selfchecks import awaiting_review_counts, self_checks_due
from evaluation.surveys.agency_selectors import surveys_of_year
from evaluation.surveys.models import AgencySurvey
from evaluation.surveys.permissions import RUN_AGENCY_SURVEY
from hubs import selectors as hub_selectors
from hubs.access import hub_access
from hubs.roles import APPROVE_APPOINTMENT, PROPOSE_APPOINTMENT, Role
from yorozu.core import fiscal

NAMES_SHOWN = 5  # hubs named in an item's note; more are counted


@dataclass(frozen=True)
class Todo:
    label: str
    url: str
    count: int | None = None
    note: str = ""
    urgent: bool = False  # late or overdue: shown first, highlighted


def todo_list(user, appointments, *, plan_queue=None) -> list[Todo]:
    """Everything the user has to do now, late and overdue first."""
    roles = {a.role for a in appointments}
    year = fiscal.current_fiscal_year()
    items: list[Todo] = []
    if Role.HQ in roles:
        items += _hq(user, year)
    if Role.BUREAU in roles:
        items += _bureau(user, year, plan_queue or [])
    staff = [a for a in appointments if a.role in (Role.CHIEF, Role.COORDINATOR)]
    if staff:
        items += _followups(user, staff)
    if roles & {Role.CHIEF, Role.IMPL_ORG}:
        items += _plans(user, year, appointments)
        items += _requests(user, answering=True)
    if Role.CHIEF in roles:
        items += _reviews(user, appointments)
    if Role.IMPL_ORG in roles:
        items += _surveys(user, year, appointments)
    if roles & {Role.CHIEF, Role.COORDINATOR, Role.IMPL_ORG}:
        items += _self_checks(user)
    items += _appointments(user)
    return sorted(items, key=lambda item: not item.urgent)


def _named(hubs) -> str:
    names = [hub.prefecture for hub in hubs[:NAMES_SHOWN]]
    more = len(hubs) - len(names)
    text = pgettext("between items of a list", ", ").join(names)
    return text + (_(" and %(n)s more") % {"n": more} if more > 0 else "")


def _hearings_url(year: int) -> str:
    return f"{reverse('evaluation:hearing_list')}?{urlencode({'year': year})}"


def _hq(user, year: int) -> list[Todo]:
    items = []
    if published_guideline(year) is None:
        items.append(Todo(_("This year's guideline is not published yet (needed before "
                            "hearings)"), reverse("evaluation:guideline_list"), urgent=True))
        work = {}
    else:
        work = hearing_work(user=user, fiscal_year=year)
    steps = [("to_schedule", _("Hubs whose hearing is not scheduled yet")),
             ("to_score", _("Hearings being scored")),
             ("to_finalise", _("Hearings scored, waiting to be finalised")),
             ("to_publish", _("Hearings finalised, waiting to be published"))]
    items += [Todo(label, _hearings_url(year), work[key]) for key, label in steps
              if work.get(key)]
    late = plans_past_deadline(user=user, fiscal_year=year)
    if late:
        items.append(Todo(_("Annual plans past their deadline"),
                          reverse("plans:plan_dashboard_national"), len(late), _named(late),
                          urgent=True))
    return items + _requests(user, answering=False)


def _bureau(user, year: int, plan_queue) -> list[Todo]:
    items = []
    late = plans_past_deadline(user=user, fiscal_year=year)
    if late:
        items.append(Todo(_("Annual plans past their deadline"), "#plan-queue-heading",
                          len(late), _named(late), urgent=True))
    waiting = [row for row in plan_queue if row.awaits_review]
    if waiting:
        url = (reverse("plans:plan_detail", args=[waiting[0].hub.jis_code, year])
               if len(waiting) == 1 else "#plan-queue-heading")
        items.append(Todo(_("Annual plans waiting for your review"), url, len(waiting),
                          _named([row.hub for row in waiting])))
    return items + _requests(user, answering=False)


def _requests(user, *, answering: bool) -> list[Todo]:
    """Improvement requests of published evaluations, not done: the hub answers them with
    actions, the bureau follows them up, HQ watches them."""
    counts = request_counts(user=user, today=fiscal.today())
    url = reverse("assessments:request_list")
    items = []
    if counts["overdue"]:
        items.append(Todo(_("Improvement requests past their date"), url, counts["overdue"],
                          urgent=True))
    if answering and counts["unanswered"]:
        items.append(Todo(_("Improvement requests without an action yet"), url,
                          counts["unanswered"]))
    elif not answering and counts["open"]:
        items.append(Todo(_("Open improvement requests"), url, counts["open"]))
    return items


def _followups(user, staff) -> list[Todo]:
    """Referral follow-ups: a chief coordinator's whole hub, a coordinator's own cases."""
    chief_hubs = {a.hub_id for a in staff if a.role == Role.CHIEF}
    counts = followup_counts(user=user, hub_ids=chief_hubs)
    hubs = {a.hub.jis_code for a in staff}
    url = (reverse("consultations:followups", args=[next(iter(hubs))]) if len(hubs) == 1
           else "#overdue-heading")
    items = []
    if counts["overdue"]:
        items.append(Todo(_("Referral follow-ups past their date"), "#overdue-heading",
                          counts["overdue"], urgent=True))
    if counts["due_soon"]:
        items.append(Todo(_("Referral follow-ups due within a week"), url,
                          counts["due_soon"]))
    return items


def _plans(user, year: int, appointments) -> list[Todo]:
    """The year's plan at each hub where the user drafts it: to start, returned, or waiting
    for the user's confirmation after the other side's."""
    roles = {a.hub_id: a.role for a in appointments if a.role in (Role.CHIEF, Role.IMPL_ORG)}
    items, today = [], fiscal.today()
    for hub in plans_to_draft(user=user, fiscal_year=year):
        url = reverse("plans:plan_detail", args=[hub.jis_code, year])
        late = bool(hub.plan_deadline and hub.plan_deadline < today)
        note = ""
        if hub.plan_deadline:
            deadline = date_format(hub.plan_deadline, "DATE_FORMAT")
            note = (_("Deadline: %(date)s (passed)") if late
                    else _("Deadline: %(date)s")) % {"date": deadline}
        mine, theirs = ((hub.chief_confirmed, hub.org_confirmed)
                        if roles.get(hub.pk) == Role.CHIEF
                        else (hub.org_confirmed, hub.chief_confirmed))
        if not hub.plan_status and hub.plan_deadline:
            items.append(Todo(_("This year's annual plan is not started yet"), url,
                              note=note, urgent=late))
        elif hub.plan_status == AnnualPlan.Status.RETURNED:
            items.append(Todo(_("Annual plan returned for revision"), url, note=note,
                              urgent=True))
        elif hub.plan_status in AnnualPlan.EDITABLE and theirs and not mine:
            items.append(Todo(_("Annual plan waiting for your confirmation"), url,
                              note=note, urgent=late))
    return items


def _reviews(user, appointments) -> list[Todo]:
    counts = awaiting_review_counts(user=user)
    return [Todo(_("Coordinators' self-checks waiting for your review"),
                 reverse("evaluation:selfcheck_review_list", args=[a.hub.jis_code]),
                 counts[a.hub_id])
            for a in appointments if a.role == Role.CHIEF and counts.get(a.hub_id)]


def _surveys(user, year: int, appointments) -> list[Todo]:
    """The implementing organization's support-agency survey of the year: running (with its
    answers so far), still a draft, or not started."""
    running = hub_access(user).hub_ids(RUN_AGENCY_SURVEY) or frozenset()
    surveys = surveys_of_year(user=user, fiscal_year=year)
    items, seen = [], set()
    for survey in surveys:
        seen.add(survey.hub_id)
        url = reverse("surveys:agency_survey_detail", args=[survey.pk])
        if survey.status == AgencySurvey.Status.OPEN:
            items.append(Todo(_("Support-agency survey under way"), url, note=_(
                "%(answered)s of %(invited)s agencies have answered; answers by %(date)s") % {
                "answered": survey.answered, "invited": survey.invited,
                "date": date_format(survey.deadline, "DATE_FORMAT")}))
        elif survey.status == AgencySurvey.Status.DRAFT:
            items.append(Todo(_("Support-agency survey still a draft"), url,
                              note=survey.title))
    hubs = {a.hub_id: a.hub for a in appointments if a.role == Role.IMPL_ORG}
    items += [Todo(_("No support-agency survey this year yet"),
                   reverse("surveys:agency_survey_list", args=[hub.jis_code]))
              for hub_id, hub in hubs.items() if hub_id in running and hub_id not in seen]
    return items


def _self_checks(user) -> list[Todo]:
    return [Todo(_("Your self-check for this half-year is not submitted yet"),
                 reverse("evaluation:selfcheck_mine"), note=hub.name)
            for hub in self_checks_due(user=user)]


def _appointments(user) -> list[Todo]:
    access = hub_access(user)
    deciding = access.anywhere(APPROVE_APPOINTMENT)
    if not (deciding or access.anywhere(PROPOSE_APPOINTMENT)):
        return []
    count = hub_selectors.appointment_queue(user=user).count()
    if not count:
        return []
    label = (_("Appointments waiting for your approval") if deciding
             else _("Proposed appointments waiting for the bureau's approval"))
    return [Todo(label, reverse("hubs:appointment_list"), count)]
