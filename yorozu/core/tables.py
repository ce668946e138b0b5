"""Lists as tables (django-tables2), all drawn by one template (templates/core/table.html):
headers that sort, with aria-sort; a header that stays in view while the rows scroll; a page
jump; counts with thousands separators; sideways scrolling with the first column fixed on a
phone. And each user's last filter per list, kept in their session."""

import contextlib
import weakref
from datetime import datetime
from urllib.parse import urlencode

import django_tables2 as tables
import django_tables2.utils
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone, translation
from django_tables2 import A, RequestConfig
from django_tables2.data import TableQuerysetData

from .downloads import book_for, download_response

PER_PAGE = 50
# What every table's cells share: the compact date of dense tables (the same everywhere,
# docs/wording.md), right-aligned numbers, cells that never wrap, the sign of nothing.
DATE = "Y-m-d"
DATETIME = "Y-m-d G:i"
NUMBER = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}
NOWRAP = {"td": {"class": "text-nowrap"}}
ABSENT = "—"
# Query parameters that are not part of a list's filter: where one is, not what.
NOT_FILTER = ("page", "format", "clear")
CLEAR = "clear"
_SESSION_KEY = "list_filters"
_MAX_REMEMBERED = 2000  # characters: a filter is a few fields; never a session full of text


def table_date(value) -> str:
    """A date in the tables' compact form; a moment as its date in Japan; ABSENT for none."""
    if not value:
        return ABSENT
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    # DATE ("Y-m-d") is ISO 8601's form: written directly, as Django's date_format would
    # (its format machinery took 2-3 ms of a 50-row page with two date columns).
    return value.isoformat()


_signatures = {True: weakref.WeakKeyDictionary(), False: weakref.WeakKeyDictionary()}
_signature = django_tables2.utils.signature


def _cached_signature(fn):
    """django-tables2 reads the signature of a column's render method (inspect.signature)
    for every cell it draws: a tenth of a 50-row page's time. A function's signature does
    not change, so it is read once per function (a bound method: once per its function,
    kept apart from the function's own, which has `self`)."""
    bound = hasattr(fn, "__func__")
    known, key = _signatures[bound], getattr(fn, "__func__", fn)
    try:
        return known[key]
    except (KeyError, TypeError):  # TypeError: a callable that takes no weak reference
        found = _signature(fn)
    with contextlib.suppress(TypeError):
        known[key] = found
    return found


django_tables2.utils.signature = _cached_signature


class DateColumn(tables.Column):
    """A date in the tables' compact form (`table_date`). django-tables2's own DateColumn
    compiles a template for every cell: on a page of 50 rows that was most of its time."""

    def render(self, value):
        return table_date(value)


class PagedByKey(TableQuerysetData):
    """A page of a long list in two steps: the page's keys from the list's own table in the
    sort asked for, then those rows with everything joined to them. At national scale the
    first is a walk along an index to the page; a single query joining clients and people
    before it sorts and skips would sort the hub's whole history (behind the row-level
    security wall PostgreSQL misjudges how many rows a hub has: docs/performance.md)."""

    def __init__(self, data, *, count=None):
        super().__init__(data)
        self._count = count

    def __len__(self):
        # `count`: the list's length worked out from the side its filter narrows (a kept
        # tally, the sessions of a period) rather than by testing the filter on every row.
        if self._count is not None and getattr(self, "_length", None) is None:
            self._length = self._count()
        return super().__len__()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return super().__getitem__(key)
        keys = list(self.data.values_list("pk", flat=True)[key])
        found = {row.pk: row for row in self._by_key(keys)}
        return [found[pk] for pk in keys if pk in found]

    def _by_key(self, keys: list):
        """The rows of `keys` with what the list joins and prefetches, by key alone: the keys
        came through the list's own query (its scoping and filters), and its filters said
        again let PostgreSQL walk a filter's index to find 50 rows it could fetch by key
        (the follow-ups' next steps: 11 ms instead of under 1)."""
        rows = self.data.model._default_manager.filter(pk__in=keys)
        rows.query.select_related = self.data.query.select_related
        rows.query.deferred_loading = self.data.query.deferred_loading
        return rows.prefetch_related(*self.data._prefetch_related_lookups)


class ListTable(tables.Table):
    """A list page's table. Subclasses name their columns; `caption` names the table for
    screen readers (and the scroll region around it). `paged_by_key`: a list that can hold a
    hub's whole history fetches its pages with PagedByKey, which counts it with `count` (a
    callable giving the length, exactly) where one is given."""

    caption = ""
    paged_by_key = False
    # The columns its cells read (`shown`): a page's rows are read with these alone, not
    # every column of every table joined. Empty: whole rows.
    READS: tuple[str, ...] = ()

    @classmethod
    def shown(cls, rows: QuerySet) -> QuerySet:
        """`rows` as the table reads them (a file of the same rows reads them whole)."""
        return rows.only(*cls.READS) if cls.READS else rows

    def __init__(self, data=None, *args, count=None, **kwargs):
        if self.paged_by_key and isinstance(data, QuerySet):
            data = PagedByKey(data, count=count)
        super().__init__(data, *args, **kwargs)

    class Meta:
        template_name = "core/table.html"
        attrs = {"class": "table table-sm table-hover align-middle list-table"}


def table_for(table: ListTable, request: HttpRequest, *, per_page: int | None = PER_PAGE):
    """Sorts and pages the table from the request (a bad page number shows the nearest page,
    an unknown sort is ignored: never an error for a typed address). `per_page=None`: one
    page, for short lists (no count query)."""
    paginate = {"per_page": per_page} if per_page else False
    RequestConfig(request, paginate=paginate).configure(table)
    return table


def table_file(table: ListTable, request: HttpRequest, *, chosen: str, sheet: str,
               filename: str, fallback: str) -> HttpResponse:
    """The whole list as a download in the `chosen` format: every row (not one page) in the
    sort the reader chose, the columns the page shows except those marked
    `exclude_from_export` (buttons). Headers and labels in Japanese whatever the reader's
    language, like every file the hubs pass on; numbers and dates as themselves."""
    RequestConfig(request, paginate=False).configure(table)
    columns = [column for column in table.columns if not column.column.exclude_from_export]
    book = book_for(chosen)
    with translation.override("ja"), book.table(sheet) as out:
        out.header([str(column.header) for column in columns])
        for row in table.rows:
            out.row([_file_value(row, column) for column in columns])
    return download_response(book, filename=filename, fallback=fallback)


def _file_value(row, column):
    """A cell as a file holds it: the table's `value_<name>` where it has one (for a column
    whose record value is not what a reader wants: a sum, a name built from parts), else the
    record's own value, a choice as its label."""
    if hasattr(row.table, f"value_{column.name}"):
        return row.get_cell_value(column.name)
    accessor = A(column.accessor)
    owner, field = accessor.penultimate(row.record)
    if (display := getattr(owner, f"get_{field}_display", None)) is not None:
        return display()
    return accessor.resolve(row.record, quiet=True)


def filter_query(request: HttpRequest) -> str:
    """The filter and sort in force, as a query string (no page, no download format)."""
    pairs = [(key, value) for key, values in request.GET.lists() if key not in NOT_FILTER
             for value in values if value]
    return urlencode(pairs)


def remembered_filter(request: HttpRequest) -> HttpResponseRedirect | None:
    """Keeps the user's last filter of this list (its path) in their session. Opening the list
    with no query string brings the last filter back (a redirect, so that the address, the
    sort links and the download carry it); `?clear=1` forgets it. None: show the page."""
    store = _store(request)
    path = request.path
    if CLEAR in request.GET:
        if store.pop(path, None) is not None:
            _save(request, store)
        return HttpResponseRedirect(path)
    if not request.GET:
        remembered = store.get(path)
        return HttpResponseRedirect(f"{path}?{remembered}") if remembered else None
    query = filter_query(request)
    if len(query) > _MAX_REMEMBERED:
        query = ""
    if store.get(path, "") != query:  # written only when it changed: no query per page view
        if query:
            store[path] = query
        else:
            store.pop(path, None)
        _save(request, store)
    return None


def _store(request: HttpRequest) -> dict:
    # Tied to the user as well as to the session: a filter never follows another login.
    store = request.session.get(_SESSION_KEY)
    if not isinstance(store, dict) or store.get("user") != request.user.pk:
        return {"user": request.user.pk}
    return dict(store)


def _save(request: HttpRequest, store: dict) -> None:
    request.session[_SESSION_KEY] = store
