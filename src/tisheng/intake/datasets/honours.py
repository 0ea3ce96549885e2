"""教师荣誉: the named-teacher honours (名师, 名班主任, 名教研员, 名校(园)长) of a school's staff, with
level and year. Not per 学年: the file is the complete register of the honours of the school's present
staff (the teachers whose school, in the 教职工名册, is this school), all years."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from tisheng.census import choices as c
from tisheng.census.models import Honour
from tisheng.core.models import School
from tisheng.intake.cells import Choice
from tisheng.intake.datasets.base import SCHOOL_CODE, Column, Context, Issue, Row, error, registry
from tisheng.intake.datasets.common import (
    LEVEL,
    STAFF_NUMBER,
    TEACHER_NAME,
    RecordDataset,
    check_teachers,
    keys_at,
    teachers,
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
class HonoursDataset(RecordDataset):
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

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterable[Issue]:
        yield from check_teachers(self, rows, ctx, own_school=True)

    def queryset(self, ctx: Context) -> models.QuerySet[Any]:
        return Honour.objects.select_related("teacher__school")

    def in_scope(
        self, queryset: models.QuerySet[Any], ctx: Context, schools: list[School], rows: list[Row]
    ) -> models.QuerySet[Any]:
        return queryset.filter(teacher__school__in=schools)

    def with_keys(self, queryset: models.QuerySet[Any], keys: list[tuple[Any, ...]]) -> models.QuerySet[Any]:
        return queryset.filter(teacher__staff_number__in=keys_at(keys, 0))

    def values_of(self, obj: Honour) -> dict[str, Any]:
        return {
            "school_code": obj.teacher.school.code,
            "staff_number": obj.teacher.staff_number,
            "kind": obj.kind,
            "level": obj.level,
            "year": obj.year,
        }

    def prepare(self, ctx: Context, values: list[dict[str, Any]]) -> None:
        teachers(ctx, [v["staff_number"] for v in values])

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        teacher = teachers(ctx, [values["staff_number"]])[values["staff_number"]]
        return {"teacher": teacher, "kind": values["kind"], "level": values["level"], "year": values["year"]}
