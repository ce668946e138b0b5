"""Import of clients' financial figures: all or nothing, every bad row named by row and column,
clients found among the hub's own (never created), periods never recorded twice."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.outcomes.models import FinancialSnapshot
from tests.consultations.factories import ClientFactory

from .factories import SnapshotFactory

HEADER = ("法人番号,相談者名,決算期末,売上高（千円）,営業利益（千円）,人件費（千円）,"
          "減価償却費（千円）,従業員数,出典")


def _upload(client, user, *lines: str, name="figures.csv"):
    client.force_login(user)
    content = "\n".join([HEADER, *lines]).encode("utf-8-sig")
    return client.post(reverse("outcomes:snapshot_import", args=["13"]),
                       {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def test_every_row_is_imported_with_its_client_found_by_number_or_name(client, cast):
    numbered = ClientFactory(hub=cast.hub, name="株式会社よろず製作所",
                             corporate_number="7000012050002")
    named = ClientFactory(hub=cast.hub, name="有限会社みなと商会")
    response = _upload(client, cast.coordinator,
                       "7000012050002,株式会社よろず製作所,2024/03/31,\"120,000\",△1500,30000,4000,12,決算書",
                       ",(有)みなと商会,2025-03-31,80000,2000,20000,1000,,確定申告書")
    assert response.status_code == 302
    first = FinancialSnapshot.objects.get(client=numbered)
    assert (first.hub, first.period_end, first.sales, first.operating_profit,
            first.value_added, first.employees) == (cast.hub, date(2024, 3, 31), 120_000,
                                                    -1_500, 32_500, 12)
    second = FinancialSnapshot.objects.get(client=named)
    assert (second.source, second.employees, second.created_by) == ("tax_return", None,
                                                                    cast.coordinator)
    assert second.history.get().history_user == cast.coordinator


def test_one_bad_row_imports_nothing_and_is_named_by_row_and_column(client, cast):
    ClientFactory(hub=cast.hub, name="株式会社よろず製作所")
    response = _upload(client, cast.coordinator,
                       ",株式会社よろず製作所,2024/03/31,120000,1500,30000,4000,12,",
                       ",株式会社よろず製作所,2025/03/31,12.5万,1500,30000,4000,12,")
    assert response.status_code == 200
    assert [(row, column) for row, column, _message in response.context["errors"]] == [
        (3, "売上高（千円）")]
    assert not FinancialSnapshot.objects.exists()  # row 2 was fine, and is not saved either
    assert "import-errors" in response.content.decode()


def test_clients_of_other_hubs_unknown_names_and_shared_names_are_errors(client, cast):
    ClientFactory(hub=cast.other_hub, name="株式会社宮城商事", corporate_number="7000012050002")
    ClientFactory(hub=cast.hub, name="株式会社ふたご")
    ClientFactory(hub=cast.hub, name="ふたご株式会社")  # the same name for the duplicate check
    response = _upload(client, cast.coordinator,
                       "7000012050002,株式会社宮城商事,2024/03/31,1,1,1,1,,",
                       ",存在しない商事,2024/03/31,1,1,1,1,,",
                       ",株式会社ふたご,2024/03/31,1,1,1,1,,")
    assert [(row, column) for row, column, _message in response.context["errors"]] == [
        (2, "法人番号"), (3, "相談者名"), (4, "相談者名")]
    assert not FinancialSnapshot.objects.exists()


def test_a_period_on_record_or_given_twice_is_an_error(client, cast):
    firm = ClientFactory(hub=cast.hub, name="株式会社よろず製作所")
    SnapshotFactory(client=firm, period_end=date(2024, 3, 31))
    response = _upload(client, cast.coordinator,
                       ",株式会社よろず製作所,2024/03/31,1,1,1,1,,",
                       ",株式会社よろず製作所,2025/03/31,1,1,1,1,,",
                       ",株式会社よろず製作所,2025/03/31,2,2,2,2,,")
    assert [(row, column) for row, column, _message in response.context["errors"]] == [
        (2, "決算期末"), (4, "決算期末")]
    assert FinancialSnapshot.objects.count() == 1


def test_missing_columns_refuse_the_file(client, cast):
    client.force_login(cast.coordinator)
    content = "相談者名,決算期末\n株式会社よろず製作所,2024/03/31\n".encode()
    response = client.post(reverse("outcomes:snapshot_import", args=["13"]),
                           {"file": SimpleUploadedFile("f.csv", content)})
    assert "file" in response.context["form"].errors
    assert not FinancialSnapshot.objects.exists()


def test_the_implementing_organization_may_not_import(client, cast):
    ClientFactory(hub=cast.hub, name="株式会社よろず製作所")
    response = _upload(client, cast.impl_org, ",株式会社よろず製作所,2024/03/31,1,1,1,1,,")
    assert response.status_code == 403
    assert not FinancialSnapshot.objects.exists()
