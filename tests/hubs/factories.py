import factory
from factory.django import DjangoModelFactory

from hubs.models import Appointment, SupportAgency
from yorozu.core import fiscal


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.example.jp")
    family_name = "試験"
    given_name = factory.Sequence(lambda n: f"利用者{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AppointmentFactory(DjangoModelFactory):
    class Meta:
        model = Appointment

    fiscal_year = factory.LazyFunction(fiscal.current_fiscal_year)
    starts_on = factory.LazyAttribute(lambda a: fiscal.fiscal_year_start(a.fiscal_year))
    ends_on = factory.LazyAttribute(lambda a: fiscal.fiscal_year_end(a.fiscal_year))
    status = Appointment.Status.APPROVED


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = SupportAgency

    name = factory.Sequence(lambda n: f"試験商工会議所{n}")
    kind = SupportAgency.Kind.CHAMBER_OF_COMMERCE
    contact_person = "相談窓口"


def read_as_hq(hub, perm: str = "view_hub_aggregates"):
    """The hub as a selector takes it (an AuthorisedHub), read by a new HQ user: for tests of
    selectors that have no cast at hand. HQ holds every hub permission everywhere."""
    from hubs.access import authorise
    from hubs.roles import Role

    user = UserFactory()
    AppointmentFactory(user=user, role=Role.HQ)
    return authorise(user, perm, hub)
