"""The exact share-out helpers of the demo generator (no database)."""

from __future__ import annotations

import random

import pytest

from tisheng.demo.allocation import class_count, crowded_sizes, jitter, largest_remainder, split_even


def test_largest_remainder_is_exact_and_proportional() -> None:
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]  # the tie goes to the first
    assert largest_remainder(100, [0.5, 0.3, 0.2]) == [50, 30, 20]
    assert largest_remainder(7, [2, 0, 1]) == [5, 0, 2]
    assert largest_remainder(0, [0, 0]) == [0, 0]
    parts = largest_remainder(29_637, [random.Random(i).uniform(0.1, 5) for i in range(40)])
    assert sum(parts) == 29_637


def test_largest_remainder_rejects_impossible_input() -> None:
    with pytest.raises(ValueError):
        largest_remainder(5, [0, 0])
    with pytest.raises(ValueError):
        largest_remainder(-1, [1])
    with pytest.raises(ValueError):
        largest_remainder(5, [1, -1])


def test_split_even() -> None:
    assert split_even(10, 3) == [4, 3, 3]
    assert split_even(9, 3) == [3, 3, 3]
    with pytest.raises(ValueError):
        split_even(5, 0)


def test_jitter_keeps_the_sum_and_the_bounds() -> None:
    rng = random.Random(1)
    for _ in range(200):
        sizes = split_even(rng.randint(40, 400), rng.randint(1, 9))
        moved = jitter(sizes, rng, cap=max(sizes) + 2, floor=max(1, min(sizes) - 4))
        assert sum(moved) == sum(sizes)
        assert max(moved) <= max(sizes) + 2
        assert min(moved) >= max(1, min(sizes) - 4)


def test_class_count_respects_the_cap() -> None:
    assert class_count(0, 45, 55) == 0
    assert class_count(30, 45, 55) == 1
    assert class_count(230, 48, 55) == 5
    assert class_count(112, 60, 55) == 3  # 112/2 = 56 would exceed the cap


def test_crowded_sizes_plant_over_full_classes() -> None:
    rng = random.Random(3)
    for _ in range(200):
        students = rng.randint(170, 700)
        sizes = crowded_sizes(students, rng, average=52, low=56, high=60, oversized=rng.random() < 0.5)
        assert sum(sizes) == students
        assert max(sizes) >= 56
        assert min(sizes) >= 30
