"""The bureau's review on the page of changes between versions: it shows the comments the
new version answers and offers the return and accept of the plan page (the same endpoints
and checks), beside the version under review only."""

import pytest

from evaluation.plans import services
from evaluation.plans.models import AnnualPlan, PlanComment
from tests.plans.test_plans import submit, submitted_plan, url, with_initiatives

Status = AnnualPlan.Status
RETURN_COMMENT = "事業承継の取組を具体的に書いてください。"


@pytest.fixture
def resubmitted(cast):
    """Version 1 returned with a comment on the initiatives; version 2 answers it."""
    plan = submitted_plan(cast, "創業支援セミナー")
    services.plan_return(plan=plan, by=cast.bureau, section="initiatives",
                         comment_text=RETURN_COMMENT)
    plan = AnnualPlan.objects.get(pk=plan.pk)
    services.plan_update(plan=plan, by=cast.chief,
                         content=with_initiatives(plan, "創業支援セミナー\n事業承継の相談会"),
                         version=plan.version)
    return submit(cast, AnnualPlan.objects.get(pk=plan.pk))


def _diff(client, cast, **params):
    return client.get(url("plan_diff", cast.hub), params)


def test_the_diff_shows_the_return_comment_the_new_version_answers(client, cast, resubmitted):
    client.force_login(cast.chief)
    page = _diff(client, cast).content.decode()
    answered = page.split('id="answered-heading"', 1)[1].split("</section>", 1)[0]
    assert "第2版は、第1版への次のコメントに対応したものです" in answered
    assert "差し戻しました" in answered and RETURN_COMMENT in answered
    assert "取組内容" in answered  # the section the comment is on


def test_the_bureau_decides_on_the_diff_page_through_the_plan_pages_endpoints(client, cast,
                                                                               resubmitted):
    client.force_login(cast.bureau)
    page = _diff(client, cast).content.decode()
    assert f'action="{url("plan_accept", cast.hub)}"' in page
    assert f'action="{url("plan_return", cast.hub)}"' in page
    assert 'name="return-text"' in page

    assert client.post(url("plan_accept", cast.hub)).status_code == 302
    assert AnnualPlan.objects.get(pk=resubmitted.pk).status == Status.ACCEPTED
    page = _diff(client, cast).content.decode()  # decided: nothing more to offer
    assert url("plan_accept", cast.hub) not in page


@pytest.mark.parametrize("role", ["chief", "impl_org", "hq", "coordinator"])
def test_only_the_bureau_is_offered_the_decision(client, cast, resubmitted, role):
    client.force_login(cast.by_role()[role])
    page = _diff(client, cast).content.decode()
    assert url("plan_accept", cast.hub) not in page and url("plan_return", cast.hub) not in page


def test_comparing_older_versions_offers_no_decision(client, cast, resubmitted):
    services.plan_return(plan=AnnualPlan.objects.get(pk=resubmitted.pk), by=cast.bureau,
                         section="targets", comment_text="目標を見直してください。")
    plan = AnnualPlan.objects.get(pk=resubmitted.pk)
    services.plan_update(plan=plan, by=cast.chief, content=with_initiatives(plan, "第3版"),
                         version=plan.version)
    submit(cast, AnnualPlan.objects.get(pk=plan.pk))
    client.force_login(cast.bureau)
    older = _diff(client, cast, **{"from": 1, "to": 2}).content.decode()
    assert url("plan_accept", cast.hub) not in older and RETURN_COMMENT in older
    latest = _diff(client, cast).content.decode()
    assert url("plan_accept", cast.hub) in latest and "目標を見直してください。" in latest
    assert RETURN_COMMENT not in latest  # made on version 1, answered by version 2


def test_the_diff_page_runs_a_fixed_number_of_queries(client, cast, resubmitted):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.bureau)
    first = resubmitted.versions.get(number=1)
    counts = []
    for extra in (0, 6):
        for n in range(extra):  # more comments on the version answered, by several people
            PlanComment.objects.create(plan=resubmitted, on_version=first, section="analysis",
                                       text=f"所見{n}", author=(cast.bureau, cast.hq)[n % 2])
        with CaptureQueriesContext(connection) as queries:
            assert _diff(client, cast).status_code == 200
        counts.append(len(queries))
    # Constant as comments grow; 10 with the top bar's unread count and the comments on the
    # version answered (test_query_budgets.py measures the page without such comments: 9).
    assert counts[0] == counts[1] <= 10, counts
