"""The plan's working draft as rows: the collaborating agency is a foreign key the database
checks (same hub, not deleted while a draft names it), a frozen version keeps the name it was
submitted with, and migrations 0002-0004 turn a JSON draft into rows and back (0005 keeping
the priorities' text as their description)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError

from evaluation.plans import content as plan_content
from evaluation.plans import services
from evaluation.plans.forms import PlanForm
from evaluation.plans.indicators import STANDARD
from evaluation.plans.models import AnnualPlan, PlanCollaboration, PlanPriority, PlanTarget
from hubs import rls
from tests.evaluation.factories import plan_with_content
from tests.hubs.factories import AgencyFactory
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()


def _with_collaboration(plan, agency, text="共催セミナー"):
    content = plan_content.snapshot(plan)
    content["collaboration"] = [{"agency_id": agency.pk, "name": agency.name, "plan": text}]
    return content


def _form(plan, hub, **data):
    stored = plan_content.snapshot(plan)
    return PlanForm({"version": plan.version, **data}, plan=plan, hub=hub,
                    indicators=list(STANDARD), stored=stored)


# --- Another hub's agency ---------------------------------------------------------------------
def test_the_edit_form_offers_and_accepts_only_the_hubs_agencies(cast):
    own, other = AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub)
    plan = plan_with_content(hub=cast.hub, fiscal_year=YEAR)
    form = _form(plan, cast.hub, collab_1_agency=other.pk, collab_1_plan="越境")
    assert not form.is_valid()
    assert "collab_1_agency" in form.errors
    assert list(form["collab_1_agency"].field.queryset) == [own]
    assert form["collab_1_plan"].value() == "越境"  # what was typed stays


def test_the_same_agency_twice_is_refused_by_the_form(cast):
    agency = AgencyFactory(hub=cast.hub)
    plan = plan_with_content(hub=cast.hub, fiscal_year=YEAR)
    form = _form(plan, cast.hub, collab_1_agency=agency.pk, collab_2_agency=agency.pk)
    assert not form.is_valid()
    assert set(form.errors) == {"collab_2_agency"}


def test_the_service_refuses_another_hubs_agency(cast):
    other = AgencyFactory(hub=cast.other_hub)
    plan = services.plan_get_or_create(hub=cast.hub, fiscal_year=YEAR, by=cast.chief)
    with pytest.raises(services.WorkflowError):
        services.plan_update(plan=plan, by=cast.chief, content=_with_collaboration(plan, other),
                             version=plan.version)
    assert not PlanCollaboration.objects.exists()


@pytest.mark.needs_postgres
def test_the_database_refuses_another_hubs_agency(cast):
    other = AgencyFactory(hub=cast.other_hub)
    plan = plan_with_content(hub=cast.hub, fiscal_year=YEAR)
    # The composite keys are deferred like Django's own: checked at the latest on commit.
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanCollaboration.objects.create(plan=plan, hub=cast.hub, agency=other, position=1)
        connection.check_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanCollaboration.objects.create(plan=plan, hub=cast.other_hub, agency=other,
                                         position=1)
        connection.check_constraints()


def test_an_agency_a_draft_names_cannot_be_deleted(cast):
    agency = AgencyFactory(hub=cast.hub)
    plan = services.plan_get_or_create(hub=cast.hub, fiscal_year=YEAR, by=cast.chief)
    services.plan_update(plan=plan, by=cast.chief, content=_with_collaboration(plan, agency),
                         version=plan.version)
    with pytest.raises(ProtectedError):
        agency.delete()
    with pytest.raises(IntegrityError), transaction.atomic():  # nor behind Django's back
        type(agency).objects.filter(pk=agency.pk)._raw_delete(connection.alias)
        connection.check_constraints()


def test_a_frozen_version_still_reads_after_the_agency_is_renamed(cast):
    agency = AgencyFactory(hub=cast.hub, name="旧名商工会議所")
    plan = services.plan_get_or_create(hub=cast.hub, fiscal_year=YEAR, by=cast.chief)
    services.plan_update(plan=plan, by=cast.chief, content=_with_collaboration(plan, agency),
                         version=plan.version)
    services.plan_confirm(plan=plan, by=cast.chief)
    services.plan_confirm(plan=plan, by=cast.impl_org)
    agency.name = "新名商工会議所"
    agency.save()
    version = plan.versions.get()
    assert version.content["collaboration"] == [
        {"agency_id": agency.pk, "name": "旧名商工会議所", "plan": "共催セミナー"}]
    rendered = plan_content.render_text(version.content, "collaboration")
    assert rendered == "旧名商工会議所: 共催セミナー"
    assert plan_content.snapshot(plan)["collaboration"][0]["name"] == "新名商工会議所"


def test_the_plan_page_reads_the_draft_within_the_plans_own_query(cast):
    agencies = AgencyFactory(hub=cast.hub, name="乙会議所"), AgencyFactory(hub=cast.hub)
    content = {**JSON_DRAFT, "collaboration": [
        {"agency_id": a.pk, "name": a.name, "plan": f"連携{n}"} for n, a in enumerate(agencies)]}
    plan = plan_with_content(hub=cast.hub, fiscal_year=YEAR, content=content)
    annotated = plan_content.with_draft(AnnualPlan.objects.filter(pk=plan.pk)).get()
    assert plan_content.snapshot(annotated) == plan_content.snapshot(plan)
    assert plan_content.snapshot(annotated)["collaboration"][0]["name"] == "乙会議所"
    assert plan_content.snapshot(annotated)["targets"]["satisfaction"] == {"year": 85.5}


def test_the_drafts_rows_are_behind_the_hub_wall(db):
    walled = {m._meta.db_table for m in rls.walled_models()}
    assert {PlanTarget._meta.db_table, PlanPriority._meta.db_table,
            PlanCollaboration._meta.db_table} <= walled


# --- Migrations 0002 to 0004 ----------------------------------------------------------------
JSON_DRAFT = {
    "analysis": {"industry_mix": "製造業", "agency_views": "", "notes": "メモ"},
    "targets": {"sessions": {"year": 120, "months": [10] * 12},
                "satisfaction": {"year": 85.5}, "follow_up": {"year": None}},
    "priorities": [{"title": "創業", "target": "20件"}, {"title": "承継", "target": ""}],
    "initiatives": "合同相談会",
    "collaboration": [],  # filled in with the test's agencies
}


LATEST = ("plans", "0005_priority_measures")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def _migrate_to_the_end():
    """Every app's latest migration: going back to plans 0001 also unapplies the migrations
    of the apps that depend on plans."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.needs_postgres
@pytest.mark.long
@pytest.mark.django_db(transaction=True)
def test_the_migrations_turn_a_json_draft_into_rows_and_back(cast):
    own = AgencyFactory(hub=cast.hub, name="自拠点会議所")
    gone = AgencyFactory(hub=cast.hub, name="廃止会議所")
    try:
        old = _migrate(("plans", "0001_initial"))
        draft = {**JSON_DRAFT, "collaboration": [
            {"agency_id": own.pk, "name": own.name, "plan": "共催"},
            {"agency_id": gone.pk, "name": "廃止会議所", "plan": "旧連携"}]}
        plan = old.get_model("plans", "AnnualPlan").objects.create(
            hub_id=cast.hub.pk, fiscal_year=YEAR, content=draft)
        # No draft protected an agency then (the models as they were: no collaboration rows).
        old.get_model("hubs", "SupportAgency").objects.filter(pk=gone.pk).delete()

        _migrate(LATEST)
        content = plan_content.snapshot(AnnualPlan.objects.get(pk=plan.pk))
        assert content["analysis"] == JSON_DRAFT["analysis"]
        assert content["targets"]["sessions"] == {"year": 120, "months": [10] * 12}
        assert content["targets"]["satisfaction"] == {"year": 85.5}
        # 0005 keeps each priority's text as its description, with no measure yet.
        assert content["priorities"] == [plan_content.normalize_priority(p)
                                         for p in JSON_DRAFT["priorities"]]
        assert [p["description"] for p in content["priorities"]] == ["20件", ""]
        assert content["collaboration"] == [
            {"agency_id": own.pk, "name": own.name, "plan": "共催"}]
        # The agency that is gone has no row, but its text is kept, under its name.
        assert content["initiatives"] == ("合同相談会\n\n"
                                          "【連携先（支援機関の登録なし）】廃止会議所\n旧連携")

        back = _migrate(("plans", "0001_initial"))
        json = back.get_model("plans", "AnnualPlan").objects.get(pk=plan.pk).content
        assert json["targets"]["sessions"] == {"year": 120, "months": [10] * 12}
        assert json["priorities"] == JSON_DRAFT["priorities"]
        assert json["collaboration"] == [{"agency_id": own.pk, "name": own.name, "plan": "共催"}]
        assert json["initiatives"] == content["initiatives"]
    finally:
        _migrate_to_the_end()
        rls.install()  # the tables made again carry the wall again
