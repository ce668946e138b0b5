"""The support-agency directory (支援機関名簿) as Excel or CSV, as the list shows it, with
Japanese headers like every file the hubs pass on (see consultations/exports.py)."""

from django.http import HttpResponse

from yorozu.core.downloads import book_for, download_response, japanese_labels

from .models import SupportAgency

AGENCY_HEADERS = ["名称", "種別", "担当者", "メールアドレス", "電話番号", "利用状況"]


def agencies_file(agencies, *, chosen: str, filename: str) -> HttpResponse:
    """`agencies` as selectors.agency_list returns them, in the `chosen` format."""
    kinds = japanese_labels(SupportAgency.Kind.choices)
    book = book_for(chosen)
    with book.table("支援機関") as table:
        table.header(AGENCY_HEADERS)
        for agency in agencies:
            table.row([agency.name, kinds.get(agency.kind, agency.kind), agency.contact_person,
                       agency.email, agency.phone, "利用中" if agency.is_active else "利用終了"])
    return download_response(book, filename=filename, fallback="agencies")
