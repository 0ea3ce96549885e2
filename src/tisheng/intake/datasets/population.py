"""分年龄人口: the resident population by calendar year, town (and community), single year of age and
sex — the denominators of 毛入园率 and 毛入学率 — and, of each row, the disabled children certified by the
残联 or the education bureau (经认定的残疾儿童少年, the denominator of 残疾儿童少年入学率). District-wide,
imported by the district administrator; a file replaces the counts of the years it contains (a file for
2024 leaves 2023 alone)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tisheng.census import choices as c
from tisheng.census.models import PopulationCount
from tisheng.intake.cells import Choice, Integer, Text
from tisheng.intake.datasets.base import Column, Context, Issue, Row, error, registry
from tisheng.intake.datasets.common import RecordDataset, YearTownRecords, towns, year_column

TOWN_COLUMN = Column(
    "town",
    "镇（街道）",
    Text(max_length=50),
    example="宁华路街道",
    help="本区镇或街道的名称，与系统中的名称一致",
    # the header as NFKC folds it (（）→()): found even where declared headers are not normalised too
    aliases=("镇街", "乡镇（街道）", "镇(街道)", "乡镇(街道)"),
)


def check_year_and_town(dataset: RecordDataset, row: Row, ctx: Context) -> Iterable[Issue]:
    year, town = row.values["year"], row.values["town"]
    if year > ctx.today.year:
        yield error(row.at("year", dataset), f"年份 {year} 还没有到", "请填写已有统计数据的年份", year)
    if town not in towns(ctx):
        names = "、".join(sorted(towns(ctx)))
        yield error(
            row.at("town", dataset), f"找不到镇（街道）“{town}”", f"请填写本区的镇或街道名称：{names}", town
        )


@registry.register
class PopulationDataset(YearTownRecords):
    name = "population"
    title = "分年龄人口"
    sheet = "分年龄人口"
    description = (
        "全区常住人口按年份、镇（街道）、社区、单岁年龄（0–30 岁）和性别的人数，用于计算毛入园率和毛入学率；"
        "其中经残联或教育部门认定的残疾儿童少年数用于计算残疾儿童少年入学率（6–15 周岁）。"
        "由区管理员导入；文件中出现的年份整体替换，其他年份不变。"
    )
    per_school = False
    per_year = False
    identity = ("year", "town", "community", "age", "sex")
    columns = (
        year_column("年份", "统计年份（公历），如 2024"),
        TOWN_COLUMN,
        Column(
            "community",
            "社区",
            Text(max_length=100),
            required=False,
            example="宁华社区",
            help="可不填（按镇街汇总）",
        ),
        Column("age", "年龄", Integer(minimum=0, maximum=30), example=6, help="周岁，0–30"),
        Column("sex", "性别", Choice(c.Sex, aliases={"男性": "M", "女性": "F"}), example="男"),
        Column("count", "人数", Integer(minimum=0, maximum=1_000_000), example=812),
        Column(
            "disabled_certified",
            "经认定残疾儿童少年数",
            Integer(minimum=0, maximum=1_000_000),
            required=False,
            example=6,
            help="该行人数中经残联或教育部门认定的残疾儿童少年人数（主要填 6–15 周岁）；不能多于人数，不填按 0 计",
        ),
    )
    example_rows = (
        {
            "year": 2024, "town": "宁华路街道", "community": "宁华社区", "age": 6, "sex": "男", "count": 812,
            "disabled_certified": 6,
        },
    )  # fmt: skip
    model = PopulationCount
    stored = ("year", "town", "community", "age", "sex", "count", "disabled_certified")
    blanks = {"disabled_certified": 0}  # the model's default

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        yield from check_year_and_town(self, row, ctx)
        disabled, count = row.values.get("disabled_certified") or 0, row.values["count"]
        if disabled > count:
            yield error(
                row.at("disabled_certified", self),
                f"经认定残疾儿童少年数 {disabled} 多于人数 {count}",
                "经认定的残疾儿童少年是该行人数中的一部分，请核对两项人数",
                disabled,
            )

    def values_of(self, obj: PopulationCount) -> dict[str, Any]:
        return {
            "year": obj.year,
            "town": obj.town.name,
            "community": obj.community,
            "age": obj.age,
            "sex": obj.sex,
            "count": obj.count,
            "disabled_certified": obj.disabled_certified,
        }

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {**values, "town": towns(ctx)[values["town"]]}
