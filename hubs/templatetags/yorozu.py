from django import template

from yorozu import fiscal

register = template.Library()


@register.filter
def fiscal_year(value):
    """2025 -> 2025年度（令和7年度） in Japanese, FY2025 in English."""
    return fiscal.fiscal_year_label(int(value))


@register.simple_tag
def current_fiscal_year():
    return fiscal.current_fiscal_year()
