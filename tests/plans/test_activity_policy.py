"""HQ's activity policy: HQ writes and publishes it; everyone else reads it once published."""

from django.urls import reverse

from evaluation.plans.models import ActivityPolicy
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()


def _write(client, user, **overrides):
    client.force_login(user)
    data = {"priority_themes": "事業承継と価格転嫁への対応を重点とする。",
            "indicators": ["sessions", "new_clients", "follow_up"],
            "plan_deadline": f"{YEAR}-05-31", **overrides}
    return client.post(reverse("plans:policy_edit", args=[YEAR]), data)


def test_hq_writes_and_publishes_the_policy_and_hubs_then_read_it(client, cast):
    assert _write(client, cast.hq).status_code == 302
    policy = ActivityPolicy.objects.get(fiscal_year=YEAR)
    assert policy.indicators == ["sessions", "new_clients", "follow_up"]
    assert policy.updated_by == cast.hq

    client.force_login(cast.chief)
    detail = reverse("plans:policy_detail", args=[YEAR])
    assert client.get(detail).status_code == 404  # not published yet
    client.force_login(cast.hq)
    client.post(reverse("plans:policy_publish", args=[YEAR]))
    for user in (cast.chief, cast.coordinator, cast.bureau):
        client.force_login(user)
        page = client.get(detail)
        assert page.status_code == 200
        assert "事業承継と価格転嫁" in page.content.decode()


def test_only_hq_writes_the_policy(client, cast):
    for user in (cast.chief, cast.impl_org, cast.bureau):
        assert _write(client, user).status_code == 403
    assert not ActivityPolicy.objects.exists()


def test_a_policy_needs_at_least_one_indicator(client, cast):
    response = _write(client, cast.hq, indicators=[])
    assert response.status_code == 200
    assert "indicators" in response.context["form"].errors
