"""Cells of the national fitness data-upload layout (《国家学生体质健康标准》数据上报文件), read one at a time:
the columns and their aliases, 年级编号, 性别, 免测, numbers with units, and each measured result (times by
:func:`tisheng.health.timefmt.parse_time`).

One parser for every reader of that layout: the ``tisheng fitness score`` command
(:mod:`tisheng.health.upload`) and the intake data set 体测成绩 (:mod:`tisheng.intake.datasets.fitness`)
both read cells with these functions and turn :class:`ResultProblem` into their issues. No Django models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from tisheng.health import scoring
from tisheng.health.scoring import PLAUSIBLE
from tisheng.health.timefmt import AmbiguousTime, TimeFormatError, parse_time
from tisheng.intake.cells import normalise_text
from tisheng.standards.fitness import GRADE_NAMES


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the national header
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("grade", "年级编号", ("年级代码",)),
    Column("class", "班级编号", ("班级代码", "班级号")),
    Column("student_id", "学籍号", ("学籍编号", "全国学籍号", "学生学籍号")),
    Column("sex", "性别"),
    Column("birth", "出生日期", ("出生年月日",)),
    Column("height", "身高"),
    Column("weight", "体重"),
    Column("vital_capacity", "肺活量"),
    Column("run_50m", "50米跑", ("50米",)),
    Column("sit_and_reach", "坐位体前屈"),
    Column("rope_skip_1min", "一分钟跳绳", ("1分钟跳绳",)),
    Column("sit_up_1min", "一分钟仰卧起坐", ("1分钟仰卧起坐",)),
    Column("shuttle_50x8", "50米×8往返跑", ("50×8往返跑", "50米×8")),
    Column("standing_long_jump", "立定跳远"),
    Column("pull_up", "引体向上"),
    Column("run_1000m", "1000米跑", ("1000米",)),
    Column("run_800m", "800米跑", ("800米",)),
    Column("vision_left", "左眼裸眼视力", ("左眼视力",)),
    Column("vision_right", "右眼裸眼视力", ("右眼视力",)),
    Column("exempt", "免测", ("是否免测", "免测原因")),
)
KEY_COLUMNS = ("grade", "student_id", "sex")
LONG_RUNS = ("shuttle_50x8", "run_1000m", "run_800m")
COUNTS = ("rope_skip_1min", "sit_up_1min", "pull_up")

GRADE_ALIASES: dict[str, int] = {name: code for code, name in GRADE_NAMES.items()}
GRADE_ALIASES.update(
    {"七年级": 21, "八年级": 22, "九年级": 23, "初中一年级": 21, "初中二年级": 22, "初中三年级": 23}
)
GRADE_ALIASES.update({"高中一年级": 31, "高中二年级": 32, "高中三年级": 33})
SEX_ALIASES = {"1": "M", "男": "M", "男生": "M", "2": "F", "女": "F", "女生": "F"}
EXEMPT_WORDS = frozenset({"免测", "免考", "免"})
ABSENT_WORDS = frozenset({"缺测", "缺考", "未测", "/", "-", "—", "－", "--"})
YES = frozenset({"是", "1", "√", "✓", "y", "yes", "true", "免测", "免考"})
NO = frozenset({"否", "0", "×", "n", "no", "false", "无"})
UNITS = ("厘米", "cm", "公斤", "千克", "kg", "毫升", "ml", "次", "个")


class ResultProblem(Exception):
    """A cell of the national layout that is wrong (``error``) or kept but not scored (``warning``).
    The intake data set (:mod:`tisheng.intake.datasets.fitness`) reads the same cells with these
    functions and turns the problems into its own issues."""

    def __init__(self, severity: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.severity, self.message, self.hint = severity, message, hint


def parse_number(value: Any, label: str, unit_hint: str) -> Decimal:
    if isinstance(value, bool):
        raise ResultProblem("error", f"{label}应为数值，却是逻辑值", f"请填写数值{unit_hint}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = normalise_text(value).replace(",", "").replace(" ", "")
    for unit in UNITS:
        if text.lower().endswith(unit):
            text = text[: -len(unit)]
            break
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ResultProblem("error", f"{label}应为数值，却是“{text}”", f"请只填写数字{unit_hint}") from None
    if not number.is_finite():
        raise ResultProblem("error", f"{label}应为数值", f"请只填写数字{unit_hint}")
    return number


def parse_grade(value: Any) -> int:
    text = normalise_text(value)
    if re.fullmatch(r"\d+(\.0+)?", text):
        code = int(Decimal(text))
        if code in GRADE_NAMES:
            return code
    elif text in GRADE_ALIASES:
        return GRADE_ALIASES[text]
    raise ResultProblem(
        "error",
        f"年级编号“{text}”不存在",
        "请填写 11–16（小学一至六年级）、21–23（初一至初三）、31–33（高一至高三）或 41–44（大一至大四）",
    )


def parse_sex(value: Any) -> str:
    text = normalise_text(value)
    if text in SEX_ALIASES:
        return SEX_ALIASES[text]
    raise ResultProblem("error", f"性别“{text}”无法识别", "请填写 1（男）或 2（女），也可以填写“男”“女”")


#: what a 免测 cell says when the student is NOT exempt: 否, a filler mark (/, -, 缺测) or a negation
NOT_EXEMPT = NO | ABSENT_WORDS | frozenset({"不免测", "非免测", "未免测", "不免", "正常", "参测", "参加"})


def parse_exempt(value: Any) -> bool:
    """Whether a 免测 cell exempts the student: 是 / 1 / √, or a reason (“因病免测”, “骨折术后康复期”).
    Blank, 否, a filler mark such as “/” or “-” and negations (不免测, 非免测, 正常) do not: a file that fills
    the column with “/” must not exempt a whole school."""
    text = normalise_text(value).lower()
    if not text or text in NOT_EXEMPT:
        return False
    return not (text.startswith(("不", "非", "未")) and "免" in text)


@dataclass(frozen=True)
class Reading:
    """A result as read: the value in natural units, the time format taken (times only) and a note
    when the value was adjusted (height and weight rounded to two decimals)."""

    value: Decimal
    format: str = ""
    note: str = ""


def read_result(key: str, value: Any) -> Reading:
    """One measured result (``key`` of :data:`scoring.MEASURED`, or height/weight) from a non-blank
    cell. Raises :class:`ResultProblem`: ``error`` when it cannot be read, ``warning`` when it is
    ambiguous or cannot be a result of that kind (kept, never scored)."""
    label = scoring.name_zh(key)
    unit = PLAUSIBLE[key].unit_zh
    if key == "run_50m" or key in LONG_RUNS:
        bounds = (PLAUSIBLE[key].minimum, PLAUSIBLE[key].maximum)
        try:
            parsed = parse_time(value, long=key in LONG_RUNS, plausible=bounds)
        except AmbiguousTime as exc:
            raise ResultProblem("warning", exc.message + "，未计分", exc.hint) from None
        except TimeFormatError as exc:
            raise ResultProblem("error", exc.message, exc.hint) from None
        return Reading(parsed.seconds, parsed.format)
    number = parse_number(value, label, f"（单位：{unit}）")
    if key in COUNTS and number != number.to_integral_value():
        raise ResultProblem("warning", f"{label}次数应为整数，却是 {number}，未计分", "请核对原始记录")
    if key in ("height", "weight") and -number.as_tuple().exponent > 2:  # type: ignore[operator]
        rounded = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return Reading(rounded, note=f"{label} {number} 按两位小数 {rounded} 计算")
    return Reading(number)


#: the format :func:`tisheng.health.timefmt.parse_time` names a plain number of seconds
PLAIN_SECONDS = "秒数（纯数字）"
