"""Step 2: checking every row against the hub's topics and coordinators. Errors are collected
as (row, column, message), with row numbers as the user sees them in the file (the header is
row 1); the cleaned values go to row.data for step 3."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from yorozu.core import fiscal

from ..exports import CHANNEL_LABELS, DEPTH_LABELS, KIND_LABELS
from ..forms import hub_coordinators
from ..models import Case, Client, Topic
from ..validators import (
    MAX_MINUTES,
    MIN_MINUTES,
    normalize_digits,
    validate_corporate_number,
    validate_not_before_hubs,
    validate_not_far_ahead,
    validate_phone,
)
from .columns import (
    CASE_KEY,
    CHANNEL,
    CHANNELS,
    CLIENT_KANA,
    CLIENT_NAME,
    COLUMNS_BY_HEADER,
    COORDINATOR,
    CORPORATE_NUMBER,
    DEPTH,
    DEPTHS,
    DURATION,
    HELD_ON,
    KIND,
    KINDS,
    NEXT_STEP,
    NEXT_STEP_DUE,
    PHONE,
    PROPOSAL,
    START_TIME,
    SUMMARY,
    TOPIC_SEPARATORS,
    TOPICS,
    _blank,
    _norm,
    _text,
)
from .reading import Row, Upload


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


RowError = _RowError  # public, for the other imports that check rows with these parsers


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
    # At most 4 digits: int() of a very long string is slow (and refused past 4,300 digits).
    if not re.fullmatch(r"\d{1,4}", text) or not MIN_MINUTES <= int(text) <= MAX_MINUTES:
        raise _RowError(_("Enter the minutes as a whole number from %(min)s to %(max)s.")
                        % {"min": MIN_MINUTES, "max": MAX_MINUTES})
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
        data["next_step_due"] = field_(NEXT_STEP_DUE, self._due)
        data["case_key"] = field_(CASE_KEY, _text, default="")
        self._across_columns(row)

    def _held_on(self, value) -> date:
        day = parse_date(value)
        if day > self.today:
            raise _RowError(_("This date is in the future. Record only what has happened."))
        validate_not_before_hubs(day)
        return day

    def _due(self, value) -> date:
        day = parse_date(value)
        validate_not_before_hubs(day)
        validate_not_far_ahead(day)
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

