"""Permission-matrix rows of the REST API, the token page and the calendar feed (merged into
tests/project/test_permission_matrix.py). Outcomes in role order: anon coordinator chief
impl_org bureau hq admin. Rows marked "token" are called with the role's API token instead
of its login (none for anon): the API takes no session, so a login alone is a 401 there."""

from evaluation.models import Hearing
from tests.api.helpers import published_hearing
from tests.evaluation.factories import plan_with_content
from yorozu.api import tokens
from yorozu.core import fiscal

ALL = "401 200 200 200 200 200 200"
HUB, HUB_OTHER = "401 200 200 200 200 200 404", "401 404 404 404 404 200 404"

ROWS: dict[str, tuple] = {
    # Lists hold only what the role sees (tests/api/test_api.py); a user without appointment
    # (admin) gets empty lists.
    "api:hub-list": ("GET", None, ALL, None, "token"),
    "api:figures-list": ("GET", None, ALL, None, "token"),
    "api:plan-list": ("GET", None, ALL, None, "token"),
    "api:result-list": ("GET", None, ALL, None, "token"),
    # Another hub's hub, figures, plan or result: a 404 like a missing one (HQ sees all).
    "api:hub-detail": ("GET", "api_hub", HUB, HUB_OTHER, "token"),
    "api:figures-detail": ("GET", "api_hub", HUB, HUB_OTHER, "token"),
    "api:plan-detail": ("GET", "api_plan", HUB, HUB_OTHER, "token"),
    "api:result-detail": ("GET", "api_result", HUB, HUB_OTHER, "token"),
    # The OpenAPI document: for any token (and any login: tests/api/test_api.py).
    "api:schema": ("GET", None, ALL, None, "token"),
    # The settings page: every logged-in user, for their own tokens only.
    "api:tokens": ("GET", None, "L 200 200 200 200 200 200"),
    "api:token_issue": ("POST", "api_purpose", "L 302 302 302 302 302 302"),
    "api:token_revoke": ("POST", "api_purpose", "L 302 302 302 302 302 302"),
    # A calendar app has no login: the address (a chief's feed here) opens for anyone who
    # has it; what it holds per role is in tests/api/test_feed.py.
    "api:calendar_feed": ("GET", "calendar_token", "200 200 200 200 200 200 200"),
}


def _which_hub(cast, which):
    return cast.hub if which == "own" else cast.other_hub


def api_hub(cast, which) -> dict:
    return {"jis_code": _which_hub(cast, which).jis_code}


def api_plan(cast, which) -> dict:
    hub = _which_hub(cast, which)
    plan_with_content(hub=hub, fiscal_year=fiscal.current_fiscal_year())
    return {"jis_code": hub.jis_code}


def api_result(cast, which) -> dict:
    hub = _which_hub(cast, which)
    published_hearing(hub, cast.hq, status=Hearing.Status.PUBLISHED)
    return {"jis_code": hub.jis_code}


def api_purpose(cast, which) -> dict:
    return {"purpose": "api"}


def calendar_token(cast, which) -> dict:
    return {"token": tokens.token_issue(user=cast.chief, purpose="calendar")}


TARGETS: dict = {"api_hub": api_hub, "api_plan": api_plan, "api_result": api_result,
                 "api_purpose": api_purpose, "calendar_token": calendar_token}


def authorization(user) -> dict:
    """The header a "token" row sends for `user` (nothing for anon)."""
    if user is None:
        return {}
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.token_issue(user=user, purpose='api')}"}
