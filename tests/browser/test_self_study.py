"""The self-study in the system Chromium: the chief coordinator writes an area's narrative,
attaches a PDF and submits; HQ finds both in the hearing's evidence pack beside last year's
levels and downloads the PDF. Plus the pages' accessibility at a laptop's and a phone's width,
with a refused file on show."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from evaluation import services as evaluation_services
from evaluation.models import Hearing, Item, Score
from evaluation.selfstudy.models import Narrative, SelfStudy
from tests.selfstudy import files
from tests.selfstudy.factories import YEAR, document, self_study, year_guideline
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in, sign_in
from .screens import WIDTHS, shoot

pytestmark = pytest.mark.browser

NARRATIVE = "月2回の事例検討会で、コーディネーター同士が提案内容を確かめ合った。"


@pytest.fixture
def hearing(users):
    """This year's hearing with HQ, and last year's finalised one with a level per item."""
    last = year_guideline(users.hq, YEAR - 1)
    previous = Hearing.objects.create(hub=users.hub, fiscal_year=YEAR - 1, guideline=last,
                                      held_on=fiscal.today(), lead=users.hq,
                                      status=Hearing.Status.FINALISED)
    Score.objects.bulk_create(Score(hearing=previous, item=item, level=3)
                              for item in Item.objects.filter(area__guideline=last))
    year_guideline(users.hq)
    return evaluation_services.hearing_schedule(hub=users.hub, fiscal_year=YEAR,
                                                held_on=fiscal.today(), lead=users.hq,
                                                by=users.hq)


def _logout(page):
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_the_chief_writes_attaches_and_submits_and_hq_reads_it_at_the_hearing(page, users,
                                                                               hearing):
    log_in(page, users.chief)
    page.goto(reverse("hubs:hub_detail", args=[users.hub.jis_code]))
    page.get_by_role("link", name="自己評価書").click()
    page.get_by_role("button", name="自己評価書の作成を始める").click()
    page.get_by_role("link", name="記入・資料を添付").first.click()

    page.get_by_label("記述").fill(NARRATIVE)
    page.get_by_label("添付資料を追加").set_input_files(
        {"name": "事例検討会の記録.pdf", "mimeType": "application/pdf", "buffer": files.PDF})
    assert_accessible(page)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("「事例検討会の記録.pdf」を添付しました")
    first_area = page.locator("section.self-study-area").first
    expect(first_area).to_contain_text(NARRATIVE)
    expect(first_area.get_by_role("link", name="事例検討会の記録.pdf")).to_be_visible()

    # The other areas, written the same way, are filled in here to keep the test short.
    Narrative.objects.filter(text="").update(text="その他の領域の記述")
    page.reload()
    page.get_by_role("button", name="自己評価書を提出する").click()
    page.get_by_role("dialog").locator("[data-confirm-yes]").click()  # confirm.js asks first
    expect(page.locator(".messages")).to_contain_text("自己評価書を提出しました")
    expect(page.locator("h1 .badge")).to_have_text("提出済み")
    assert_accessible(page)
    assert SelfStudy.objects.get().submitted_by == users.chief
    _logout(page)

    log_in(page, users.hq)
    page.goto(reverse("evaluation:hearing_detail", args=[hearing.pk]))
    pack = page.locator("section.hearing-self-study")
    expect(pack).to_contain_text(NARRATIVE)
    expect(pack).to_contain_text("自己評価書を提出しました")
    levels = pack.locator("table.last-year-levels").first
    expect(levels.get_by_role("columnheader", name="前年度")).to_be_visible()
    expect(levels.locator("tbody td").nth(1)).to_have_text("3")
    assert_accessible(page)
    with page.expect_download() as download:
        pack.get_by_role("link", name="事例検討会の記録.pdf").click()
    assert download.value.suggested_filename == "事例検討会の記録.pdf"
    assert Path(download.value.path()).read_bytes() == files.PDF


@pytest.mark.parametrize("width", [w for w, _h in WIDTHS.values()])
def test_the_self_study_pages_are_accessible_on_a_laptop_and_a_phone(page, users, hearing,
                                                                     width):
    study = self_study(hub=users.hub, by=users.chief, guideline=hearing.guideline)
    Narrative.objects.filter(self_study=study).update(text=NARRATIVE)
    area = study.narratives.order_by("area__sort_order").first().area
    document(study, by=users.chief, area=area, name="相談件数の推移（令和6年度）.pdf")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, users.chief)

    page.goto(reverse("selfstudy:self_study", args=[users.hub.jis_code, YEAR]))
    expect(page.locator("h1")).to_contain_text("自己評価書")
    assert_accessible(page)
    shoot(page, "self-study")

    page.goto(reverse("selfstudy:area_edit", args=[study.pk, area.pk]))
    page.get_by_label("記述").fill(NARRATIVE + "（追記）")
    page.get_by_label("添付資料を追加").set_input_files(
        {"name": "写真.png", "mimeType": "image/png", "buffer": files.HTML})
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#error-summary")).to_contain_text("PDF、Excelブック")
    expect(page.get_by_label("記述")).to_have_value(NARRATIVE + "（追記）")
    assert_accessible(page)
    shoot(page, "self-study-area-refused")

    SelfStudy.objects.filter(pk=study.pk).update(status="submitted", submitted_by=users.chief,
                                                 submitted_at=timezone.now())
    sign_in(page, users.hq)
    page.goto(reverse("evaluation:hearing_detail", args=[hearing.pk]))
    expect(page.locator("section.hearing-self-study")).to_contain_text(NARRATIVE)
    assert_accessible(page)
    page.locator("#self-study-heading").scroll_into_view_if_needed()
    shoot(page, "hearing-self-study", full_page=True)
