"""学生名册: every student of a school in a 学年 — identity (学籍号), class, residence, disability and
placement with the 一人一案 record."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from tisheng.census import choices as c
from tisheng.census.models import Enrolment, SchoolClass, Student
from tisheng.core.audit import bulk_create_audited, bulk_delete_audited, bulk_update_audited, snapshot
from tisheng.core.choices import Grade, SchoolType
from tisheng.core.models import School, Town
from tisheng.intake.cells import Choice, Date, IdNumber, Integer, Text
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
    warning,
)
from tisheng.intake.datasets.classes import GRADE

#: Typical age at the 统计时点 of each grade (a child starts 小学 at 6).
TYPICAL_AGE = {
    1: 3,
    2: 4,
    3: 5,
    **{11 + i: 6 + i for i in range(6)},
    21: 12,
    22: 13,
    23: 14,
    31: 15,
    32: 16,
    33: 17,
}
#: Student model fields a row writes.
STUDENT_COLUMNS = (
    "name",
    "sex",
    "birth_date",
    "id_number_masked",
    "hukou",
    "residence_town",
    "residence_community",
    "disability",
    "placement",
    "individual_plan",
    "batch",
)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@registry.register
class StudentsDataset(Dataset):
    name = "students"
    title = "学生名册"
    sheet = "学生"
    description = "本校本学年在籍学生的完整名册（统计时点 9 月 1 日）。身份证号只保存脱敏后的号码。"
    identity = ("student_number",)
    columns = (
        SCHOOL_CODE,
        Column(
            "student_number",
            "学籍号",
            Text(
                max_length=30,
                pattern=r"[A-Z]?\d{8,24}[0-9X]?",
                pattern_hint="全国学籍号，如 G640105201503011234",
                upper=True,
            ),
            example="G640105201903011234",
        ),
        Column("name", "姓名", Text(max_length=50, prose=True), example="张小明"),
        Column("sex", "性别", Choice(c.Sex, aliases={"男生": "M", "女生": "F"}), example="男"),
        Column("birth_date", "出生日期", Date(), example="2019-03-01"),
        Column(
            "id_number", "身份证号", IdNumber(), required=False, help="可不填；填写时校验，只保存脱敏号码"
        ),
        Column("grade", "年级", GRADE, example="一年级"),
        Column("class_number", "班号", Integer(minimum=1, maximum=99), example=1),
        Column("hukou", "户籍", Choice(c.Hukou, aliases={"本区户籍": "district"}), example="本区"),
        Column("residence_town", "居住镇（街道）", Text(max_length=50), required=False, example="宁华路街道"),
        Column(
            "residence_community",
            "居住社区",
            Text(max_length=100, prose=True),
            required=False,
            example="宁华社区",
        ),
        Column("disability", "残疾类别", Choice(c.Disability), required=False, help="无残疾留空"),
        Column("placement", "安置方式", Choice(c.Placement), required=False, help="残疾学生必填"),
        Column(
            "individual_plan",
            "一人一案",
            Text(max_length=2000, prose=True),
            required=False,
            help="残疾学生必填：个别化教育安排",
        ),
        Column(
            "status",
            "在校状态",
            Choice(c.EnrolmentStatus, aliases={"在读": "enrolled", "在校": "enrolled"}),
            required=False,
            example="在读",
            help="在读（不填即在读）或休学",
        ),
    )

    # --- rules -----------------------------------------------------------------------------------

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        v = row.values
        census_day = ctx.year.census_date if ctx.year else ctx.today
        age = age_on(v["birth_date"], census_day)
        typical = TYPICAL_AGE[v["grade"]]
        school = ctx.schools_by_code.get(v["school_code"])
        special = school is not None and school.school_type == SchoolType.SPECIAL
        grade = Grade(v["grade"]).label
        if age < typical - 2 or (age > typical + 6 and not special):
            yield error(
                row.at("birth_date", self),
                f"{age} 岁的学生不可能在{grade}（该年级通常为 {typical} 岁）",
                "请核对出生日期和年级",
                v["birth_date"],
            )
        elif not typical - 1 <= age <= typical + 2:
            yield warning(
                row.at("birth_date", self), f"{age} 岁在{grade}偏离常见年龄 {typical} 岁", "请确认出生日期"
            )
        id_value = v.get("id_number")
        if id_value is not None and id_value.birth is not None and id_value.birth != v["birth_date"]:
            yield error(
                row.at("id_number", self),
                f"身份证号中的出生日期 {id_value.birth:%Y-%m-%d} 与“出生日期”列 {v['birth_date']:%Y-%m-%d} 不一致",
                "请核对身份证号或出生日期",
            )
        if v.get("disability") and not v.get("placement"):
            yield error(
                row.at("placement", self),
                "残疾学生必须填写安置方式",
                "请选择特教学校就读、随班就读或送教上门",
            )
        if v.get("disability") and not v.get("individual_plan"):
            yield error(
                row.at("individual_plan", self),
                "残疾学生必须填写“一人一案”",
                "请简要填写该生的个别化教育安排",
            )
        if v.get("placement") and not v.get("disability"):
            yield error(
                row.at("disability", self), "填写了安置方式却没有残疾类别", "请补填残疾类别，或清空安置方式"
            )
        town = v.get("residence_town")
        if town and town not in self._towns(ctx):
            yield error(
                row.at("residence_town", self), f"找不到镇（街道）“{town}”", "请填写本区的镇或街道名称", town
            )

    def _towns(self, ctx: Context) -> dict[str, int]:
        if "towns" not in ctx.cache:
            ctx.cache["towns"] = dict(Town.objects.values_list("name", "pk"))
        return ctx.cache["towns"]

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterable[Issue]:
        codes = {row.values["school_code"] for row in rows}
        classes = self._classes(ctx, codes)
        counted: Counter[tuple[str, int, int]] = Counter()
        first_row: dict[tuple[str, int, int], Row] = {}
        for row in rows:
            key = (row.values["school_code"], row.values["grade"], row.values["class_number"])
            if key not in classes:
                yield error(
                    row.at("class_number", self),
                    f"{ctx.year}没有{Grade(key[1]).label}{key[2]}班",
                    "请先上传本学年的班级表，或核对年级和班号",
                    key[2],
                )
                continue
            first_row.setdefault(key, row)
            if (row.values.get("status") or c.EnrolmentStatus.ENROLLED) == c.EnrolmentStatus.ENROLLED:
                counted[key] += 1
        for key, school_class in classes.items():
            if key[0] in codes and counted[key] != school_class.student_count:
                where = first_row.get(key)
                place = (
                    where.at("class_number", self)
                    if where
                    else Place(rows[0].place.file, rows[0].place.sheet)
                )
                yield error(
                    place,
                    f"{Grade(key[1]).label}{key[2]}班班额为 {school_class.student_count}，名册中在读学生为 {counted[key]} 人",
                    "班额必须等于该班在读学生数：请核对名册，或更正班级表中的班额",
                )
        elsewhere = (
            Enrolment.objects.filter(
                academic_year=ctx.year, student__student_number__in=[r.values["student_number"] for r in rows]
            )
            .exclude(school_class__section__school__code__in=codes)
            .values_list("student__student_number", "school_class__section__school__name")
        )
        taken = dict(elsewhere)
        for row in rows:
            number = row.values["student_number"]
            if number in taken:
                yield error(
                    row.at("student_number", self),
                    f"该学籍号本学年已在“{taken[number]}”就读",
                    "转学的学生请先由原学校办理转出，再由本校转入",
                    number,
                )

    def _classes(self, ctx: Context, codes: set[str]) -> dict[tuple[str, int, int], SchoolClass]:
        found = SchoolClass.objects.filter(
            academic_year=ctx.year, section__school__code__in=codes
        ).select_related("section__school")
        return {(k.section.school.code, k.grade, k.number): k for k in found}

    # --- database side ---------------------------------------------------------------------------

    def comparable(self, row: Row) -> dict[str, Any]:
        v = dict(row.values)
        v["id_number"] = v["id_number"].masked if v.get("id_number") else ""
        for key in ("residence_town", "residence_community", "disability", "placement", "individual_plan"):
            v[key] = v.get(key) or ""
        v["status"] = v.get("status") or c.EnrolmentStatus.ENROLLED
        return v

    def existing(
        self, ctx: Context, schools: list[School], rows: list[Row]
    ) -> dict[tuple[Any, ...], dict[str, Any]]:
        towns = {pk: name for name, pk in self._towns(ctx).items()}
        rows = Enrolment.objects.filter(
            academic_year=ctx.year, school_class__section__school__in=schools
        ).values(
            "student__student_number",
            "student__name",
            "student__sex",
            "student__birth_date",
            "student__id_number_masked",
            "student__hukou",
            "student__residence_town_id",
            "student__residence_community",
            "student__disability",
            "student__placement",
            "student__individual_plan",
            "school_class__section__school__code",
            "school_class__grade",
            "school_class__number",
            "status",
        )
        return {
            (r["student__student_number"],): {
                "school_code": r["school_class__section__school__code"],
                "student_number": r["student__student_number"],
                "name": r["student__name"],
                "sex": r["student__sex"],
                "birth_date": r["student__birth_date"],
                "id_number": r["student__id_number_masked"],
                "grade": r["school_class__grade"],
                "class_number": r["school_class__number"],
                "hukou": r["student__hukou"],
                "residence_town": towns.get(r["student__residence_town_id"], ""),
                "residence_community": r["student__residence_community"],
                "disability": r["student__disability"],
                "placement": r["student__placement"],
                "individual_plan": r["student__individual_plan"],
                "status": r["status"],
            }
            for r in rows.iterator(chunk_size=5000)
        }

    def write(self, ctx: Context, plan: Plan, batch_id: int) -> None:
        towns = self._towns(ctx)
        incoming = [ch for ch in (*plan.added, *plan.changed) if ch.after]
        numbers = [ch.after["student_number"] for ch in incoming]  # type: ignore[index]
        students = {s.student_number: s for s in _in_chunks(Student.objects, "student_number__in", numbers)}

        def fill(student: Student, v: dict[str, Any]) -> None:
            student.name, student.sex, student.birth_date = v["name"], v["sex"], v["birth_date"]
            student.id_number_masked = v["id_number"]
            student.hukou = v["hukou"]
            student.residence_town_id = towns.get(v["residence_town"]) if v["residence_town"] else None
            student.residence_community = v["residence_community"]
            student.disability, student.placement = v["disability"], v["placement"]
            student.individual_plan = v["individual_plan"]
            student.batch_id = batch_id

        new_students, updated_students, before = [], [], {}
        for change in incoming:
            v = change.after
            assert v is not None
            student = students.get(v["student_number"])
            if student is None:
                student = Student(student_number=v["student_number"])
                fill(student, v)
                new_students.append(student)
                students[student.student_number] = student
            else:
                before[student.pk] = snapshot(student)
                fill(student, v)
                updated_students.append(student)
        bulk_create_audited(Student, new_students)
        bulk_update_audited(Student, updated_students, list(STUDENT_COLUMNS), before)

        codes = {ch.after["school_code"] for ch in incoming} | {
            ch.before["school_code"] for ch in plan.removed if ch.before
        }  # type: ignore[index]
        classes = self._classes(ctx, codes)
        enrolments = {
            e.student.student_number: e
            for e in Enrolment.objects.filter(
                academic_year=ctx.year, school_class__section__school__code__in=codes
            ).select_related("student")
        }
        added, changed, enrolment_before = [], [], {}
        for change in incoming:
            v = change.after
            assert v is not None
            school_class = classes[(v["school_code"], v["grade"], v["class_number"])]
            enrolment = enrolments.get(v["student_number"])
            if enrolment is None:
                added.append(
                    Enrolment(
                        academic_year=ctx.year,
                        student=students[v["student_number"]],
                        school_class=school_class,
                        status=v["status"],
                        batch_id=batch_id,
                    )
                )
            elif enrolment.school_class_id != school_class.pk or enrolment.status != v["status"]:
                enrolment_before[enrolment.pk] = snapshot(enrolment)
                enrolment.school_class, enrolment.status, enrolment.batch_id = (
                    school_class,
                    v["status"],
                    batch_id,
                )
                changed.append(enrolment)
        bulk_create_audited(Enrolment, added)
        bulk_update_audited(Enrolment, changed, ["school_class", "status", "batch"], enrolment_before)
        gone = [enrolments[ch.identity[0]] for ch in plan.removed if ch.identity[0] in enrolments]
        bulk_delete_audited(Enrolment, gone)


def _in_chunks(manager: Any, lookup: str, values: list[Any], size: int = 900) -> list[Any]:
    found = []
    for start in range(0, len(values), size):
        found.extend(manager.filter(**{lookup: values[start : start + size]}))
    return found
