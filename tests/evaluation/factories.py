"""Factories for the guideline and self-checks. A published guideline of the current fiscal
year with one coordinator item and one chief item is:

    item = ItemFactory(area__guideline__status="published")             # coordinator item
    ItemFactory(area=item.area, roles=["chief"])                          # chief item
"""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from evaluation.models import Area, Guideline, Item, SelfCheck, SelfRating
from evaluation.plans.models import AnnualPlan
from evaluation.plans.services import draft_save
from hubs.roles import Role
from yorozu.core import fiscal


class GuidelineFactory(DjangoModelFactory):
    class Meta:
        model = Guideline
        django_get_or_create = ("fiscal_year",)

    fiscal_year = factory.LazyFunction(fiscal.current_fiscal_year)
    title = factory.LazyAttribute(lambda g: f"行動指針 {g.fiscal_year}年度")
    status = Guideline.Status.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda g: timezone.now() if g.status == Guideline.Status.PUBLISHED else None)


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    guideline = factory.SubFactory(GuidelineFactory)
    code = factory.Sequence(lambda n: f"A{n}")
    title = factory.Sequence(lambda n: f"試験領域{n}")
    sort_order = factory.Sequence(lambda n: n)


class ItemFactory(DjangoModelFactory):
    class Meta:
        model = Item

    area = factory.SubFactory(AreaFactory)
    code = factory.Sequence(lambda n: f"I{n}")
    behaviour = factory.Sequence(lambda n: f"相談者の課題を整理する行動{n}")
    roles = factory.LazyFunction(lambda: [Role.COORDINATOR.value])
    level_1 = "取り組んでいない"
    level_2 = "求められれば取り組む"
    level_3 = "自ら取り組んでいる"
    level_4 = "他の模範となっている"
    sort_order = factory.Sequence(lambda n: n)


class SelfCheckFactory(DjangoModelFactory):
    """A self-check with a rating row for each item of its role in its guideline. Pass
    `levels=[...]` to rate the items in order (None leaves one unrated); a submitted or
    reviewed self-check is rated 3 throughout unless told otherwise."""

    class Meta:
        model = SelfCheck
        skip_postgeneration_save = True

    role = Role.COORDINATOR
    guideline = factory.SubFactory(GuidelineFactory)
    fiscal_year = factory.SelfAttribute("guideline.fiscal_year")
    half = 1
    status = SelfCheck.Status.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda s: None if s.status == SelfCheck.Status.DRAFT else timezone.now())

    @factory.post_generation
    def levels(obj, create, extracted, **kwargs):
        if not create:
            return
        items = [item for item in Item.objects.filter(area__guideline=obj.guideline)
                 .order_by("area__sort_order", "sort_order", "code") if obj.role in item.roles]
        default = None if obj.status == SelfCheck.Status.DRAFT else 3
        levels = list(extracted if extracted is not None else [default] * len(items))
        levels += [None] * (len(items) - len(levels))
        SelfRating.objects.bulk_create(
            SelfRating(self_check=obj, item=item, level=level)
            for item, level in zip(items, levels, strict=False))


def plan_with_content(*, content: dict | None = None, **fields) -> AnnualPlan:
    """An annual plan whose draft reads as `content` (the document of plans/content.py),
    written into the draft's rows. The draft has no JSON of its own any more."""
    plan = AnnualPlan.objects.create(**fields)
    if content:
        draft_save(plan=plan, content=content)
    return plan


def published_guideline(*, fiscal_year: int, by):
    """The year's guideline made from the starter draft and published by `by` (HQ)."""
    from evaluation import services

    draft = services.guideline_create_from_starter(fiscal_year=fiscal_year, by=by)
    return services.guideline_publish(guideline=draft, by=by)
