"""Every file that carries clients' personal data leaves a PersonalDataRead: one row per
download (not one per client), with how many rows it held and the filters that chose them."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from consultations.models import Case, ImportBatch, PersonalDataRead
from tests.consultations.factories import CaseFactory, ClientFactory
from yorozu.core import fiscal


def _export(client, user, jis_code="13", **filters):
    client.force_login(user)
    response = client.get(reverse("consultations:case_list", args=[jis_code]),
                          {"format": "xlsx", **filters})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response


@pytest.fixture
def cases(cast):
    CaseFactory(hub=cast.hub, lead=cast.coordinator,
                client=ClientFactory(hub=cast.hub, name="株式会社よろず製作所"))
    CaseFactory(hub=cast.hub, lead=cast.coordinator, status=Case.Status.RESOLVED,
                closed_on=fiscal.today())
    CaseFactory(hub=cast.hub, lead=cast.chief)
    CaseFactory(hub=cast.other_hub, lead=cast.outsider)


@pytest.mark.parametrize("role", ["coordinator", "chief", "impl_org", "hq"])
def test_every_roles_case_export_is_recorded_once_with_its_row_count(client, cast, cases, role):
    user = cast.by_role()[role]

    _export(client, user)

    read = PersonalDataRead.objects.get(user=user)
    assert (read.hub, read.client, read.what, read.rows) == (cast.hub, None, "case_export", 3)


def test_the_export_record_says_which_filters_chose_the_rows(client, cast, cases):
    _export(client, cast.coordinator, status="open", lead=str(cast.coordinator.pk), q="よろず")

    read = PersonalDataRead.objects.get(user=cast.coordinator)
    assert read.rows == 1
    assert "status=open" in read.detail and "q=よろず" in read.detail
    assert f"lead={cast.coordinator.pk}" in read.detail


def test_hqs_case_list_page_is_still_recorded_and_a_hubs_own_page_is_not(client, cast, cases):
    client.force_login(cast.hq)
    client.get(reverse("consultations:case_list", args=["13"]))
    client.force_login(cast.coordinator)
    client.get(reverse("consultations:case_list", args=["13"]))

    assert list(PersonalDataRead.objects.values_list("user", "what")) == [
        (cast.hq.pk, "case_list")]


def test_the_rejected_rows_download_is_recorded_with_its_row_count(client, cast):
    batch = ImportBatch.objects.create(hub=cast.hub, created_by=cast.coordinator,
                                       filename="x.xlsx", rejected=4,
                                       rejected_file=ContentFile(b"PK", name="r.xlsx"))
    client.force_login(cast.coordinator)

    client.get(reverse("consultations:import_rejected", args=[batch.pk]))

    read = PersonalDataRead.objects.get()
    assert (read.user, read.hub, read.what, read.rows) == (
        cast.coordinator, cast.hub, "import_rejected", 4)
    assert str(batch.pk) in read.detail
