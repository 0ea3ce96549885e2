"""认定与荣誉: recognitions granted to a school or one of its courses or bases (德育示范校, 劳动教育示范
学校/实践基地/精品课, 文明校园 …) at 国家/自治区/市/区 level in a year. Not per 学年: the file is the
school's complete register, all years."""

from __future__ import annotations

from collections.abc import Iterable

from tisheng.census import choices as c
from tisheng.census.models import Recognition
from tisheng.intake.cells import Choice, Text
from tisheng.intake.datasets.base import SCHOOL_CODE, Column, Context, Issue, Row, error, registry
from tisheng.intake.datasets.common import LEVEL, SchoolRecords, year_column

RECOGNITION_ALIASES: dict[str, str] = {
    "德育示范校": c.RecognitionKind.MORAL_EDUCATION_SCHOOL, "德育示范学校": c.RecognitionKind.MORAL_EDUCATION_SCHOOL,
    "劳动教育示范校": c.RecognitionKind.LABOUR_SCHOOL, "劳动教育示范学校": c.RecognitionKind.LABOUR_SCHOOL,
    "劳动教育实践基地": c.RecognitionKind.LABOUR_BASE, "劳动实践基地": c.RecognitionKind.LABOUR_BASE,
    "劳动教育精品课": c.RecognitionKind.LABOUR_COURSE, "劳动教育精品课程": c.RecognitionKind.LABOUR_COURSE,
    "文明校园": c.RecognitionKind.CIVILISED_CAMPUS,
    "优秀校训校歌校徽": c.RecognitionKind.SCHOOL_EMBLEM, "优秀校训": c.RecognitionKind.SCHOOL_EMBLEM,
    "优秀校歌": c.RecognitionKind.SCHOOL_EMBLEM, "优秀校徽": c.RecognitionKind.SCHOOL_EMBLEM,
    "其他": c.RecognitionKind.OTHER, "其他认定": c.RecognitionKind.OTHER, "其他荣誉": c.RecognitionKind.OTHER,
}  # fmt: skip


@registry.register
class RecognitionsDataset(SchoolRecords):
    name = "recognitions"
    title = "认定与荣誉"
    sheet = "认定与荣誉"
    description = (
        "本校（及本校课程、基地）获得的各级认定和荣誉，如德育示范校、劳动教育示范学校、劳动教育实践基地、"
        "劳动教育精品课、文明校园。这是本校的完整登记表（不分学年）：每次上传全部年份，表中删去的记录将被删除。"
    )
    per_year = False
    identity = ("school_code", "kind", "level", "year", "title")
    columns = (
        SCHOOL_CODE,
        Column(
            "kind",
            "认定类别",
            Choice(c.RecognitionKind, aliases=RECOGNITION_ALIASES),
            example="文明校园",
            help="德育示范校、劳动教育示范学校、劳动教育实践示范基地、劳动教育精品课、文明校园、优秀校训校歌校徽或其他认定",
            aliases=("类别",),
        ),
        Column("level", "级别", LEVEL, example="自治区级", help="国家级、自治区级、市级或区级"),
        year_column("认定年份", "获得认定的年份，如 2024"),
        Column(
            "title",
            "名称",
            Text(max_length=200, prose=True),
            required=False,
            example="“田园劳动”精品课",
            help="课程、基地或荣誉的具体名称；类别为“其他”时必填",
        ),
        Column(
            "issuer",
            "认定单位",
            Text(max_length=100, prose=True),
            required=False,
            example="宁夏回族自治区教育厅",
        ),
    )
    example_rows = (
        {
            "school_code": "2164010501",
            "kind": "文明校园",
            "level": "自治区级",
            "year": 2024,
            "issuer": "宁夏回族自治区教育厅",
        },
    )
    model = Recognition
    stored = ("school_code", "kind", "level", "year", "title", "issuer")

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        v = row.values
        if v["year"] > ctx.today.year:
            yield error(row.at("year", self), f"年份 {v['year']} 还没有到", "请核对认定年份", v["year"])
        if v["kind"] == c.RecognitionKind.OTHER and not v.get("title"):
            yield error(row.at("title", self), "类别为“其他”的认定必须填写名称", "请填写认定或荣誉的具体名称")
