"""The one versioned edit (yorozu.core.versioned): a stale version raises EditConflict with the
stored row and changes nothing, a current one saves and bumps, and two saves from the same
version at the same moment let exactly one through. Shown on support agencies; every app's
versioned records go through the same functions."""

import threading

import pytest
from django import forms
from django.db import connection, transaction
from django.test import RequestFactory

from hubs.models import SupportAgency
from tests.hubs.factories import AgencyFactory
from yorozu.core.errors import EditConflict
from yorozu.core.versioned import (
    VersionedForm,
    locked_at_version,
    submit_versioned,
    versioned_update,
)


def _update(agency, version, **fields):
    with transaction.atomic():
        return versioned_update(agency, version=version, fields=fields)


# --- Service side ------------------------------------------------------------------------------
def test_a_current_version_saves_and_bumps_it(cast):
    agency = AgencyFactory(hub=cast.hub, contact_person="佐藤")
    saved = _update(agency, 1, contact_person="鈴木")
    assert saved.version == 2 and saved.contact_person == "鈴木"
    assert agency.version == 2 and agency.contact_person == "鈴木"  # the caller's copy too
    agency.refresh_from_db()
    assert agency.version == 2 and agency.contact_person == "鈴木"


def test_a_stale_version_raises_with_the_stored_row_and_changes_nothing(cast):
    agency = AgencyFactory(hub=cast.hub, contact_person="佐藤")
    _update(agency, 1, contact_person="鈴木")
    with pytest.raises(EditConflict) as conflict:
        _update(agency, 1, contact_person="高橋")
    assert conflict.value.current.contact_person == "鈴木"
    assert conflict.value.current.version == 2
    agency.refresh_from_db()
    assert agency.contact_person == "鈴木" and agency.version == 2


def test_the_state_check_runs_on_the_locked_row_before_the_version(cast):
    agency = AgencyFactory(hub=cast.hub, is_active=False)

    def active_only(row):
        if not row.is_active:
            raise ValueError("inactive")

    with pytest.raises(ValueError), transaction.atomic():
        versioned_update(agency, version=99, fields={"notes": "x"}, check=active_only)
    agency.refresh_from_db()
    assert agency.version == 1 and agency.notes == ""


def test_locked_at_version_without_a_version_only_locks(cast):
    agency = AgencyFactory(hub=cast.hub)
    with transaction.atomic():
        assert locked_at_version(SupportAgency, pk=agency.pk, version=None).pk == agency.pk
        with pytest.raises(EditConflict):
            locked_at_version(SupportAgency.objects.all(), pk=agency.pk, version=7)


@pytest.mark.needs_postgres
def test_a_concurrent_second_save_from_the_same_version_conflicts(transactional_db, cast):
    agency = AgencyFactory(hub=cast.hub, contact_person="佐藤")
    holding, release = threading.Event(), threading.Event()
    results = {}

    def hold(_row):  # the first save has locked the row and is still working
        holding.set()
        release.wait(10)

    def run(name, contact, check=None):
        try:
            with transaction.atomic():
                versioned_update(agency, version=1, check=check,
                                 fields={"contact_person": contact})
            results[name] = "saved"
        except EditConflict as exc:
            results[name] = f"conflict with {exc.current.contact_person}"
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first", "鈴木", hold))
    first.start()
    assert holding.wait(10)
    second = threading.Thread(target=run, args=("second", "高橋"))
    second.start()
    second.join(1)
    assert second.is_alive(), "the second save should wait on the first one's row lock"
    release.set()
    first.join(10)
    second.join(10)
    assert results == {"first": "saved", "second": "conflict with 鈴木"}
    agency.refresh_from_db()
    assert agency.contact_person == "鈴木" and agency.version == 2


# --- Form and view side ------------------------------------------------------------------------
class _AgencyForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = SupportAgency
        fields = ["contact_person"]


def test_the_form_starts_from_the_records_version(cast):
    agency = AgencyFactory(hub=cast.hub)
    agency.version = 4
    assert _AgencyForm(instance=agency)["version"].value() == 4
    bound = _AgencyForm({"contact_person": "x"}, instance=agency)
    assert bound.is_valid() and bound.started_from() == 0  # a missing version never matches


def _post(data):
    return RequestFactory().post("/", data)


def test_submit_saves_on_a_current_version(cast):
    agency = AgencyFactory(hub=cast.hub)
    form = _AgencyForm(_post({"contact_person": "鈴木", "version": 1}).POST, instance=agency)
    outcome = submit_versioned(_post({}), form, lambda f: _update(
        agency, f.started_from(), contact_person=f.cleaned_data["contact_person"]))
    assert outcome.saved and outcome.conflict is None and outcome.status == 200


def test_submit_keeps_the_input_and_carries_the_stored_version_on_a_conflict(cast):
    agency = AgencyFactory(hub=cast.hub)
    _update(agency, 1, contact_person="鈴木")
    request = _post({"contact_person": "高橋", "version": 1})
    form = _AgencyForm(request.POST, instance=SupportAgency.objects.get(pk=agency.pk))
    outcome = submit_versioned(request, form, lambda f: _update(
        agency, f.started_from(), contact_person=f.cleaned_data["contact_person"]))
    assert not outcome.saved and outcome.status == 409
    assert outcome.conflict.contact_person == "鈴木"
    assert form.data["contact_person"] == "高橋" and form.data["version"] == 2


def test_submit_does_nothing_on_a_get_or_invalid_input(cast):
    agency = AgencyFactory(hub=cast.hub)
    calls = []
    get = RequestFactory().get("/")
    assert submit_versioned(get, _AgencyForm(instance=agency), calls.append).saved is False
    invalid = _post({"version": "x"})
    outcome = submit_versioned(invalid, _AgencyForm(invalid.POST, instance=agency), calls.append)
    assert not outcome.saved and outcome.conflict is None and calls == []
