"""办学条件: a school's facilities and equipment in a 学年, one row per stage section — the inputs of the
优质均衡 resource indicators and of the plan's 互联网+教育, 危房 and 标准化考场 commitments."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from tisheng.census.models import FacilityReport
from tisheng.core.models import School
from tisheng.intake.cells import Boolean, Integer, Number
from tisheng.intake.datasets.base import SCHOOL_CODE, Column, Context, Issue, Row, error, registry
from tisheng.intake.datasets.common import STAGE_COLUMN, RecordDataset, keys_at, sections, stage_label

AREA = Number(minimum=0, maximum=99_999_999, places=1, unit="平方米")
COUNT = Integer(minimum=0, maximum=9999)


@registry.register
class FacilitiesDataset(RecordDataset):
    name = "facilities"
    title = "办学条件"
    sheet = "办学条件"
    description = (
        "本校本学年（统计时点 9 月 1 日）的校舍、场地、设备、图书和信息化条件，每个学段一行"
        "（九年一贯制学校的小学和初中分别填写，共用的按实际使用分摊）。"
    )
    identity = ("school_code", "stage")
    columns = (
        SCHOOL_CODE,
        STAGE_COLUMN,
        Column("teaching_area", "教学及辅助用房面积", AREA, example=5200, help="平方米"),
        Column(
            "sports_area", "体育运动场馆面积", AREA, example=8600, help="平方米，含室外运动场地和室内体育馆"
        ),
        Column(
            "equipment_value",
            "教学仪器设备值",
            Number(minimum=0, maximum=99_999_999, places=2, unit="万元"),
            example=320.5,
            help="万元",
        ),
        Column("classrooms", "教室数", COUNT, example=24, help="普通教室间数"),
        Column("networked_classrooms", "网络多媒体教室数", COUNT, example=24, help="不能多于教室数"),
        Column(
            "upgraded_multimedia_classrooms",
            "多媒体教室升级改造数",
            COUNT,
            required=False,
            example=6,
            help="本学年完成升级改造的多媒体教室；不能多于教室数，不填按 0 计",
        ),
        Column("books", "图书", Integer(minimum=0, maximum=99_999_999), example=42000, help="纸质图书册数"),
        Column("wireless_covered", "无线网络全覆盖", Boolean(), example="是", help="校园无线网络是否全覆盖"),
        Column(
            "dangerous_area",
            "D级危房面积",
            AREA,
            required=False,
            example=0,
            help="平方米，不能大于教学及辅助用房面积；没有填 0 或留空",
        ),
        Column(
            "resource_rooms",
            "资源教室数",
            COUNT,
            required=False,
            example=1,
            help="特殊教育资源教室；不填按 0 计",
        ),
        Column("standard_exam_rooms", "标准化考场数", COUNT, required=False, example=0, help="不填按 0 计"),
    )
    example_rows = (
        {
            "school_code": "2164010501", "stage": "小学", "teaching_area": 5200, "sports_area": 8600,
            "equipment_value": 320.5, "classrooms": 24, "networked_classrooms": 24, "upgraded_multimedia_classrooms": 6,
            "books": 42000, "wireless_covered": "是", "dangerous_area": 0, "resource_rooms": 1, "standard_exam_rooms": 0,
        },
    )  # fmt: skip
    model = FacilityReport
    stored = tuple(c.key for c in columns)
    blanks = {  # the model's defaults
        "upgraded_multimedia_classrooms": 0,
        "dangerous_area": Decimal("0.0"),
        "resource_rooms": 0,
        "standard_exam_rooms": 0,
    }

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        v = row.values
        school = ctx.schools_by_code.get(v["school_code"])
        if school is not None and (school.pk, v["stage"]) not in sections(ctx, [school]):
            yield error(
                row.at("stage", self),
                f"“{school}”没有{stage_label(v['stage'])}学段",
                "请核对学段，或请教育局在学校信息中增加相应学段",
                stage_label(v["stage"]),
            )
        for key in ("networked_classrooms", "upgraded_multimedia_classrooms"):
            if (v.get(key) or 0) > v["classrooms"]:
                yield error(
                    row.at(key, self),
                    f"{self.column(key).header} {v[key]} 多于教室数 {v['classrooms']}",
                    "请核对教室数和该项数量",
                    v[key],
                )
        dangerous = v.get("dangerous_area") or 0
        if dangerous > v["teaching_area"]:
            yield error(
                row.at("dangerous_area", self),
                f"D级危房面积 {dangerous} 大于教学及辅助用房面积 {v['teaching_area']}",
                "请核对两项面积（单位均为平方米）",
                dangerous,
            )

    def queryset(self, ctx: Context) -> models.QuerySet[Any]:
        return FacilityReport.objects.filter(academic_year=ctx.year).select_related("section__school")

    def in_scope(
        self, queryset: models.QuerySet[Any], ctx: Context, schools: list[School], rows: list[Row]
    ) -> models.QuerySet[Any]:
        return queryset.filter(section__school__in=schools)

    def with_keys(self, queryset: models.QuerySet[Any], keys: list[tuple[Any, ...]]) -> models.QuerySet[Any]:
        return queryset.filter(section__school__code__in=keys_at(keys, 0))

    def values_of(self, obj: FacilityReport) -> dict[str, Any]:
        values = {key: getattr(obj, key) for key in self.stored if key not in ("school_code", "stage")}
        return {"school_code": obj.section.school.code, "stage": obj.section.stage, **values}

    def prepare(self, ctx: Context, values: list[dict[str, Any]]) -> None:
        sections(ctx, [ctx.schools_by_code[v["school_code"]] for v in values])

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        school = ctx.schools_by_code[values["school_code"]]
        fields = {key: values[key] for key in self.stored if key not in ("school_code", "stage")}
        return {
            "academic_year": ctx.year,
            "section": sections(ctx, [school])[(school.pk, values["stage"])],
            **fields,
        }
