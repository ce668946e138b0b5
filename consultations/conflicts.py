"""The conflict screen: what the user typed beside what someone else saved meanwhile."""

from dataclasses import dataclass
from datetime import date, time

from django import forms


@dataclass
class ConflictRow:
    label: str
    mine: str
    saved: str

    @property
    def differs(self) -> bool:
        return self.mine != self.saved


def _display(field: forms.BoundField, value) -> str:
    if value in (None, "", [], ()):
        return ""
    formfield = field.field
    if isinstance(formfield, forms.ModelMultipleChoiceField):
        return "、".join(sorted(str(o) for o in value))
    if isinstance(formfield, forms.ModelChoiceField):
        return str(value)
    if isinstance(formfield, forms.BooleanField):
        return "はい" if value else "いいえ"
    choices = dict(getattr(formfield, "choices", []) or [])
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def conflict_rows(form: forms.ModelForm, current) -> list[ConflictRow]:
    """One row per field of the form: the user's input (cleaned) and the saved value."""
    rows = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        bound = form[name]
        saved = getattr(current, name, None)
        if isinstance(field, forms.ModelMultipleChoiceField):
            saved = list(saved.all())
        mine = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        rows.append(ConflictRow(str(field.label), _display(bound, mine), _display(bound, saved)))
    return rows
