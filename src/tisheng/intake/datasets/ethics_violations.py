"""师德失范记录: recorded violations of the teacher ethics rules (the 负面清单) by the school's staff, with
what was done. Not per 学年: the file is the complete record of the school's present staff."""

from __future__ import annotations

from tisheng.census.models import EthicsViolation
from tisheng.intake.cells import Date, Text
from tisheng.intake.datasets.base import SCHOOL_CODE, Column, registry
from tisheng.intake.datasets.common import (
    STAFF_NUMBER,
    TEACHER_NAME,
    TeacherRecords,
)


@registry.register
class EthicsViolationsDataset(TeacherRecords):
    name = "ethics_violations"
    title = "师德失范记录"
    sheet = "师德失范"
    description = (
        "本校在职教职工的师德失范行为及处理情况的完整记录（不分学年），每起一行；同一教职工同一日期只填一行。"
        "表中删去的记录将被删除。"
    )
    per_year = False
    identity = ("staff_number", "date")
    columns = (
        SCHOOL_CODE,
        STAFF_NUMBER,
        TEACHER_NAME,
        Column(
            "date",
            "发生日期",
            Date(),
            example="2025-03-12",
            help="失范行为发生（或查实）的日期",
            aliases=("日期",),
        ),
        Column(
            "description",
            "失范情况",
            Text(max_length=2000, prose=True),
            example="违规有偿补课",
            help="对照师德负面清单简要描述",
            aliases=("情况描述", "描述"),
        ),
        Column(
            "handling",
            "处理结果",
            Text(max_length=2000, prose=True),
            required=False,
            example="批评教育，退还费用",
            help="处理决定；尚在调查的留空",
            aliases=("处理情况",),
        ),
    )
    example_rows = (
        {
            "school_code": "2164010501", "staff_number": "T2025001", "date": "2025-03-12",
            "description": "违规有偿补课", "handling": "批评教育，退还费用",
        },
    )  # fmt: skip
    model = EthicsViolation
    stored = ("school_code", "staff_number", "date", "description", "handling")
