"""教师荣誉: the named-teacher honours (名师, 名班主任, 名教研员, 名校(园)长) of a school's staff, with
level and year. Not per 学年: the file is the complete register of the honours of the school's present
staff (the teachers whose school, in the 教职工名册, is this school), all years."""

from __future__ import annotations

from collections.abc import Iterable

from tisheng.census import choices as c
from tisheng.census.models import Honour
from tisheng.intake.cells import Choice
from tisheng.intake.datasets.base import SCHOOL_CODE, Column, Context, Issue, Row, error, registry
from tisheng.intake.datasets.common import (
    LEVEL,
    STAFF_NUMBER,
    TEACHER_NAME,
    TeacherRecords,
    year_column,
)

HONOUR_ALIASES: dict[str, str] = {
    "名师": c.HonourKind.FAMOUS_TEACHER, "名教师": c.HonourKind.FAMOUS_TEACHER,
    "名班主任": c.HonourKind.FAMOUS_HEADTEACHER,
    "名教研员": c.HonourKind.FAMOUS_RESEARCHER,
    "名校长": c.HonourKind.FAMOUS_PRINCIPAL, "名园长": c.HonourKind.FAMOUS_PRINCIPAL,
    "名校(园)长": c.HonourKind.FAMOUS_PRINCIPAL, "名校园长": c.HonourKind.FAMOUS_PRINCIPAL,
}  # fmt: skip


@registry.register
class HonoursDataset(TeacherRecords):
    name = "honours"
    title = "教师荣誉"
    sheet = "教师荣誉"
    description = (
        "本校在职教职工获得的名师、名班主任、名教研员、名校（园）长称号，含级别和年份。"
        "这是本校教职工荣誉的完整登记表（不分学年）：每次上传全部年份的荣誉，表中删去的记录将被删除。"
    )
    per_year = False
    identity = ("staff_number", "kind", "level", "year")
    columns = (
        SCHOOL_CODE,
        STAFF_NUMBER,
        TEACHER_NAME,
        Column(
            "kind",
            "荣誉称号",
            Choice(c.HonourKind, aliases=HONOUR_ALIASES),
            example="名师",
            help="名师、名班主任、名教研员或名校（园）长",
        ),
        Column("level", "级别", LEVEL, example="市级", help="国家级、自治区级、市级或区级"),
        year_column("授予年份", "获得称号的年份，如 2024"),
    )
    example_rows = (
        {
            "school_code": "2164010501",
            "staff_number": "T2025001",
            "name": "王丽",
            "kind": "名师",
            "level": "市级",
            "year": 2024,
        },
    )
    model = Honour
    stored = ("school_code", "staff_number", "kind", "level", "year")

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        if row.values["year"] > ctx.today.year:
            yield error(
                row.at("year", self),
                f"年份 {row.values['year']} 还没有到",
                "请核对授予年份",
                row.values["year"],
            )
