import random

from panel.members.sampling import allocate, draw, largest_remainder


def test_largest_remainder_adds_up_exactly() -> None:
    parts = largest_remainder({"a": 1.0, "b": 1.0, "c": 1.0}, 10)
    assert sum(parts.values()) == 10
    assert sorted(parts.values()) == [3, 3, 4]


def test_largest_remainder_is_proportional() -> None:
    assert largest_remainder({"big": 700.0, "small": 300.0}, 100) == {"big": 70, "small": 30}


def test_allocate_moves_a_shortfall_to_strata_with_spare_members() -> None:
    # The population says half should be young, but the panel only has 5 young members.
    result = allocate({"young": 500.0, "old": 500.0}, {"young": 5, "old": 100}, 40)
    assert result == {"young": 5, "old": 35}


def test_allocate_never_exceeds_the_panel() -> None:
    assert allocate({"a": 1.0}, {"a": 3}, 10) == {"a": 3}


def test_allocate_without_weights_follows_the_panel() -> None:
    assert allocate({}, {"a": 30, "b": 10}, 8) == {"a": 6, "b": 2}


def test_draw_is_reproducible_with_a_seed() -> None:
    strata = {"a": list(range(50)), "b": list(range(100, 150))}
    first = draw(strata, {"a": 5, "b": 3}, random.Random(7))
    assert first == draw(strata, {"a": 5, "b": 3}, random.Random(7))
    assert len(first) == 8 and len(set(first)) == 8
    assert first != draw(strata, {"a": 5, "b": 3}, random.Random(8))
