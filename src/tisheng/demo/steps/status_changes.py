"""Demo step for 学籍异动: the transfers, dropouts, suspensions and returns of the students step, each
recorded by the school concerned with a date in the 学年 it happened and a reason.

A move within the district is two records on the same day: 转出 at the school left (naming the new
one) and 转入 at the new school (naming the old one). Children leaving or joining the district name a
school elsewhere. Kindergartens keep no 学籍异动.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from tisheng.census import choices as c
from tisheng.census.models import StatusChange
from tisheng.core.audit import bulk_create_audited
from tisheng.core.choices import GRADE_STAGE, Stage
from tisheng.demo import data
from tisheng.demo.registry import DemoContext, step
from tisheng.demo.steps.identity import day_between
from tisheng.demo.steps.students import Move

#: Places children come from or move to, outside the district.
ELSEWHERE = (
    "银川市兴庆区",
    "银川市金凤区",
    "永宁县",
    "贺兰县",
    "灵武市",
    "吴忠市利通区",
    "石嘴山市大武口区",
    "固原市原州区",
    "中卫市沙坡头区",
    "甘肃省兰州市七里河区",
    "内蒙古自治区阿拉善左旗",
    "陕西省西安市未央区",
    "河南省郑州市金水区",
)
SCHOOL_KIND: dict[str, str] = {Stage.PRIMARY: "小学", Stage.JUNIOR: "中学", Stage.SENIOR: "高级中学"}
NUMERALS = "一二三四五六七八九十"
REASONS = {
    "transfer": ("家庭搬迁", "就近入学", "家庭住址变更", "随父母工作调动"),
    c.StatusChangeKind.TRANSFER_OUT: ("随父母工作调动", "返回户籍地就读", "家庭搬迁", "随父母外出务工"),
    c.StatusChangeKind.TRANSFER_IN: ("随父母来银务工", "随父母工作调动", "家庭搬迁", "购房落户"),
    c.StatusChangeKind.DROPOUT: ("厌学", "家庭经济困难", "随父母外出务工", "身体原因长期缺课"),
    c.StatusChangeKind.SUSPEND: ("因病休学", "身体原因休学"),
}
RETURN_REASON = {"dropout": "经控辍保学劝返复学", "suspend": "休学期满复学"}


def transfer_day(rng: random.Random, year: int) -> dt.date:
    """Most transfers happen in the summer holidays, the rest during the 学年."""
    if rng.random() < 0.7:
        return day_between(rng, dt.date(year + 1, 7, 1), dt.date(year + 1, 8, 28))
    return day_between(rng, dt.date(year, 9, 15), dt.date(year + 1, 6, 20))


def elsewhere(rng: random.Random, grade: int) -> str:
    stage = GRADE_STAGE[grade]
    return f"{rng.choice(ELSEWHERE)}第{rng.choice(NUMERALS)}{SCHOOL_KIND.get(stage, '小学')}"


@step("status_changes", order=62, title="学籍异动")
def create_status_changes(ctx: DemoContext) -> None:
    rng = ctx.rng
    moves: list[Move] = ctx.facts["students.moves"]
    name = {code: school.name for code, school in ctx.schools.items()}
    rows: list[StatusChange] = []
    left_by: dict[int, str] = {}  # the kind of away (dropout or suspend) a returning child came back from

    def add(kind: str, move: Move, school: str, day: dt.date, other: str, reason: str) -> None:
        rows.append(
            StatusChange(
                student=move.student,
                kind=kind,
                date=day,
                school=ctx.schools[school],
                other_school=other,
                reason=reason,
            )
        )

    for move in moves:
        if move.kind == "transfer":
            day = transfer_day(rng, move.year)
            reason = rng.choice(REASONS["transfer"])
            add(c.StatusChangeKind.TRANSFER_OUT, move, move.school, day, name[move.other], reason)
            add(c.StatusChangeKind.TRANSFER_IN, move, move.other, day, name[move.school], reason)
        elif move.kind in (c.StatusChangeKind.TRANSFER_OUT, c.StatusChangeKind.TRANSFER_IN):
            day = transfer_day(rng, move.year)
            add(move.kind, move, move.school, day, elsewhere(rng, move.grade), rng.choice(REASONS[move.kind]))
        elif move.kind == c.StatusChangeKind.DROPOUT:
            day = day_between(rng, dt.date(move.year, 10, 8), dt.date(move.year + 1, 5, 31))
            add(move.kind, move, move.school, day, "", rng.choice(REASONS[move.kind]))
            left_by[id(move.student)] = "dropout"
        elif move.kind == c.StatusChangeKind.SUSPEND:
            day = day_between(rng, dt.date(move.year + 1, 3, 1), dt.date(move.year + 1, 6, 30))
            add(move.kind, move, move.school, day, "", rng.choice(REASONS[move.kind]))
            left_by[id(move.student)] = "suspend"
        elif move.kind == c.StatusChangeKind.RETURN:
            reason = RETURN_REASON[left_by.get(id(move.student), "suspend")]
            add(move.kind, move, move.school, dt.date(move.year, 9, 1), "", reason)
        else:  # pragma: no cover (a kind the students step does not make)
            raise ValueError(move.kind)
    rows.sort(key=lambda r: (r.date, r.school.code, r.student.student_number, r.kind))
    bulk_create_audited(StatusChange, rows)

    kinds = Counter(r.kind for r in rows)
    ctx.counts["status_changes"] = len(rows)
    for kind in (c.StatusChangeKind.TRANSFER_IN, c.StatusChangeKind.TRANSFER_OUT, c.StatusChangeKind.DROPOUT):
        ctx.counts[f"status_changes.{kind}"] = kinds[kind]
    ctx.counts[f"status_changes.dropout.{data.LAST_YEAR}"] = sum(
        r.kind == c.StatusChangeKind.DROPOUT and r.date >= dt.date(data.LAST_YEAR, 9, 1) for r in rows
    )
