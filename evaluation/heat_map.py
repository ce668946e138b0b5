"""HQ's national heat map: each hub's average level per area and overall, its colour band,
the national median of every column, and the page's sorting and grouping by bureau. The
figures come from one GROUP BY query (selectors.national_heat_map); what is here is done in
Python over those ~47 rows, so the page's query count stays fixed.

One definition of the median: per column, the median of the hubs' averages over the hubs
that have one there (a finalised or published hearing scoring that area); hubs without one
are left out, not counted as zero. With an even number of hubs it is the mean of the middle
two (statistics.median)."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.utils.translation import gettext_lazy as _

# The colour legend, in words: an average falls in the band of its nearest level.
LEGEND = [(4, _("3.5 and above (about level 4)")), (3, _("2.5 to 3.4 (about level 3)")),
          (2, _("1.5 to 2.4 (about level 2)")), (1, _("below 1.5 (about level 1)")),
          (0, _("no finalised hearing"))]
SORT_KEYS = ("hub", "overall")  # and any area's code
DIRECTIONS = ("asc", "desc")


def band(average: float | None) -> int:
    """The heat-map band (1-4) of an average as the page prints it (one decimal, rounded half
    up like Django's floatformat), so a cell showing 3.5 is always in band 4; 0 for none."""
    if average is None:
        return 0
    shown = Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return min(4, max(1, int(shown + Decimal("0.5"))))


@dataclass
class Cell:
    value: float | None

    @property
    def band(self) -> int:
        return band(self.value)


@dataclass
class HeatRow:
    hub: object
    cells: list[Cell]  # one per area, in the areas' order
    overall: Cell
    hearing_id: int | None = None

    @property
    def scored(self) -> bool:
        return self.overall.value is not None


@dataclass
class Group:
    bureau: object | None  # None when the map is not grouped
    rows: list[HeatRow] = field(default_factory=list)


def overall(averages: list[tuple[float, int]]) -> float | None:
    """A hub's overall level: the average over all its scored items (each area's average
    weighted by its number of scored items), not the average of its area averages."""
    count = sum(n for _avg, n in averages)
    return sum(avg * n for avg, n in averages) / count if count else None


def median_row(rows: list[HeatRow], columns: int) -> tuple[list[Cell], Cell]:
    """The national median of each area column and of the overall column (see above)."""
    def of(values):
        values = [v for v in values if v is not None]
        return Cell(median(values) if values else None)
    return ([of(row.cells[i].value for row in rows) for i in range(columns)],
            of(row.overall.value for row in rows))


def sort_rows(rows: list[HeatRow], *, key: str, descending: bool, area_codes: list[str]
              ) -> list[HeatRow]:
    """By hub (prefecture code, north to south), overall level or an area's level. Hubs
    without a value come last either way; ties keep the hubs' order."""
    by_code = sorted(rows, key=lambda r: r.hub.jis_code, reverse=descending and key == "hub")
    if key == "hub":
        return by_code
    index = area_codes.index(key) if key in area_codes else None

    def value(row):
        return row.overall.value if index is None else row.cells[index].value
    valued = [r for r in by_code if value(r) is not None]
    return (sorted(valued, key=value, reverse=descending)
            + [r for r in by_code if value(r) is None])


def group_by_bureau(rows: list[HeatRow]) -> list[Group]:
    """The rows under their bureau, bureaus in their usual order, each keeping the rows'
    order."""
    groups: dict[int, Group] = {}
    for row in rows:
        groups.setdefault(row.hub.bureau_id, Group(bureau=row.hub.bureau)).rows.append(row)
    return sorted(groups.values(), key=lambda g: (g.bureau.sort_order, g.bureau.code))


@dataclass(frozen=True)
class Order:
    """The sorting and grouping asked for in the address; anything unknown is the default."""
    key: str = "hub"
    direction: str = "asc"
    grouped: bool = False

    @classmethod
    def from_query(cls, query, area_codes: list[str]) -> "Order":
        key = query.get("sort", "hub")
        if key not in SORT_KEYS and key not in area_codes:
            key = "hub"
        direction = query.get("dir")
        if direction not in DIRECTIONS:  # scores highest first, hubs north to south
            direction = "asc" if key == "hub" else "desc"
        return cls(key=key, direction=direction, grouped=query.get("group") == "bureau")

    @property
    def descending(self) -> bool:
        return self.direction == "desc"

    def aria_sort(self, key: str) -> str:
        return ("descending" if self.descending else "ascending") if key == self.key else ""

    def toggled(self, key: str) -> str:
        """The direction a click on `key`'s header asks for: the other one if it is the
        current sort, else that column's natural first."""
        if key == self.key:
            return "asc" if self.descending else "desc"
        return "asc" if key == "hub" else "desc"
