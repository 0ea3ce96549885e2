"""学籍异动: the transfers in and out, suspensions, dropouts, returns and graduations of a school's
students in a 学年 (9月1日 to 8月31日), each with its date. The file is the school's complete list of
changes for that 学年."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from tisheng.census import choices as c
from tisheng.census.models import Enrolment, StatusChange
from tisheng.core.models import School
from tisheng.intake.cells import Choice, Date, Text
from tisheng.intake.datasets.base import SCHOOL_CODE, Column, Context, Issue, Row, error, registry, warning
from tisheng.intake.datasets.common import (
    RecordDataset,
    date_in_school_year,
    keys_at,
    school_year_bounds,
    school_year_name,
    students,
)
from tisheng.intake.datasets.students import StudentsDataset

STATUS_CHANGE_ALIASES: dict[str, str] = {
    "转入": c.StatusChangeKind.TRANSFER_IN, "转学转入": c.StatusChangeKind.TRANSFER_IN,
    "转出": c.StatusChangeKind.TRANSFER_OUT, "转学转出": c.StatusChangeKind.TRANSFER_OUT,
    "休学": c.StatusChangeKind.SUSPEND,
    "辍学": c.StatusChangeKind.DROPOUT, "退学": c.StatusChangeKind.DROPOUT,
    "复学": c.StatusChangeKind.RETURN, "返校": c.StatusChangeKind.RETURN,
    "毕业": c.StatusChangeKind.GRADUATE,
}  # fmt: skip
TRANSFERS = (c.StatusChangeKind.TRANSFER_IN, c.StatusChangeKind.TRANSFER_OUT)


@registry.register
class StatusChangesDataset(RecordDataset):
    name = "status_changes"
    title = "学籍异动"
    sheet = "学籍异动"
    description = (
        "本校本学年（9 月 1 日至次年 8 月 31 日）学生的转入、转出、休学、辍学、复学和毕业，每次异动一行。"
        "学生须已在学生名册中。每个学年上传完整记录。"
    )
    identity = ("student_number", "kind", "date")
    columns = (
        SCHOOL_CODE,
        Column(
            "student_number",
            "学籍号",
            StudentsDataset.column("student_number").cell,
            example="G640105201903011234",
        ),
        Column(
            "name",
            "姓名",
            Text(max_length=50, prose=True),
            required=False,
            example="张小明",
            help="可不填；填写时与学生名册核对",
        ),
        Column(
            "kind",
            "异动类别",
            Choice(c.StatusChangeKind, aliases=STATUS_CHANGE_ALIASES),
            example="转出",
            help="转入、转出、休学、辍学、复学或毕业",
        ),
        Column("date", "异动日期", Date(), example="2025-10-15", help="须在所选学年内"),
        Column(
            "other_school",
            "对方学校",
            Text(max_length=100, prose=True),
            required=False,
            example="银川市实验小学",
            help="转入的原学校或转出的去向学校",
        ),
        Column(
            "reason", "异动原因", Text(max_length=200, prose=True), required=False, example="随父母工作调动"
        ),
    )
    example_rows = (
        {
            "school_code": "2164010501", "student_number": "G640105201903011234", "name": "张小明",
            "kind": "转出", "date": "2025-10-15", "other_school": "银川市实验小学", "reason": "随父母工作调动",
        },
    )  # fmt: skip
    model = StatusChange
    stored = ("school_code", "student_number", "kind", "date", "other_school", "reason")

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        v = row.values
        yield from date_in_school_year(self, row, ctx, "异动")
        if v["kind"] in TRANSFERS and not v.get("other_school"):
            yield warning(
                row.at("other_school", self), "转学没有填写对方学校", "请填写转入的原学校或转出的去向学校"
            )

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterable[Issue]:
        found = students(row.values["student_number"] for row in rows)
        codes = {row.values["school_code"] for row in rows}
        enrolled_here = set(
            Enrolment.objects.filter(
                academic_year=ctx.year,
                student__student_number__in=list(found),
                school_class__section__school__code__in=codes,
            ).values_list("student__student_number", "school_class__section__school__code")
        )
        recorded_elsewhere = {
            (s.student.student_number, s.kind, s.date): s.school
            for s in StatusChange.objects.filter(student__student_number__in=list(found))
            .exclude(school__code__in=codes)
            .select_related("student", "school")
        }
        year = school_year_name(ctx.year) if ctx.year else ""
        for row in rows:
            v = row.values
            number = v["student_number"]
            student = found.get(number)
            if student is None:
                yield error(
                    row.at("student_number", self),
                    f"找不到学籍号为 {number} 的学生",
                    "请核对学籍号；学生须先在学生名册中上传",
                    number,
                )
                continue
            if v.get("name") and v["name"] != student.name:
                yield warning(
                    row.at("name", self),
                    f"姓名“{v['name']}”与学籍号 {number} 登记的姓名“{student.name}”不一致",
                    "请核对学籍号和姓名",
                    v["name"],
                )
            if v["kind"] == c.StatusChangeKind.DROPOUT and (number, v["school_code"]) not in enrolled_here:
                yield error(
                    row.at("student_number", self),
                    f"学生 {student.name}（{number}）{year}不在本校就读，不能登记为本校辍学",
                    "辍学只能由学生本学年就读的学校登记；请核对学籍号，或先在学生名册中列入该生",
                    number,
                )
            other = recorded_elsewhere.get((number, v["kind"], v["date"]))
            if other is not None:
                yield error(
                    row.at("student_number", self),
                    f"这条异动已由“{other}”登记",
                    "同一学生同一日期的同类异动只能登记一次，请与该校核实",
                    number,
                )

    def queryset(self, ctx: Context) -> models.QuerySet[Any]:
        assert ctx.year is not None
        first, last = school_year_bounds(ctx.year)
        return StatusChange.objects.filter(date__range=(first, last)).select_related("student", "school")

    def in_scope(
        self, queryset: models.QuerySet[Any], ctx: Context, schools: list[School], rows: list[Row]
    ) -> models.QuerySet[Any]:
        return queryset.filter(school__in=schools)

    def with_keys(self, queryset: models.QuerySet[Any], keys: list[tuple[Any, ...]]) -> models.QuerySet[Any]:
        return queryset.filter(student__student_number__in=keys_at(keys, 0))

    def values_of(self, obj: StatusChange) -> dict[str, Any]:
        return {
            "school_code": obj.school.code,
            "student_number": obj.student.student_number,
            "kind": obj.kind,
            "date": obj.date,
            "other_school": obj.other_school,
            "reason": obj.reason,
        }

    def prepare(self, ctx: Context, values: list[dict[str, Any]]) -> None:
        ctx.cache["students"] = students(v["student_number"] for v in values)

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {
            "student": ctx.cache["students"][values["student_number"]],
            "school": ctx.schools_by_code[values["school_code"]],
            **{k: values[k] for k in ("kind", "date", "other_school", "reason")},
        }
