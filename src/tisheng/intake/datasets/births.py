"""出生人口: births registered in each town per calendar year, for forecasting school places.
District-wide, imported by the district administrator; a file replaces the years it contains."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tisheng.census.models import Birth
from tisheng.intake.cells import Integer
from tisheng.intake.datasets.base import Column, Context, Issue, Row, registry
from tisheng.intake.datasets.common import YearTownRecords, towns, year_column
from tisheng.intake.datasets.population import TOWN_COLUMN, check_year_and_town


@registry.register
class BirthsDataset(YearTownRecords):
    name = "births"
    title = "出生人口"
    sheet = "出生人口"
    description = "全区各镇（街道）每年的出生人数，用于预测学位需求。由区管理员导入；文件中出现的年份整体替换，其他年份不变。"
    per_school = False
    per_year = False
    identity = ("year", "town")
    columns = (
        year_column("年份", "出生年份（公历），如 2024"),
        TOWN_COLUMN,
        Column("count", "出生人数", Integer(minimum=0, maximum=1_000_000), example=1520),
    )
    example_rows = ({"year": 2024, "town": "宁华路街道", "count": 1520},)
    model = Birth
    stored = ("year", "town", "count")

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        yield from check_year_and_town(self, row, ctx)

    def values_of(self, obj: Birth) -> dict[str, Any]:
        return {"year": obj.year, "town": obj.town.name, "count": obj.count}

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {**values, "town": towns(ctx)[values["town"]]}
