"""Which cells of a published breakdown to withhold so that no small group of answers can be
read off it, directly or by subtracting the shown cells from the total."""


def withheld_cells(counts: list[int], minimum: int) -> list[bool]:
    """Cells with 1 to minimum-1 answers are withheld; if those add up to a group of 1 to
    minimum-1 (which the total minus the shown cells would reveal), the smallest shown cells
    are withheld too until they do not."""
    hidden = [0 < n < minimum for n in counts]
    residual = sum(n for n, h in zip(counts, hidden, strict=True) if h)
    shown = sorted((n, i) for i, (n, h) in enumerate(zip(counts, hidden, strict=True))
                   if n and not h)
    while shown and 0 < residual < minimum:
        n, i = shown.pop(0)
        hidden[i] = True
        residual += n
    return hidden


def residual_too_small(counts: list[int], minimum: int) -> bool:
    """Whether the withheld cells, taken together, are still a group of 1 to minimum-1
    answers: then the total itself must be withheld."""
    hidden = withheld_cells(counts, minimum)
    residual = sum(n for n, h in zip(counts, hidden, strict=True) if h)
    return 0 < residual < minimum
