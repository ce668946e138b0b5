"""Permission-matrix rows for the self-study (merged into
tests/project/test_permission_matrix.py). Outcomes in role order: anon coordinator chief
impl_org bureau hq admin.

The hub's staff, its bureau and HQ read it; the chief coordinator and the implementing
organization start, write, attach, remove, submit and take it back (403 for the readers).
Another hub's self-study or document is a 404, except for HQ, which reads every hub's and
writes none."""

from .factories import YEAR, document, self_study, year_guideline

READ, READ_OTHER = "L 200 200 200 200 200 404", "L 404 404 404 404 200 404"
WRITE_PAGE, WRITE_OTHER = "L 403 200 200 403 403 404", "L 404 404 404 404 403 404"
WRITE_ACTION = "L 403 302 302 403 403 404"

ROWS = {
    "selfstudy:self_study": ("GET", "self_study_year", READ, READ_OTHER),
    "selfstudy:self_study_start": ("POST", "self_study_year", WRITE_ACTION, WRITE_OTHER),
    "selfstudy:area_edit": ("GET", "self_study_draft_area", WRITE_PAGE, WRITE_OTHER),
    # Posted without a version: the submission is refused as stale, and the page says so.
    "selfstudy:self_study_submit": ("POST", "self_study_draft", WRITE_ACTION, WRITE_OTHER),
    "selfstudy:self_study_reopen": ("POST", "self_study_submitted", WRITE_ACTION, WRITE_OTHER),
    # A submitted self-study's document: every reader of the hub downloads it.
    "selfstudy:document_download": ("GET", "self_study_document", READ, READ_OTHER),
    "selfstudy:document_delete": ("POST", "self_study_draft_document", WRITE_ACTION,
                                  WRITE_OTHER),
}


def _hub_and_writer(cast, which):
    return (cast.hub, cast.chief) if which == "own" else (cast.other_hub, cast.outsider)


def _study(cast, which, *, submitted=False):
    hub, by = _hub_and_writer(cast, which)
    return self_study(hub=hub, by=by, guideline=year_guideline(cast.hq), submitted=submitted)


def _year(cast, which):
    year_guideline(cast.hq)
    return {"jis_code": _hub_and_writer(cast, which)[0].jis_code, "fiscal_year": YEAR}


def _draft_area(cast, which):
    study = _study(cast, which)
    return {"pk": study.pk, "area_pk": study.narratives.first().area_id}


def _draft(cast, which):
    return {"pk": _study(cast, which).pk}


def _submitted(cast, which):
    return {"pk": _study(cast, which, submitted=True).pk}


def _document(cast, which):
    study = _study(cast, which, submitted=True)
    return {"pk": document(study, by=study.created_by).pk}


def _draft_document(cast, which):
    study = _study(cast, which)
    return {"pk": document(study, by=study.created_by).pk}


TARGETS = {"self_study_year": _year, "self_study_draft_area": _draft_area,
           "self_study_draft": _draft, "self_study_submitted": _submitted,
           "self_study_document": _document, "self_study_draft_document": _draft_document}
