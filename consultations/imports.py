"""Import of historical consultation sessions from CSV or Excel (.xlsx).

Three steps, each usable on its own:

1. `read_upload` reads the file (CSV in UTF-8 with or without BOM or in Shift_JIS/cp932, or an
   .xlsx workbook) into header and rows, refusing files that are too large, too long or
   unreadable with an `ImportFileError` whose message the user can act on.
2. `check` validates every row against the hub's topics and coordinators, collecting
   (row, column, message) errors. Row numbers are the ones the user sees in the file: the
   header is row 1.
3. `run` creates clients, cases and sessions through the services (access check, validation,
   history) in one transaction, and records an ImportBatch; rows left out are kept as an .xlsx
   with an エラー column.

The column headers are data, not UI text: they are Japanese literals whatever language the
user picked. docs/import-format.md describes the format for people.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from yorozu import fiscal

from . import services
from .exports import (
    CHANNEL_LABELS,
    DEPTH_LABELS,
    KIND_LABELS,
    cell,
    header_row,
    workbook_bytes,
)
from .forms import hub_coordinators
from .models import Case, Client, ImportBatch, Session, Topic
from .validators import normalize_digits, validate_corporate_number, validate_phone

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# An .xlsx is a zip: refuse one that would unpack to far more than any real sheet (zip bomb).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_DURATION = 600
IN_CHUNK = 500  # lookups by value lists stay well under every database's parameter limit

# --- Columns ---------------------------------------------------------------------------------
HELD_ON = "相談日"
START_TIME = "開始時刻"
DURATION = "対応時間（分）"
CHANNEL = "相談方法"
CLIENT_NAME = "相談者名"
CLIENT_KANA = "相談者名（カナ）"
KIND = "事業形態"
CORPORATE_NUMBER = "法人番号"
PHONE = "電話番号"
COORDINATOR = "担当コーディネーター"
TOPICS = "相談分野"
DEPTH = "支援の深さ"
SUMMARY = "相談内容"
PROPOSAL = "提案内容"
NEXT_STEP = "次のステップ"
NEXT_STEP_DUE = "次のステップ期限"
CASE_KEY = "案件キー"
ERRORS = "エラー"

REQUIRED_MARK = "＊"
TOPIC_SEPARATORS = re.compile(r"[／/;；]")


@dataclass(frozen=True)
class Column:
    header: str
    required: bool
    help: str
    example: str = ""
    max_length: int | None = None


COLUMNS = [
    Column(HELD_ON, True, gettext_lazy(
        "Date of the session, YYYY-MM-DD or YYYY/MM/DD. Must not be in the future."),
        "2024/04/15"),
    Column(START_TIME, False, gettext_lazy("Start time, HH:MM (24-hour clock)."), "13:30"),
    Column(DURATION, True, gettext_lazy(
        "Length of the session in minutes, a whole number from 1 to 600."), "60"),
    Column(CHANNEL, True, gettext_lazy("How the session was held."),
           "／".join(CHANNEL_LABELS.values())),
    Column(CLIENT_NAME, True, gettext_lazy(
        "Name of the business (for someone planning to start one, the person's name)."),
        "株式会社よろず製作所", 200),
    Column(CLIENT_KANA, False, gettext_lazy("Reading of the name in katakana."),
           "ヨロズセイサクショ", 200),
    Column(KIND, False, gettext_lazy("Business type. Blank means 法人."),
           "／".join(KIND_LABELS.values())),
    Column(CORPORATE_NUMBER, False, gettext_lazy(
        "13 digits, corporations only. Finds the client among the hub's existing clients."),
        "7000012050002", 13),
    Column(PHONE, False, gettext_lazy(
        "Digits, with hyphens if you like. Without a corporate number, the name and phone "
        "number together find an existing client."), "03-1234-5678", 20),
    Column(COORDINATOR, True, gettext_lazy(
        "Email address of an active coordinator or chief coordinator of this hub. They are "
        "recorded as present at the session and lead the case."), "tanaka@example.jp"),
    Column(TOPICS, True, gettext_lazy(
        "One or more consultation topics, separated by ／ or ;."), "売上拡大／IT・DX"),
    Column(DEPTH, False, gettext_lazy("Support depth. Blank means 専門的な提案."),
           "／".join(DEPTH_LABELS.values())),
    Column(SUMMARY, True, gettext_lazy("What was discussed."), ""),
    Column(PROPOSAL, False, gettext_lazy("What was proposed."), ""),
    Column(NEXT_STEP, False, gettext_lazy("The agreed next step, up to 300 characters."), "",
           300),
    Column(NEXT_STEP_DUE, False, gettext_lazy(
        "Due date of the next step, in the same form as the date. Needs a next step."), ""),
    Column(CASE_KEY, False, gettext_lazy(
        "Any label. Rows with the same key and the same client become one case; a row "
        "without a key becomes a case of its own."), "A-001", 100),
]
COLUMNS_BY_HEADER = {c.header: c for c in COLUMNS}


def _norm(value: str) -> str:
    """For comparing labels: width-folded (NFKC), without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or ""))


def _header_key(value) -> str:
    # "相談日＊", "相談日*" and " 相談日 " all name 相談日.
    return _norm(str(value if value is not None else "")).rstrip("*※")


HEADER_KEYS = {_header_key(c.header): c.header for c in COLUMNS}
CHANNELS = {_norm(label): code for code, label in CHANNEL_LABELS.items()}
KINDS = {_norm(label): code for code, label in KIND_LABELS.items()} | {_norm("個人"): "sole"}
DEPTHS = {_norm(label): code for code, label in DEPTH_LABELS.items()}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; `message` says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Step 1: reading -------------------------------------------------------------------------
@dataclass
class Row:
    number: int  # as the user sees it in the file: the header is row 1
    raw: list  # the values as read, for the rejected-rows file
    values: dict  # header -> raw value, for the known columns
    errors: list = field(default_factory=list)  # [(header, message)]
    data: dict = field(default_factory=dict)  # cleaned values, once checked

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Upload:
    filename: str
    headers: list  # as in the file, for the rejected-rows file
    rows: list[Row]
    ignored_headers: list[str] = field(default_factory=list)


def read_upload(uploaded) -> Upload:
    """Reads an uploaded file (a Django UploadedFile or anything with .name, .size, .read())."""
    name = getattr(uploaded, "name", "") or ""
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportFileError(_too_big())
    content = uploaded.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ImportFileError(_too_big())
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    lower = name.lower()
    if content.startswith(b"PK\x03\x04") or lower.endswith((".xlsx", ".xlsm")):
        records = _xlsx_records(content)
    elif lower.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Excel 97-2003 workbooks (.xls) cannot be read. Save the file "
                                "as an Excel workbook (.xlsx) or as CSV and upload it again."))
    else:
        records = _csv_records(content)
    return _upload(name, records)


def _too_big() -> str:
    return _("The file is larger than 5 MB. Split it into smaller files and import them one "
             "by one.")


def _too_long() -> str:
    return _("The file has more than %(max)s data rows. Split it into smaller files and import "
             "them one by one.") % {"max": f"{MAX_ROWS:,}"}


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS as Japanese Excel saves it (cp932, which
    adds the NEC and IBM extensions: ①, ㈱, 髙...)."""
    bom = content.startswith(b"\xef\xbb\xbf")
    for encoding in ["utf-8-sig"] if bom else ["utf-8", "cp932"]:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file's character encoding could not be recognised. In Excel, "
                            "save it as \"CSV UTF-8\" or as an Excel workbook (.xlsx)."))


def _csv_records(content: bytes):
    text = decode_csv(content)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file could not be read (%(error)s). Check that it was "
                                "saved as CSV.") % {"error": exc}) from exc


def _xlsx_records(content: bytes):
    unreadable = _("The Excel file could not be read. Check that it is an Excel workbook "
                   "(.xlsx) and that it is not protected by a password.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(unreadable) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_too_big())
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(unreadable) from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _upload(filename: str, records) -> Upload:
    records = iter(records)
    headers = next(records, None)
    while headers is not None and all(_blank(v) for v in headers):
        headers = next(records, None)
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    while headers and _blank(headers[-1]):
        headers = headers[:-1]
    positions, ignored = _columns(headers)
    rows = []
    for number, raw in enumerate(records, start=2):
        if all(_blank(v) for v in raw):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(_too_long())
        values = {header: raw[i] if i < len(raw) else None for header, i in positions.items()}
        rows.append(Row(number=number, raw=list(raw), values=values))
    if not rows:
        raise ImportFileError(_("The file has no data rows under the header row."))
    return Upload(filename=filename, headers=list(headers), rows=rows, ignored_headers=ignored)


def _columns(headers) -> tuple[dict, list]:
    positions, ignored = {}, []
    for i, value in enumerate(headers):
        header = HEADER_KEYS.get(_header_key(value))
        if header is None:
            if not _blank(value):
                ignored.append(str(value).strip())
            continue
        if header in positions:
            raise ImportFileError(_("The column %(column)s appears more than once. Keep one "
                                    "and upload the file again.") % {"column": header})
        positions[header] = i
    missing = [c.header for c in COLUMNS if c.required and c.header not in positions]
    if missing:
        raise ImportFileError(_(
            "The first row must be the column headers, and these required columns are "
            "missing: %(columns)s. Compare the header row with the table on this page.")
            % {"columns": "、".join(missing)})
    return positions, ignored


# --- Step 2: checking ------------------------------------------------------------------------
@dataclass
class Checked:
    upload: Upload
    hub: object

    @property
    def rows(self) -> list[Row]:
        return self.upload.rows

    @property
    def valid_rows(self) -> list[Row]:
        return [r for r in self.rows if r.ok]

    @property
    def rejected_rows(self) -> list[Row]:
        return [r for r in self.rows if not r.ok]

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        """(row, column, message), in file order."""
        return [(row.number, column, message) for row in self.rows
                for column, message in row.errors]


class _RowError(Exception):
    pass


def _text(value) -> str:
    """A cell as text: numbers without a trailing .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.fullmatch(unicodedata.normalize("NFKC", _text(value)))
    if not match:
        raise _RowError(_("Enter the date as YYYY-MM-DD or YYYY/MM/DD (e.g. 2024/04/15)."))
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise _RowError(_("This date does not exist. Check the month and day.")) from exc


def parse_time(value) -> time:
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = _TIME.fullmatch(unicodedata.normalize("NFKC", _text(value)))
    hour, minute = (int(match[1]), int(match[2])) if match else (99, 99)
    if hour > 23 or minute > 59:
        raise _RowError(_("Enter the time as HH:MM on the 24-hour clock (e.g. 13:30)."))
    return time(hour, minute)


def parse_minutes(value) -> int:
    text = unicodedata.normalize("NFKC", _text(value)).replace(",", "")
    if not re.fullmatch(r"\d+", text) or not 1 <= int(text) <= MAX_DURATION:
        raise _RowError(_("Enter the minutes as a whole number from 1 to %(max)s.")
                        % {"max": MAX_DURATION})
    return int(text)


def _choice(value, choices: dict, labels: dict) -> str:
    code = choices.get(_norm(_text(value)))
    if code is None:
        raise _RowError(_("“%(value)s” is not one of the allowed values: %(choices)s.")
                        % {"value": _text(value), "choices": "、".join(labels.values())})
    return code


def _message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


class _Checker:
    """Validates rows against data loaded once: topics and the hub's coordinators."""

    def __init__(self, hub):
        self.hub = hub
        self.today = fiscal.today()
        self.now = timezone.localtime().time()
        self.topics = {}
        for topic in Topic.objects.filter(is_active=True):
            for label in (topic.name_ja, topic.name_en, topic.code):
                self.topics.setdefault(_norm(label).lower(), topic)
        self.coordinators = {u.email.lower(): u for u in hub_coordinators(hub)}

    def check(self, row: Row) -> None:
        values, data = row.values, row.data

        def field_(header, parse, *, default=None):
            value = values.get(header)
            column = COLUMNS_BY_HEADER[header]
            if _blank(value):
                if column.required:
                    row.errors.append((header, _("This column is required.")))
                return default
            if column.max_length and len(_text(value)) > column.max_length:
                row.errors.append((header, _("Too long: at most %(max)s characters.")
                                   % {"max": column.max_length}))
                return default
            try:
                return parse(value)
            except _RowError as exc:
                row.errors.append((header, str(exc)))
            except ValidationError as exc:
                row.errors.append((header, _message(exc)))
            return default

        data["held_on"] = field_(HELD_ON, self._held_on)
        data["start_time"] = field_(START_TIME, parse_time)
        data["duration_minutes"] = field_(DURATION, parse_minutes)
        data["channel"] = field_(CHANNEL, lambda v: _choice(v, CHANNELS, CHANNEL_LABELS))
        data["name"] = field_(CLIENT_NAME, _text)
        data["name_kana"] = field_(CLIENT_KANA, _text, default="")
        data["kind"] = field_(KIND, lambda v: _choice(v, KINDS, KIND_LABELS),
                              default=Client.Kind.CORPORATION)
        data["corporate_number"] = field_(CORPORATE_NUMBER, self._corporate_number, default="")
        data["phone"] = field_(PHONE, self._phone, default="")
        data["lead"] = field_(COORDINATOR, self._coordinator)
        data["topics"] = field_(TOPICS, self._topics)
        data["depth"] = field_(DEPTH, lambda v: _choice(v, DEPTHS, DEPTH_LABELS),
                               default=Case.Depth.EXPERT)
        data["summary"] = field_(SUMMARY, _text)
        data["proposal"] = field_(PROPOSAL, _text, default="")
        data["next_step"] = field_(NEXT_STEP, _text, default="")
        data["next_step_due"] = field_(NEXT_STEP_DUE, parse_date)
        data["case_key"] = field_(CASE_KEY, _text, default="")
        self._across_columns(row)

    def _held_on(self, value) -> date:
        day = parse_date(value)
        if day > self.today:
            raise _RowError(_("This date is in the future. Record only what has happened."))
        return day

    def _corporate_number(self, value) -> str:
        number = normalize_digits(_text(value)).replace("-", "")
        validate_corporate_number(number)
        return number

    def _phone(self, value) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            # Excel drops the leading zero of a phone number typed into a number cell;
            # every Japanese number written domestically starts with 0.
            value = "0" + _text(value)
        phone = normalize_digits(_text(value))
        validate_phone(phone)
        return phone

    def _coordinator(self, value):
        email = unicodedata.normalize("NFKC", _text(value)).strip().lower()
        user = self.coordinators.get(email)
        if user is None:
            raise _RowError(_("%(email)s is not an active coordinator or chief coordinator of "
                              "this hub. Enter the email address they log in with.")
                            % {"email": _text(value)})
        return user

    def _topics(self, value) -> list:
        found, unknown = [], []
        for part in TOPIC_SEPARATORS.split(_text(value)):
            if not part.strip():
                continue
            topic = self.topics.get(_norm(part).lower())
            if topic is None:
                unknown.append(part.strip())
            elif topic not in found:
                found.append(topic)
        if unknown:
            raise _RowError(_("Unknown topic: %(topics)s. Use the topic names listed on the "
                              "import page.") % {"topics": "、".join(unknown)})
        if not found:
            raise _RowError(_("This column is required."))
        return found

    def _across_columns(self, row: Row) -> None:
        data, errors = row.data, row.errors
        if data["corporate_number"] and data["kind"] != Client.Kind.CORPORATION:
            errors.append((CORPORATE_NUMBER, _(
                "Only corporations have a corporate number. Change the business type or "
                "leave this blank.")))
        if (data["held_on"] == self.today and data["start_time"]
                and data["start_time"] > self.now):
            errors.append((START_TIME, _("This time is in the future. Record only what has "
                                         "happened.")))
        due = data["next_step_due"]
        if due and data["held_on"] and due < data["held_on"]:
            errors.append((NEXT_STEP_DUE, _("The due date must not be before the session.")))
        if due and not data["next_step"]:
            errors.append((NEXT_STEP, _("Say what the next step is, or clear its due date.")))


def check(upload: Upload, *, hub) -> Checked:
    """Checks every row; errors end up in row.errors."""
    checker = _Checker(hub)
    for row in upload.rows:
        checker.check(row)
    return Checked(upload=upload, hub=hub)


# --- Step 3: importing -----------------------------------------------------------------------
BATCH_SIZE = 500


@dataclass
class Result:
    batch: ImportBatch
    sessions: int
    cases: int
    clients_created: int
    clients_matched: int


def _chunks(values: list, size: int = IN_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Clients:
    """Finds each row's client among the hub's clients (by corporate number, else by the exact
    name and phone number) or makes a new, unsaved one, once per file."""

    def __init__(self, hub, rows: list[Row]):
        self.hub = hub
        self.by_number, self.by_name_phone, self.new_by_name = {}, {}, {}
        self.new, self.matched = [], set()
        numbers = sorted({r.data["corporate_number"] for r in rows if r.data["corporate_number"]})
        for part in _chunks(numbers):
            for client in Client.objects.filter(hub=hub, corporate_number__in=part).order_by("pk"):
                self.by_number.setdefault(client.corporate_number, client)
        phones = sorted({r.data["phone"] for r in rows if r.data["phone"]})
        names = {r.data["name"] for r in rows if r.data["phone"]}
        for part in _chunks(phones):
            for client in Client.objects.filter(hub=hub, phone__in=part).order_by("pk"):
                if client.name in names:
                    self.by_name_phone.setdefault((client.name, client.phone), client)

    def _find(self, data: dict):
        number, name, phone = data["corporate_number"], data["name"], data["phone"]
        if number and number in self.by_number:
            return self.by_number[number]
        if phone:
            client = self.by_name_phone.get((name, phone))
            if client is not None and (not number or not client.corporate_number):
                return client
        elif not number:
            return self.new_by_name.get(name)
        return None

    def get(self, data: dict) -> Client:
        client = self._find(data)
        if client is not None:
            if client.pk is not None:
                self.matched.add(client.pk)
            return client
        client = Client(hub=self.hub, name=data["name"], name_kana=data["name_kana"],
                        kind=data["kind"], corporate_number=data["corporate_number"],
                        phone=data["phone"])
        self.new.append(client)
        if client.corporate_number:
            self.by_number[client.corporate_number] = client
        if client.phone:
            self.by_name_phone.setdefault((client.name, client.phone), client)
        elif not client.corporate_number:
            self.new_by_name[client.name] = client
        return client


@dataclass
class _Plan:
    new_clients: list
    cases: list  # [(Case, topics, rows)], each case's rows in date order
    clients_matched: int


def _plan(hub, rows: list[Row]) -> _Plan:
    clients = _Clients(hub, rows)
    # The rows of one case: same client and same case key; a row without a key is a case alone.
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        client = row.data["client"] = clients.get(row.data)
        key = (id(client), row.data["case_key"]) if row.data["case_key"] else (None, row.number)
        groups.setdefault(key, []).append(row)
    cases = []
    for group in groups.values():
        group.sort(key=lambda r: (r.data["held_on"], r.data["start_time"] or time(), r.number))
        first = group[0].data
        topics = []
        for row in group:
            topics += [t for t in row.data["topics"] if t not in topics]
        # Opened on its first session's date, led by that session's coordinator, at its depth.
        case = Case(hub_id=hub.pk, client=first["client"], lead=first["lead"],
                    depth=first["depth"], opened_on=first["held_on"])
        cases.append((case, topics, group))
    return _Plan(new_clients=clients.new, cases=cases, clients_matched=len(clients.matched))


def _session_data(data: dict) -> dict:
    return {name: data[name] for name in services.SESSION_FIELDS}


def _save_with_services(plan: _Plan, *, hub, by) -> None:
    """One record at a time through the services: for databases that cannot return the keys
    of bulk inserts."""
    for client in plan.new_clients:
        saved = services.client_create(hub=hub, by=by, data={
            f: getattr(client, f) for f in ("name", "name_kana", "kind", "corporate_number",
                                             "phone")})
        client.pk, client._state.adding = saved.pk, False
    for case, topics, rows in plan.cases:
        saved = services.case_create(client=case.client, by=by, lead=case.lead, topics=topics,
                                     depth=case.depth, opened_on=case.opened_on)
        for row in rows:
            services.session_create(case=saved, by=by, data=_session_data(row.data),
                                    coordinators=[row.data["lead"]])


# Foreign keys point to rows loaded or created by this import; not checking them again in
# full_clean() saves a query per record.
_KNOWN = {Client: ["hub", "industry", "created_by"],
          Case: ["hub", "client", "lead", "created_by"],
          Session: ["hub", "case", "created_by"]}


def _insert(model, objs: list, *, by) -> list:
    """What services._save_new does for one record, for many: validated, created_by set, saved
    with a history record ("+", by `by`). Returns the history records, in order."""
    for obj in objs:
        obj.created_by = by
        # Rows were checked beforehand; this is the models' own last line of defence.
        obj.full_clean(exclude=_KNOWN[model], validate_unique=False, validate_constraints=False)
    model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    return model.history.bulk_history_create(objs, batch_size=BATCH_SIZE, default_user=by)


def _insert_m2m(model, field_name: str, owners: list, histories: list, targets: list) -> None:
    """Many-to-many rows, and their copies on the owners' history records as simple-history
    makes them: targets[i] are the related objects of owners[i]."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    links = [[through(**{f"{source}_id": owner.pk, f"{target}_id": related.pk})
              for related in targets_of_owner]
             for owner, targets_of_owner in zip(owners, targets, strict=True)]
    through.objects.bulk_create([link for group in links for link in group],
                                batch_size=BATCH_SIZE)
    history_model = getattr(model.history.model, field_name).model
    history_model.objects.bulk_create(
        [history_model(history=history, id=link.pk,
                       **{f"{source}_id": getattr(link, f"{source}_id"),
                          f"{target}_id": getattr(link, f"{target}_id")})
         for history, group in zip(histories, links, strict=True) for link in group],
        batch_size=BATCH_SIZE)


def _save_in_bulk(plan: _Plan, *, hub, by) -> None:
    """The same records as _save_with_services, inserted in batches: a few dozen queries for
    thousands of rows instead of some twenty per row."""
    _insert(Client, plan.new_clients, by=by)
    # bulk_create takes each case's client key from its client object, saved just now.
    cases = [case for case, _topics, _rows in plan.cases]
    histories = _insert(Case, cases, by=by)
    _insert_m2m(Case, "topics", cases, histories, [topics for _c, topics, _r in plan.cases])
    sessions, leads = [], []
    for case, _topics, rows in plan.cases:
        for row in rows:
            sessions.append(Session(hub_id=hub.pk, case=case, **_session_data(row.data)))
            leads.append([row.data["lead"]])
    histories = _insert(Session, sessions, by=by)
    _insert_m2m(Session, "coordinators", sessions, histories, leads)


def bulk_supported() -> bool:
    return connection.features.can_return_rows_from_bulk_insert


@transaction.atomic
def run(checked: Checked, *, by, valid_only: bool = False) -> Result:
    """Imports the checked rows: all of them, or with `valid_only` those without errors, the
    others going to the batch's rejected file. All or nothing: if anything fails, nothing is
    saved. Refuses (ValueError) to import a file with errors unless `valid_only`."""
    hub = checked.hub
    services.require_change(by, hub.pk)
    rows, rejected = checked.valid_rows, checked.rejected_rows
    if rejected and not valid_only:
        raise ValueError("the file has errors")
    if not rows:
        raise ValueError("no valid rows")
    plan = _plan(hub, rows)
    save = _save_in_bulk if bulk_supported() else _save_with_services
    save(plan, hub=hub, by=by)
    batch = ImportBatch.objects.create(
        hub=hub, created_by=by, filename=checked.upload.filename[:200], imported=len(rows),
        rejected=len(rejected),
        rejected_file=rejected_workbook(checked.upload, rejected) if rejected else b"")
    return Result(batch=batch, sessions=len(rows), cases=len(plan.cases),
                  clients_created=len(plan.new_clients), clients_matched=plan.clients_matched)


def rejected_workbook(upload: Upload, rows: list[Row]) -> bytes:
    """The rejected rows in the uploaded file's own columns, plus an エラー column saying, for
    each, what to fix: the user corrects this file and imports it again."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("取込不可")
    width = len(upload.headers)
    sheet.append(header_row(sheet, [*(_text(h) for h in upload.headers), ERRORS]))
    for row in rows:
        values = (row.raw + [None] * width)[:width]
        problems = "\n".join(f"{column}：{message}" for column, message in row.errors)
        sheet.append([cell(sheet, v) for v in values] + [cell(sheet, problems)])
    return workbook_bytes(workbook)


def column_table() -> list[dict]:
    """The columns for the import page: header, required, what to enter, example values."""
    topics = "／".join(Topic.objects.filter(is_active=True).values_list("name_ja", flat=True))
    table = []
    for column in COLUMNS:
        example = topics if column.header == TOPICS else column.example
        table.append({"header": column.header, "required": column.required,
                      "help": column.help, "example": example})
    return table
