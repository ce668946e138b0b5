"""Field rules a coordinator meets while typing, with messages that say how to fix the value."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yorozu import fiscal


def normalize_digits(value: str) -> str:
    """Full-width digits and hyphens (common in Japanese input) become ASCII; spaces go."""
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\u2010-\u2015\u2212\uff0d]", lambda m: "" if m[0].isspace() else "-",
                  value).strip()


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
