"""Each app declares its hub permissions itself (hubs.permissions.register); what every role
holds is what hubs/roles.py alone used to say."""

import pytest
from django.contrib.auth.models import Permission

from hubs import permissions
from hubs.roles import Role, role_permissions

# Every role reads the hub's self-study once submitted and its published evaluation.
STAFF = {"view_hub", "view_hub_aggregates", "view_hub_staff", "view_agencies", "view_plan",
         "view_self_study", "view_assessment"}
# The chief coordinator and the implementing organization write the self-study, answer the
# evaluation's improvement requests and consent to publishing a best practice.
HUB_SIDE = {"edit_self_study", "answer_improvement_requests", "consent_best_practices"}
EXPECTED = {
    Role.COORDINATOR: STAFF | {"view_hub_records", "change_hub_records", "self_check",
                               "view_self_check_summary"},
    Role.CHIEF: STAFF | HUB_SIDE | {
        "view_hub_records", "change_hub_records", "manage_agencies", "propose_appointment",
        "self_check", "review_self_checks", "view_self_check_summary", "edit_plan",
        "view_satisfaction_detail"},
    Role.IMPL_ORG: STAFF | HUB_SIDE | {
        "view_hub_records", "manage_agencies", "propose_appointment", "self_check",
        "view_self_check_summary", "edit_plan", "run_agency_survey",
        "view_satisfaction_detail"},
    # + the client-outcome figures of its hubs, and following up improvement requests.
    Role.BUREAU: STAFF | {"approve_appointment", "review_plan", "comment_plan",
                          "view_outcome_figures", "follow_up_improvement_requests"},
    Role.HQ: STAFF | {"view_hub_records", "view_self_check_summary", "evaluate_hub",
                      "comment_plan", "view_satisfaction_detail"},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_holds_what_it_held_before_the_apps_declared_their_own(role):
    assert role_permissions(role) == EXPECTED[role]


@pytest.mark.django_db
def test_every_registered_permission_exists_on_hubs_hub():
    codenames = {p.codename for p in permissions.registered()}
    found = set(Permission.objects.filter(content_type__app_label="hubs",
                                          content_type__model="hub",
                                          codename__in=codenames)
                .values_list("codename", flat=True))
    assert found == codenames


def test_registering_a_codename_again_differently_is_refused():
    with pytest.raises(ValueError):
        permissions.register("view_plan", "something else", roles={Role.HQ})
    with pytest.raises(ValueError):
        permissions.register("new_thing", "x", roles={"nobody"})
