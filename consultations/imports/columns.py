"""The file format: its columns, how headers and cells are normalised before they are compared,
and the Japanese labels of the coded values. Helpers with a leading underscore are private to
the imports package."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import gettext_lazy

from ..exports import CHANNEL_LABELS, DEPTH_LABELS, KIND_LABELS
from ..models import Topic

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


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Public names of these helpers, for the other imports that read files with this package.
is_blank, normalized = _blank, _norm


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


cell_text = _text


def column_table() -> list[dict]:
    """The columns for the import page: header, required, what to enter, example values."""
    topics = "／".join(Topic.objects.filter(is_active=True).values_list("name_ja", flat=True))
    table = []
    for column in COLUMNS:
        example = topics if column.header == TOPICS else column.example
        table.append({"header": column.header, "required": column.required,
                      "help": column.help, "example": example})
    return table
