"""The select written out in Python (yorozu.core.widgets.Select) draws the options Django's own
optgroups chooses: the same values, labels, escaping, groups and the one selected option."""

import pytest
from django import forms
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from yorozu.core.widgets import Select, _attrs

CHOICES = [
    ("", "すべて"),
    (1, "山田 太郎"),
    (2, '<b>"A&B"</b>'),
    ("地域", [(3, "北海道"), (4, "東北")]),
    ("", [(5, "名前のない組")]),
    (None, "値なし"),
    (1, "同じ値がもう一度"),  # only the first match is selected, as in Django
]


def _by_optgroups(widget: forms.Select, name, value, attrs) -> str:
    """The select as drawn from Django's optgroups (the widget's context)."""
    context = widget.get_context(name, value, attrs)["widget"]
    groups = []
    for group_name, options, _index in context["optgroups"]:
        drawn = "".join(f'<option value="{escape(option["value"])}"'
                        f'{_attrs(option["attrs"])}>{escape(option["label"])}</option>'
                        for option in options)
        groups.append(f'<optgroup label="{escape(group_name)}">{drawn}</optgroup>'
                      if group_name else drawn)
    return format_html('<select name="{}"{}>{}</select>', context["name"],
                       _attrs(context["attrs"]), mark_safe("".join(groups)))


@pytest.mark.parametrize("value", [None, "", 1, "1", 4, "5", "nothing"])
def test_select_draws_what_djangos_optgroups_choose(value):
    widget = Select(attrs={"class": "form-select"}, choices=CHOICES)
    attrs = {"id": "id_lead", "required": False, "aria-describedby": "x_help"}
    drawn = widget.render("lead", value, attrs)
    assert drawn == _by_optgroups(widget, "lead", value, attrs)


def test_select_marks_one_option_and_escapes_labels():
    drawn = Select(choices=CHOICES).render("lead", 1)
    assert drawn.count(" selected") == 1
    assert '<option value="1" selected>山田 太郎</option>' in drawn
    assert "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;" in drawn
    assert '<optgroup label="地域"><option value="3">北海道</option>' in drawn
    assert '<option value="5">名前のない組</option>' in drawn  # a group with no name: no optgroup
