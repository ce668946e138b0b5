"""The pages of the project layer: those that gather several apps (the home page and a hub's
page) and the plumbing ones. Apps below never import from here (docs/architecture.md)."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from consultations.selectors import referrals_overdue
from evaluation.figures import hub_year
from evaluation.plans.selectors import review_queue
from evaluation.plans.tables import PlanQueueTable
from evaluation.selfstudy.permissions import VIEW_SELF_STUDY
from hubs import selectors as hub_selectors
from hubs.access import authorise, hub_access
from hubs.forms import DecisionNoteForm
from hubs.roles import (
    APPROVE_APPOINTMENT,
    PROPOSE_APPOINTMENT,
    VIEW_AGENCIES,
    VIEW_AGGREGATES,
    VIEW_HUB,
    VIEW_RECORDS,
    VIEW_STAFF,
    Role,
)
from hubs.scoping import hub_for_user_or_404
from hubs.tables import HubTable
from yorozu.core import fiscal
from yorozu.core.tables import table_for
from yorozu.home import todo_list


@login_not_required
@never_cache
def healthz(request):
    """For the load balancer and docker-compose: the app answers and the database is up."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def rate_limited(request, exception):
    """django-ratelimit sends blocked requests here: 429 with a plain Japanese page."""
    return render(request, "429.html", status=429)


def home(request):
    """Each role's to-do list (yorozu/home.py), with the details behind some of its items:
    overdue referral follow-ups, plans to review, the hubs a bureau or HQ oversees."""
    appointments = hub_selectors.user_appointments(user=request.user)
    roles = {a.role for a in appointments}
    context = {
        "appointments": appointments,
        "hub_appointments": [a for a in appointments if a.hub_id],
        "is_bureau": Role.BUREAU in roles,
        "is_hq": Role.HQ in roles,
    }
    if context["is_bureau"] or context["is_hq"]:
        # At most the 47 hubs: one page, sorted on its own prefix (no other table here).
        context["hub_table"] = table_for(
            HubTable(hub_selectors.hub_list(user=request.user), prefix="hubs-"), request,
            per_page=None)
    context.update(_consultation_work(request.user, appointments))
    if context["is_bureau"]:
        context["plan_year"] = fiscal.current_fiscal_year()
        context["plan_queue"] = review_queue(user=request.user,
                                             fiscal_year=context["plan_year"])
        context["plan_queue_table"] = table_for(
            PlanQueueTable(list(context["plan_queue"]), fiscal_year=context["plan_year"],
                           prefix="plans-"), request, per_page=None)
    context["todo"] = todo_list(request.user, appointments,
                                plan_queue=context.get("plan_queue"))
    return render(request, "home.html", context)


def _consultation_work(user, appointments) -> dict:
    """Overdue referral follow-ups: a chief coordinator sees the whole hub's, a coordinator
    those of the cases they lead."""
    writes = [a for a in appointments if a.role in (Role.CHIEF, Role.COORDINATOR)]
    if not writes:
        return {}
    chief_hubs = [a.hub_id for a in writes if a.role == Role.CHIEF]
    overdue = referrals_overdue(user=user).filter(
        Q(hub_id__in=chief_hubs) | Q(case__lead=user))
    return {"overdue": list(overdue[:20]), "records_hubs": [a.hub for a in writes]}


def hub_detail(request, jis_code):
    """A hub's page: its details and staff (hubs), this year's figures (consultations) and
    links to its records and evaluation. Served under hubs:hub_detail (yorozu/urls.py)."""
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_HUB)
    access = hub_access(request.user)
    staff = (hub_selectors.hub_staff(hub=authorise(request.user, VIEW_STAFF, hub))
             if access.can(VIEW_STAFF, hub.pk) else [])
    return render(request, "hubs/hub_detail.html", {
        "hub": hub,
        "staff": list(staff),
        "can_propose": access.can(PROPOSE_APPOINTMENT, hub.pk),
        "can_revoke": access.can(APPROVE_APPOINTMENT, hub.pk),
        "can_see_agencies": access.can(VIEW_AGENCIES, hub.pk),
        "can_see_records": access.can(VIEW_RECORDS, hub.pk),
        "can_see_self_study": access.can(VIEW_SELF_STUDY, hub.pk),
        "current_year": fiscal.current_fiscal_year(),
        **_figures(request.user, hub, access),
        "revoke_form": DecisionNoteForm(),
    })


def _figures(user, hub, access) -> dict:
    """This fiscal year's counts, for every role that may see the hub's figures (bureaus see
    these, never the records behind them)."""
    if not access.can(VIEW_AGGREGATES, hub.pk):
        return {}
    fy = fiscal.current_fiscal_year()
    return {"figures": hub_year(hub=authorise(user, VIEW_AGGREGATES, hub), fiscal_year=fy),
            "fiscal_year_label": fiscal.fiscal_year_label(fy)}
