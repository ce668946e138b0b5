"""The scoring sheet's conflict banner: it says what the user sent (their level, or that they
chose none, and their note) beside the other's saved version, and a later successful save of
the row empties it. The race in the browser is tested in tests/browser/test_score_conflict.py."""

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Item
from hubs.roles import Role
from tests.hubs.factories import AppointmentFactory, UserFactory
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def hearing(cast):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
    services.guideline_publish(guideline=draft, by=cast.hq)
    return services.hearing_schedule(hub=cast.hub, fiscal_year=YEAR, held_on=fiscal.today(),
                                     lead=cast.hq, by=cast.hq)


@pytest.fixture
def second_hq():
    user = UserFactory(family_name="本部", given_name="二郎")
    AppointmentFactory(user=user, role=Role.HQ)
    return user


def _post(client, hearing, item, **data):
    return client.post(reverse("evaluation:score_save", args=[hearing.pk, item.pk]),
                       {"level": "", "evidence": "", "version": 0, **data},
                       HTTP_HX_REQUEST="true")


def _conflict(client, cast, hearing, second_hq, **mine):
    item = Item.objects.filter(area__guideline=hearing.guideline).first()
    client.force_login(cast.hq)
    _post(client, hearing, item, level=4, evidence="本部Aの根拠")
    client.force_login(second_hq)
    return item, _post(client, hearing, item, **mine)


def test_the_conflict_shows_the_others_note_beside_the_users_input(client, cast, hearing,
                                                                   second_hq):
    item, response = _conflict(client, cast, hearing, second_hq, level=2,
                               evidence="本部Bの根拠")
    assert response.status_code == 409
    banner = response.content.decode()
    assert "あなたの入力はレベル2でした" in banner
    assert "保存済みのメモ：本部Aの根拠" in banner and "あなたのメモ：本部Bの根拠" in banner


def test_a_conflict_on_a_note_alone_does_not_claim_a_level(client, cast, hearing, second_hq):
    _item, response = _conflict(client, cast, hearing, second_hq, evidence="本部Bの根拠")
    page = response.content.decode()
    assert response.status_code == 409
    assert "レベル—" not in page
    assert "あなたの入力ではレベルを選んでいませんでした" in page


def test_saving_again_after_a_conflict_empties_the_banner(client, cast, hearing, second_hq):
    item, response = _conflict(client, cast, hearing, second_hq, level=2)
    assert f'id="conflict-{item.pk}"' in response.content.decode()
    version = response.context["item"].score.version
    again = _post(client, hearing, item, level=2, version=version)
    assert again.status_code == 200
    page = again.content.decode()
    # The banner's box comes back empty, out of band, so htmx replaces the one on screen.
    assert f'<div id="conflict-{item.pk}" hx-swap-oob="true"></div>' in page
