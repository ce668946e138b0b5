"""Withholding small groups of answers, including those the total minus the shown cells would
reveal."""

from evaluation.surveys.anonymity import residual_too_small, withheld_cells


def test_cells_under_the_minimum_are_withheld():
    assert withheld_cells([10, 0, 4, 7, 2], 5) == [False, False, True, False, True]


def test_a_single_small_cell_takes_the_smallest_shown_cell_with_it():
    # 4 alone could be read as the total minus 10 and 7: hide the 7 as well.
    assert withheld_cells([10, 4, 7], 5) == [False, True, True]


def test_small_cells_that_add_up_to_the_minimum_stand_alone():
    assert withheld_cells([10, 2, 3, 7], 5) == [False, True, True, False]


def test_the_total_is_withheld_when_nothing_else_can_cover_a_small_group():
    assert withheld_cells([3], 5) == [True]
    assert residual_too_small([3], 5)
    assert not residual_too_small([3, 9], 5)  # 9 is hidden too: 12 answers together
    assert not residual_too_small([0, 8], 5)
