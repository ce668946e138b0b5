"""Field rules a coordinator meets while typing, with messages that say how to fix the value."""

import re
import unicodedata
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yorozu.core import fiscal


def normalize_digits(value: str) -> str:
    """Full-width digits and hyphens (common in Japanese input) become ASCII; spaces go."""
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\u2010-\u2015\u2212\uff0d]", lambda m: "" if m[0].isspace() else "-",
                  value).strip()


# The legal form, written out or abbreviated as NFKC leaves it (㈱ and （株） become "(株)").
# Longest first, so that 医療法人社団 is not taken for 医療法人.
CORPORATE_FORMS = sorted([
    "株式会社", "有限会社", "合同会社", "合名会社", "合資会社", "一般社団法人", "一般財団法人",
    "公益社団法人", "公益財団法人", "特定非営利活動法人", "npo法人", "社会福祉法人",
    "医療法人社団", "医療法人財団", "医療法人", "(株)", "(有)", "(同)", "(名)", "(資)",
    "(一社)", "(一財)", "(公社)", "(公財)", "(特非)", "(医)", "(福)",
], key=len, reverse=True)


def client_name_key(name: str) -> str:
    """A business name as the duplicate check compares it: the same key for 株式会社山田製作所,
    山田製作所株式会社, (株)山田　製作所 and 山田製作所. Width (NFKC), letter case, spaces and
    a legal form at either end are set aside; the form goes entirely because coordinators
    often leave it out, and a warning costs a click where a duplicate splits a business's
    history in two."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or "").casefold())
    for form in CORPORATE_FORMS:
        if key.startswith(form):
            key = key.removeprefix(form)
            break
    for form in CORPORATE_FORMS:
        if key.endswith(form):
            key = key.removesuffix(form)
            break
    return key


def corporate_number_check_digit(base12: str) -> int:
    """The National Tax Agency's rule: 9 - (sum of P_n * Q_n mod 9), where P_n is the n-th
    digit counted from the right of the 12-digit base and Q_n is 1 for odd n, 2 for even n."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def validate_corporate_number(value: str) -> None:
    if not re.fullmatch(r"[0-9]{13}", value or ""):
        raise ValidationError(_("A corporate number is 13 digits."), code="format")
    if int(value[0]) != corporate_number_check_digit(value[1:]):
        raise ValidationError(
            _("This corporate number is not valid (its check digit does not match). Please "
              "check it against the National Tax Agency's corporate number site."),
            code="check_digit")


def validate_phone(value: str) -> None:
    if value and not re.fullmatch(r"\+?[0-9][0-9()\-]{8,18}", value):
        raise ValidationError(_("Enter a phone number in digits, with hyphens if you like "
                                "(e.g. 03-1234-5678)."), code="phone")


def validate_not_future(value) -> None:
    if value and value > fiscal.today():
        raise ValidationError(_("This date is in the future. Record only what has happened."),
                              code="future")


# --- Bounds and text shared by the forms and the import ---------------------------------------
# Yorozu support hubs opened in June 2014: an earlier date is a typing error (0001-01-01 is what
# an emptied date field or a broken spreadsheet cell gives).
EARLIEST_DATE = date(2014, 6, 1)
# Due dates (next steps, referral follow-ups) look ahead, but not by years.
MAX_DAYS_AHEAD = 366
MIN_MINUTES, MAX_MINUTES = 1, 600

# Invisible characters that change how text reads or compares without showing: bidi embeddings,
# overrides, isolates and marks (a reversed name reads as another business), zero-width spaces
# and joiners, the word joiner and the BOM; with the C0 and C1 controls other than tab and
# newline (NUL cannot even be stored in PostgreSQL text).
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060"
                        r"\u2066-\u2069\ufeff]")


def clean_text(value: str) -> str:
    """Text as it is stored: line ends as \\n, the invisible characters above removed, then NFC
    (so that が typed two ways is one string; NFKC would also fold the width people chose).
    NFC comes last because a removed character may have kept a mark from its letter."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", value))


def validate_not_before_hubs(value) -> None:
    if value and value < EARLIEST_DATE:
        raise ValidationError(
            _("This date is before the yorozu support hubs started (June 2014). Check the "
              "year."), code="too_early")


def validate_not_far_ahead(value) -> None:
    if value and value > fiscal.today() + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(_("This date is more than a year ahead. Check the year."),
                              code="too_far_ahead")


def validate_minutes(value) -> None:
    if value is not None and not MIN_MINUTES <= value <= MAX_MINUTES:
        raise ValidationError(_("Enter the minutes as a whole number from %(min)s to %(max)s."),
                              code="minutes", params={"min": MIN_MINUTES, "max": MAX_MINUTES})
