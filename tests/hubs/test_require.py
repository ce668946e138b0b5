"""One permission check for services and views: `hubs.access.require(user, perm, hub=None)`,
raising one exception type, and one answer to "is this HQ"."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from evaluation.permissions import EVALUATE
from hubs.access import NotAllowed, is_hq, require
from hubs.roles import CHANGE_RECORDS, VIEW_HUB
from yorozu.core.errors import WorkflowError

ROOT = Path(__file__).resolve().parents[2]


def test_not_allowed_is_a_403_and_a_refused_action():
    assert issubclass(NotAllowed, PermissionDenied)
    assert issubclass(NotAllowed, WorkflowError)


def test_require_at_a_hub(cast):
    require(cast.coordinator, CHANGE_RECORDS, cast.hub)
    require(cast.coordinator, CHANGE_RECORDS, cast.hub.pk)
    with pytest.raises(NotAllowed):
        require(cast.coordinator, CHANGE_RECORDS, cast.other_hub)
    with pytest.raises(NotAllowed):
        require(cast.bureau, CHANGE_RECORDS, cast.hub)


def test_require_without_a_hub_asks_for_the_permission_at_every_hub(cast):
    require(cast.hq, EVALUATE)
    require(cast.hq, VIEW_HUB)
    for user in (cast.coordinator, cast.chief, cast.bureau, cast.admin, cast.outsider):
        with pytest.raises(NotAllowed):
            require(user, EVALUATE)


def test_only_hq_is_hq(cast):
    assert is_hq(cast.hq)
    assert not any(is_hq(u) for u in (cast.coordinator, cast.chief, cast.impl_org,
                                       cast.bureau, cast.admin, cast.outsider))


def test_a_refusal_from_a_service_reaching_django_is_a_403(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(reverse("evaluation:guideline_start"))
    assert response.status_code == 403


def _raises(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            names.add(ast.unparse(target))
    return names


def test_services_check_permissions_only_through_require():
    services = [p for p in ROOT.glob("**/services.py") if ".venv" not in p.parts]
    services += [ROOT / "evaluation/selfchecks.py", ROOT / "evaluation/plans/policy.py",
                 ROOT / "evaluation/surveys/agency.py", ROOT / "consultations/referrals.py"]
    offenders = {str(p.relative_to(ROOT)) for p in services
                 if {"PermissionDenied", "NotAllowed"} & _raises(p)
                 and p.name != "access.py"}
    # NotAllowed raised directly is allowed where a check needs two permissions at once.
    offenders.discard("hubs/services.py")
    assert offenders == set()
