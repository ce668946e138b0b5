"""Permission-matrix rows for the multi-faceted evaluation (merged into
tests/project/test_permission_matrix.py). Outcomes in role order: anon coordinator chief
impl_org bureau hq admin.

HQ alone weights, evaluates, finalises and publishes; an evaluation HQ has not published is
a 404 for everyone else, like a missing one. Once published, the hub's staff and its bureau
read it and its requests; the chief and the implementing organization answer them with
actions; the bureau follows them up."""

from datetime import date

from evaluation.assessments.models import Assessment, BestPractice, ImprovementRequest
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()
HQ_PAGE = "L 403 403 403 403 200 403"
HQ_ONLY_ACTION, OTHER_HQ_ONLY_ACTION = "L 404 404 404 404 302 404", "L 404 404 404 404 302 404"
READ_PUBLISHED, READ_PUBLISHED_OTHER = "L 200 200 200 200 200 404", "L 404 404 404 404 200 404"

ROWS: dict[str, tuple] = {
    "assessments:national": ("GET", None, HQ_PAGE, None),
    "assessments:weights": ("GET", "weights_year", HQ_PAGE, None),
    # The hub's page says "not published yet" to its staff and bureau until HQ publishes.
    "assessments:hub": ("GET", "hub", READ_PUBLISHED, READ_PUBLISHED_OTHER),
    # A draft: HQ's only. A comment without the version it started from is a conflict (409).
    "assessments:comment": ("POST", "assessment_draft", "L 404 404 404 404 409 404",
                            "L 404 404 404 404 409 404"),
    # Finalising without the year's weights, reopening or publishing a draft: refused with a
    # message on the page it came from.
    "assessments:finalise": ("POST", "assessment_draft", HQ_ONLY_ACTION, OTHER_HQ_ONLY_ACTION),
    "assessments:reopen": ("POST", "assessment_draft", HQ_ONLY_ACTION, OTHER_HQ_ONLY_ACTION),
    "assessments:publish": ("POST", "assessment_draft", HQ_ONLY_ACTION, OTHER_HQ_ONLY_ACTION),
    # An empty request shows the page again with the errors.
    "assessments:request_add": ("POST", "assessment_draft", "L 404 404 404 404 200 404",
                                "L 404 404 404 404 200 404"),
    # A published evaluation's axis over client records: the bureau sees the counts only.
    "assessments:axis": ("GET", "assessment_axis", READ_PUBLISHED, READ_PUBLISHED_OTHER),
    "assessments:request_list": ("GET", None, "L 200 200 200 200 200 403", None),
    "assessments:request_detail": ("GET", "improvement_request", READ_PUBLISHED,
                                   READ_PUBLISHED_OTHER),
    # An empty action or follow-up shows the request again with the errors.
    "assessments:action_add": ("POST", "improvement_request", "L 403 200 200 403 403 404",
                               "L 404 404 404 404 403 404"),
    "assessments:follow_up_add": ("POST", "improvement_request", "L 403 403 403 200 403 404",
                                  "L 404 404 404 404 403 404"),
    # Best practices: published ones for everyone; HQ marks and publishes, the hub consents.
    "assessments:practice_list": ("GET", None, "L 200 200 200 200 200 403", None),
    "assessments:practice_mark": ("POST", None, "L 403 403 403 403 200 403", None),
    "assessments:practice_consent": ("POST", "practice", "L 403 302 302 403 403 404",
                                     "L 404 404 404 404 403 404"),
    "assessments:practice_decline": ("POST", "practice", "L 403 302 302 403 403 404",
                                     "L 404 404 404 404 403 404"),
    "assessments:practice_publish": ("POST", "practice", "L 403 403 403 403 302 404",
                                     "L 404 404 404 404 302 404"),
}


def _hub(cast, which):
    return cast.hub if which == "own" else cast.other_hub


def weights_year(cast, which) -> dict:
    return {"fiscal_year": YEAR}


def assessment_draft(cast, which) -> dict:
    found, _new = Assessment.objects.get_or_create(
        hub=_hub(cast, which), fiscal_year=YEAR - 3, defaults={"created_by": cast.hq})
    return {"pk": found.pk}


def _published(cast, which) -> Assessment:
    found, _new = Assessment.objects.get_or_create(
        hub=_hub(cast, which), fiscal_year=YEAR - 4,
        defaults={"created_by": cast.hq, "status": Assessment.Status.PUBLISHED})
    return found


def assessment_axis(cast, which) -> dict:
    return {"pk": _published(cast, which).pk, "code": "follow_up"}


def improvement_request(cast, which) -> dict:
    assessment = _published(cast, which)
    found, _new = ImprovementRequest.objects.get_or_create(
        assessment=assessment, hub=assessment.hub, title="紹介先へのフォローアップ徹底",
        defaults={"reason": "フォローアップ率が全国中央値を下回る。", "due_on": date(2030, 3, 31),
                  "created_by": cast.hq})
    return {"pk": found.pk}


def practice(cast, which) -> dict:
    """A practice HQ has marked, waiting for the hub's consent."""
    from tests.evaluation.factories import ItemFactory

    found = BestPractice.objects.create(
        source_hub=_hub(cast, which), fiscal_year=YEAR - 1, item=ItemFactory(),
        title="週次の案件会議", description="全コーディネーターで案件を共有する。",
        evidence="会議録", marked_by=cast.hq)
    return {"pk": found.pk}


TARGETS: dict = {"practice": practice, "weights_year": weights_year,
                 "assessment_draft": assessment_draft, "assessment_axis": assessment_axis,
                 "improvement_request": improvement_request}
