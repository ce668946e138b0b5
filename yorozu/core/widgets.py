"""Form widgets shared by every app's forms."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class Select(forms.Select):
    """Django's select, written out in Python: its template includes a template per option,
    which for a hub's seventy-odd coordinators took 5 ms of every list page. The same markup
    (attributes as django/forms/widgets/attrs.html writes them)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            drawn = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
                (str(option["value"]), _attrs(option["attrs"]), option["label"])
                for option in options))
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, drawn)
                          if group_name else drawn)
        return format_html('<select name="{}"{}>{}</select>', widget["name"],
                           _attrs(widget["attrs"]), mark_safe("".join(groups)))


def _attrs(attrs: dict) -> str:
    return format_html_join("", "{}", (
        (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
        for name, value in attrs.items() if value is not False))
