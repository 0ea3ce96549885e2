"""Cell types: each turns one spreadsheet cell into a clean value or explains, in Chinese, what is wrong
and what to do. Full-width digits, stray spaces and Excel date serials are normalised, not rejected."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any, NamedTuple

from django.db import models

EXCEL_EPOCH = dt.date(1899, 12, 30)
_SPACES = re.compile(r"\s+")


class CellError(ValueError):
    """A cell that cannot be read: ``message`` says what is wrong, ``hint`` what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def normalise_text(value: Any) -> str:
    """NFKC (full-width letters, digits and punctuation → half-width), trimmed, inner runs of white
    space folded to one space. Numbers typed as numbers come back without a trailing ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    elif text.isalnum():  # the common case: a code, a number, a word — nothing to fold or trim
        return text
    return _SPACES.sub(" ", text).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not normalise_text(value))


@dataclass(frozen=True)
class CellType:
    """Base: subclasses implement ``parse`` on a non-blank cell."""

    def parse(self, value: Any) -> Any:
        return normalise_text(value)

    def describe(self) -> str:
        """How to fill it, for the template's instructions sheet."""
        return "文本"

    def choices_for_template(self) -> list[str]:
        return []


def normalise_prose(value: Any) -> str:
    """Free text (names, titles, descriptions): white space folded and trimmed, but no NFKC, so Chinese
    punctuation (，。：) stays as written."""
    return _SPACES.sub(" ", str(value).replace("\u3000", " ")).strip()


@dataclass(frozen=True)
class Text(CellType):
    max_length: int = 200
    pattern: str | None = None
    pattern_hint: str = ""
    upper: bool = False
    prose: bool = False  # free text: keep full-width punctuation (see normalise_prose)

    def parse(self, value: Any) -> str:
        text = normalise_prose(value) if self.prose else normalise_text(value)
        if self.upper:
            text = text.upper()
        if len(text) > self.max_length:
            raise CellError(f"内容过长（{len(text)} 个字符，最多 {self.max_length} 个）", "请删减内容")
        if self.pattern and not re.fullmatch(self.pattern, text):
            raise CellError(f"格式不正确：“{text}”", self.pattern_hint)
        return text

    def describe(self) -> str:
        return self.pattern_hint or f"文本，最多 {self.max_length} 个字符"


@dataclass(frozen=True)
class Integer(CellType):
    minimum: int | None = None
    maximum: int | None = None

    def parse(self, value: Any) -> int:
        if isinstance(value, bool):
            raise CellError("应为整数，却是逻辑值", "请填写整数")
        if isinstance(value, int):
            number = value
        elif isinstance(value, float):
            if not value.is_integer():
                raise CellError(f"应为整数，却是小数 {value}", "请填写整数")
            number = int(value)
        else:
            text = normalise_text(value).replace(",", "")
            if not re.fullmatch(r"[+-]?\d+(\.0+)?", text):
                raise CellError(f"应为整数，却是“{text}”", "请只填写数字，不要带单位或文字")
            number = int(Decimal(text))
        self.check_range(number)
        return number

    def check_range(self, number: int | Decimal) -> None:
        if self.minimum is not None and number < self.minimum:
            raise CellError(f"数值 {number} 小于允许的最小值 {self.minimum}", "请核对该数值")
        if self.maximum is not None and number > self.maximum:
            raise CellError(f"数值 {number} 大于允许的最大值 {self.maximum}", "请核对该数值")

    def describe(self) -> str:
        bounds = []
        if self.minimum is not None:
            bounds.append(f"≥ {self.minimum}")
        if self.maximum is not None:
            bounds.append(f"≤ {self.maximum}")
        return "整数" + (f"（{'，'.join(bounds)}）" if bounds else "")


@dataclass(frozen=True)
class Number(Integer):
    """A decimal quantity (areas, money, hours), kept exact as ``Decimal``."""

    places: int = 2
    unit: str = ""

    def parse(self, value: Any) -> Decimal:  # type: ignore[override]
        if isinstance(value, bool):
            raise CellError("应为数值，却是逻辑值", "请填写数值")
        text = normalise_text(value).replace(",", "")
        if self.unit and text.endswith(self.unit):
            text = text[: -len(self.unit)].strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(
                f"应为数值，却是“{text}”",
                f"请只填写数字{('（单位：' + self.unit + '）') if self.unit else ''}",
            ) from None
        if not number.is_finite():
            raise CellError(f"应为数值，却是“{text}”", "请只填写数字")
        number = number.quantize(Decimal(1).scaleb(-self.places))
        self.check_range(number)
        return number

    def describe(self) -> str:
        base = super().describe().replace("整数", "数值")
        return base + (f"，单位：{self.unit}" if self.unit else "")


@dataclass(frozen=True)
class Date(CellType):
    """A date typed as a date, an Excel serial number, or text: 2015-03-01, 2015/3/1, 2015.3.1,
    2015年3月1日, 20150301."""

    not_after_today: bool = True
    earliest: dt.date = dt.date(1940, 1, 1)
    today: dt.date | None = None  # fixed in tests; the clock otherwise

    def parse(self, value: Any) -> dt.date:
        day = self.read(value)
        if day < self.earliest:
            raise CellError(f"日期 {day:%Y-%m-%d} 早于 {self.earliest:%Y-%m-%d}", "请核对年份")
        today = self.today or dt.date.today()
        if self.not_after_today and day > today:
            raise CellError(f"日期 {day:%Y-%m-%d} 在今天之后", "请核对日期，不能填写未来的日期")
        return day

    @staticmethod
    def read(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if 1 <= value < 2958466:  # Excel serials: 1900-01-01 … 9999-12-31
                return EXCEL_EPOCH + dt.timedelta(days=int(value))
            raise CellError(f"无法识别的日期“{value}”", "请按 2015-03-01 的格式填写")
        text = normalise_text(value)
        match = re.fullmatch(
            r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text
        ) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
        if match is None:
            if re.fullmatch(r"\d{5}(\.\d+)?", text):  # a serial that arrived as text (csv)
                return Date.read(float(text))
            raise CellError(f"无法识别的日期“{text}”", "请按 2015-03-01 的格式填写")
        year, month, day = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise CellError(f"不存在的日期“{text}”", "请核对月份和日期") from None

    def describe(self) -> str:
        return "日期，例如 2015-03-01"


@dataclass(frozen=True)
class Choice(CellType):
    """A coded value: the Chinese label as in the dropdown (or the code itself, or an alias)."""

    choices: type[models.Choices] | None = None
    aliases: dict[str, str] = field(default_factory=dict)

    @cached_property
    def table(self) -> dict[str, str]:
        """Labels, codes and aliases → code, built once (labels in Chinese, as the template offers)."""
        return self.lookup()

    def lookup(self) -> dict[str, str]:
        assert self.choices is not None
        table: dict[str, str] = {}
        from django.utils import translation

        with translation.override("zh-hans"):
            for value, label in self.choices.choices:
                table[normalise_text(label)] = value
                table[str(value)] = value
        table.update({normalise_text(k): v for k, v in self.aliases.items()})
        return table

    def parse(self, value: Any) -> str:
        text = normalise_text(value)
        table = self.table
        if text in table:
            return table[text]
        options = "、".join(self.choices_for_template())
        raise CellError(f"“{text}”不是可选的值", f"请从下拉列表中选择：{options}")

    def choices_for_template(self) -> list[str]:
        from django.utils import translation

        assert self.choices is not None
        with translation.override("zh-hans"):
            return [str(label) for label in self.choices.labels]

    def describe(self) -> str:
        return "从下拉列表中选择"


@dataclass(frozen=True)
class Boolean(CellType):
    TRUE = frozenset({"是", "有", "y", "yes", "true", "1", "√", "✓"})
    FALSE = frozenset({"否", "无", "n", "no", "false", "0", "×", "✗"})

    def parse(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = normalise_text(value).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise CellError(f"“{text}”不是“是”或“否”", "请填写 是 或 否")

    def choices_for_template(self) -> list[str]:
        return ["是", "否"]

    def describe(self) -> str:
        return "是 / 否"


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_checksum_ok(number: str) -> bool:
    """GB 11643 check digit of an 18-character 公民身份号码."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def mask_id(number: str) -> str:
    return f"{number[:6]}{'*' * 8}{number[14:]}"


class IdValue(NamedTuple):
    """A checked 身份证 number: only ``masked`` is kept; ``birth`` (from digits 7–14) is for the
    cross-check against the birth date column and is then dropped."""

    masked: str
    birth: dt.date | None


@dataclass(frozen=True)
class IdNumber(CellType):
    """A 身份证 number: checked (length, birth date, GB 11643 check digit) and returned masked; the full
    number is never stored. An already masked number (640105********123X) is accepted as it is."""

    def parse(self, value: Any) -> IdValue:
        text = normalise_text(value).upper().replace(" ", "")
        if re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", text):
            return IdValue(text, None)
        if not re.fullmatch(r"\d{17}[\dX]", text):
            raise CellError("身份证号应为 18 位（最后一位可以是 X）", "请核对身份证号；若不愿提供可留空")
        try:
            birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
        except ValueError:
            raise CellError("身份证号中的出生日期不存在", "请核对身份证号第 7–14 位") from None
        if not id_checksum_ok(text):
            raise CellError("身份证号校验位不正确", "请逐位核对身份证号（常见错误：数字抄错、X 写成 x 或 ×）")
        return IdValue(mask_id(text), birth)

    def describe(self) -> str:
        return "18 位身份证号（只保存脱敏后的号码）"
