"""A list's cells drawn straight from its records (templates/core/table.html, `table_rows`).

django-tables2 works out each cell from scratch: it parses the column's accessor, looks up the
model field behind it, resolves the path by trying a dictionary lookup first (an exception
raised and caught on every model instance), builds the render method's arguments, and checks
them. On a 50-row page of seven columns that was a third of the page's Python. What it works
out does not change from row to row, so a CellPlan works it out once per column and page and
then only follows the attributes. The result is the same cell: tests/core/test_table_cells.py
draws every list both ways and compares them."""

from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django_tables2 import A
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.data import TableQuerysetData
from django_tables2.utils import signature

# What a render method may ask for, as django-tables2 passes it (BoundRow, which a plan does
# not build, is left out: a table whose cells want it is drawn the usual way).
_ARGUMENTS = frozenset({"value", "record", "column", "bound_column", "table"})
_FAILED = object()


class CellPlan:
    """How one column's cells are found and drawn, as django-tables2's BoundRow.get_cell does:
    a choice's label for a field with choices; None for a path that fails (a missing
    relation, a column named for no attribute); the column's default for a value in its
    `empty_values`, else the table's or the column's render method."""

    def __init__(self, bound_column, model):
        accessor = A(bound_column.accessor)
        self.bound_column = bound_column
        self.column = bound_column.column
        self.path, self.last = accessor.bits[:-1], accessor.bits[-1]
        field = accessor.get_field(model)
        # A choice's label as get_<field>_display finds it, its dict built once per page:
        # Django builds it on every call, hashing each lazy label (a translation each).
        self.labels = (dict(make_hashable(field.flatchoices))
                       if getattr(field, "choices", ()) else None)
        self.render = bound_column.render
        self.wants = signature(self.render)[0]

    @classmethod
    def drawable(cls, bound_column) -> bool:
        column = bound_column.column
        names, catch_all = signature(bound_column.render)
        return (bound_column.accessor and not bound_column.link and catch_all is None
                and not isinstance(column, (BaseLinkColumn, ManyToManyColumn))
                and set(names) <= _ARGUMENTS)

    def draw(self, record, table):
        value = self._value(record)
        if value is _FAILED:  # as in django-tables2: no value, which a column may still draw
            value = None
        if value in self.column.empty_values:
            return self.bound_column.default
        given = {"value": value, "record": record, "column": self.column,
                 "bound_column": self.bound_column, "table": table}
        return self.render(**{name: given[name] for name in self.wants})

    def _value(self, record):
        owner = record
        for bit in self.path:
            owner = _attribute(owner, bit)
            if owner is _FAILED:
                return _FAILED
        if self.labels is not None and isinstance(owner, Model) and hasattr(
                owner, f"get_{self.last}_display"):
            value = getattr(owner, self.last)
            return force_str(self.labels.get(make_hashable(value), value), strings_only=True)
        return _attribute(owner, self.last)


def _attribute(owner, name):
    """An attribute as Accessor.resolve finds it on a model instance, or _FAILED; anything
    callable is resolved by Accessor itself, which knows its rules (alters_data,
    do_not_call_in_templates)."""
    if owner is None:
        return _FAILED
    try:
        found = getattr(owner, name)
        return A(name).resolve(owner) if callable(found) else found
    except Exception:
        return _FAILED


def cell_plans(table) -> list[tuple] | None:
    """(bound column, plan) for each column of a table of model instances, or None where a
    column needs django-tables2's own drawing (a link column, a render method wanting the
    row) or its data is not a query's."""
    if "_cell_plans" not in table.__dict__:
        table._cell_plans = _plans(table)
    return table._cell_plans


def _plans(table):
    if not isinstance(table.data, TableQuerysetData):
        return None
    columns = list(table.columns)
    if not all(CellPlan.drawable(column) for column in columns):
        return None
    model = table.data.model
    return [(column, CellPlan(column, model)) for column in columns]
