"""Best practices (ベストプラクティス): HQ marks a practice of a hub scored at level 4 on a
guideline item in a finalised hearing, with the evidence; the hub (its chief coordinator or
implementing organization) consents or declines; HQ publishes consented ones to every hub."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import Score
from evaluation.permissions import EVALUATE
from hubs.access import hub_access, require
from yorozu.core.errors import WorkflowError

from . import axes
from .models import BestPractice
from .permissions import CONSENT_PRACTICES, VIEW_ASSESSMENT

TOP_LEVEL = 4


def candidates(*, fiscal_year: int):
    """(hub, item) pairs scored at the top level in the year's finalised hearings."""
    return (Score.objects.filter(hearing__fiscal_year=fiscal_year, level=TOP_LEVEL,
                                 hearing__status__in=axes.HEARING_COUNTED)
            .select_related("hearing__hub", "item")
            .order_by("hearing__hub__jis_code", "item__area__sort_order", "item__sort_order"))


def practice_mark(*, hub, fiscal_year: int, item, data: dict, by) -> BestPractice:
    require(by, EVALUATE, hub)
    if not candidates(fiscal_year=fiscal_year).filter(hearing__hub=hub, item=item).exists():
        raise WorkflowError(_("Only a practice of a hub scored at level 4 on the item in a "
                              "finalised hearing of the year can be marked."))
    return BestPractice.objects.create(source_hub=hub, fiscal_year=fiscal_year, item=item,
                                       marked_by=by, **data)


@transaction.atomic
def practice_answer(*, practice: BestPractice, consent: bool, by) -> BestPractice:
    require(by, CONSENT_PRACTICES, practice.source_hub_id)
    current = BestPractice.objects.select_for_update().get(pk=practice.pk)
    if current.status == BestPractice.Status.PUBLISHED:
        raise WorkflowError(_("This practice is already published."))
    current.status = (BestPractice.Status.CONSENTED if consent
                      else BestPractice.Status.DECLINED)
    current.answered_by, current.answered_at = by, timezone.now()
    current.save()
    return current


@transaction.atomic
def practice_publish(*, practice: BestPractice, by) -> BestPractice:
    require(by, EVALUATE, practice.source_hub_id)
    current = BestPractice.objects.select_for_update().get(pk=practice.pk)
    if current.status != BestPractice.Status.CONSENTED:
        raise WorkflowError(_("Only a practice the hub has consented to can be published."))
    current.status, current.published_at = BestPractice.Status.PUBLISHED, timezone.now()
    current.save()
    return current


def practices_for(user):
    """Published practices of every hub for everyone with an appointment; and the user's
    hubs' unpublished ones for those who read its evaluation (HQ: all)."""
    access = hub_access(user)
    if access.is_national:
        return BestPractice.objects.all()
    own = access.hub_ids(VIEW_ASSESSMENT) or frozenset()
    from django.db.models import Q

    return BestPractice.objects.filter(Q(status=BestPractice.Status.PUBLISHED)
                                       | Q(source_hub__in=sorted(own)))
