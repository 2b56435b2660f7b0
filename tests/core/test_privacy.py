import pytest

from core.privacy import min_group_size, suppressed_cells


def test_default_minimum_group_size_is_five():
    assert min_group_size() == 5


@pytest.mark.parametrize(
    "counts,hidden,total_hidden",
    [
        ([10, 20], set(), False),
        ([2, 9, 6], {0, 2}, False),  # secondary: the next smallest
        ([1, 1, 9, 12], {0, 1, 2}, False),  # two tiny cells reveal their sum: one more
        ([3], {0}, True),  # the total is the cell
        ([2, 1], {0, 1}, True),  # whole group under the minimum
        ([0, 7, 8], set(), False),  # an empty cell identifies nobody
    ],
)
def test_primary_and_secondary_suppression(counts, hidden, total_hidden):
    assert suppressed_cells(counts, min_size=5) == (hidden, total_hidden)


def test_without_a_published_total_only_small_cells_are_hidden():
    assert suppressed_cells([2, 9, 6], min_size=5, with_total=False) == ({0}, False)
