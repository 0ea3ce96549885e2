"""活动记录: the activities behind the plan's recurring duties — 家长会, 家庭教育指导 and 实践活动, 家长学校,
家长委员会, 家访, 教研员 lectures and class observations, 师德 theme weeks, government hearings on
education — of a school in a 学年 (9月1日 to 8月31日). The file is the school's complete list for that
学年."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from tisheng.census import choices as c
from tisheng.census.models import Activity
from tisheng.intake.cells import Choice, Date, Integer, Text
from tisheng.intake.datasets.base import SCHOOL_CODE, Column, Context, Issue, Row, error, registry
from tisheng.intake.datasets.common import SchoolRecords, date_in_school_year, school_year_bounds, zh

ACTIVITY_ALIASES: dict[str, str] = {
    "家长会": c.ActivityKind.PARENT_MEETING,
    "家庭教育指导": c.ActivityKind.FAMILY_GUIDANCE, "家庭教育指导活动": c.ActivityKind.FAMILY_GUIDANCE,
    "家庭教育实践活动": c.ActivityKind.FAMILY_PRACTICE, "家庭教育实践": c.ActivityKind.FAMILY_PRACTICE,
    "家长学校": c.ActivityKind.PARENT_SCHOOL, "家长学校授课": c.ActivityKind.PARENT_SCHOOL,
    "家长委员会": c.ActivityKind.PARENT_COMMITTEE, "家长委员会会议": c.ActivityKind.PARENT_COMMITTEE,
    "家委会": c.ActivityKind.PARENT_COMMITTEE,
    "家访": c.ActivityKind.HOME_VISIT,
    "教研员讲座": c.ActivityKind.RESEARCHER_LECTURE, "教研员示范课": c.ActivityKind.RESEARCHER_LECTURE,
    "教研员讲座或示范课": c.ActivityKind.RESEARCHER_LECTURE,
    "听评课": c.ActivityKind.CLASS_OBSERVATION, "教研员听评课": c.ActivityKind.CLASS_OBSERVATION,
    "听课": c.ActivityKind.CLASS_OBSERVATION,
    "师德主题教育周": c.ActivityKind.ETHICS_WEEK, "师德主题周": c.ActivityKind.ETHICS_WEEK,
    "师德建设主题教育周": c.ActivityKind.ETHICS_WEEK,
    "政府教育专题听证": c.ActivityKind.GOVERNMENT_HEARING, "教育听证会": c.ActivityKind.GOVERNMENT_HEARING,
    "政府教育听证会": c.ActivityKind.GOVERNMENT_HEARING,
}  # fmt: skip
#: Kinds that are a 教研员's activity: the researcher's name is required.
BY_RESEARCHER = (c.ActivityKind.RESEARCHER_LECTURE, c.ActivityKind.CLASS_OBSERVATION)


@registry.register
class ActivitiesDataset(SchoolRecords):
    name = "activities"
    title = "活动记录"
    sheet = "活动记录"
    description = (
        "本校本学年（9 月 1 日至次年 8 月 31 日）开展的家长会、家庭教育指导和实践活动、家长学校、家长委员会、家访、"
        "教研员讲座和听评课、师德主题教育周、政府教育专题听证等活动，每次活动一行。每个学年上传完整记录。"
    )
    identity = ("school_code", "kind", "date", "title")
    columns = (
        SCHOOL_CODE,
        Column(
            "kind",
            "活动类别",
            Choice(c.ActivityKind, aliases=ACTIVITY_ALIASES),
            example="家长会",
            help="从下拉列表中选择，如家长会、家庭教育指导活动、家访、教研员讲座或示范课、听评课、师德师风主题教育周",
        ),
        Column("date", "活动日期", Date(), example="2025-09-20", help="须在所选学年内，且不能是未来的日期"),
        Column("title", "活动主题", Text(max_length=200, prose=True), example="一年级新生家长会"),
        Column(
            "person",
            "负责人",
            Text(max_length=50, prose=True),
            required=False,
            example="李明",
            help="主讲人或负责人；教研员讲座和听评课必须填写教研员姓名",
            aliases=("主讲人",),
        ),
        Column("participants", "参加人数", Integer(minimum=0, maximum=100_000), required=False, example=120),
    )
    example_rows = (
        {
            "school_code": "2164010501",
            "kind": "家长会",
            "date": "2025-09-20",
            "title": "一年级新生家长会",
            "participants": 120,
        },
    )
    model = Activity
    stored = ("school_code", "kind", "date", "title", "person", "participants")

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        v = row.values
        yield from date_in_school_year(self, row, ctx, "活动")
        if v["kind"] in BY_RESEARCHER and not v.get("person"):
            yield error(
                row.at("person", self),
                f"“{zh(c.ActivityKind(v['kind']).label)}”必须填写教研员姓名",
                "请在“负责人”列填写主讲或听评课的教研员",
            )

    def queryset(self, ctx: Context) -> models.QuerySet[Any]:
        assert ctx.year is not None
        first, last = school_year_bounds(ctx.year)
        return Activity.objects.filter(date__range=(first, last)).select_related("school")
