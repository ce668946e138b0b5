"""The implementing organization (実施機関) rates itself on the guideline items that name it,
as coordinators and chief coordinators do on theirs: it opens its self-checks, starts this
half-year's, saves and submits it. Nobody reviews it (as for the chief); it counts in the
hub's averages."""

import pytest
from django.urls import reverse

from evaluation import selfchecks, services, starter_data
from evaluation.models import SelfCheck, SelfRating
from hubs.roles import Role

YEAR, HALF = selfchecks.current_period()
IMPL_ORG_ITEMS = sorted(item["code"] for area in starter_data.AREAS for item in area["items"]
                        if Role.IMPL_ORG.value in item["roles"])


@pytest.fixture
def guideline(cast):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
    return services.guideline_publish(guideline=draft, by=cast.hq)


def test_the_starter_guideline_names_the_implementing_organization_on_items():
    assert len(IMPL_ORG_ITEMS) >= 8


def test_the_implementing_organization_takes_its_self_check_on_its_items(client, cast,
                                                                         guideline):
    client.force_login(cast.impl_org)
    mine = client.get(reverse("evaluation:selfcheck_mine"))
    assert mine.status_code == 200
    start_url = reverse("evaluation:selfcheck_start", args=[cast.hub.jis_code])
    assert start_url in mine.content.decode()
    assert "実施機関" in mine.content.decode()

    response = client.post(start_url)
    self_check = SelfCheck.objects.get(user=cast.impl_org)
    assert response.url == reverse("evaluation:selfcheck_edit", args=[self_check.pk])
    assert (self_check.role, self_check.hub) == (Role.IMPL_ORG, cast.hub)
    ratings = list(SelfRating.objects.filter(self_check=self_check).select_related("item"))
    assert sorted(r.item.code for r in ratings) == IMPL_ORG_ITEMS

    assert client.get(response.url).status_code == 200
    data = {"action": "submit"}
    for rating in ratings:
        data[f"level_{rating.item_id}"] = "3"
        data[f"comment_{rating.item_id}"] = "地域の支援機関と連携会議を開催"
    assert client.post(response.url, data).status_code == 302
    self_check.refresh_from_db()
    assert self_check.status == SelfCheck.Status.SUBMITTED
    assert set(self_check.ratings.values_list("level", flat=True)) == {3}


def test_nobody_reviews_the_implementing_organizations_self_check(client, cast, guideline):
    client.force_login(cast.impl_org)
    client.post(reverse("evaluation:selfcheck_start", args=[cast.hub.jis_code]))
    self_check = SelfCheck.objects.get(user=cast.impl_org)
    SelfCheck.objects.filter(pk=self_check.pk).update(status=SelfCheck.Status.SUBMITTED)
    client.force_login(cast.chief)
    assert client.get(reverse("evaluation:selfcheck_edit", args=[self_check.pk])).status_code == 404
    assert not selfchecks.may_review(cast.chief, self_check)
