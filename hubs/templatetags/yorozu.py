from django import template

from yorozu.core import fiscal

register = template.Library()


@register.filter
def fiscal_year(value):
    """2025 -> 2025年度（令和7年度） in Japanese, FY2025 in English."""
    return fiscal.fiscal_year_label(int(value))


@register.simple_tag
def current_fiscal_year():
    return fiscal.current_fiscal_year()


@register.filter
def year_picker(value):
    """For templates/_year_picker.html on a page whose view chose the year itself: the
    recent fiscal years and that one."""
    from yorozu.core import years

    return years.picker_for(int(value))
