"""The evaluation side of seed_scale: for each of the ten fiscal years the activity policy,
a published guideline with a published hearing at every hub (this year's hearings only
scheduled), and every hub's accepted annual plan with targets near its actual activity."""

from django.db import transaction
from django.utils import timezone

from evaluation.demo import hearings_seed
from evaluation.models import Guideline, Hearing
from evaluation.plans.demo import plan_content, plan_seed
from evaluation.plans.indicators import STANDARD
from evaluation.plans.models import ActivityPolicy
from evaluation.services import guideline_create_from_starter
from hubs.models import Appointment, Hub
from hubs.roles import Role
from yorozu.core import fiscal


@transaction.atomic
def seed_evaluation(*, years: int, sessions_by_hub: dict[str, int]) -> dict:
    this_year = fiscal.current_fiscal_year()
    people = _people()
    lead = people[("hq", None)]
    hubs = list(Hub.objects.select_related("bureau").order_by("jis_code"))
    for year in range(this_year - years + 1, this_year + 1):
        ActivityPolicy.objects.create(
            fiscal_year=year, priority_themes="事業承継、価格転嫁・賃上げに向けた収益改善",
            indicators=[indicator.code for indicator in STANDARD], published_at=timezone.now(),
            plan_deadline=fiscal.fiscal_year_start(year).replace(month=5, day=31),
            updated_by=lead)
        guideline = guideline_create_from_starter(fiscal_year=year, by=lead)
        guideline.status, guideline.published_at, guideline.published_by = (
            "published", timezone.now(), lead)
        guideline.save()
        if year < this_year:
            hearings_seed(guideline, lead, hubs=hubs)
        for hub in hubs:
            monthly = max(1, round(sessions_by_hub[hub.jis_code] / years / 12))
            plan_seed(hub, year, "accepted", plan_content(hub, monthly, max(1, monthly // 10)),
                      (people[(Role.CHIEF, hub.pk)], people[(Role.IMPL_ORG, hub.pk)]),
                      people[(Role.BUREAU, hub.bureau_id)])
    Hearing.objects.bulk_create(
        Hearing(hub=hub, fiscal_year=this_year, guideline=Guideline.objects.get(
            fiscal_year=this_year), held_on=fiscal.fiscal_year_start(this_year).replace(
            month=12, day=10), lead=lead, attendees="チーフコーディネーター、実施機関、全国本部")
        for hub in hubs)
    return {"guidelines": years, "plans": years * len(hubs)}


def _people() -> dict:
    """(role, hub id or bureau id) → one user in that role: the first appointed."""
    found = {}
    for appointment in (Appointment.objects.filter(role__in=[Role.CHIEF, Role.IMPL_ORG,
                                                             Role.BUREAU, Role.HQ])
                        .select_related("user").order_by("pk")):
        where = appointment.hub_id or appointment.bureau_id
        key = ("hq", None) if appointment.role == Role.HQ else (appointment.role, where)
        found.setdefault(key, appointment.user)
    return found
