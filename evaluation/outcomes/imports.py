"""Import of clients' financial figures (one period per row) from CSV or Excel, all or nothing.

The file is read by the session import's machinery (consultations/imports: the same formats,
encodings, bounds and text cleaning, with this format's columns); every row is checked before
anything is saved, errors are named by row and column, and if any row has one nothing is
saved. A row names a client of the hub already on record, by 法人番号 or else by its name;
an import never creates clients. docs/import-format.md describes the format for people."""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations import imports as base
from consultations.history import BATCH_SIZE, history_insert
from consultations.models import Client
from consultations.validators import client_name_key, normalize_digits
from hubs.access import require
from hubs.roles import CHANGE_RECORDS

from .exports import SOURCE_LABELS
from .models import MAX_AMOUNT, FinancialSnapshot, validate_period_ended
from .services import SNAPSHOT_FIELDS

CORPORATE_NUMBER = "法人番号"
CLIENT_NAME = "相談者名"
PERIOD_END = "決算期末"
SALES = "売上高（千円）"
OPERATING_PROFIT = "営業利益（千円）"
PERSONNEL_COSTS = "人件費（千円）"
DEPRECIATION = "減価償却費（千円）"
EMPLOYEES = "従業員数"
SOURCE = "出典"

SOURCES = {base.normalized(label): code for code, label in SOURCE_LABELS.items()}
# △ and ▲ mark a negative number in Japanese statements; (1,234) in accounting formats.
NEGATIVE = re.compile(r"^[△▲\-−](.+)$|^\((.+)\)$")

COLUMNS = [
    base.Column(CORPORATE_NUMBER, False, gettext_lazy(
        "13 digits. Finds the client among the hub's clients; without it, the name does."),
        "7000012050002", 13),
    base.Column(CLIENT_NAME, True, gettext_lazy(
        "The client's name as recorded (株式会社 and (株) are the same). Must name one client "
        "of this hub; add the corporate number where two share a name."),
        "株式会社よろず製作所", 200),
    base.Column(PERIOD_END, True, gettext_lazy(
        "Last day of the firm's fiscal period (決算期末), YYYY-MM-DD or YYYY/MM/DD; a period "
        "that has ended."), "2025/03/31"),
    base.Column(SALES, True, gettext_lazy("Sales in thousands of yen, a whole number."),
                "120000"),
    base.Column(OPERATING_PROFIT, True, gettext_lazy(
        "Operating profit in thousands of yen; a loss as -, △ or ▲ before the number."),
        "△1500"),
    base.Column(PERSONNEL_COSTS, True, gettext_lazy(
        "Personnel costs in thousands of yen, a whole number."), "30000"),
    base.Column(DEPRECIATION, True, gettext_lazy(
        "Depreciation in thousands of yen, a whole number."), "4000"),
    base.Column(EMPLOYEES, False, gettext_lazy("Number of employees, a whole number."), "12"),
    base.Column(SOURCE, False, gettext_lazy("Where the figures come from. Blank means 決算書."),
                "／".join(SOURCE_LABELS.values())),
]
BY_HEADER = {c.header: c for c in COLUMNS}


def column_table() -> list[dict]:
    return [{"header": c.header, "required": c.required, "help": c.help, "example": c.example}
            for c in COLUMNS]


def read_upload(uploaded) -> base.Upload:
    return base.read_upload(uploaded, columns=COLUMNS)


def parse_amount(value, *, negative: bool = False) -> int:
    """A whole number of thousand yen: digits with or without separators, full-width too."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = unicodedata.normalize("NFKC", base.cell_text(value)).replace(",", "").strip()
        sign, match = 1, NEGATIVE.match(text)
        if match and negative:
            sign, text = -1, (match[1] or match[2]).strip()
        if not re.fullmatch(r"\d{1,13}", normalize_digits(text)):
            raise base.RowError(_("Enter a whole number of thousand yen (e.g. 12000)."))
        number = sign * int(normalize_digits(text))
    if number < 0 and not negative:
        raise base.RowError(_("Enter 0 or more: only operating profit can be negative."))
    if abs(number) > MAX_AMOUNT:
        raise base.RowError(_("Too large: at most %(max)s thousand yen.")
                            % {"max": f"{MAX_AMOUNT:,}"})
    return number


def parse_count(value) -> int:
    number = parse_amount(value)
    if number > 1_000_000:
        raise base.RowError(_("Enter the number of employees, at most 1,000,000."))
    return number


@dataclass
class Checked:
    upload: base.Upload
    hub: object

    @property
    def rows(self) -> list:
        return self.upload.rows

    @property
    def rejected_rows(self) -> list:
        return [r for r in self.rows if not r.ok]

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        return [(row.number, column, message) for row in self.rows
                for column, message in row.errors]


class _Clients:
    """The hub's clients that the file's rows name, read once: by corporate number and by the
    name as compared for duplicates (validators.client_name_key)."""

    def __init__(self, hub, rows: list):
        numbers = {r.data.get("corporate_number") for r in rows} - {None, ""}
        keys = {client_name_key(r.data["name"]) for r in rows if r.data.get("name")}
        self.by_number, self.by_key = {}, {}
        for client in (Client.objects.filter(hub=hub, corporate_number__in=sorted(numbers))
                       .only("pk", "hub_id", "name", "corporate_number")):
            self.by_number[client.corporate_number] = client
        for client in (Client.objects.filter(hub=hub, name_key__in=sorted(keys))
                       .only("pk", "hub_id", "name", "name_key")):
            self.by_key.setdefault(client.name_key, []).append(client)

    def find(self, data: dict):
        if data.get("corporate_number"):
            client = self.by_number.get(data["corporate_number"])
            if client is None:
                raise base.RowError(_("No client of this hub has this corporate number."))
            return client
        found = self.by_key.get(client_name_key(data["name"]), [])
        if not found:
            raise base.RowError(_("No client of this hub has this name. Register the client "
                                  "first, or check the spelling."))
        if len(found) > 1:
            raise base.RowError(_("Several clients of this hub have this name. Add the "
                                  "corporate number to say which."))
        return found[0]


def _field(row, header: str, parse, *, default=None):
    value, column = row.values.get(header), BY_HEADER[header]
    if base.is_blank(value):
        if column.required:
            row.errors.append((header, _("This column is required.")))
        return default
    if column.max_length and len(base.cell_text(value)) > column.max_length:
        row.errors.append((header, _("Too long: at most %(max)s characters.")
                           % {"max": column.max_length}))
        return default
    try:
        return parse(value)
    except base.RowError as exc:
        row.errors.append((header, str(exc)))
    except ValidationError as exc:
        row.errors.append((header, " ".join(str(m) for m in exc.messages)))
    return default


def _period_end(value):
    day = base.parse_date(value)
    validate_period_ended(day)
    return day


def _source(value) -> str:
    code = SOURCES.get(base.normalized(base.cell_text(value)))
    if code is None:
        raise base.RowError(_("“%(value)s” is not one of the allowed values: %(choices)s.")
                            % {"value": base.cell_text(value),
                               "choices": "、".join(SOURCE_LABELS.values())})
    return code


def _row_check(row) -> None:
    data = row.data
    data["corporate_number"] = _field(
        row, CORPORATE_NUMBER, lambda v: normalize_digits(base.cell_text(v)).replace("-", ""),
        default="")
    data["name"] = _field(row, CLIENT_NAME, base.cell_text, default="")
    data["period_end"] = _field(row, PERIOD_END, _period_end)
    data["sales"] = _field(row, SALES, parse_amount)
    data["operating_profit"] = _field(row, OPERATING_PROFIT,
                                      lambda v: parse_amount(v, negative=True))
    data["personnel_costs"] = _field(row, PERSONNEL_COSTS, parse_amount)
    data["depreciation"] = _field(row, DEPRECIATION, parse_amount)
    data["employees"] = _field(row, EMPLOYEES, parse_count)
    data["source"] = _field(row, SOURCE, _source, default=FinancialSnapshot.Source.STATEMENTS)


def check(upload: base.Upload, *, hub) -> Checked:
    """Checks every row: its own cells, its client among the hub's, and that its period is
    neither on record for that client nor given twice in the file."""
    for row in upload.rows:
        _row_check(row)
    clients, seen = _Clients(hub, upload.rows), {}
    for row in upload.rows:
        if not (row.data["name"] or row.data["corporate_number"]):
            continue
        try:
            row.data["client"] = client = clients.find(row.data)
        except base.RowError as exc:
            row.errors.append((CORPORATE_NUMBER if row.data["corporate_number"]
                               else CLIENT_NAME, str(exc)))
            continue
        period = row.data["period_end"]
        if period is not None and (client.pk, period) in seen:
            row.errors.append((PERIOD_END, _("Row %(row)s already gives this client's figures "
                                             "for this period.") % {"row": seen[client.pk,
                                                                                period]}))
        elif period is not None:
            seen[client.pk, period] = row.number
    _on_record(upload.rows, seen)
    return Checked(upload=upload, hub=hub)


def _on_record(rows: list, seen: dict) -> None:
    """Periods already recorded for their client: edited on the client page, not imported."""
    if not seen:
        return
    client_ids = sorted({client_id for client_id, _period in seen})
    recorded = set(FinancialSnapshot.objects.filter(client_id__in=client_ids)
                   .values_list("client_id", "period_end"))
    for (client_id, period), number in seen.items():
        if (client_id, period) in recorded:
            row = next(r for r in rows if r.number == number)
            row.errors.append((PERIOD_END, _("This client's figures for this period are "
                                             "already recorded. Edit them on the client "
                                             "page instead.")))


@transaction.atomic
def run(checked: Checked, *, by) -> int:
    """Saves every row, or nothing: refuses (ValueError) a file with any error. Each snapshot
    is validated by the model and gets a history record by the importer. Returns how many."""
    require(by, CHANGE_RECORDS, checked.hub.pk)
    if checked.errors:
        raise ValueError("the file has errors")
    snapshots = []
    for row in checked.rows:
        snapshot = FinancialSnapshot(hub_id=checked.hub.pk, client=row.data["client"],
                                     created_by=by, **{f: row.data[f] for f in SNAPSHOT_FIELDS})
        snapshot.full_clean(exclude=["client", "hub", "created_by"], validate_unique=False,
                            validate_constraints=False)
        snapshots.append(snapshot)
    FinancialSnapshot.objects.bulk_create(snapshots, batch_size=BATCH_SIZE)
    history_insert(FinancialSnapshot, snapshots, by=by)
    return len(snapshots)
