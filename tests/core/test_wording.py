"""docs/wording.md: punctuation around values comes from the translation; one date style per
language; counts with thousands separators."""

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

DAY = date(2026, 12, 1)
MOMENT = datetime(2026, 12, 1, 9, 30)


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load humanize yorozu %}" + source).render(Context(context))


@pytest.mark.parametrize(("language", "expected"), [
    ("ja", "支援機関（東京都）期限：12月、山田、佐藤"),
    ("en", "支援機関 (東京都)Due: 12月, 山田, 佐藤"),
])
def test_punctuation_follows_the_language(language, expected):
    html = render("{{ name }}{{ hub|paren }}{{ label|colon }}{{ when }}{{ names|join_list }}",
                  language, name="支援機関", hub="東京都", label="期限" if language == "ja"
                  else "Due", when="12月、" if language == "ja" else "12月, ",
                  names=["山田", "佐藤"])
    assert html == expected


def test_values_are_escaped_inside_the_punctuation():
    html = render("{{ v|paren }}{{ v|colon }}{{ vs|join_list }}", "ja", v="<b>", vs=["<i>"])
    assert "<b>" not in html and "<i>" not in html
    assert html == "（&lt;b&gt;）&lt;b&gt;：&lt;i&gt;"


@pytest.mark.parametrize(("language", "long", "short", "moment"), [
    ("ja", "2026年12月1日", "2026/12/01", "2026年12月1日 9:30"),
    ("en", "1 December 2026", "2026-12-01", "1 December 2026, 9:30"),
])
def test_one_date_style_per_language(language, long, short, moment):
    html = render('{{ d|date:"DATE_FORMAT" }}|{{ d|date:"SHORT_DATE_FORMAT" }}|'
                  '{{ m|date:"DATETIME_FORMAT" }}', language, d=DAY, m=MOMENT)
    assert html == f"{long}|{short}|{moment}"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_counts_have_thousands_separators(language):
    assert render("{{ n|intcomma }}", language, n=1234567) == "1,234,567"
