"""五项管理记录: one row per class per semester — the class's surveyed students, average daily written homework
and sleep, whether phones and reading materials are managed, and average daily in-school physical activity.
The file is the school's complete list for the 学年 (both semesters).

Sleep may be written in minutes (570) or hours (9.5小时, 9小时30分); where hours were read the preview
says so. The class must be one of the school's classes of that 学年 (班级名册), and the surveyed students
cannot outnumber the class.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from tisheng.census.models import SchoolClass
from tisheng.core.choices import Grade
from tisheng.health import choices as c
from tisheng.health.models import WuxiangRecord
from tisheng.intake.cells import Boolean, CellError, CellType, Choice, Integer, normalise_text
from tisheng.intake.datasets.base import SCHOOL_CODE, Column, Context, Issue, Row, error, registry, warning
from tisheng.intake.datasets.common import SchoolRecords, school_year_name, zh

SEMESTER_ALIASES: dict[str, Any] = {"第一学期": c.Semester.FIRST, "上学期": c.Semester.FIRST, "秋季学期": c.Semester.FIRST,
                    "第二学期": c.Semester.SECOND, "下学期": c.Semester.SECOND, "春季学期": c.Semester.SECOND}  # fmt: skip
GRADE_ALIASES = {"一年级": 11, "二年级": 12, "三年级": 13, "四年级": 14, "五年级": 15, "六年级": 16,
                 "七年级": 21, "八年级": 22, "九年级": 23, "初一": 21, "初二": 22, "初三": 23,
                 "高一": 31, "高二": 32, "高三": 33}  # fmt: skip


@dataclass(frozen=True)
class Semester(Choice):
    def parse(self, value: Any) -> int:  # type: ignore[override]
        return int(super().parse(value))

    def choices_for_template(self) -> list[str]:
        return ["第一学期", "第二学期"]


@dataclass(frozen=True)
class SchoolGrade(Choice):
    """年级 (一年级 … 高三, or the 年级编号 11–33)."""

    def parse(self, value: Any) -> int:  # type: ignore[override]
        text = normalise_text(value)
        if text in GRADE_ALIASES:
            return GRADE_ALIASES[text]
        if re.fullmatch(r"\d{2}", text) and int(text) in Grade.values and int(text) >= 11:
            return int(text)
        raise CellError(f"“{text}”不是年级", "请填写一年级 … 九年级、高一 … 高三，或年级编号 11–33")

    def choices_for_template(self) -> list[str]:
        return [*list(GRADE_ALIASES)[:9], "高一", "高二", "高三"]


@dataclass(frozen=True)
class Reading:
    minutes: int
    format: str  # "" for plain minutes


@dataclass(frozen=True)
class SleepTime(CellType):
    """Daily sleep in minutes (570), or hours as written: 9.5小时 / 9.5h, 9小时30分 / 9时30分. A bare
    number is minutes (the column header says so); ≤ 24 it is refused as ambiguous (hours?)."""

    def parse(self, value: Any) -> Reading:
        text = normalise_text(value).replace(" ", "").lower()
        match = re.fullmatch(r"(\d+(?:\.\d+)?)(?:分钟|分|min)?", text)
        if match:
            number = Decimal(match.group(1))
            if number <= 24:
                raise CellError(
                    f"睡眠时间“{text}”无法确定是小时还是分钟",
                    "本列按分钟填写（如 570）；按小时请写“9.5小时”",
                )
            return Reading(self.whole(number, text), "")
        match = re.fullmatch(r"(\d+(?:\.\d+)?)(?:小时|h|时)", text)
        if match:
            return Reading(self.whole(Decimal(match.group(1)) * 60, text), f"{match.group(1)} 小时")
        match = re.fullmatch(r"(\d+)(?:小时|h|时)(\d+)(?:分钟|分|min)?", text)
        if match:
            hours, minutes = int(match.group(1)), int(match.group(2))
            if minutes >= 60:
                raise CellError(f"睡眠时间“{text}”的分钟数不应大于等于 60", "例如 9小时30分")
            return Reading(hours * 60 + minutes, f"{hours} 小时 {minutes} 分")
        raise CellError(f"无法识别的睡眠时间“{text}”", "请填写分钟数（如 570），或“9.5小时”“9小时30分”")

    @staticmethod
    def whole(minutes: Decimal, text: str) -> int:
        try:
            if minutes != minutes.to_integral_value():
                raise CellError(f"睡眠时间“{text}”不是整数分钟", "请填写整数分钟，如 570")
        except InvalidOperation:
            raise CellError(f"无法识别的睡眠时间“{text}”", "请填写分钟数") from None
        if not 0 <= minutes <= 24 * 60:
            raise CellError(f"睡眠时间 {minutes} 分钟超过一天", "请核对，按分钟填写（如 570）")
        return int(minutes)

    def describe(self) -> str:
        return "分钟（如 570），也可写“9.5小时”或“9小时30分”"


@registry.register
class WuxiangDataset(SchoolRecords):
    name = "wuxiang"
    title = "五项管理记录"
    sheet = "五项管理记录"
    description = (
        "本校本学年每个班级每学期一行：调查学生数、日均书面作业时间、日均睡眠时间、手机管理、读物管理和日均校内"
        "体育活动时间。班级须在本学年的班级名册中。每个学年上传两个学期的完整记录。"
    )
    identity = ("school_code", "semester", "grade", "class_number")
    columns = (
        SCHOOL_CODE,
        Column("grade", "年级", SchoolGrade(), example="三年级", help="一年级 … 九年级、高一 … 高三"),
        Column(
            "class_number", "班级号", Integer(minimum=1, maximum=99), example=2, help="班号，如 2 表示 2 班"
        ),
        Column(
            "semester",
            "学期",
            Semester(c.Semester, aliases=SEMESTER_ALIASES),
            example="第一学期",
            help="第一学期或第二学期（也可填 1 或 2）",
        ),
        Column("respondents", "调查学生数", Integer(minimum=1, maximum=200), example=45),
        Column(
            "homework_minutes",
            "日均书面作业时间（分钟）",
            Integer(minimum=0, maximum=600),
            example=55,
            aliases=("日均书面作业时间",),
        ),
        Column("sleep_minutes", "日均睡眠时间（分钟）", SleepTime(), example=600, aliases=("日均睡眠时间",)),
        Column("phones_managed", "手机管理", Boolean(), example="是", help="手机不进课堂、由学校统一管理"),
        Column("reading_reviewed", "读物管理", Boolean(), example="是", help="课外读物经学校审核"),
        Column(
            "activity_minutes",
            "日均校内体育活动时间（分钟）",
            Integer(minimum=0, maximum=1440),
            example=120,
            aliases=("日均校内体育活动时间",),
        ),
    )
    example_rows = (
        {
            "school_code": "2164010501",
            "grade": "三年级",
            "class_number": 2,
            "semester": "第一学期",
            "respondents": 45,
            "homework_minutes": 40,
            "sleep_minutes": "10小时",
            "phones_managed": "是",
            "reading_reviewed": "是",
            "activity_minutes": 120,
        },
    )
    model = WuxiangRecord
    stored = (
        "school_code",
        "semester",
        "grade",
        "class_number",
        "respondents",
        "homework_minutes",
        "sleep_minutes",
        "phones_managed",
        "reading_reviewed",
        "activity_minutes",
    )

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        reading: Reading = row.values["sleep_minutes"]
        row.values["sleep_minutes"] = reading.minutes
        if reading.format:
            yield warning(
                row.at("sleep_minutes", self),
                f"睡眠时间按 {reading.format} 读取，即 {reading.minutes} 分钟",
                "请核对；本列也可直接填写分钟数",
            )

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterator[Issue]:
        """The class must be one of the school's classes of the 学年; the surveyed students at most its size."""
        assert ctx.year is not None
        classes = {
            (code, grade, number): size
            for code, grade, number, size in SchoolClass.objects.filter(
                academic_year=ctx.year,
                section__school__code__in={r.values["school_code"] for r in rows},
            ).values_list("section__school__code", "grade", "number", "student_count")
        }
        for row in rows:
            v = row.values
            label = f"{zh(Grade(v['grade']).label)}{v['class_number']}班"
            size = classes.get((v["school_code"], v["grade"], v["class_number"]))
            if size is None:
                yield error(
                    row.at("class_number", self),
                    f"{school_year_name(ctx.year)}的班级名册中没有{label}",
                    "请核对年级和班级号；新班级请先在班级名册中上传",
                    v["class_number"],
                )
            elif v["respondents"] > size:
                yield error(
                    row.at("respondents", self),
                    f"调查学生数 {v['respondents']} 多于{label}的学生数 {size}",
                    "调查学生数不能超过班级人数，请核对",
                    v["respondents"],
                )

    def queryset(self, ctx: Context) -> models.QuerySet[Any]:
        assert ctx.year is not None
        return WuxiangRecord.objects.filter(academic_year=ctx.year).select_related("school")

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {**super().fields_of(values, ctx), "academic_year": ctx.year}
