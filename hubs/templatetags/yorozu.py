from functools import lru_cache
from types import SimpleNamespace

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.base import render_value_in_context
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils import formats
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from yorozu.core import fiscal, widgets
from yorozu.core.table_cells import cell_plans

register = template.Library()


@register.filter
def fiscal_year(value):
    """2025 -> 2025年度（令和7年度） in Japanese, FY2025 in English."""
    return fiscal.fiscal_year_label(int(value))


@register.simple_tag
def current_fiscal_year():
    return fiscal.current_fiscal_year()


# --- The main menu (templates/_main_menu.html) ------------------------------------------------
# Its links depend only on what the user may open (hubs.context_processors.navigation), their
# own hub, the fiscal year, the language and the addresses: drawn once per such key in a
# process instead of on every page (its twenty-odd links were a third of a bare page's time).
# The key holds every flag the navigation gives, whatever they are.
@register.simple_tag(takes_context=True)
def main_menu(context):
    nav = context["nav"]
    own_hub = nav["own_hub"]
    return _main_menu((
        get_language(), get_script_prefix(), get_urlconf(), nav["year"],
        (own_hub.jis_code, own_hub.name) if own_hub is not None else None,
        tuple(sorted((name, bool(value)) for name, value in nav.items()
                     if name not in ("own_hub", "year")))))


@lru_cache(maxsize=1024)
def _main_menu(key: tuple) -> str:
    _language, _prefix, _urlconf, year, own_hub, flags = key
    return mark_safe(render_to_string("_main_menu.html", {
        "nav": {**dict(flags), "year": year},
        "own_hub": SimpleNamespace(jis_code=own_hub[0], name=own_hub[1]) if own_hub else None,
    }).strip())


@register.filter
def year_picker(value):
    """For templates/_year_picker.html on a page whose view chose the year itself: the
    recent fiscal years and that one."""
    from yorozu.core import years

    return years.picker_for(int(value))


# --- Wording: the punctuation around values comes from the translation, so that Japanese
# pages read （…）、「：」 and English ones " (…)", ": " (docs/wording.md).
def _filled(template_text: str, **values) -> str:
    return mark_safe(conditional_escape(template_text) % {
        key: conditional_escape(value) for key, value in values.items()})


@register.filter
def paren(value):
    """An aside after a value: 「（3件）」 in Japanese, " (3 cases)" in English."""
    return _filled(pgettext("aside after a value", " (%(aside)s)"), aside=value)


@register.filter
def colon(label):
    """A label before its value: 「期限：」 in Japanese, "Due: " in English."""
    return _filled(pgettext("label before a value", "%(label)s: "), label=label)


@register.filter
def join_list(values):
    """A list run into a sentence: 「山田、佐藤」 in Japanese, "Yamada, Sato" in English."""
    separator = conditional_escape(pgettext("between items of a list", ", "))
    return mark_safe(separator.join(conditional_escape(value) for value in values))


# --- Tables (yorozu/core/tables.py) --------------------------------------------------------
@register.filter
def td_attrs(column):
    """A table column's cell attributes, worked out once per column and page rather than for
    every cell (django-tables2 rebuilds them per cell), unless some are computed per row."""
    cached = column.__dict__.get("_td_html")
    if cached is None:
        cached = column.attrs["td"].as_html()
        if not _per_row(column):
            column._td_html = cached
    return cached


@register.simple_tag(takes_context=True)
def table_rows(context, table):
    """A table's rows, written in Python: the template's loop over every cell of a 50-row page
    (a context, a condition and a filter per cell) was a fifth of a list's drawing. The same
    markup as the loop it replaces. Joined as plain strings: every piece is escaped already
    (the attributes by as_html, each cell by _cell), and format_html's escaping them again,
    cell by cell, was a tenth of a list's drawing."""
    rows = []
    for row in table.paginated_rows:
        cells = "".join(f"<td {td_attrs(column)}>{_cell(context, column, cell)}</td>"
                        for column, cell in _row_cells(row))
        rows.append(f"<tr {row.attrs.as_html()}>{cells}</tr>")
    if not rows:
        return format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns),
                           table.empty_text)
    return mark_safe("".join(rows))


def _row_cells(row):
    """(column, cell) for each cell of a row: drawn by the table's cell plans where it has
    them (yorozu/core/table_cells.py), else by django-tables2. Either way the column holds the
    row's value and record while its attributes are worked out, as BoundRow.items leaves it."""
    plans = cell_plans(row.table)
    if plans is None:
        yield from row.items()
        return
    record, table = row.record, row.table
    for column, plan in plans:
        column.current_value = cell = plan.draw(record, table)
        column.current_record = record
        yield column, cell


def _cell(context, column, cell) -> SafeString:
    # As {{ cell }}, {{ cell|localize }} and {{ cell|unlocalize }} draw it, always escaped.
    if column.localize is None:
        html = render_value_in_context(cell, context)
        return html if isinstance(html, SafeData) else escape(html)
    return conditional_escape(str(formats.localize(cell, use_l10n=bool(column.localize))))


def _per_row(column) -> bool:
    attrs = [column.column.attrs, column._table.attrs]
    return any(callable(value) for found in attrs for key in ("td", "cell")
               for value in (found.get(key) or {}).values())


@register.filter
def as_field(field):
    """A form field as crispy draws it (yorozu.core.widgets.field_group)."""
    return widgets.field_group(field)


@register.simple_tag(takes_context=True)
def choice_inputs(context, field, inline_class):
    """A radio or checkbox group's options (bootstrap5/layout/radio_checkbox_select.html)."""
    return widgets.choice_inputs(field, inline=bool(inline_class),
                                 show_errors=bool(context.get("form_show_errors")))


@register.simple_tag
def plan_value(value, unit: str = ""):
    """A plan dashboard's figure: a rate to one decimal with "%", a count with thousands
    separators, or a dash (read out as "no figure") when there is none. A tag rather than an
    included template: a national dashboard draws some 240 of them."""
    if value is None:
        return format_html('<span aria-hidden="true">—</span>'
                           '<span class="visually-hidden">{}</span>', gettext("no figure"))
    if unit == "percent":
        return f"{floatformat(value, 1)}%"
    return intcomma(value)
