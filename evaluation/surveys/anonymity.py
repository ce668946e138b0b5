"""Which cells of a published breakdown to withhold so that no small group of answers can be
read off it, directly or by subtracting the shown cells from the total; and which answers a
results page may count, so that comparing it before and after an answer arrives tells nothing
about that answer."""

TOO_FEW = "too_few"  # the cell itself has 1 to minimum-1 answers
PROTECTS_OTHERS = "protects_others"  # enough answers, hidden so the small cells stay hidden


def withholding(counts: list[int], minimum: int, *, total: int | None = None
                ) -> list[str | None]:
    """Per cell: None (shown), TOO_FEW or PROTECTS_OTHERS. Cells with 1 to minimum-1 answers
    are TOO_FEW; if the total minus the shown cells is then a group of 1 to minimum-1, the
    smallest shown cells are withheld too (PROTECTS_OTHERS) until it is not. `total` is the
    figure shown beside the cells when it also counts cells the reader does not see (a
    coordinator sees their own row beside the hub's total); by default, the cells' sum."""
    reasons: list[str | None] = [TOO_FEW if 0 < n < minimum else None for n in counts]
    shown = sorted((n, i) for i, n in enumerate(counts) if n and reasons[i] is None)
    residual = (sum(counts) if total is None else total) - sum(n for n, _i in shown)
    while shown and 0 < residual < minimum:
        n, i = shown.pop(0)
        reasons[i] = PROTECTS_OTHERS
        residual += n
    return reasons


def withheld_cells(counts: list[int], minimum: int) -> list[bool]:
    return [reason is not None for reason in withholding(counts, minimum)]


def residual_too_small(counts: list[int], minimum: int) -> bool:
    """Whether the withheld cells, taken together, are still a group of 1 to minimum-1
    answers: then the total itself must be withheld."""
    hidden = withheld_cells(counts, minimum)
    residual = sum(n for n, h in zip(counts, hidden, strict=True) if h)
    return 0 < residual < minimum


def counted_in_batches(answered: int, minimum: int) -> int:
    """How many answers (the first ones, in the order they arrived) results may count: a whole
    number of batches of `minimum`. Results that followed every answer would show, by
    comparing them before and after, what the newest answer said (and the campaign's own
    staff know who answered when). Moving in whole batches, each change is the sum of at least
    `minimum` answers, the same protection as the minimum on the total. The rule holds after
    the campaign closes too: the last few answers are left out rather than released alone."""
    return answered - answered % minimum
