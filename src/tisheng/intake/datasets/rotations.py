"""交流轮岗: teachers a school sends to another school for a rotation, with start and (planned) end.
Uploaded by the sending school; not per 学年: the file is the school's complete list of rotations sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models

from tisheng.census.models import Rotation
from tisheng.core.models import School
from tisheng.intake.cells import Date, Text
from tisheng.intake.datasets.base import SCHOOL_CODE, Column, Context, Issue, Row, error, registry
from tisheng.intake.datasets.common import (
    STAFF_NUMBER,
    TEACHER_NAME,
    RecordDataset,
    check_teachers,
    keys_at,
    teachers,
)


def overlaps(a: tuple[dt.date, dt.date | None], b: tuple[dt.date, dt.date | None]) -> bool:
    """Whether two rotations [start, end) overlap (no end: still running)."""
    return (b[1] is None or a[0] < b[1]) and (a[1] is None or b[0] < a[1])


def schools_by_code(ctx: Context, codes: Iterable[str]) -> dict[str, School]:
    """Any school of the district by code (a clerk's context only sees the own school)."""
    cached: dict[str, School] = ctx.cache.setdefault("all_schools", {})
    missing = set(codes) - set(cached)
    if missing:
        cached.update((s.code, s) for s in School.objects.filter(code__in=missing))
    return cached


@registry.register
class RotationsDataset(RecordDataset):
    name = "rotations"
    title = "交流轮岗"
    sheet = "交流轮岗"
    description = (
        "本校（派出学校）教师到其他学校交流轮岗的完整记录（不分学年），每次轮岗一行。"
        "结束日期可以是计划结束日期；尚未确定的留空。表中删去的记录将被删除。"
    )
    per_year = False
    identity = ("school_code", "staff_number", "start")
    columns = (
        Column(
            SCHOOL_CODE.key,
            SCHOOL_CODE.header,
            SCHOOL_CODE.cell,
            example=SCHOOL_CODE.example,
            help="派出学校（本校）的学校标识码",
        ),
        STAFF_NUMBER,
        TEACHER_NAME,
        Column(
            "to_school_code",
            "调入学校标识码",
            Text(max_length=10, pattern=r"\d{10}", pattern_hint="10 位数字的学校标识码"),
            example="2164010502",
            help="接收学校的 10 位学校标识码",
        ),
        Column("start", "开始日期", Date(), example="2024-09-01"),
        Column(
            "end",
            "结束日期",
            Date(not_after_today=False),
            required=False,
            example="2027-07-15",
            help="可填计划结束日期；未定留空",
        ),
    )
    example_rows = (
        {
            "school_code": "2164010501", "staff_number": "T2025001", "name": "王丽",
            "to_school_code": "2164010502", "start": "2024-09-01", "end": "2027-07-15",
        },
    )  # fmt: skip
    model = Rotation
    stored = ("school_code", "staff_number", "to_school_code", "start", "end")

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        v = row.values
        if v["to_school_code"] == v["school_code"]:
            yield error(
                row.at("to_school_code", self),
                "调入学校与派出学校相同",
                "交流轮岗须到另一所学校，请核对调入学校标识码",
                v["to_school_code"],
            )
        if v.get("end") is not None and v["end"] <= v["start"]:
            yield error(
                row.at("end", self),
                f"结束日期 {v['end']:%Y-%m-%d} 不晚于开始日期 {v['start']:%Y-%m-%d}",
                "结束日期必须在开始日期之后",
                v["end"],
            )

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterable[Issue]:
        yield from check_teachers(self, rows, ctx, own_school=False)
        known = schools_by_code(ctx, {row.values["to_school_code"] for row in rows})
        for row in rows:
            code = row.values["to_school_code"]
            if code not in known:
                yield error(
                    row.at("to_school_code", self),
                    f"找不到学校标识码为 {code} 的学校",
                    "请核对调入学校标识码",
                    code,
                )
        # a teacher is on one rotation at a time: in the file, and against other schools' records
        by_teacher: dict[str, list[Row]] = {}
        for row in rows:
            by_teacher.setdefault(row.values["staff_number"], []).append(row)
        for group in by_teacher.values():
            ordered = sorted(group, key=lambda r: r.values["start"])
            for i, row in enumerate(ordered):
                for earlier in ordered[:i]:
                    if overlaps(_span(earlier.values), _span(row.values)):
                        yield error(
                            row.at("start", self),
                            f"与{earlier.place.label()}的轮岗时间重叠",
                            "同一教师同一时间只能在一所学校轮岗，请核对开始和结束日期",
                            row.values["start"],
                        )
                        break
        codes = {row.values["school_code"] for row in rows}
        others = (
            Rotation.objects.filter(teacher__staff_number__in=list(by_teacher))
            .exclude(from_school__code__in=codes)
            .select_related("teacher", "from_school")
        )
        for other in others:
            for row in by_teacher[other.teacher.staff_number]:
                if overlaps((other.start, other.end), _span(row.values)):
                    yield error(
                        row.at("start", self),
                        f"该教师已有“{other.from_school}”登记的轮岗（{other.start:%Y-%m-%d} 起），时间重叠",
                        "请核对日期，或与该校核实轮岗记录",
                        row.values["start"],
                    )

    def queryset(self, ctx: Context) -> models.QuerySet[Any]:
        return Rotation.objects.select_related("teacher", "from_school", "to_school")

    def in_scope(
        self, queryset: models.QuerySet[Any], ctx: Context, schools: list[School], rows: list[Row]
    ) -> models.QuerySet[Any]:
        return queryset.filter(from_school__in=schools)

    def with_keys(self, queryset: models.QuerySet[Any], keys: list[tuple[Any, ...]]) -> models.QuerySet[Any]:
        return queryset.filter(
            from_school__code__in=keys_at(keys, 0), teacher__staff_number__in=keys_at(keys, 1)
        )

    def values_of(self, obj: Rotation) -> dict[str, Any]:
        return {
            "school_code": obj.from_school.code,
            "staff_number": obj.teacher.staff_number,
            "to_school_code": obj.to_school.code,
            "start": obj.start,
            "end": obj.end,
        }

    def prepare(self, ctx: Context, values: list[dict[str, Any]]) -> None:
        teachers(ctx, [v["staff_number"] for v in values])
        schools_by_code(ctx, {v[k] for v in values for k in ("school_code", "to_school_code")})

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        schools = schools_by_code(ctx, [values["school_code"], values["to_school_code"]])
        return {
            "teacher": teachers(ctx, [values["staff_number"]])[values["staff_number"]],
            "from_school": schools[values["school_code"]],
            "to_school": schools[values["to_school_code"]],
            "start": values["start"],
            "end": values["end"],
        }


def _span(values: dict[str, Any]) -> tuple[dt.date, dt.date | None]:
    return values["start"], values.get("end")
