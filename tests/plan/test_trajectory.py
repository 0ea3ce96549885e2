"""The trajectory status rule: worked-by-hand examples of every status and edge, the exact reason
sentences, the least-squares projection against a hand computation and an independent float oracle,
and properties of linear histories."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tisheng.plan.trajectory import (
    Status,
    Target,
    Trajectory,
    TrajectoryRule,
    assess,
    least_squares,
    roll_up,
)

RULE = TrajectoryRule()
D = Decimal


def history(*pairs: tuple[int, str | None]) -> list[tuple[int, Decimal | None]]:
    return [(year, None if value is None else Decimal(value)) for year, value in pairs]


def at_least(value: str, deadline: int = 2025, unit: str = "%") -> Target:
    return Target(">=", Decimal(value), deadline, unit)


def at_most(value: str, deadline: int = 2025, unit: str = "%") -> Target:
    return Target("<=", Decimal(value), deadline, unit)


FALLS = Target("falls_every_year", None, 2025, "%")


# --- the least-squares projection -------------------------------------------------------------------


def test_projection_matches_the_hand_computation() -> None:
    # x̄ = 2022, ȳ = 287.1 / 3 = 95.7; Σ(x−x̄)² = 2; Σ(x−x̄)(y−ȳ) = (−1)(−0.7) + 0 + (1)(0.6) = 1.3
    # slope = 1.3 / 2 = 0.65; at 2025: 95.7 + 0.65 × 3 = 97.65
    points = [(2021, D("95.0")), (2022, D("95.8")), (2023, D("96.3"))]
    projected, slope = least_squares(points, 2025)
    assert slope == Fraction(13, 20)
    assert projected == Fraction(9765, 100)
    result = assess(at_least("98"), points, rule=RULE)
    assert result.projected == Fraction(9765, 100)
    assert result.slope == Fraction(13, 20)
    assert result.status is Status.YELLOW  # misses by 0.35 ≤ 2
    assert result.reason == "按近三年趋势，2025年预计97.7%，低于目标98%"  # 97.65 rounds half up


def test_projection_with_a_skipped_year_matches_the_hand_computation() -> None:
    # years as x = year − 2020: 0, 2, 3 (x̄ = 5/3); y: 10, 13, 15 (ȳ = 38/3)
    # x − x̄: −5/3, 1/3, 4/3; y − ȳ: −8/3, 1/3, 7/3
    # Σ(x−x̄)² = 25/9 + 1/9 + 16/9 = 14/3; Σ(x−x̄)(y−ȳ) = 40/9 + 1/9 + 28/9 = 23/3; slope = 23/14
    # at 2025 (x = 5): 38/3 + 23/14 × 10/3 = 266/21 + 115/21 = 127/7 ≈ 18.14
    points = [(2020, D("10")), (2022, D("13")), (2023, D("15"))]
    projected, slope = least_squares(points, 2025)
    assert (projected, slope) == (Fraction(127, 7), Fraction(23, 14))
    result = assess(at_least("18.2", unit="个"), points, rule=RULE)
    assert result.status is Status.YELLOW  # misses by 0.06, tolerance 5 % of 18.2 = 0.91
    # whole-number data and a one-decimal target: written with one decimal
    assert result.reason == "按2020、2022、2023年的趋势，2025年预计18.1个，低于目标18.2个"
    assert assess(at_least("18", unit="个"), points, rule=RULE).status is Status.GREEN


def test_a_miss_hidden_by_rounding_is_written_with_more_decimals() -> None:
    # slope 0.2: 97.56 + 0.2 × 2 = 97.96, which one decimal would write as 98.0
    points = history((2022, "97.36"), (2023, "97.56"), (2024, "97.76"))
    result = assess(at_least("98"), points, rule=RULE)
    assert result.projected == Fraction(9796, 100)
    assert result.reason == "按近三年趋势，2025年预计97.96%，低于目标98%"


def test_one_point_is_flat_and_no_point_is_an_error() -> None:
    assert least_squares([(2024, D("97.5"))], 2025) == (Fraction(975, 10), Fraction(0))
    with pytest.raises(ValueError, match="at least one point"):
        least_squares([], 2025)


@given(
    st.lists(
        st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False),
        min_size=2,
        max_size=6,
    ),
    st.integers(min_value=2015, max_value=2022),
    st.integers(min_value=1, max_value=5),
)
def test_projection_agrees_with_an_independent_float_fit(
    values: list[Decimal], first: int, ahead: int
) -> None:
    points = [(first + i, value) for i, value in enumerate(values)]
    at = points[-1][0] + ahead
    projected, slope = least_squares(points, at)
    x = np.array([year - first for year, _ in points], dtype=float)
    y = np.array([float(value) for _, value in points])
    fitted_slope, intercept = np.polyfit(x, y, 1)
    assert float(slope) == pytest.approx(fitted_slope, abs=1e-9)
    assert float(projected) == pytest.approx(intercept + fitted_slope * (at - first), abs=1e-8)


# --- targets >=, <=, = ----------------------------------------------------------------------------


def test_at_risk_example_of_the_issue() -> None:
    # slope 0.6, ȳ = 94.9 at 2023: 94.9 + 0.6 × 2 = 96.1, misses 98 by 1.9 ≤ 2
    result = assess(at_least("98"), history((2022, "94.3"), (2023, "94.9"), (2024, "95.5")), rule=RULE)
    assert result.status is Status.YELLOW
    assert result.projected == Fraction(961, 10)
    assert result.reason == "按近三年趋势，2025年预计96.1%，低于目标98%"
    assert not result.overdue


def test_on_track_example_of_the_issue() -> None:
    # slope 1.2: 96.0 + 1.2 × 2 = 98.4 ≥ 98, although 2024 is still below
    result = assess(at_least("98"), history((2022, "94.8"), (2023, "96.0"), (2024, "97.2")), rule=RULE)
    assert result.status is Status.GREEN
    assert result.projected == Fraction(984, 10)
    assert result.slope == Fraction(6, 5)
    assert result.reason == "2024年为97.2%，按近三年趋势2025年预计98.4%，可达到目标98%"


def test_exactly_at_the_target_is_green() -> None:
    result = assess(at_least("98"), history((2022, "95.0"), (2023, "96.0"), (2024, "97.0")), rule=RULE)
    assert result.projected == 98
    assert result.status is Status.GREEN
    assert result.reason == "2024年为97.0%，按近三年趋势2025年预计98.0%，可达到目标98%"


def test_exactly_at_the_tolerance_is_yellow_and_beyond_it_red() -> None:
    at_edge = assess(at_least("98"), history((2022, "93.0"), (2023, "94.0"), (2024, "95.0")), rule=RULE)
    assert at_edge.projected == 96  # misses by exactly 2.0 percentage points
    assert at_edge.status is Status.YELLOW
    beyond = assess(at_least("98"), history((2022, "92.9"), (2023, "93.9"), (2024, "94.9")), rule=RULE)
    assert beyond.projected == Fraction(959, 10)
    assert beyond.status is Status.RED
    assert beyond.reason == "按近三年趋势，2025年预计95.9%，低于目标98%"


def test_tolerance_is_a_parameter() -> None:
    points = history((2022, "93.0"), (2023, "94.0"), (2024, "95.0"))  # projects 96.0
    assert assess(at_least("98"), points, rule=TrajectoryRule(tolerance_pp=D("1.5"))).status is Status.RED
    assert assess(at_least("98"), points, rule=TrajectoryRule(tolerance_pp=D("2.0"))).status is Status.YELLOW


def test_tolerance_of_other_units_is_five_per_cent_of_the_target() -> None:
    # target 20 平方米: tolerance 1.0; the histories project 19 (edge) and 18.9 (beyond)
    edge = assess(at_least("20", unit="平方米"), history((2023, "18.0"), (2024, "18.5")), rule=RULE)
    assert edge.projected == 19
    assert edge.status is Status.YELLOW
    assert edge.reason == "按近两年趋势，2025年预计19.0平方米，低于目标20平方米"
    beyond = assess(at_least("20", unit="平方米"), history((2023, "17.9"), (2024, "18.4")), rule=RULE)
    assert beyond.projected == Fraction(189, 10)
    assert beyond.status is Status.RED


def test_at_most_targets_such_as_the_myopia_rate() -> None:
    falling = history((2022, "53.0"), (2023, "52.0"), (2024, "51.0"))  # projects 50.0
    result = assess(at_most("50"), falling, rule=RULE, name="近视率")
    assert result.status is Status.GREEN
    assert result.reason == "近视率2024年为51.0%，按近三年趋势2025年预计50.0%，可达到目标50%"
    slow = history((2022, "54.0"), (2023, "53.5"), (2024, "53.0"))  # projects 52.5: 2.5 above
    result = assess(at_most("50"), slow, rule=RULE, name="近视率")
    assert result.status is Status.RED
    assert result.reason == "按近三年趋势，近视率2025年预计52.5%，高于目标50%"
    near = history((2022, "53.0"), (2023, "52.5"), (2024, "52.0"))  # projects 51.5: 1.5 above
    assert assess(at_most("50"), near, rule=RULE).status is Status.YELLOW


def test_latest_meets_but_the_trend_heads_away_is_yellow() -> None:
    result = assess(at_least("98"), history((2022, "99.0"), (2023, "98.6"), (2024, "98.2")), rule=RULE)
    assert result.projected == Fraction(978, 10)
    assert result.status is Status.YELLOW
    assert result.reason == "2024年为98.2%，已达到目标98%，但按近三年趋势2025年预计97.8%，将低于目标"
    # far from the deadline the line misses by more than the tolerance: still 黄 while the value meets
    far = assess(
        at_least("98", deadline=2027), history((2022, "99.9"), (2023, "99.0"), (2024, "98.1")), rule=RULE
    )
    assert far.projected == Fraction(954, 10)
    assert far.status is Status.YELLOW


def test_equal_targets_and_the_per_cent_ceiling() -> None:
    # the line reaches 100.5 in 2025; a rate cannot pass 100 %, so the projection is 100 and meets = 100
    result = assess(
        Target("=", D("100"), 2025, "%"), history((2022, "99.0"), (2023, "99.5"), (2024, "100.0")), rule=RULE
    )
    assert result.projected == 100
    assert result.status is Status.GREEN
    assert result.reason == "2024年为100.0%，按近三年趋势2025年预计100.0%，可达到目标100%"
    # a count of 8 kindergartens is met in 2024, but the line runs past it: 黄, and written without decimals
    kindergartens = assess(
        Target("=", D("8"), 2025, "所"), history((2022, "4"), (2023, "6"), (2024, "8")), rule=RULE
    )
    assert kindergartens.status is Status.YELLOW
    assert kindergartens.reason == "2024年为8所，已达到目标8所，但按近三年趋势2025年预计10所，将高于目标"


def test_a_gap_year_is_skipped_and_named() -> None:
    # the last three known years: 2021, 2023, 2024 (2022 is missing, 2020 is older than the three)
    # with x = year − 2021: 0, 2, 3 (x̄ = 5/3); y 94, 95, 96 (ȳ = 95): Sxy = 5/3 + 4/3 = 3,
    # Sxx = 14/3, slope 9/14; at 2025 (x = 4): 95 + 9/14 × 7/3 = 96.5
    points = history((2020, "80.0"), (2021, "94.0"), (2022, None), (2023, "95.0"), (2024, "96.0"))
    result = assess(at_least("98"), points, rule=RULE)
    assert result.points == ((2021, D("94.0")), (2023, D("95.0")), (2024, D("96.0")))
    assert result.slope == Fraction(9, 14)
    assert result.projected == Fraction(965, 10)
    assert result.status is Status.YELLOW
    assert result.reason == "按2021、2023、2024年的趋势，2025年预计96.5%，低于目标98%"


def test_points_is_a_parameter() -> None:
    points = history((2020, "90.0"), (2021, "94.0"), (2022, "95.0"), (2023, "96.0"), (2024, "97.0"))
    three = assess(at_least("98"), points, rule=RULE)
    assert three.projected == 98 and three.status is Status.GREEN
    # all five: x̄ = 2022, ȳ = 94.4, Sxy = (−2)(−4.4) + (−1)(−0.4) + 0 + (1)(1.6) + (2)(2.6) = 16,
    # Sxx = 10, slope 1.6; at 2025: 94.4 + 1.6 × 3 = 99.2
    five = assess(at_least("98"), points, rule=TrajectoryRule(points=5))
    assert five.projected == Fraction(992, 10)
    assert five.reason.startswith("2024年为97.0%，按近五年趋势2025年预计99.2%")
    flat = assess(at_least("98"), points, rule=TrajectoryRule(points=1))
    assert flat.projected == 97 and flat.slope == 0
    assert flat.reason == "仅有2024年数据，为97.0%，低于目标98%"


def test_one_point_is_flat() -> None:
    below = assess(at_least("98"), history((2023, None), (2024, "97.0")), rule=RULE)
    assert below.status is Status.YELLOW
    assert (below.projected, below.slope) == (97, 0)
    assert below.reason == "仅有2024年数据，为97.0%，低于目标98%"
    met = assess(at_least("98"), history((2024, "98.5")), rule=RULE)
    assert met.status is Status.GREEN
    assert met.reason == "仅有2024年数据，为98.5%，已达到目标98%"
    far = assess(at_least("98"), history((2024, "95.0")), rule=RULE)
    assert far.status is Status.RED


def test_no_point_is_unknown() -> None:
    for points in ([], history((2023, None), (2024, None))):
        result = assess(at_least("98"), points, rule=RULE)
        assert result == Trajectory(Status.UNKNOWN, "没有数据", None, (), None)
    assert assess(FALLS, [], rule=RULE, name="近视率").reason == "近视率没有数据"


def test_deadline_passed_and_missed_is_red_and_overdue() -> None:
    result = assess(at_least("98"), history((2023, "96.5"), (2024, "96.2"), (2025, "96.0")), rule=RULE)
    assert result.status is Status.RED
    assert result.overdue
    assert result.projected is None
    assert result.points == ((2025, D("96.0")),)
    assert result.reason == "目标期限2025年已过，2025年为96.0%，未达到目标98%"


def test_deadline_passed_and_met_is_green() -> None:
    result = assess(at_least("98"), history((2024, "97.0"), (2025, "98.3")), rule=RULE)
    assert result.status is Status.GREEN
    assert not result.overdue
    assert result.reason == "目标期限2025年已过，2025年为98.3%，达到目标98%"


def test_deadline_passes_with_the_current_year_even_without_data() -> None:
    points = history((2022, "95.0"), (2023, "96.0"), (2024, "97.0"))
    passed = assess(at_least("98"), points, rule=RULE, as_of=2026)
    assert passed.status is Status.RED and passed.overdue
    assert passed.reason == "目标期限2025年已过，2024年为97.0%，未达到目标98%"
    # in the deadline year itself the value is still projected
    assert assess(at_least("98"), points, rule=RULE, as_of=2025).status is Status.GREEN


# --- falls_every_year -----------------------------------------------------------------------------


def test_falls_every_year_green() -> None:
    points = history((2021, "53.0"), (2022, "52.4"), (2023, "51.8"), (2024, "51.3"))
    result = assess(FALLS, points, rule=RULE, name="近视率")
    assert result.status is Status.GREEN
    assert result.reason == "近视率2021年至2024年逐年下降，2024年较上年下降0.5个百分点"
    assert result.projected is None
    assert len(result.points) == 4


def test_falls_every_year_red_when_the_latest_year_rose() -> None:
    result = assess(FALLS, history((2022, "52.0"), (2023, "51.3"), (2024, "52.1")), rule=RULE, name="近视率")
    assert result.status is Status.RED
    assert result.reason == "近视率2024年较上年上升0.8个百分点"
    across_a_gap = assess(FALLS, history((2022, "52.0"), (2023, None), (2024, "52.3")), rule=RULE)
    assert across_a_gap.status is Status.RED
    assert across_a_gap.reason == "2024年较2022年上升0.3个百分点"
    tiny = assess(FALLS, history((2023, "52.00"), (2024, "52.04")), rule=RULE, name="近视率")
    assert tiny.reason == "近视率2024年较上年上升0.04个百分点"


def test_falls_every_year_yellow_when_flat() -> None:
    earlier = assess(FALLS, history((2022, "52.0"), (2023, "52.0"), (2024, "51.5")), rule=RULE, name="近视率")
    assert earlier.status is Status.YELLOW
    assert earlier.reason == "近视率2023年与上年持平，未能逐年下降"
    latest = assess(FALLS, history((2023, "52.0"), (2024, "52.0")), rule=RULE, name="近视率")
    assert latest.status is Status.YELLOW
    assert latest.reason == "近视率2024年与上年持平，未能逐年下降"


def test_falls_every_year_yellow_when_a_gap_hides_a_year() -> None:
    points = history((2021, "53.0"), (2022, "52.0"), (2023, None), (2024, "51.1"))
    result = assess(FALLS, points, rule=RULE, name="近视率")
    assert result.status is Status.YELLOW
    assert result.reason == "近视率缺少2023年数据，无法确认逐年下降；2024年较2022年下降0.9个百分点"


def test_falls_every_year_yellow_when_an_earlier_year_rose() -> None:
    points = history((2021, "52.0"), (2022, "52.3"), (2023, "51.9"), (2024, "51.5"))
    result = assess(FALLS, points, rule=RULE, name="近视率")
    assert result.status is Status.YELLOW
    assert result.reason == "近视率2022年较上年上升0.3个百分点，未能逐年下降；2024年较上年下降0.4个百分点"


def test_falls_every_year_with_one_value_is_unknown() -> None:
    result = assess(FALLS, history((2023, None), (2024, "51.0")), rule=RULE, name="近视率")
    assert result.status is Status.UNKNOWN
    assert result.reason == "仅有近视率2024年数据（51.0%），无法判断是否逐年下降"


def test_falls_every_year_ignores_the_deadline_and_reports_the_slope() -> None:
    points = history((2024, "53.0"), (2025, "52.0"), (2026, "51.0"))
    result = assess(FALLS, points, rule=RULE, as_of=2027)
    assert result.status is Status.GREEN
    assert result.slope == -1


# --- inputs, parameters, statuses, roll-up --------------------------------------------------------


def test_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown comparator"):
        Target(">", D("1"), 2025)
    with pytest.raises(ValueError, match="needs a value"):
        Target(">=", None, 2025)
    with pytest.raises(ValueError, match="twice"):
        assess(at_least("98"), history((2024, "1"), (2024, None)), rule=RULE)
    with pytest.raises(ValueError, match="at least 1"):
        TrajectoryRule(points=0)
    with pytest.raises(ValueError, match="negative"):
        TrajectoryRule(tolerance_pp=D("-1"))


def test_rule_from_settings(settings) -> None:
    assert TrajectoryRule.from_settings() == TrajectoryRule(points=3, tolerance_pp=D("2.0"))
    settings.TRAJECTORY_POINTS = 4
    settings.TRAJECTORY_TOLERANCE_PP = D("1.5")
    assert TrajectoryRule.from_settings() == TrajectoryRule(points=4, tolerance_pp=D("1.5"))


def test_status_labels_badges_and_choices() -> None:
    assert [(s.value, s.label, s.badge) for s in Status] == [
        ("green", "绿", "green"),
        ("yellow", "黄", "orange"),
        ("red", "红", "red"),
        ("unknown", "无数据", "grey"),
    ]
    assert Status.choices()[0] == ("green", "绿")
    assert Status("red") is Status.RED and Status.RED == "red"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([Status.GREEN, Status.YELLOW, Status.RED, Status.UNKNOWN], Status.RED),
        ([Status.GREEN, Status.YELLOW, Status.UNKNOWN], Status.YELLOW),
        ([Status.UNKNOWN, Status.GREEN], Status.GREEN),
        ([Status.UNKNOWN], Status.UNKNOWN),
        ([], Status.UNKNOWN),
    ],
)
def test_roll_up(statuses: list[Status], expected: Status) -> None:
    assert roll_up(statuses) is expected
    assert roll_up(reversed(statuses)) is expected
    assert roll_up(iter(statuses)) is expected


# --- properties of linear histories ---------------------------------------------------------------


@st.composite
def linear_cases(draw: st.DrawFn) -> tuple[Target, list[tuple[int, Decimal | None]], Decimal, Decimal]:
    """A history on a straight line that reaches the target exactly at the deadline, moving towards
    it (or flat), and the tolerance of that target. Per-cent targets stay within [10, 90] so that no
    shift below tested reaches the 0–100 clamp."""
    comparator = draw(st.sampled_from([">=", "<="]))
    unit = draw(st.sampled_from(["%", "平方米"]))
    goal = draw(st.decimals(min_value=10, max_value=90, places=1))
    first = draw(st.integers(min_value=2015, max_value=2023))
    count = draw(st.integers(min_value=1, max_value=6))
    last = first + count - 1
    deadline = last + draw(st.integers(min_value=1, max_value=4))
    # per year, towards the target; a single point is a flat line
    step = draw(st.decimals(min_value=0, max_value=3, places=2)) if count > 1 else D(0)
    sign = -1 if comparator == ">=" else 1
    points: list[tuple[int, Decimal | None]] = [
        (year, goal + sign * step * (deadline - year)) for year in range(first, last + 1)
    ]
    if count > 2 and draw(st.booleans()):  # a missing year inside does not bend a straight line
        points[1] = (points[1][0], None)
    tolerance = D("2.0") if unit == "%" else goal * D("0.05")
    return Target(comparator, goal, deadline, unit), points, tolerance, D(sign)


@given(linear_cases())
def test_a_line_reaching_the_target_exactly_is_green(case: tuple) -> None:
    target, points, _, _ = case
    result = assess(target, points, rule=RULE)
    assert result.projected == Fraction(target.value)
    assert result.status is Status.GREEN


@given(linear_cases(), st.decimals(min_value=D("0.01"), max_value=8, places=2))
def test_shifting_the_line_away_by_more_than_the_tolerance_is_red(case: tuple, extra: Decimal) -> None:
    target, points, tolerance, sign = case
    shift = (tolerance + extra) * sign  # away from the target: down for >=, up for <=
    shifted = [(year, None if value is None else value + shift) for year, value in points]
    result = assess(target, shifted, rule=RULE)
    assert result.projected == Fraction(target.value + shift)
    assert result.status is Status.RED


@given(linear_cases(), st.decimals(min_value=D("0.01"), max_value=1, places=2))
def test_shifting_the_line_away_within_the_tolerance_is_yellow(case: tuple, share: Decimal) -> None:
    target, points, tolerance, sign = case
    shift = tolerance * share * sign
    shifted = [(year, None if value is None else value + shift) for year, value in points]
    result = assess(target, shifted, rule=RULE)
    assert result.status is Status.YELLOW


def test_the_rule_reads_its_three_settings(settings: object) -> None:
    settings.TRAJECTORY_POINTS = 4  # type: ignore[attr-defined]
    settings.TRAJECTORY_TOLERANCE_PP = Decimal("1.5")  # type: ignore[attr-defined]
    settings.TRAJECTORY_TOLERANCE_SHARE = Decimal("0.1")  # type: ignore[attr-defined]
    assert TrajectoryRule.from_settings() == TrajectoryRule(4, Decimal("1.5"), Decimal("0.1"))
