"""The trajectory status rule (按趋势研判): is a commitment of the plan on track to meet its target?

Pure Python with exact arithmetic: the rule imports nothing from Django at module level, and every
value that takes part in a decision is a :class:`~fractions.Fraction` made exactly from the Decimal
inputs (no floats). Rounding happens only when a number is written into the reason sentence.

Inputs
------
* A :class:`Target`: a comparator (``>=``, ``<=``, ``=`` or ``falls_every_year``; the codes of
  ``tisheng.plan.choices.Comparator``), the target value (a Decimal; none for ``falls_every_year``),
  the deadline year and the unit the values are written in (``"%"`` for a rate in per cent).
* The history: pairs (academic start year, value), a value of ``None`` where a year has no value.
  Years are academic start years (2024 is the 学年 2024—2025) and the deadline year is on the same axis:
  the value compared with a target "到2025年" is the value of year 2025.
* The parameters, a :class:`TrajectoryRule`: ``points`` N (setting ``TISHENG_TRAJECTORY_POINTS``,
  default 3), ``tolerance_pp`` (setting ``TISHENG_TRAJECTORY_TOLERANCE_PP``, default 2.0 percentage
  points) and ``tolerance_share`` (setting ``TISHENG_TRAJECTORY_TOLERANCE_SHARE``, default 0.05: 5 % of
  the target).
* Optionally ``as_of``, the current academic year (so that a deadline can pass before its data arrive).

Targets with ``>=``, ``<=`` or ``=``
------------------------------------
A value *meets* the target when it is ≥, ≤ or equal to the target value. The *shortfall* of a value
that misses is its distance from the target (target − value for ``>=``, value − target for ``<=``,
the absolute difference for ``=``). The *tolerance* is ``tolerance_pp`` when the unit is ``"%"``,
otherwise ``tolerance_share`` × |target|.

1. No year has a value → 无数据 (UNKNOWN), "没有数据".
2. The deadline has passed — the latest year with a value is the deadline year or later, or ``as_of``
   is after the deadline year → judged on the latest value: 绿 if it meets the target, otherwise 红
   and *overdue* ("目标期限2025年已过，2025年为96.0%，未达到目标98%").
3. Otherwise the value at the deadline year is projected from the last N years with a value (gaps are
   skipped, so the points need not be consecutive years) by ordinary least squares on (year, value):
   slope b = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², projection p = ȳ + b·(deadline − x̄). With a single point
   the projection is that value (flat, slope 0). A projection of a per-cent value is clamped to
   [0, 100]. Then:

   * 绿 (GREEN) when p meets the target (exactly at the target is 绿);
   * 黄 (YELLOW) when p misses by no more than the tolerance (exactly at the tolerance is 黄), or when
     the latest value meets the target but the trend heads away from it so that p misses (the line
     crosses the target before the deadline), whatever the size of the miss;
   * 红 (RED) when p misses by more than the tolerance and the latest value misses too.

Targets ``falls_every_year`` (e.g. 近视率逐年下降)
------------------------------------------------
All years with a value are compared in order, each with the previous year that has a value:

1. No value → 无数据 "没有数据"; a single value → 无数据 (one year shows no movement).
2. 红 when the latest value is higher than the one before it ("近视率2024年较上年上升0.8个百分点").
3. 黄 when an earlier year rose (the latest movement is a fall, but the commitment was broken once),
   when a year is flat (equal to the one before), or when a missing year between the first and the
   latest value hides a movement.
4. 绿 when every year falls and no year is missing.

The deadline does not change this verdict (the commitment holds every year). The slope reported is
the least-squares slope of the last N values, for information.

Roll-up
-------
:func:`roll_up` gives a task's or goal's status from its commitments' statuses: 红 if any is 红, else
黄 if any is 黄, else 绿 if any is 绿, else 无数据 (no commitment with data, or none at all).

Reason sentences
----------------
Every :class:`Trajectory` carries one Chinese sentence a leader can read. Per-cent values are written
with one decimal (half up), other values with as many decimals as the data and the target have
(0 to 2), and with more (up to four) when that would hide the difference from the target; targets
are written as given. A unit ``"%"`` is written after values ("96.1%") and differences are written
in 个百分点; any other unit is appended plainly to values and differences ("12.5平方米", "8所").
The trend is "按近三年趋势" when the points are consecutive years, else "按2021、2023、2024年的趋势".
The sentences (``name``, e.g. "近视率", goes before the first year):

* 绿: "2024年为97.2%，按近三年趋势2025年预计98.4%，可达到目标98%"; one point: "仅有2024年数据，为
  98.5%，已达到目标98%"; deadline passed: "目标期限2025年已过，2025年为98.3%，达到目标98%".
* 黄/红, projection misses: "按近三年趋势，2025年预计96.1%，低于目标98%" (高于 for ``<=``); one point:
  "仅有2024年数据，为97.0%，低于目标98%".
* 黄, latest meets but heads away: "2024年为98.2%，已达到目标98%，但按近三年趋势2025年预计97.8%，将低于目标".
* 红, overdue: "目标期限2025年已过，2025年为96.0%，未达到目标98%".
* ``falls_every_year``: 绿 "近视率2021年至2024年逐年下降，2024年较上年下降0.5个百分点"; 红 "近视率2024年
  较上年上升0.8个百分点"; 黄 "近视率2023年与上年持平，未能逐年下降", "近视率2022年较上年上升0.3个百分点，
  未能逐年下降；2024年较上年下降0.4个百分点", "近视率缺少2023年数据，无法确认逐年下降；2024年较2022年
  下降0.9个百分点"; 无数据 "仅有近视率2024年数据（51.0%），无法判断是否逐年下降".
* 无数据: "没有数据".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from typing import Self

__all__ = [
    "COMPARATORS",
    "Status",
    "Target",
    "Trajectory",
    "TrajectoryRule",
    "assess",
    "least_squares",
    "roll_up",
]

AT_LEAST = ">="
AT_MOST = "<="
EQUAL = "="
FALLS_EVERY_YEAR = "falls_every_year"
#: The comparators the rule understands (the codes of ``tisheng.plan.choices.Comparator``).
COMPARATORS = frozenset({AT_LEAST, AT_MOST, EQUAL, FALLS_EVERY_YEAR})

PERCENT = "%"
_HUNDRED = Fraction(100)


class Status(StrEnum):
    """The status of a commitment (or a rolled-up task or goal), shown as a coloured badge."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """The Chinese label: 绿 / 黄 / 红 / 无数据."""
        return _LABELS[self]

    @property
    def badge(self) -> str:
        """The badge colour (a CSS class of the shared stylesheet: green, orange, red, grey)."""
        return _BADGES[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs, as Django's TextChoices give them."""
        return [(member.value, member.label) for member in cls]


_LABELS = {Status.GREEN: "绿", Status.YELLOW: "黄", Status.RED: "红", Status.UNKNOWN: "无数据"}
_BADGES = {Status.GREEN: "green", Status.YELLOW: "orange", Status.RED: "red", Status.UNKNOWN: "grey"}
#: Severity order of the roll-up, most severe first.
_SEVERITY = (Status.RED, Status.YELLOW, Status.GREEN)


@dataclass(frozen=True)
class TrajectoryRule:
    """The parameters of the rule (see the module docstring)."""

    #: N: how many of the latest years with a value the projection uses.
    points: int = 3
    #: The tolerance for per-cent values, in percentage points.
    tolerance_pp: Decimal = Decimal("2.0")
    #: The tolerance for other values, as a share of the target.
    tolerance_share: Decimal = Decimal("0.05")

    def __post_init__(self) -> None:
        if self.points < 1:
            raise ValueError(f"points must be at least 1, not {self.points}")
        if self.tolerance_pp < 0 or self.tolerance_share < 0:
            raise ValueError("tolerances cannot be negative")

    @classmethod
    def from_settings(cls) -> Self:
        """The rule as configured (``TISHENG_TRAJECTORY_POINTS``, ``TISHENG_TRAJECTORY_TOLERANCE_PP``,
        ``TISHENG_TRAJECTORY_TOLERANCE_SHARE``)."""
        from django.conf import settings

        return cls(
            points=settings.TRAJECTORY_POINTS,
            tolerance_pp=settings.TRAJECTORY_TOLERANCE_PP,
            tolerance_share=settings.TRAJECTORY_TOLERANCE_SHARE,
        )


@dataclass(frozen=True)
class Target:
    """A commitment's target: comparator, value (none for ``falls_every_year``), deadline year, unit."""

    comparator: str
    value: Decimal | None
    deadline: int
    unit: str = ""

    def __post_init__(self) -> None:
        if self.comparator not in COMPARATORS:
            raise ValueError(f"unknown comparator {self.comparator!r}: use one of {sorted(COMPARATORS)}")
        if self.comparator != FALLS_EVERY_YEAR and self.value is None:
            raise ValueError(f"a {self.comparator!r} target needs a value")


@dataclass(frozen=True)
class Trajectory:
    """The verdict on one commitment: status, why (one sentence), and the numbers behind it."""

    status: Status
    #: One Chinese sentence a leader can read.
    reason: str
    #: The value projected for the deadline year (none when not projected: no data, deadline passed,
    #: or a ``falls_every_year`` target).
    projected: Fraction | None
    #: The (year, value) points the verdict used, oldest first.
    points: tuple[tuple[int, Decimal], ...]
    #: Least-squares change per year over the points (0 for one point; none without a projection line).
    slope: Fraction | None
    #: True when the deadline has passed and the latest value misses the target.
    overdue: bool = False


def least_squares(points: Iterable[tuple[int, Decimal]], at: int) -> tuple[Fraction, Fraction]:
    """The ordinary least-squares line through ``points`` evaluated at year ``at``, and its slope,
    exactly. One point gives a flat line through it. Raises ``ValueError`` for no point."""
    xs: list[Fraction] = []
    ys: list[Fraction] = []
    for year, value in points:
        xs.append(Fraction(year))
        ys.append(Fraction(value))
    if not xs:
        raise ValueError("least squares needs at least one point")
    n = len(xs)
    mean_x = sum(xs, Fraction(0)) / n
    mean_y = sum(ys, Fraction(0)) / n
    sxx = sum(((x - mean_x) ** 2 for x in xs), Fraction(0))
    if sxx == 0:
        return mean_y, Fraction(0)
    sxy = sum(((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)), Fraction(0))
    slope = sxy / sxx
    return mean_y + slope * (Fraction(at) - mean_x), slope


def roll_up(statuses: Iterable[Status]) -> Status:
    """A task's or goal's status from its commitments': 红 if any 红, else 黄 if any 黄, else 绿 if any
    绿, else 无数据."""
    present = set(statuses)
    for status in _SEVERITY:
        if status in present:
            return status
    return Status.UNKNOWN


def assess(
    target: Target,
    history: Iterable[tuple[int, Decimal | None]],
    *,
    rule: TrajectoryRule,
    as_of: int | None = None,
    name: str = "",
) -> Trajectory:
    """The status of a commitment with ``target`` given its ``history`` (see the module docstring).

    ``name`` (e.g. "近视率") is written before the first year of the reason sentence; ``as_of`` is the
    current academic year. Duplicate years are an error.
    """
    known = _known_points(history)
    if not known:
        return Trajectory(Status.UNKNOWN, f"{name}没有数据", None, (), None)
    if target.comparator == FALLS_EVERY_YEAR:
        return _assess_falls(target, known, rule, name)
    return _assess_target(target, known, rule, as_of, name)


def _known_points(history: Iterable[tuple[int, Decimal | None]]) -> list[tuple[int, Decimal]]:
    seen: set[int] = set()
    known: list[tuple[int, Decimal]] = []
    for year, value in history:
        if year in seen:
            raise ValueError(f"year {year} appears twice in the history")
        seen.add(year)
        if value is not None:
            known.append((year, value))
    return sorted(known)


def _assess_target(
    target: Target, known: list[tuple[int, Decimal]], rule: TrajectoryRule, as_of: int | None, name: str
) -> Trajectory:
    assert target.value is not None  # checked by Target
    goal = Fraction(target.value)
    unit = target.unit
    deadline = target.deadline
    latest_year, latest_value = known[-1]
    write = _Writer.for_values(unit, [target.value, *(value for _, value in known)])
    goal_text = f"目标{_plain(target.value)}{unit}"
    latest_text = f"{name}{latest_year}年为{write.number(Fraction(latest_value), goal)}"

    if latest_year >= deadline or (as_of is not None and as_of > deadline):
        passed = f"目标期限{deadline}年已过，{latest_text}"
        if _meets(target.comparator, Fraction(latest_value), goal):
            return Trajectory(Status.GREEN, f"{passed}，达到{goal_text}", None, (known[-1],), None)
        reason = f"{passed}，未达到{goal_text}"
        return Trajectory(Status.RED, reason, None, (known[-1],), None, overdue=True)

    used = tuple(known[-rule.points :])
    projected, slope = least_squares(used, deadline)
    if unit == PERCENT:
        projected = min(max(projected, Fraction(0)), _HUNDRED)
    tolerance = Fraction(rule.tolerance_pp) if unit == PERCENT else Fraction(rule.tolerance_share) * abs(goal)
    latest_meets = _meets(target.comparator, Fraction(latest_value), goal)
    projected_meets = _meets(target.comparator, projected, goal)
    side = "高于" if projected > goal else "低于"

    if projected_meets:
        status = Status.GREEN
    elif latest_meets or _shortfall(target.comparator, projected, goal) <= tolerance:
        status = Status.YELLOW
    else:
        status = Status.RED

    if len(used) == 1:
        only = f"仅有{name}{latest_year}年数据，为{write.number(Fraction(latest_value), goal)}"
        reason = f"{only}，已达到{goal_text}" if latest_meets else f"{only}，{side}{goal_text}"
    else:
        trend = _trend_words([year for year, _ in used])
        forecast = f"{deadline}年预计{write.number(projected, goal)}"
        if projected_meets:
            reason = f"{latest_text}，{trend}{forecast}，可达到{goal_text}"
        elif latest_meets:
            reason = f"{latest_text}，已达到{goal_text}，但{trend}{forecast}，将{side}目标"
        else:
            reason = f"{trend}，{name}{forecast}，{side}{goal_text}"
    return Trajectory(status, reason, projected, used, slope)


def _assess_falls(
    target: Target, known: list[tuple[int, Decimal]], rule: TrajectoryRule, name: str
) -> Trajectory:
    write = _Writer.for_values(target.unit, [value for _, value in known])
    everything = tuple(known)
    if len(known) == 1:
        year, value = known[0]
        reason = f"仅有{name}{year}年数据（{write.number(Fraction(value))}），无法判断是否逐年下降"
        return Trajectory(Status.UNKNOWN, reason, None, everything, None)
    _, slope = least_squares(known[-rule.points :], known[-1][0])

    def moved(index: int) -> str:
        (before_year, before), (year, value) = known[index - 1], known[index]
        compared = "上年" if before_year == year - 1 else f"{before_year}年"
        if value == before:
            return f"{year}年与{compared}持平"
        direction = "上升" if value > before else "下降"
        return f"{year}年较{compared}{direction}{write.difference(abs(value - before))}"

    last = len(known) - 1
    if known[last][1] > known[last - 1][1]:
        return Trajectory(Status.RED, f"{name}{moved(last)}", None, everything, slope)
    rises = [i for i in range(1, len(known)) if known[i][1] > known[i - 1][1]]
    if rises:
        reason = f"{name}{moved(rises[-1])}，未能逐年下降；{moved(last)}"
        return Trajectory(Status.YELLOW, reason, None, everything, slope)
    flats = [i for i in range(1, len(known)) if known[i][1] == known[i - 1][1]]
    if flats:
        reason = f"{name}{moved(flats[-1])}，未能逐年下降"
        return Trajectory(Status.YELLOW, reason, None, everything, slope)
    years = {year for year, _ in known}
    missing = [year for year in range(known[0][0], known[-1][0]) if year not in years]
    if missing:
        listed = "、".join(str(year) for year in missing)
        reason = f"{name}缺少{listed}年数据，无法确认逐年下降；{moved(last)}"
        return Trajectory(Status.YELLOW, reason, None, everything, slope)
    first_year = known[0][0]
    reason = f"{name}{first_year}年至{known[-1][0]}年逐年下降，{moved(last)}"
    return Trajectory(Status.GREEN, reason, None, everything, slope)


def _meets(comparator: str, value: Fraction, goal: Fraction) -> bool:
    if comparator == AT_LEAST:
        return value >= goal
    if comparator == AT_MOST:
        return value <= goal
    return value == goal


def _shortfall(comparator: str, value: Fraction, goal: Fraction) -> Fraction:
    if comparator == AT_LEAST:
        return goal - value
    if comparator == AT_MOST:
        return value - goal
    return abs(value - goal)


_COUNT_WORDS = {2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


def _trend_words(years: list[int]) -> str:
    """The trend phrase: "按近三年趋势" for consecutive years, "按2021、2023、2024年的趋势" when a year is skipped."""
    if years[-1] - years[0] == len(years) - 1:
        return f"按近{_COUNT_WORDS.get(len(years), str(len(years)))}年趋势"
    return f"按{'、'.join(str(year) for year in years)}年的趋势"


def _rounded(value: Fraction, decimals: int) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class _Writer:
    """Writes values and differences into the reason sentence in the commitment's unit."""

    unit: str
    decimals: int

    @classmethod
    def for_values(cls, unit: str, values: Iterable[Decimal]) -> _Writer:
        """One decimal for per cent; otherwise as many decimals as the data and target have (0 to 2)."""
        if unit == PERCENT:
            return cls(unit, 1)
        written = [-exponent for value in values if isinstance(exponent := value.as_tuple().exponent, int)]
        return cls(unit, min(max([0, *written]), 2))

    def number(self, value: Fraction, goal: Fraction | None = None) -> str:
        """A value in the sentence: "96.1%", "12.5平方米", "8所". A value that misses or passes the
        target by less than the decimals show is written with more decimals (up to four), so that a
        sentence never reads "98.0%，低于目标98%"."""
        decimals = self.decimals
        while goal is not None and decimals < 4 and value != goal and _rounded(value, decimals) == goal:
            decimals += 1
        return f"{_rounded(value, decimals)}{self.unit}"

    def difference(self, amount: Decimal) -> str:
        """A difference in the sentence: "0.8个百分点" for per cent, else with the unit; a difference
        the decimals would show as zero is written exactly."""
        shown = _rounded(Fraction(amount), self.decimals)
        text = _plain(amount) if shown == 0 else str(shown)
        return f"{text}个百分点" if self.unit == PERCENT else f"{text}{self.unit}"


def _plain(value: Decimal) -> str:
    """A number as written, without trailing zeros: 98, 98.5, 100."""
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text
