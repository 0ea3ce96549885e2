"""Run times as teachers write them: each accepted format says what it read; ambiguous ones are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tisheng.health.timefmt import AmbiguousTime, TimeFormatError, parse_time

D = Decimal
RUN_1000M = (D(150), D(1200))


@pytest.mark.parametrize(
    ("value", "seconds", "label"),
    [
        ("3'50\"", 230, "分秒记号"),
        ("3′50″", 230, "分秒记号"),  # prime and double prime
        ("3’50”", 230, "分秒记号"),  # curly quotes typed by an input method
        ("3'50''", 230, "分秒记号"),
        ("3'50", 230, "分秒记号"),
        ("3＇50＂", 230, "分秒记号"),  # full-width
        ("3:50", 230, "冒号"),
        ("3：50", 230, "冒号"),
        ("0:03:50", 230, "时:分:秒"),
        ("3分50秒", 230, "中文分秒"),
        ("3分50", 230, "中文分秒"),
        ("4分", 240, "中文分秒"),
        ("230秒", 230, "秒数"),
        ("230 s", 230, "秒数"),
        ("230s", 230, "秒数"),
        ("3'50.5\"", D("230.5"), "分秒记号"),
        (275, 275, "纯数字"),  # 2'75" is impossible: only seconds
        ("230.5", D("230.5"), "纯数字"),
        (dt.timedelta(minutes=3, seconds=50), 230, "Excel 时长"),
        (dt.time(0, 3, 50), 230, "Excel 时间（0:分:秒）"),
        (dt.time(3, 50), 230, "被 Excel 当作“时:分”"),  # someone typed 3:50 and Excel made it 03:50:00
    ],
)
def test_long_run_formats(value: object, seconds: object, label: str) -> None:
    parsed = parse_time(value, long=True, plausible=RUN_1000M)
    assert parsed.seconds == D(seconds)  # type: ignore[arg-type]
    assert label in parsed.format


@pytest.mark.parametrize("value", ["3.50", 3.5, "3.5", "4", 3])
def test_minutes_with_a_decimal_point_are_ambiguous(value: object) -> None:
    with pytest.raises(AmbiguousTime) as caught:
        parse_time(value, long=True, plausible=RUN_1000M)
    assert "无法确定" in caught.value.message
    assert "3'50\"" in caught.value.hint


@pytest.mark.parametrize("value", ["350", 350, "230", 400])
def test_bare_numbers_that_read_as_minutes_and_seconds_are_ambiguous(value: object) -> None:
    with pytest.raises(AmbiguousTime, match="还是"):
        parse_time(value, long=True, plausible=RUN_1000M)


@pytest.mark.parametrize("value", ["3'75\"", "abc", "3'50\"x", dt.time(3, 50, 10), ""])
def test_unreadable_long_times(value: object) -> None:
    with pytest.raises(TimeFormatError) as caught:
        parse_time(value, long=True, plausible=RUN_1000M)
    assert not isinstance(caught.value, AmbiguousTime)
    assert caught.value.hint


@pytest.mark.parametrize(
    ("value", "seconds", "label"),
    [
        ("8.5", D("8.5"), "纯数字"),
        (8.5, D("8.5"), "纯数字"),
        (9, D(9), "纯数字"),
        ("8.5秒", D("8.5"), "带单位"),
        ("8.5s", D("8.5"), "带单位"),
        ('8"5', D("8.5"), "秒记号作小数点"),
        ("8″5", D("8.5"), "秒记号作小数点"),
        ("8秒5", D("8.5"), "秒记号作小数点"),
    ],
)
def test_50m_formats(value: object, seconds: Decimal, label: str) -> None:
    parsed = parse_time(value, long=False)
    assert parsed.seconds == seconds
    assert label in parsed.format


@pytest.mark.parametrize("value", ["8'5", "abc", dt.time(0, 0, 8)])
def test_unreadable_50m(value: object) -> None:
    with pytest.raises(TimeFormatError):
        parse_time(value, long=False)
