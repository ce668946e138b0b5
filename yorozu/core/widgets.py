"""Form widgets shared by every app's forms."""

from django import forms
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class Select(forms.Select):
    """Django's select, written out in Python: its template includes a template per option,
    which for a hub's seventy-odd coordinators took 5 ms of every list page, and the dict it
    builds per option (create_option) half as much again. The same markup (attributes as
    django/forms/widgets/attrs.html writes them, the options Django's optgroups would choose:
    tests/core/test_widgets.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        chosen, found, groups = widget["value"], False, []
        for group_value, label in self.choices:
            grouped = isinstance(label, (list, tuple))
            options = label if grouped else [("" if group_value is None else group_value,
                                              label)]
            drawn = []
            for option_value, option_label in options:
                # Escaped as format_html would, without its string formatting per option.
                selected = (not found or self.allow_multiple_selected) and (
                    str(option_value) in chosen)
                found |= selected
                drawn.append(f'<option value="{escape(option_value)}"'
                             f'{" selected" if selected else ""}>{escape(option_label)}</option>')
            drawn = "".join(drawn)
            groups.append(f'<optgroup label="{escape(group_value)}">{drawn}</optgroup>'
                          if grouped and group_value else drawn)
        return format_html('<select name="{}"{}>{}</select>', widget["name"],
                           _attrs(widget["attrs"]), mark_safe("".join(groups)))


def _attrs(attrs: dict) -> str:
    return format_html_join("", "{}", (
        (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
        for name, value in attrs.items() if value is not False))


def choice_inputs(field, *, inline: bool, show_errors: bool) -> str:
    """The options of a radio or checkbox group as crispy-bootstrap5's
    bootstrap5/layout/radio_checkbox_select.html draws them (same markup), written in Python:
    its template includes a template per option, which for a hub's seventy-odd coordinators
    was most of the quick log's drawing (templates/bootstrap5/layout/ overrides it)."""
    from crispy_forms.templatetags.crispy_forms_filters import optgroups

    invalid = " is-invalid" if field.errors else ""
    groups = list(optgroups(field))
    drawn = []
    for number, (group, options, _index) in enumerate(groups):
        if group:
            drawn.append(format_html("<strong>{}</strong>", group))
        for position, option in enumerate(options):
            last = position == len(options) - 1 and number == len(groups) - 1
            errors = (_errors(field) if show_errors and field.errors and last and not inline
                      else "")
            drawn.append(format_html(
                '<div class="form-check{}"><input type="{}" class="form-check-input{}" '
                'name="{}" value="{}"{}><label for="{}" class="form-check-label">{}</label>{}'
                "</div>", " form-check-inline" if inline else "", option["type"], invalid,
                field.html_name, str(option["value"]), _attrs(option["attrs"]),
                option["attrs"].get("id", ""), option["label"], errors))
    return mark_safe("".join(drawn))


def _errors(field) -> str:
    return format_html('<div id="{}_error" class="invalid-feedback">{}</div>',
                       field.errors.field_id, format_html_join("", (
                           '<p id="error_{}_{}"><strong>{}</strong></p>'), (
                           (number, field.auto_id, error)
                           for number, error in enumerate(field.errors, start=1))))


_OWN_MARKUP = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple,
               forms.FileInput, forms.MultiWidget)


def field_group(field) -> str:
    """A plain field (text, number, date, select) as crispy-bootstrap5's bootstrap5/field.html
    draws it through `as_crispy_field` (same markup: label, control with its classes, errors,
    help), written in Python: the template's branches took a millisecond a field, a fifth of
    the case list. Anything else (a checkbox, a group of them, a file, a hidden field, a form
    with a crispy helper) is drawn by crispy itself."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    widget = field.field.widget
    if (field.is_hidden or field.use_fieldset or isinstance(widget, _OWN_MARKUP)
            or getattr(field.form, "helper", None) is not None):
        return as_crispy_field(field)
    _add_classes(widget, "form-select" if isinstance(widget, forms.Select) else "form-control",
                 invalid=bool(field.errors))
    required = field.field.required
    label = ""
    if field.label:
        label = format_html('<label{} class="form-label{}">{}{}</label>',
                            format_html(' for="{}"', field.id_for_label)
                            if field.id_for_label else "",
                            " requiredField" if required else "", field.label,
                            mark_safe('<span class="asteriskField">*</span>') if required
                            else "")
    help_text = (format_html('<div {}class="form-text">{}</div>', format_html(
        'id="{}_helptext" ', field.auto_id) if field.auto_id else "",
        mark_safe(field.help_text)) if field.help_text else "")
    css = field.css_classes()
    return format_html('<div id="div_{}" class="mb-3{}">{}{}{}{}</div>', field.auto_id,
                       f" {css}" if css else "", label, str(field),
                       _errors(field) if field.errors else "", help_text)


def _add_classes(widget, classes: str, *, invalid: bool) -> None:
    # As crispy's {% crispy_field %} does, on the widget itself: its class name, then ours.
    name = widget.__class__.__name__.lower()
    css = widget.attrs.get("class", "")
    css = (css if name in css else f"{css} {name}") if css else name
    for extra in (classes + (" is-invalid" if invalid else "")).split():
        if extra not in css.split():
            css += f" {extra}"
    widget.attrs["class"] = css
