"""班级表: every class of a school in a 学年 with its enrolment at the 统计时点."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q

from tisheng.census.models import Enrolment, SchoolClass
from tisheng.core.audit import bulk_create_audited, bulk_delete_audited, bulk_update_audited, snapshot
from tisheng.core.choices import GRADE_STAGE, Grade
from tisheng.core.models import School, SchoolSection
from tisheng.intake.cells import Choice, Integer
from tisheng.intake.datasets.base import (
    SCHOOL_CODE,
    Column,
    Context,
    Dataset,
    Issue,
    Place,
    Plan,
    Row,
    error,
    registry,
)

GRADE_ALIASES = {
    "一年级": "11", "二年级": "12", "三年级": "13", "四年级": "14", "五年级": "15", "六年级": "16",
    "初一": "21", "初二": "22", "初三": "23", "七年级": "21", "八年级": "22", "九年级": "23",
    "高一": "31", "高二": "32", "高三": "33", "十年级": "31", "十一年级": "32", "十二年级": "33",
    "小班": "1", "中班": "2", "大班": "3",
}  # fmt: skip


class GradeCell(Choice):
    """年级: the Chinese name (一年级, 七年级/初一, 高一, 小班 …) or the national 年级编号 (11, 21 …)."""

    def parse(self, value: Any) -> int:  # type: ignore[override]
        return int(super().parse(value))


GRADE = GradeCell(Grade, aliases=GRADE_ALIASES)


def sections_by_school_stage(schools: list[School]) -> dict[tuple[int, str], SchoolSection]:
    return {(s.school_id, s.stage): s for s in SchoolSection.objects.filter(school__in=schools)}


@registry.register
class ClassesDataset(Dataset):
    name = "classes"
    title = "班级表"
    sheet = "班级"
    description = "本校本学年（统计时点 9 月 1 日）的全部班级及班额。每个学年上传完整的班级表。"
    identity = ("school_code", "grade", "number")
    columns = (
        SCHOOL_CODE,
        Column(
            "grade",
            "年级",
            GRADE,
            example="一年级",
            help="一年级…六年级、七年级…九年级（或初一…初三）、高一…高三、小班/中班/大班",
        ),
        Column(
            "number",
            "班号",
            Integer(minimum=1, maximum=99),
            example=1,
            help="年级内的班级序号，如 3 表示 3 班",
        ),
        Column(
            "student_count",
            "班额",
            Integer(minimum=0, maximum=200),
            example=45,
            help="统计时点的在班学生人数",
        ),
    )

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        school = ctx.schools_by_code.get(row.values["school_code"])
        if school is None:
            return
        stages = ctx.cache.setdefault("stages", {})
        if school.pk not in stages:
            stages[school.pk] = set(school.sections.values_list("stage", flat=True))
        stage = GRADE_STAGE[row.values["grade"]]
        if stage not in stages[school.pk]:
            label = Grade(row.values["grade"]).label
            yield error(
                row.at("grade", self),
                f"“{school}”没有{label}所在的学段",
                "请核对年级，或请教育局在学校信息中增加相应学段",
                label,
            )

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterable[Issue]:
        """A class's size must equal the students listed in it, once the student list exists."""
        listed = {
            (
                r["school_class__section__school__code"],
                r["school_class__grade"],
                r["school_class__number"],
            ): r["n"]
            for r in Enrolment.objects.filter(
                academic_year=ctx.year,
                school_class__section__school__code__in={row.values["school_code"] for row in rows},
            )
            .values("school_class__section__school__code", "school_class__grade", "school_class__number")
            .annotate(n=Count("id", filter=Q(status="enrolled")))
        }
        in_file = {self.key_of(row.values) for row in rows}
        for (code, grade, number), n in sorted(listed.items()):
            if n and (code, grade, number) not in in_file:
                yield error(
                    Place(rows[0].place.file, rows[0].place.sheet),
                    f"{Grade(grade).label}{number}班不在新的班级表中，但学生名册中仍有 {n} 名学生在该班",
                    "请补上该班，或先在学生名册中调整这些学生的班级",
                )
        for row in rows:
            key = self.key_of(row.values)
            if key in listed and listed[key] != row.values["student_count"]:
                yield error(
                    row.at("student_count", self),
                    f"班额 {row.values['student_count']} 与学生名册中该班的在校学生数 {listed[key]} 不一致",
                    "请核对班额，或先更正学生名册",
                    row.values["student_count"],
                )

    def existing(
        self, ctx: Context, schools: list[School], rows: list[Row]
    ) -> dict[tuple[Any, ...], dict[str, Any]]:
        rows = SchoolClass.objects.filter(academic_year=ctx.year, section__school__in=schools).values(
            "section__school__code", "grade", "number", "student_count"
        )
        return {
            (r["section__school__code"], r["grade"], r["number"]): {
                "school_code": r["section__school__code"],
                "grade": r["grade"],
                "number": r["number"],
                "student_count": r["student_count"],
            }
            for r in rows
        }

    def write(self, ctx: Context, plan: Plan, batch_id: int) -> None:
        schools = {s.code: s for s in ctx.schools_by_code.values()}
        sections = sections_by_school_stage(list(schools.values()))

        def section_of(values: dict[str, Any]) -> SchoolSection:
            return sections[(schools[values["school_code"]].pk, GRADE_STAGE[values["grade"]])]

        bulk_create_audited(
            SchoolClass,
            [
                SchoolClass(
                    academic_year=ctx.year,
                    section=section_of(c.after),
                    grade=c.after["grade"],
                    number=c.after["number"],
                    student_count=c.after["student_count"],
                    batch_id=batch_id,
                )
                for c in plan.added
                if c.after
            ],
        )
        current = self._objects(ctx, [c.identity for c in (*plan.changed, *plan.removed)])
        before = {obj.pk: snapshot(obj) for obj in current.values()}
        updated = []
        for change in plan.changed:
            obj = current[change.identity]
            obj.student_count = change.after["student_count"]  # type: ignore[index]
            obj.batch_id = batch_id
            updated.append(obj)
        bulk_update_audited(SchoolClass, updated, ["student_count", "batch"], before)
        # check_rows refused to drop a class that still has students, so these have no dependants
        bulk_delete_audited(SchoolClass, [current[c.identity] for c in plan.removed])

    def _objects(self, ctx: Context, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], SchoolClass]:
        if not keys:
            return {}
        codes = {k[0] for k in keys}
        found = SchoolClass.objects.filter(
            academic_year=ctx.year, section__school__code__in=codes
        ).select_related("section__school")
        wanted = set(keys)
        return {
            key: obj for obj in found if (key := (obj.section.school.code, obj.grade, obj.number)) in wanted
        }
