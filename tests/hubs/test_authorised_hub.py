"""Every read of a hub-owned row starts from the user (docs/permissions.md, *One door*): a
selector takes the user (and reads through for_user) or an AuthorisedHub, which only the access
check makes; no selector takes a bare hub."""

import ast
import inspect
from pathlib import Path

import pytest

from hubs.access import AuthorisedHub, NotAllowed, authorise
from hubs.roles import VIEW_AGGREGATES, VIEW_RECORDS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("hubs", "consultations", "evaluation", "yorozu")
HUB_PARAMS = {"hub", "hub_id", "hub_ids"}

# Reads over a set of hubs by design, with the reason. Each takes ids its callers derive from
# the user (an AuthorisedHub's `.ids`, hub_access(user).hub_ids(perm) for a bureau's hubs) or
# None for every hub (HQ's national pages and the national report job).
ALLOWED = {
    # The hub figures' querysets: building blocks of the selectors below, over one hub, a
    # bureau's hubs or the nation.
    "evaluation/figures.py": {"scoped", "sessions_held", "sessions_by_month", "new_clients",
                              "cases_by_month", "session_tallies", "session_topic_tallies",
                              "new_clients_by_month", "client_tallies",
                              "case_tallies",
                              "referrals_due", "referrals_by_month", "cases_opened",
                              "satisfaction_answers", "satisfaction_by_month",
                              # client outcomes: value added, milestones
                              "value_added_clients", "value_added_change",
                              "value_added_grouped", "milestones_achieved"},
    # The plan dashboards' tallies, per hub, bureau and nation.
    "evaluation/plans/actuals.py": {"tallies", "monthly", "yearly", "hub_targets"},
    # Monthly shares over one hub or every hub (kept for the figure's tests).
    "evaluation/surveys/satisfaction_selectors.py": {"satisfaction_monthly_share"},
    # The home page's follow-up counts: the hubs where the user is chief coordinator (from
    # their own appointments) in full, elsewhere their own cases; it starts from for_user.
    "consultations/selectors.py": {"followup_counts"},
}


def _selector_modules() -> list[Path]:
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            if path.name in ("selectors.py", "figures.py", "actuals.py") or path.name.endswith(
                    "_selectors.py"):
                found.append(path)
    return sorted(found)


def _bare_hub_params(path: Path) -> list[str]:
    relative = path.relative_to(ROOT).as_posix()
    allowed = ALLOWED.get(relative, set())
    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.arg not in HUB_PARAMS:
                continue
            annotation = ast.unparse(arg.annotation) if arg.annotation else ""
            if "AuthorisedHub" not in annotation and node.name not in allowed:
                bad.append(f"{relative}:{node.lineno} {node.name}({arg.arg}: {annotation})")
    return bad


def test_no_selector_takes_a_bare_hub():
    modules = _selector_modules()
    assert any(p.name == "figures.py" for p in modules)  # the walk finds what it should
    assert [line for path in modules for line in _bare_hub_params(path)] == []


def test_the_allow_list_names_only_functions_that_exist_and_take_hub_ids():
    for relative, names in ALLOWED.items():
        tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
        functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        for name in names:
            params = {a.arg for a in functions[name].args.kwonlyargs + functions[name].args.args}
            assert params & HUB_PARAMS, (relative, name)


def test_the_system_path_is_taken_only_by_jobs():
    callers = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "authorise_for_job(" in text:
                callers.append(path.relative_to(ROOT).as_posix())
    assert sorted(callers) == ["hubs/access.py", "yorozu/jobs/services.py"]


def test_an_authorised_hub_cannot_be_made_by_hand(cast):
    with pytest.raises(TypeError):
        AuthorisedHub(cast.coordinator, cast.hub, VIEW_RECORDS)
    with pytest.raises(TypeError):
        AuthorisedHub(cast.coordinator, cast.hub, VIEW_RECORDS, object())


def test_authorise_refuses_like_require(cast):
    made = authorise(cast.coordinator, VIEW_RECORDS, cast.hub)
    assert (made.user, made.hub, made.perm, made.ids) == (
        cast.coordinator, cast.hub, VIEW_RECORDS, [cast.hub.pk])
    with pytest.raises(NotAllowed):
        authorise(cast.coordinator, VIEW_RECORDS, cast.other_hub)
    with pytest.raises(NotAllowed):
        authorise(cast.bureau, VIEW_RECORDS, cast.hub)  # figures, never records
    assert authorise(cast.bureau, VIEW_AGGREGATES, cast.hub).hub == cast.hub


def test_a_bare_hub_passed_to_a_selector_fails_at_once(cast):
    from consultations import selectors

    with pytest.raises(AttributeError):
        list(selectors.followups(user=cast.coordinator, hub=cast.other_hub)[0])


def test_selectors_are_annotated_with_the_real_class():
    from consultations import selectors

    assert inspect.signature(selectors.followups).parameters["hub"].annotation in (
        AuthorisedHub, "AuthorisedHub")
