"""Reads of client outcomes: a client's records (through the user's access) and the outcome
pages' figures, which are evaluation/figures.py's (value added, milestones) grouped as each
page needs, with its anonymity rule. Every figure is aggregated in the database; what Python
adds up is a few dozen aggregate rows (a bureau's hubs, the nation's bureaus)."""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from evaluation import figures
from hubs.access import AuthorisedHub, hub_access
from hubs.models import Hub
from hubs.roles import VIEW_RECORDS
from yorozu.core import fiscal

from .models import FinancialSnapshot, Milestone
from .permissions import VIEW_OUTCOME_FIGURES


def cohort(fiscal_year: int) -> dict[str, date]:
    """The clients a year's figure counts: those first consulted in that fiscal year."""
    return {"first_from": fiscal.fiscal_year_start(fiscal_year),
            "first_to": fiscal.fiscal_year_end(fiscal_year)}


# --- A client's records ----------------------------------------------------------------------
def client_snapshots(*, user, client) -> list[FinancialSnapshot]:
    """The client's financial snapshots, oldest period first, each knowing whether the
    value-added figure takes it as the baseline or the latest (figures.snapshots_with_roles)."""
    rows = (FinancialSnapshot.objects.for_user(user, VIEW_RECORDS).filter(client=client)
            .select_related("verified_by").order_by("period_end"))
    return list(figures.snapshots_with_roles(rows))


def client_milestones(*, user, client) -> list[Milestone]:
    return list(Milestone.objects.for_user(user, VIEW_RECORDS).filter(client=client)
                .select_related("session", "confirmation_recorded_by")  # the case: its id only
                .order_by("-achieved_on", "-pk"))


# --- The hub's page ---------------------------------------------------------------------------
@dataclass
class Row:
    """A line of an outcome table: who or what, and its figure."""

    name: str
    figure: figures.ValueAddedChange
    name_ja: str = ""  # for files, which are Japanese whatever the reader's language
    jis_code: str = ""  # a hub's row: links to its page (HQ)
    hubs: list = field(default_factory=list)  # a bureau's section: its hubs' rows


def hub_outcomes(*, hub: AuthorisedHub, fiscal_year: int) -> dict:
    """The hub's figure for the year's cohort, per coordinator (beside the hub's total, which
    their cells overlap: a client of two leads counts for both), and the confirmed milestones
    achieved in the year by kind. Four queries."""
    period = {"hub_ids": hub.ids, **cohort(fiscal_year)}
    total = figures.value_added_change(**period)
    cells = figures.value_added_cells(figures.value_added_grouped(group="coordinator", **period),
                                      total=total.clients)
    User = get_user_model()
    names = {pk: User.name_of(*rest) for pk, *rest in User.objects.filter(
        pk__in=list(cells)).values_list("pk", *User.NAME_FIELDS)}
    coordinators = sorted((Row(names.get(pk, ""), figure, name_ja=names.get(pk, ""))
                           for pk, figure in cells.items()), key=lambda row: row.name)
    return {"total": total, "coordinators": coordinators,
            "milestones": milestone_counts(hub=hub, fiscal_year=fiscal_year)}


def milestone_counts(*, hub: AuthorisedHub, fiscal_year: int) -> list[tuple[str, str, int]]:
    """Confirmed milestones achieved in the fiscal year per kind: (kind, label, count), every
    kind listed."""
    found = dict(figures.milestones_achieved(
        start=fiscal.fiscal_year_start(fiscal_year), end=fiscal.fiscal_year_end(fiscal_year),
        hub_ids=hub.ids).order_by().values_list("kind").annotate(n=Count("pk")))
    return [(kind, label, found.get(kind, 0)) for kind, label in Milestone.Kind.choices]


def outcome_clients(*, hub: AuthorisedHub, fiscal_year: int) -> QuerySet:
    """The clients behind the hub's figure, with their baseline, latest and change: for
    those who may read the hub's records (the page logs HQ's reads)."""
    return figures.value_added_clients(hub_ids=hub.ids, **cohort(fiscal_year))


# --- Bureaus and the nation -------------------------------------------------------------------
def _hubs_by_bureau(ids) -> list[tuple]:
    """The hubs of `ids` (None: all) as (bureau, [hubs]), in the bureaus' order."""
    hubs = Hub.objects.select_related("bureau").order_by("bureau__sort_order", "jis_code")
    if ids is not None:
        hubs = hubs.filter(pk__in=sorted(ids))
    groups: list[tuple] = []
    for hub in hubs:
        if not groups or groups[-1][0].pk != hub.bureau_id:
            groups.append((hub.bureau, []))
        groups[-1][1].append(hub)
    return groups


def _bureau_section(bureau, hubs: list, raw: dict, *, withheld_reason=None) -> Row:
    """A bureau's total and its hubs beside it (the hubs' cells add up to the total). A
    bureau withheld beside the nation withholds its hubs too: they add up to it."""
    rows = {hub.pk: raw.get(hub.pk, {"clients": 0}) for hub in hubs}
    total = figures.value_added_sum(rows.values())
    cells = figures.value_added_cells(rows)
    if withheld_reason is not None:
        cells = {pk: figures.value_added_figure(row, reason=withheld_reason if row["clients"]
                                                else None) for pk, row in rows.items()}
    return Row(name=bureau.name, name_ja=bureau.name_ja,
               figure=figures.value_added_figure(total, reason=withheld_reason),
               hubs=[Row(hub.name, cells[hub.pk], name_ja=hub.prefecture_ja,
                         jis_code=hub.jis_code) for hub in hubs])


def bureau_outcomes(*, user, fiscal_year: int) -> list[Row]:
    """The bureau's hubs' figures beside the bureau's total, for each bureau the user sees
    outcome figures of (a bureau user: their own). Two queries."""
    hub_ids = hub_access(user).hub_ids(VIEW_OUTCOME_FIGURES)
    if not hub_ids:
        return []
    raw = figures.value_added_grouped(group="hub", hub_ids=hub_ids, **cohort(fiscal_year))
    return [_bureau_section(bureau, hubs, raw) for bureau, hubs in _hubs_by_bureau(hub_ids)]


def national_outcomes(*, fiscal_year: int) -> dict:
    """HQ's page (the caller checked HQ): the nation's figure, each bureau's beside it and
    each hub's beside its bureau. Two queries: the hubs, the figure per hub."""
    raw = figures.value_added_grouped(group="hub", **cohort(fiscal_year))
    groups = _hubs_by_bureau(None)
    bureau_raw = {bureau.pk: figures.value_added_sum(raw.get(h.pk, {"clients": 0})
                                                     for h in hubs)
                  for bureau, hubs in groups}
    bureau_cells = figures.value_added_cells(bureau_raw)
    sections = [_bureau_section(bureau, hubs, raw,
                                withheld_reason=bureau_cells[bureau.pk].withheld_reason)
                for bureau, hubs in groups]
    national = figures.value_added_figure(figures.value_added_sum(bureau_raw.values()))
    return {"national": national, "bureaus": sections}
