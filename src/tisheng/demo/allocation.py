"""Pure helpers that share whole numbers out exactly (no Django): totals over schools, students over
classes. Integer arithmetic only, so the result is the same on every platform."""

from __future__ import annotations

import random
from collections.abc import Sequence

#: Weights are scaled to integers with this many steps before sharing out, so ties and remainders do
#: not depend on floating-point rounding.
WEIGHT_SCALE = 1_000_000


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Share ``total`` out in proportion to ``weights`` so the parts sum to ``total`` exactly
    (Hamilton's largest-remainder method; ties go to the earlier item)."""
    if total < 0:
        raise ValueError("total must not be negative")
    scaled = [round(w * WEIGHT_SCALE) for w in weights]
    if any(w < 0 for w in scaled):
        raise ValueError("weights must not be negative")
    denominator = sum(scaled)
    if denominator == 0:
        if total == 0:
            return [0] * len(scaled)
        raise ValueError("cannot share a positive total over zero weights")
    parts: list[int] = []
    remainders: list[int] = []
    for w in scaled:
        quotient, remainder = divmod(total * w, denominator)
        parts.append(quotient)
        remainders.append(remainder)
    left = total - sum(parts)
    for index in sorted(range(len(parts)), key=lambda i: (-remainders[i], i))[:left]:
        parts[index] += 1
    return parts


def split_even(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` near-equal whole parts, the larger ones first."""
    if parts < 1:
        raise ValueError("need at least one part")
    base, extra = divmod(total, parts)
    return [base + 1 if i < extra else base for i in range(parts)]


def jitter(sizes: list[int], rng: random.Random, *, cap: int, floor: int = 1, max_move: int = 3) -> list[int]:
    """Move a few students between classes of a grade (the sum stays the same), never taking a class
    below ``floor`` nor pushing one above ``cap``."""
    sizes = list(sizes)
    k = len(sizes)
    if k < 2:
        return sizes
    for _ in range(k):
        giver, taker = rng.randrange(k), rng.randrange(k)
        move = rng.randint(1, max_move)
        if giver != taker and sizes[giver] - move >= floor and sizes[taker] + move <= cap:
            sizes[giver] -= move
            sizes[taker] += move
    return sizes


def class_count(students: int, target: float, cap: int) -> int:
    """How many classes ``students`` make when a school aims at ``target`` per class, never averaging
    above ``cap``."""
    if students <= 0:
        return 0
    k = max(1, round(students / target))
    while students / k > cap:
        k += 1
    return k


def crowded_sizes(
    students: int,
    rng: random.Random,
    *,
    average: int,
    low: int,
    high: int,
    oversized: bool = False,
    rest_range: tuple[int, int] = (40, 55),
) -> list[int]:
    """Class sizes of an over-full (大班额) grade: about half of the classes hold ``low``–``high``
    students (one of them 66–68, 超大班额, when ``oversized``), the others share the rest, averaging
    within ``rest_range`` where the numbers allow. The sizes sum to ``students``, largest first."""
    rest_low, rest_high = rest_range
    k = max(2, round(students / average))
    big = [rng.randint(low, high) for _ in range(max(1, k // 2))]
    if oversized:
        big[0] = rng.randint(66, 68)
    while (students - sum(big)) / (k - len(big)) > rest_high:
        k += 1  # the other classes would be over-full too: open one more
    while len(big) > 1 and (students - sum(big)) / (k - len(big)) < rest_low:
        big.pop()  # too few students left for the others: fewer over-full classes
    rest = students - sum(big)
    if rest < k - len(big):
        return split_even(students, k)
    return sorted(big + split_even(rest, k - len(big)), reverse=True)
