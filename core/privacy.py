"""Statistical disclosure control for published counts (open-data exports, survey results).

A count of fewer than `PRIVACY_MIN_GROUP_SIZE` people is never published (primary
suppression). Where a total is published too, one hidden cell could be recovered by
subtracting the others from it, so more cells are hidden (secondary suppression): the next
smallest, until the hidden cells together cover at least the minimum group size; a total
made of a single hidden cell is hidden as well.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

SUPPRESSED = "*"


def min_group_size() -> int:
    return int(settings.PRIVACY_MIN_GROUP_SIZE)


def suppressed_cells(
    counts: Sequence[int], *, min_size: int | None = None, with_total: bool = True
) -> tuple[set[int], bool]:
    """For the cells of one group that add up to a published total, return the indexes to
    hide and whether the total itself must be hidden. `counts` are people per cell."""
    k = min_group_size() if min_size is None else min_size
    hidden = {i for i, n in enumerate(counts) if 0 < n < k}
    if not with_total:
        return hidden, False
    if sum(counts) < k:
        return {i for i, n in enumerate(counts) if n > 0}, True
    if hidden:
        visible = sorted((n, i) for i, n in enumerate(counts) if i not in hidden and n > 0)
        # One hidden cell equals total minus the rest; two tiny ones reveal their small sum.
        while visible and (len(hidden) < 2 or sum(counts[i] for i in hidden) < k):
            hidden.add(visible.pop(0)[1])
    # A total of a single hidden cell is that cell.
    occupied = [n for n in counts if n > 0]
    return hidden, bool(hidden) and len(occupied) == 1
