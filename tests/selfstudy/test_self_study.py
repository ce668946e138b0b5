"""The self-study's life: started against the year's guideline, written area by area with a
version check, submitted, frozen, taken back until the hearing is finalised; documents
downloaded only through the tenancy door."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from evaluation import services as evaluation_services
from evaluation.models import Hearing
from evaluation.selfstudy import services
from evaluation.selfstudy.models import Document, Narrative, SelfStudy
from tests.pages import same_page
from yorozu.core import fiscal

from . import files
from .factories import YEAR, document, self_study, year_guideline


@pytest.fixture
def guideline(cast):
    return year_guideline(cast.hq)


@pytest.fixture
def study(cast, guideline):
    return self_study(hub=cast.hub, by=cast.chief, guideline=guideline)


def _page(study):
    return reverse("selfstudy:self_study", args=[study.hub.jis_code, study.fiscal_year])


def _area_url(study, narrative):
    return reverse("selfstudy:area_edit", args=[study.pk, narrative.area_id])


def _save(client, study, narrative, text, *, version=None, upload=None):
    data = {"text": text, "version": narrative.version if version is None else version}
    if upload is not None:
        data["file"] = upload
    return client.post(_area_url(study, narrative), data)


def _fill_all(study, text="記述"):
    Narrative.objects.filter(self_study=study).update(text=text)


# --- Starting --------------------------------------------------------------------------------
def test_the_chief_starts_the_years_self_study_with_a_narrative_per_area(client, cast,
                                                                          guideline):
    client.force_login(cast.chief)
    response = client.post(reverse("selfstudy:self_study_start", args=["13", YEAR]))
    assert response.status_code == 302
    study = SelfStudy.objects.get(hub=cast.hub, fiscal_year=YEAR)
    assert study.guideline == guideline and study.status == SelfStudy.Status.DRAFT
    assert sorted(study.narratives.values_list("area_id", flat=True)) == sorted(
        guideline.areas.values_list("pk", flat=True))


def test_starting_twice_keeps_the_one_self_study(client, cast, study):
    client.force_login(cast.impl_org)
    client.post(reverse("selfstudy:self_study_start", args=["13", YEAR]))
    assert SelfStudy.objects.filter(hub=cast.hub).count() == 1


def test_without_a_published_guideline_the_self_study_cannot_start(client, cast):
    client.force_login(cast.chief)
    response = client.post(reverse("selfstudy:self_study_start", args=["13", YEAR + 5]),
                           follow=True)
    assert not SelfStudy.objects.exists()
    assert "guideline" in response.content.decode() or "行動指針" in response.content.decode()


# --- Writing an area -------------------------------------------------------------------------
def test_saving_an_area_keeps_the_text_and_moves_the_versions_on(client, cast, study):
    client.force_login(cast.chief)
    narrative = study.narratives.first()
    response = _save(client, study, narrative, "月2回の事例検討会を開いた。")
    assert response.status_code == 302
    narrative.refresh_from_db()
    assert narrative.text == "月2回の事例検討会を開いた。" and narrative.version == 2
    assert narrative.updated_by == cast.chief
    assert SelfStudy.objects.get(pk=study.pk).version == study.version + 1


def test_a_stale_save_shows_both_texts_and_overwrites_nothing(client, cast, study):
    narrative = study.narratives.first()
    client.force_login(cast.impl_org)
    _save(client, study, narrative, "実施機関の記述")
    other = Client()
    other.force_login(cast.chief)
    response = _save(other, study, narrative, "チーフの記述", version=1)
    assert response.status_code == 409
    body = response.content.decode()
    assert "実施機関の記述" in body and "チーフの記述" in body
    narrative.refresh_from_db()
    assert narrative.text == "実施機関の記述"
    # Saving again from the conflict screen carries the stored version: a knowing overwrite.
    assert _save(other, study, narrative, "チーフの記述").status_code == 302
    narrative.refresh_from_db()
    assert narrative.text == "チーフの記述"


def test_a_text_over_the_limit_is_refused_and_kept_in_the_form(client, cast, study):
    client.force_login(cast.chief)
    narrative = study.narratives.first()
    long_text = "あ" * 20_001
    response = _save(client, study, narrative, long_text)
    assert response.status_code == 200
    assert long_text in response.content.decode()
    narrative.refresh_from_db()
    assert narrative.text == ""


def test_a_pdf_is_attached_with_the_narrative_under_a_generated_name(client, cast, study):
    client.force_login(cast.chief)
    narrative = study.narratives.first()
    upload = SimpleUploadedFile("事例検討会.pdf", files.PDF, content_type="text/html")
    assert _save(client, study, narrative, "記述", upload=upload).status_code == 302
    doc = Document.objects.get()
    assert doc.original_name == "事例検討会.pdf" and doc.area_id == narrative.area_id
    assert doc.content_type == "application/pdf"  # from the bytes, not the browser
    assert doc.file.name.startswith("selfstudy/") and "事例" not in doc.file.name
    assert doc.file.name.endswith(".pdf") and doc.size == len(files.PDF)
    assert doc.file.read() == files.PDF


def test_the_total_of_a_self_study_is_limited(client, cast, study, settings):
    settings.SELF_STUDY_ATTACHMENTS_MAX_BYTES = len(files.PDF) * 2 - 1
    client.force_login(cast.chief)
    narrative = study.narratives.first()
    _save(client, study, narrative, "一つ目", upload=SimpleUploadedFile("a.pdf", files.PDF))
    narrative.refresh_from_db()
    response = _save(client, study, narrative, "二つ目の記述",
                     upload=SimpleUploadedFile("b.pdf", files.PDF))
    assert response.status_code == 200
    assert "二つ目の記述" in response.content.decode()
    assert Document.objects.count() == 1
    narrative.refresh_from_db()
    assert narrative.text == "一つ目"


def test_the_total_is_checked_again_under_the_lock(cast, study, settings):
    settings.SELF_STUDY_ATTACHMENTS_MAX_BYTES = len(files.PDF)
    document(study, by=cast.chief)
    narrative = study.narratives.first()
    from yorozu.core.uploads import PDF
    with pytest.raises(services.Refused):
        services.area_save(narrative=narrative, by=cast.chief, text="x", version=1,
                           upload=SimpleUploadedFile("b.pdf", files.PDF), kind=PDF)
    narrative.refresh_from_db()
    assert narrative.text == ""


def test_a_document_of_a_draft_can_be_removed_and_its_file_goes(client, cast, study,
                                                               django_capture_on_commit_callbacks):
    doc = document(study, by=cast.chief)
    storage, name = doc.file.storage, doc.file.name
    client.force_login(cast.impl_org)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("selfstudy:document_delete", args=[doc.pk]))
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not storage.exists(name)


# --- Submitting, freezing, taking back --------------------------------------------------------
def test_submitting_needs_a_narrative_in_every_area(client, cast, study):
    client.force_login(cast.chief)
    client.post(reverse("selfstudy:self_study_submit", args=[study.pk]),
                {"version": study.version})
    study.refresh_from_db()
    assert study.status == SelfStudy.Status.DRAFT


def test_the_chief_submits_and_it_is_frozen(client, cast, study):
    _fill_all(study)
    client.force_login(cast.chief)
    client.post(reverse("selfstudy:self_study_submit", args=[study.pk]),
                {"version": study.version})
    study.refresh_from_db()
    assert study.status == SelfStudy.Status.SUBMITTED and study.submitted_by == cast.chief
    assert study.submitted_at is not None
    narrative = study.narratives.first()
    response = _save(client, study, narrative, "提出後の書き換え")
    assert response.status_code == 302  # back to the page, with the reason
    narrative.refresh_from_db()
    assert narrative.text == "記述"
    doc = document(study, by=cast.chief)
    client.post(reverse("selfstudy:document_delete", args=[doc.pk]))
    assert Document.objects.filter(pk=doc.pk).exists()


def test_a_submission_of_a_version_changed_meanwhile_is_refused(client, cast, study):
    _fill_all(study)
    client.force_login(cast.chief)
    read = study.version
    narrative = study.narratives.first()
    other = Client()
    other.force_login(cast.impl_org)
    _save(other, study, narrative, "直前の書き換え")
    client.post(reverse("selfstudy:self_study_submit", args=[study.pk]), {"version": read})
    study.refresh_from_db()
    assert study.status == SelfStudy.Status.DRAFT


def test_the_hub_takes_it_back_until_the_hearing_is_finalised(client, cast, guideline):
    study = self_study(hub=cast.hub, by=cast.chief, guideline=guideline, submitted=True)
    client.force_login(cast.impl_org)
    client.post(reverse("selfstudy:self_study_reopen", args=[study.pk]))
    study.refresh_from_db()
    assert study.status == SelfStudy.Status.DRAFT and study.reopened_at is not None


def test_once_the_hearing_is_finalised_the_self_study_is_frozen_whatever_its_state(
        client, cast, guideline):
    submitted = self_study(hub=cast.hub, by=cast.chief, guideline=guideline, submitted=True)
    Hearing.objects.create(hub=cast.hub, fiscal_year=YEAR, guideline=guideline,
                           held_on=fiscal.today(), lead=cast.hq,
                           status=Hearing.Status.FINALISED)
    client.force_login(cast.chief)
    client.post(reverse("selfstudy:self_study_reopen", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert submitted.status == SelfStudy.Status.SUBMITTED
    with pytest.raises(services.WorkflowError):
        services.self_study_reopen(study=submitted, by=cast.chief)


def test_a_draft_cannot_be_written_after_the_hearing_is_finalised(cast, study, guideline):
    Hearing.objects.create(hub=cast.hub, fiscal_year=YEAR, guideline=guideline,
                           held_on=fiscal.today(), lead=cast.hq,
                           status=Hearing.Status.PUBLISHED)
    with pytest.raises(services.WorkflowError):
        services.area_save(narrative=study.narratives.first(), by=cast.chief, text="x",
                           version=1)


def test_hq_reopening_the_hearing_unfreezes_it(cast, guideline):
    study = self_study(hub=cast.hub, by=cast.chief, guideline=guideline, submitted=True)
    hearing = evaluation_services.hearing_schedule(hub=cast.hub, fiscal_year=YEAR,
                                                   held_on=fiscal.today(), lead=cast.hq,
                                                   by=cast.hq)
    Hearing.objects.filter(pk=hearing.pk).update(status=Hearing.Status.FINALISED)
    hearing.refresh_from_db()
    evaluation_services.hearing_reopen(hearing=hearing, by=cast.hq, reason="追加確認")
    assert services.self_study_reopen(study=study, by=cast.chief).status == "draft"


# --- Who sees what ---------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["coordinator", "bureau", "hq"])
def test_readers_see_a_draft_only_as_being_written(client, cast, study, role):
    Narrative.objects.filter(self_study=study).update(text="下書きの中身")
    doc = document(study, by=cast.chief)
    client.force_login(cast.by_role()[role])
    page = client.get(_page(study)).content.decode()
    assert "下書きの中身" not in page
    assert client.get(reverse("selfstudy:document_download", args=[doc.pk])).status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "chief", "impl_org", "bureau", "hq"])
def test_a_submitted_self_study_is_read_by_the_hub_its_bureau_and_hq(client, cast, guideline,
                                                                       role):
    study = self_study(hub=cast.hub, by=cast.chief, guideline=guideline, submitted=True,
                       text="提出した記述")
    client.force_login(cast.by_role()[role])
    assert "提出した記述" in client.get(_page(study)).content.decode()


def test_a_document_is_sent_as_a_download_of_its_checked_type(client, cast, guideline):
    study = self_study(hub=cast.hub, by=cast.chief, guideline=guideline, submitted=True)
    doc = document(study, by=cast.chief, name="計画 書.pdf")
    client.force_login(cast.bureau)
    response = client.get(reverse("selfstudy:document_download", args=[doc.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E8%A8%88%E7%94%BB%20%E6%9B%B8.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == files.PDF


def test_another_hubs_document_reads_exactly_like_a_missing_one(client, cast, guideline):
    other = self_study(hub=cast.other_hub, by=cast.outsider, guideline=guideline,
                       submitted=True)
    doc = document(other, by=cast.outsider)
    client.force_login(cast.chief)
    theirs = client.get(reverse("selfstudy:document_download", args=[doc.pk]))
    missing = client.get(reverse("selfstudy:document_download", args=[doc.pk + 1000]))
    assert theirs.status_code == missing.status_code == 404
    assert same_page(theirs, missing)


def test_another_hubs_self_study_page_reads_exactly_like_a_missing_hub(client, cast):
    client.force_login(cast.chief)
    theirs = client.get(reverse("selfstudy:self_study", args=["04", YEAR]))
    missing = client.get(reverse("selfstudy:self_study", args=["99", YEAR]))
    assert theirs.status_code == missing.status_code == 404
    assert same_page(theirs, missing)


def test_the_upload_page_still_checks_the_csrf_token(cast, study):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.chief)
    narrative = study.narratives.first()
    response = _save(client, study, narrative, "トークンなし")
    assert response.status_code == 403
    narrative.refresh_from_db()
    assert narrative.text == ""


def test_the_hub_page_and_the_menu_lead_to_the_self_study(client, cast):
    client.force_login(cast.chief)
    url = reverse("selfstudy:self_study", args=["13", fiscal.current_fiscal_year()])
    assert url in client.get(reverse("hubs:hub_detail", args=["13"])).content.decode()
    assert url in client.get(reverse("home")).content.decode()
