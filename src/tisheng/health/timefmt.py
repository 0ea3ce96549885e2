"""Run times as teachers write them (成绩的时间格式), read exactly and never guessed.

Accepted, and reported back as the format that was read:

* long runs (1000米跑, 800米跑, 50米×8往返跑): ``3'50"``, ``3′50″``, ``3’50”``, ``3'50``, ``3:50``,
  ``3分50秒``, ``3分50``, ``230秒`` / ``230 s`` / ``230s``, an Excel time cell (``0:03:50``; a cell Excel
  turned into 3 h 50 min because someone typed ``3:50`` is read as 3'50" and says so), and a bare number
  **only** where it cannot be read two ways.
* 50米跑: ``8.5``, ``8.5秒`` / ``8.5s``, ``8"5`` / ``8″5`` / ``8秒5`` (the 秒 mark as decimal point).

Ambiguous entries are refused with :class:`AmbiguousTime`: ``3.50`` for a 1000米跑 could be 3'50" or 3.5
minutes; a bare ``350`` could be 350 s or 3'50". Unreadable entries raise :class:`TimeFormatError`.
Both carry a Chinese ``message`` and ``hint`` (what to write instead).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = ["AmbiguousTime", "ParsedTime", "TimeFormatError", "parse_time"]

LONG_HINT = "请写成 3'50\"（3 分 50 秒）或 230秒"
SHORT_HINT = "请填写秒数，例如 8.5"

_MINUTE_MARKS = "'′’‘`´"
_SECOND_MARKS = ('"', "″", "”", "“", "''", "′′", "’’", "秒")
_NUMBER = r"\d+(?:\.\d+)?"


class TimeFormatError(ValueError):
    """A time that cannot be read. ``message`` says what is wrong, ``hint`` what to write."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class AmbiguousTime(TimeFormatError):
    """A time that can be read in more than one way: flagged, never guessed."""


@dataclass(frozen=True)
class ParsedTime:
    seconds: Decimal
    format: str  # Chinese description of the format that was read


def _clean(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"\s+", "", text)
    for mark in _SECOND_MARKS[:-1]:
        text = text.replace(mark, '"')
    for mark in _MINUTE_MARKS:
        text = text.replace(mark, "'")
    return text.replace("''", '"')


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value else None
    return None


def _minutes_seconds(minutes: str, seconds: str, label: str) -> ParsedTime:
    sec = Decimal(seconds)
    if sec >= 60:
        raise TimeFormatError(f"秒数 {seconds} 不应大于等于 60", LONG_HINT)
    return ParsedTime(Decimal(minutes) * 60 + sec, label)


def parse_time(value: Any, *, long: bool, plausible: tuple[Decimal, Decimal] | None = None) -> ParsedTime:
    """Seconds from a cell. ``long`` = a middle-distance run given in minutes and seconds;
    ``plausible`` (seconds, inclusive) decides whether a bare number has a second, plausible reading."""
    if isinstance(value, dt.timedelta):
        if not long:
            raise TimeFormatError("50米跑不应填写为时间格式", SHORT_HINT)
        total = Decimal(value.days * 86400 + value.seconds) + Decimal(value.microseconds) / 1_000_000
        return ParsedTime(total, "Excel 时长（分:秒）")
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        if not long:
            raise TimeFormatError("50米跑不应填写为时间格式", SHORT_HINT)
        micro = Decimal(value.microsecond) / 1_000_000
        if value.hour == 0:
            return ParsedTime(value.minute * 60 + value.second + micro, "Excel 时间（0:分:秒）")
        if value.second == 0 and value.microsecond == 0:
            return ParsedTime(
                Decimal(value.hour * 60 + value.minute),
                f"Excel 时间：输入的 {value.hour}:{value.minute:02d} 被 Excel 当作“时:分”，按“分:秒”读取",
            )
        raise TimeFormatError(f"时间 {value.isoformat()} 超过一小时", LONG_HINT)

    number = _number(value)
    text = _clean(value) if number is None else format(number, "f")
    if not text:
        raise TimeFormatError("成绩为空", LONG_HINT if long else SHORT_HINT)

    if not long:
        if number is not None or re.fullmatch(_NUMBER, text):
            return ParsedTime(Decimal(text), "秒数（纯数字）")
        match = re.fullmatch(rf"({_NUMBER})(?:\"|s|S|sec|秒)", text)
        if match:
            return ParsedTime(Decimal(match.group(1)), "秒数（带单位）")
        match = re.fullmatch(r"(\d+)(?:\"|秒)(\d+)", text)
        if match:
            return ParsedTime(Decimal(f"{match.group(1)}.{match.group(2)}"), '秒记号作小数点（8"5 = 8.5 秒）')
        raise TimeFormatError(f"无法识别的 50米跑成绩“{value}”", SHORT_HINT)

    match = re.fullmatch(rf"(\d+)'({_NUMBER})\"?", text)
    if match:
        return _minutes_seconds(match.group(1), match.group(2), "分秒记号（3'50\"）")
    match = re.fullmatch(rf"(\d+)分(?:({_NUMBER})(?:\"|秒)?)?", text)
    if match:
        return _minutes_seconds(match.group(1), match.group(2) or "0", "中文分秒（3分50秒）")
    match = re.fullmatch(rf"(\d+):({_NUMBER})", text)
    if match:
        return _minutes_seconds(match.group(1), match.group(2), "冒号分隔（3:50）")
    match = re.fullmatch(rf"0:(\d+):({_NUMBER})", text)
    if match:
        return _minutes_seconds(match.group(1), match.group(2), "时:分:秒（0:03:50）")
    match = re.fullmatch(rf"({_NUMBER})(?:\"|s|S|sec|秒)", text)
    if match:
        return ParsedTime(Decimal(match.group(1)), "秒数（230秒）")
    if re.fullmatch(_NUMBER, text):
        return _bare_long(Decimal(text), text, plausible)
    raise TimeFormatError(f"无法识别的时间“{value}”", LONG_HINT)


def _bare_long(number: Decimal, text: str, plausible: tuple[Decimal, Decimal] | None) -> ParsedTime:
    """A bare number for a long run: seconds only when it cannot also mean minutes and seconds."""
    if number < 60:
        minutes = int(number)
        rest = text.split(".", 1)[1] if "." in text else ""
        seconds_reading = f"{minutes}'{rest.ljust(2, '0')[:2]}\"" if rest else f"{minutes} 分"
        raise AmbiguousTime(
            f"“{text}”无法确定是 {seconds_reading}、{text} 分钟还是 {text} 秒",
            LONG_HINT,
        )
    integral = number == number.to_integral_value()
    if integral and number >= 100 and int(number) % 100 < 60:
        minutes, seconds = divmod(int(number), 100)
        other = Decimal(minutes * 60 + seconds)
        if plausible is None or plausible[0] <= other <= plausible[1]:
            raise AmbiguousTime(
                f"“{text}”无法确定是 {text} 秒还是 {minutes}'{seconds:02d}\"（{other} 秒）",
                LONG_HINT,
            )
    return ParsedTime(number, "秒数（纯数字，不可能是分秒）")
