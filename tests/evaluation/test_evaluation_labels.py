"""Words on evaluation pages that shared a msgid with another app and so read wrong in
Japanese: the hearing's date was labelled 相談日 (a consultation session's date), and the
column of people's names in the chief's review list read 名称 (the name of a thing)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from evaluation import services
from evaluation.models import Hearing, SelfCheck
from tests.evaluation.factories import ItemFactory, SelfCheckFactory
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def hearing(cast):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
    services.guideline_publish(guideline=draft, by=cast.hq)
    return services.hearing_schedule(hub=cast.hub, fiscal_year=YEAR, held_on=fiscal.today(),
                                     lead=cast.hq, by=cast.hq)


def test_the_hearing_date_is_labelled_as_the_hearings_not_a_sessions(client, cast, hearing):
    with translation.override("en"):
        assert str(Hearing._meta.get_field("held_on").verbose_name) == "hearing date"
    client.force_login(cast.hq)
    for url in (reverse("evaluation:hearing_detail", args=[hearing.pk]),
                reverse("evaluation:hearing_schedule", args=[cast.other_hub.jis_code]),
                reverse("evaluation:hearing_list")):
        page = client.get(url).content.decode()
        assert "ヒアリング日" in page, url
        assert "相談日" not in page, url


def test_the_hearing_date_reads_hearing_date_in_english(client, cast, hearing):
    client.force_login(cast.hq)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("evaluation:hearing_detail", args=[hearing.pk])).content.decode()
    assert "Hearing date" in page


def test_the_review_list_names_people_with_their_full_name(client, cast):
    ItemFactory()
    SelfCheckFactory(hub=cast.hub, user=cast.coordinator, status=SelfCheck.Status.SUBMITTED)
    client.force_login(cast.chief)
    page = client.get(reverse("evaluation:selfcheck_review_list",
                              args=[cast.hub.jis_code])).content.decode()
    assert re.search(r'<th scope="col"[^>]*>\s*<a class="sort-link"[^>]*>氏名<', page)
    assert "名称" not in page
