"""视力筛查: one row per student per 学年 — uncorrected distance acuity on the 5-point scale (五分记录) per eye,
the non-cycloplegic autorefraction (球镜, 柱镜, 轴位) where done, the correction worn (戴镜情况) and the 串镜
check (《儿童青少年近视防控适宜技术指南》). The file is the school's complete list for the 学年; like the
fitness file it may leave out 学校标识码 (a school's own upload).

A decimal-scale acuity (1.0, 0.8) is an error whose hint gives the 5-point equivalent: never converted
silently. Sphere and cylinder are dioptres with at most two decimals (usually 0.25 D steps); a value
beyond what refraction screening meets (|球镜| > 20 D, |柱镜| > 10 D) is an error — a typing error, most
likely a missing decimal point. A student with acuity below 5.0 in an eye and neither refraction nor 串镜
for it cannot be judged (筛查性近视 needs one of them): the platform's documented decision is to count
the student as screened but not as myopic, and the preview says so for each such student.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from tisheng.health import choices as c
from tisheng.health import readings
from tisheng.health.models import VisionScreening
from tisheng.intake.cells import CellError, CellType, Choice, Date, Integer, normalise_text
from tisheng.intake.datasets.base import Column, Context, Issue, Row, error, registry, warning
from tisheng.intake.datasets.common import school_year_bounds, school_year_label
from tisheng.intake.datasets.fitness import (
    CLASS_CODE,
    GRADE,
    SCHOOL_CODE_OPTIONAL,
    SEX,
    STUDENT_NUMBER,
    Acuity,
    StudentHealthRecords,
)

#: the documented counting decision for an eye below 5.0 without refraction or 串镜
UNJUDGED = "按《儿童青少年近视防控适宜技术指南》无法判定是否筛查性近视：计入筛查人数，不计入近视人数"
SPHERE_LIMIT, CYLINDER_LIMIT = Decimal(20), Decimal(10)

CORRECTION_ALIASES: dict[str, str] = {"未戴": c.Correction.NONE, "无": c.Correction.NONE, "不戴镜": c.Correction.NONE,
                      "框架": c.Correction.GLASSES, "框架镜": c.Correction.GLASSES, "眼镜": c.Correction.GLASSES,
                      "隐形": c.Correction.CONTACT, "隐形眼镜": c.Correction.CONTACT,
                      "OK镜": c.Correction.ORTHO_K, "未戴镜": c.Correction.NONE, "框架眼镜": c.Correction.GLASSES, "角膜塑形镜": c.Correction.ORTHO_K, "ok镜": c.Correction.ORTHO_K, "角膜塑形": c.Correction.ORTHO_K}  # fmt: skip
TRIAL_ALIASES: dict[str, str] = {"正片下降负片提高": c.TrialLens.MYOPIC, "近视": c.TrialLens.MYOPIC, "阳性": c.TrialLens.MYOPIC,
                 "非近视": c.TrialLens.NOT_MYOPIC, "阴性": c.TrialLens.NOT_MYOPIC, "否": c.TrialLens.NOT_MYOPIC}  # fmt: skip


@dataclass(frozen=True)
class Offered(Choice):
    """A choice whose dropdown offers the Chinese words clerks use (blank = not done / none)."""

    offered: tuple[str, ...] = ()

    def choices_for_template(self) -> list[str]:
        return list(self.offered)


@dataclass(frozen=True)
class Dioptre(CellType):
    """Dioptres (D) with at most two decimals, kept exact (never rounded)."""

    def parse(self, value: Any) -> Decimal:
        text = normalise_text(value).upper().removesuffix("D").strip()
        try:
            number = readings.parse_number(
                text if not isinstance(value, int | float) else value, "屈光度", "（D）"
            )
        except readings.ResultProblem as exc:
            raise CellError(exc.message, exc.hint) from None
        if number != number.quantize(Decimal("0.01")):
            raise CellError(f"屈光度 {number} 超过两位小数", "请按验光单填写，例如 -1.25")
        return number.quantize(Decimal("0.01"))

    def describe(self) -> str:
        return "屈光度（D），最多两位小数，例如 -1.25；近视为负值"


def _dioptre(header: str, example: str) -> Column:
    return Column(
        header_key(header),
        header,
        Dioptre(),
        required=False,
        example=example,
        help="屈光度（D），最多两位小数，通常为 0.25 的倍数；近视为负值",
    )


def header_key(header: str) -> str:
    side = "left" if header.startswith("左") else "right"
    kind = "sphere" if "球镜" in header else "cylinder"
    return f"{kind}_{side}"


@registry.register
class VisionDataset(StudentHealthRecords):
    name = "vision"
    title = "视力筛查"
    sheet = "视力筛查"
    description = (
        "本校本学年视力筛查结果，每名学生一行：裸眼视力按五分记录（3.0–5.3）填写；做了电脑验光的填写球镜、柱镜、"
        "轴位，未验光的可填写串镜检查结果。每个学年上传完整名单。"
    )
    columns = (
        SCHOOL_CODE_OPTIONAL,
        STUDENT_NUMBER,
        Column("grade", GRADE.header, GRADE.cell, example=11, help=GRADE.help, aliases=GRADE.aliases),
        CLASS_CODE,
        SEX,
        Column("screened_on", "筛查日期", Date(), required=False, example="2025-10-15"),
        Column("acuity_left", "左眼裸眼视力", Acuity(), example="5.0", aliases=("左眼视力",)),
        Column("acuity_right", "右眼裸眼视力", Acuity(), example="4.8", aliases=("右眼视力",)),
        _dioptre("左眼球镜", "0.00"),
        _dioptre("左眼柱镜", "0.00"),
        Column("axis_left", "左眼轴位", Integer(minimum=0, maximum=180), required=False, help="0–180 度"),
        _dioptre("右眼球镜", "-1.25"),
        _dioptre("右眼柱镜", "-0.50"),
        Column("axis_right", "右眼轴位", Integer(minimum=0, maximum=180), required=False, help="0–180 度"),
        Column(
            "correction",
            "戴镜情况",
            Offered(
                c.Correction,
                aliases=CORRECTION_ALIASES,
                offered=("未戴镜", "框架眼镜", "隐形眼镜", "角膜塑形镜"),
            ),
            example="未戴镜",
            help="未戴镜、框架眼镜、隐形眼镜或角膜塑形镜",
        ),
        Column(
            "trial_lens",
            "串镜检查",
            Offered(c.TrialLens, aliases=TRIAL_ALIASES, offered=("正片下降负片提高", "非近视")),
            required=False,
            help="未做电脑验光时填写：正片视力下降、负片视力提高者为近视；未做留空",
        ),
    )
    example_rows = (
        {
            "student_number": "G640105201801010012",
            "grade": 11,
            "class_code": "1101",
            "sex": 1,
            "acuity_left": "5.0",
            "acuity_right": "4.8",
            "sphere_right": "-1.25",
            "cylinder_right": "-0.50",
            "axis_right": 180,
            "correction": "未戴镜",
        },
    )
    model = VisionScreening
    stored = (
        "school_code",
        "student_number",
        "grade",
        "class_code",
        "sex",
        "screened_on",
        "acuity_left",
        "acuity_right",
        "sphere_left",
        "cylinder_left",
        "axis_left",
        "sphere_right",
        "cylinder_right",
        "axis_right",
        "correction",
        "trial_lens",
    )
    blanks: ClassVar[dict[str, Any]] = {"correction": c.Correction.NONE}

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        yield from super().check_row(row, ctx)
        v = row.values
        day = v.get("screened_on")
        if day is not None and ctx.year is not None:
            first, last = school_year_bounds(ctx.year)
            if not first <= day <= last:
                yield error(
                    row.at("screened_on", self),
                    f"筛查日期 {day:%Y-%m-%d} 不在所选的 {school_year_label(ctx.year)} 内",
                    "请核对日期，或在上传时选择筛查所在的学年",
                    day,
                )
        if v["grade"] > 40:
            yield error(
                row.at("grade", self), "视力筛查只收中小学生（年级编号 11–33）", "请核对年级编号", v["grade"]
            )
        for side, eye in (("left", "左眼"), ("right", "右眼")):
            for kind, limit, what in (("sphere", SPHERE_LIMIT, "球镜"), ("cylinder", CYLINDER_LIMIT, "柱镜")):
                value = v.get(f"{kind}_{side}")
                if value is not None and abs(value) > limit:
                    yield error(
                        row.at(f"{kind}_{side}", self),
                        f"{eye}{what} {value:+} D 不可信（筛查中{what}绝对值不超过 {limit} D）",
                        "请核对原始记录：是否漏了小数点（如 -1.25 写成了 -125）",
                        value,
                    )
            refraction = v.get(f"sphere_{side}") is not None
            if v.get(f"cylinder_{side}") is not None and not refraction:
                yield warning(
                    row.at(f"sphere_{side}", self),
                    f"{eye}有柱镜但没有球镜：等效球镜无法计算，按未验光处理",
                    "请补填球镜（球镜为 0 时填 0）",
                )
            ortho_k = v.get("correction") == c.Correction.ORTHO_K  # counted as myopic by the guideline
            if v[f"acuity_{side}"] < 5 and not refraction and not v.get("trial_lens") and not ortho_k:
                yield warning(
                    row.at(f"acuity_{side}", self),
                    f"{eye}裸眼视力 {v[f'acuity_{side}']} 低于 5.0，但没有验光结果也没有串镜检查：{UNJUDGED}",
                    "如做了电脑验光或串镜检查，请补填",
                    v[f"acuity_{side}"],
                )
        for side in ("left", "right"):
            if v.get(f"cylinder_{side}") not in (None, 0) and v.get(f"axis_{side}") is None:
                yield warning(row.at(f"axis_{side}", self), "有柱镜但没有轴位", "请补填轴位（0–180 度）")

    def comparable(self, row: Row) -> dict[str, Any]:
        values = super().comparable(row)
        if values["trial_lens"] is None:
            values["trial_lens"] = ""
        return values
