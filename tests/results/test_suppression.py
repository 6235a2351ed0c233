"""Small-cell suppression, including groups that could be worked out by subtraction."""

from surveys.results.suppression import hidden_total, suppressed


def test_nothing_hidden_when_every_group_is_large_enough():
    assert suppressed({"A": 10, "B": 7, "C": 5}, 5) == set()


def test_a_lone_small_group_takes_the_smallest_other_group_with_it():
    # Total 27 is shown; hiding only C (3) would leave it as 27 - 10 - 8 - 6 = 3.
    counts = {"A": 10, "B": 8, "C": 3, "D": 6}
    assert suppressed(counts, 5) == {"C", "D"}


def test_two_small_groups_that_together_are_still_too_few_take_a_third():
    # B + C = 1 + 2 = 3 < 5 would be revealed as a pair by subtraction.
    counts = {"A": 20, "B": 1, "C": 2, "D": 9}
    assert suppressed(counts, 5) == {"B", "C", "D"}


def test_two_small_groups_that_together_reach_the_limit_are_enough():
    counts = {"A": 20, "B": 3, "C": 4}
    hidden = suppressed(counts, 5)
    assert hidden == {"B", "C"}
    assert hidden_total(counts, hidden) == 7


def test_empty_groups_reveal_nothing():
    assert suppressed({"A": 12, "B": 0, "C": 9}, 5) == set()


def test_without_a_shown_total_only_small_groups_are_hidden():
    assert suppressed({"A": 10, "B": 3}, 5, total_shown=False) == {"B"}


def test_ties_are_broken_the_same_way_every_time():
    counts = {"A": 2, "X": 6, "Y": 6, "Z": 9}
    assert suppressed(counts, 5) == {"A", "X"}


def test_when_everything_is_small_everything_is_hidden():
    assert suppressed({"A": 2, "B": 1}, 5) == {"A", "B"}
