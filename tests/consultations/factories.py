import factory
from factory.django import DjangoModelFactory

from consultations.models import Case, Client, Referral, Session, Topic
from yorozu.core import fiscal


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"株式会社試験商事{n}")
    name_kana = factory.Sequence(lambda n: f"シケンショウジ{n}")
    kind = Client.Kind.CORPORATION
    phone = factory.Sequence(lambda n: f"03-0000-{n % 10000:04d}")
    survey_consent = True


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory, hub=factory.SelfAttribute("..hub"))
    opened_on = factory.LazyFunction(fiscal.today)
    depth = Case.Depth.EXPERT

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create:
            obj.topics.set(extracted or Topic.objects.filter(code="sales"),
                           through_defaults={"hub_id": obj.hub_id})


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory, hub=factory.SelfAttribute("..hub"))
    held_on = factory.LazyFunction(fiscal.today)
    channel = Session.Channel.VISIT
    summary = "売上拡大の相談。"

    @factory.post_generation
    def coordinators(obj, create, extracted, **kwargs):
        if create:
            obj.coordinators.set(extracted or [obj.case.lead])


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory, hub=factory.SelfAttribute("..hub"))
    kind = Referral.Kind.REFERRAL
    reason = "資金調達の相談のため。"
    follow_up_due = factory.LazyFunction(lambda: fiscal.today())
