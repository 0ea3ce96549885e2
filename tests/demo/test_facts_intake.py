"""Every demo fact would pass the intake validators: a school's facts, written to spreadsheets the way a
clerk types them (Chinese labels, 是/否, dates), validate without an error and change nothing.

This proves that the demo and the validators agree on what a valid fact is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db.models import Q
from django.utils import translation

from tests.demo.conftest import Demo
from tisheng.census import choices as c
from tisheng.census.models import (
    Activity,
    Birth,
    Certificate,
    Enrolment,
    EthicsViolation,
    FacilityReport,
    Honour,
    PopulationCount,
    Recognition,
    Rotation,
    SchoolClass,
    StatusChange,
    TeacherYear,
)
from tisheng.core.choices import Grade, Stage
from tisheng.core.models import AcademicYear, School, User
from tisheng.health import choices as hc
from tisheng.health.export import long_run
from tisheng.health.models import FitnessTest, VisionScreening, WuxiangRecord
from tisheng.health.scoring import MEASURED
from tisheng.intake import pipeline
from tisheng.intake.datasets import registry

#: Schools of every kind: 九年一贯制 (two sections), 培智学校, the big 小学 with the 教研员, a 高中 with
#: 标准化考场, a private kindergarten and a rural 初中 with 标准化考场.
SCHOOLS = (
    "西夏区芦花台学校",
    "西夏区培智学校",
    "西夏区实验小学",
    "北方民族大学附属中学",
    "西夏区小天使幼儿园",
    "兴泾镇回民中学",
)


def label(choices: Any, value: Any) -> str:
    """The Chinese label a clerk picks from the dropdown."""
    with translation.override("zh-hans"):
        return str(choices(value).label)


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def number(value: Decimal | None) -> float | str:
    return "" if value is None else float(value)


def write(path: Path, dataset: str, rows: Iterable[dict[str, Any]]) -> pipeline.InputFile:
    """The rows in the data set's layout: its sheet, its headers in order, one row per record."""
    spec = registry.get(dataset)
    assert spec is not None
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = spec.sheet
    sheet.append([column.header for column in spec.columns])
    for row in rows:
        sheet.append([row.get(column.key, "") for column in spec.columns])
    target = path / f"{dataset}.xlsx"
    book.save(target)
    return pipeline.InputFile(target, target.name)


def check(dataset: str, file: pipeline.InputFile, year: AcademicYear | None, rows: int) -> pipeline.Outcome:
    admin = User.objects.get(username="admin")
    outcome = pipeline.validate(dataset, [file], pipeline.make_context(admin, year, None))
    errors = [issue.text() for issue in outcome.issues if issue.severity == "error"]
    assert outcome.ok, errors[:10]
    assert outcome.plan is not None
    plan = outcome.plan
    changed = [(ch.identity, ch.changed_keys(), ch.before, ch.after) for ch in plan.changed[:3]]
    assert (len(plan.added), len(plan.changed), len(plan.removed)) == (0, 0, 0), (
        [ch.identity for ch in plan.added[:3]],
        changed,
        [ch.identity for ch in plan.removed[:3]],
    )
    assert plan.unchanged == rows > 0
    return outcome


# --- the rows a clerk would type ------------------------------------------------------------------------
def classes(school: School, year: AcademicYear) -> list[dict[str, Any]]:
    return [
        {
            "school_code": school.code,
            "grade": label(Grade, k.grade),
            "number": k.number,
            "student_count": k.student_count,
        }
        for k in SchoolClass.objects.filter(academic_year=year, section__school=school)
    ]


def students(school: School, year: AcademicYear) -> list[dict[str, Any]]:
    rows = []
    enrolments = Enrolment.objects.filter(
        academic_year=year, school_class__section__school=school
    ).select_related("student__residence_town", "school_class")
    for enrolment in enrolments:
        s = enrolment.student
        rows.append(
            {
                "school_code": school.code,
                "student_number": s.student_number,
                "name": s.name,
                "sex": label(c.Sex, s.sex),
                "birth_date": s.birth_date,
                "id_number": s.id_number_masked,
                "grade": label(Grade, enrolment.school_class.grade),
                "class_number": enrolment.school_class.number,
                "hukou": label(c.Hukou, s.hukou),
                "residence_town": s.residence_town.name if s.residence_town else "",
                "residence_community": s.residence_community,
                "disability": label(c.Disability, s.disability) if s.disability else "",
                "placement": label(c.Placement, s.placement) if s.placement else "",
                "individual_plan": s.individual_plan,
                "status": label(c.EnrolmentStatus, enrolment.status),
            }
        )
    return rows


def teachers(school: School, year: AcademicYear) -> list[dict[str, Any]]:
    records = TeacherYear.objects.filter(academic_year=year, section__school=school).select_related(
        "teacher", "section"
    )
    latest: dict[int, Certificate] = {}
    for cert in Certificate.objects.filter(teacher__in=[r.teacher_id for r in records]).order_by(
        "issued_on", "pk"
    ):
        latest[cert.teacher_id] = cert
    rows = []
    for r in records:
        t = r.teacher
        cert = latest.get(t.pk)
        rows.append(
            {
                "school_code": school.code,
                "staff_number": t.staff_number,
                "name": t.name,
                "sex": label(c.Sex, t.sex),
                "birth_date": t.birth_date,
                "id_number": t.id_number_masked,
                "stage": label(Stage, r.section.stage),
                "post": label(c.Post, r.post),
                "subject": r.subject,
                "education": label(c.Education, r.education),
                "title": label(c.Title, r.title),
                "backbone_level": label(c.BackboneLevel, r.backbone_level) if r.backbone_level else "",
                "training_hours": number(r.training_hours),
                "info_literacy": label(c.LiteracyResult, r.info_literacy),
                "ethics_file": yes_no(r.ethics_file),
                "commitment_signed": yes_no(r.commitment_signed),
                "family_guidance_teacher": yes_no(r.family_guidance_teacher),
                "annual_salary": number(r.annual_salary),
                "certificate_level": label(c.CertificateLevel, cert.level) if cert else "",
                "certificate_number": cert.number if cert else "",
                "certificate_issued": cert.issued_on if cert else "",
                "certificate_valid_until": (cert.valid_until or "") if cert else "",
            }
        )
    return rows


def facilities(school: School, year: AcademicYear) -> list[dict[str, Any]]:
    return [
        {
            "school_code": school.code,
            "stage": label(Stage, f.section.stage),
            "teaching_area": number(f.teaching_area),
            "sports_area": number(f.sports_area),
            "equipment_value": number(f.equipment_value),
            "classrooms": f.classrooms,
            "networked_classrooms": f.networked_classrooms,
            "upgraded_multimedia_classrooms": f.upgraded_multimedia_classrooms,
            "books": f.books,
            "wireless_covered": yes_no(f.wireless_covered),
            "dangerous_area": number(f.dangerous_area),
            "resource_rooms": f.resource_rooms,
            "standard_exam_rooms": f.standard_exam_rooms,
        }
        for f in FacilityReport.objects.filter(academic_year=year, section__school=school).select_related(
            "section"
        )
    ]


def in_school_year(year: AcademicYear) -> Q:
    return Q(date__gte=dt.date(year.start_year, 9, 1), date__lte=dt.date(year.start_year + 1, 8, 31))


def status_changes(school: School, year: AcademicYear) -> list[dict[str, Any]]:
    changes = StatusChange.objects.filter(in_school_year(year), school=school).select_related("student")
    return [
        {
            "school_code": school.code,
            "student_number": ch.student.student_number,
            "name": ch.student.name,
            "kind": label(c.StatusChangeKind, ch.kind),
            "date": ch.date,
            "other_school": ch.other_school,
            "reason": ch.reason,
        }
        for ch in changes
    ]


def activities(school: School, year: AcademicYear) -> list[dict[str, Any]]:
    return [
        {
            "school_code": school.code,
            "kind": label(c.ActivityKind, a.kind),
            "date": a.date,
            "title": a.title,
            "person": a.person,
            "participants": a.participants if a.participants is not None else "",
        }
        for a in Activity.objects.filter(in_school_year(year), school=school)
    ]


def recognitions(school: School, year: AcademicYear | None) -> list[dict[str, Any]]:
    return [
        {
            "school_code": school.code,
            "kind": label(c.RecognitionKind, r.kind),
            "level": label(c.Level, r.level),
            "year": r.year,
            "title": r.title,
            "issuer": r.issuer,
        }
        for r in Recognition.objects.filter(school=school)
    ]


def honours(school: School, year: AcademicYear | None) -> list[dict[str, Any]]:
    return [
        {
            "school_code": school.code,
            "staff_number": h.teacher.staff_number,
            "name": h.teacher.name,
            "kind": label(c.HonourKind, h.kind),
            "level": label(c.Level, h.level),
            "year": h.year,
        }
        for h in Honour.objects.filter(teacher__school=school).select_related("teacher")
    ]


def rotations(school: School, year: AcademicYear | None) -> list[dict[str, Any]]:
    return [
        {
            "school_code": school.code,
            "staff_number": r.teacher.staff_number,
            "name": r.teacher.name,
            "to_school_code": r.to_school.code,
            "start": r.start,
            "end": r.end or "",
        }
        for r in Rotation.objects.filter(from_school=school).select_related("teacher", "to_school")
    ]


def ethics_violations(school: School, year: AcademicYear | None) -> list[dict[str, Any]]:
    return [
        {
            "school_code": school.code,
            "staff_number": v.teacher.staff_number,
            "name": v.teacher.name,
            "date": v.date,
            "description": v.description,
            "handling": v.handling,
        }
        for v in EthicsViolation.objects.filter(teacher__school=school).select_related("teacher")
    ]


Export = Callable[[School, AcademicYear], list[dict[str, Any]]]


@pytest.mark.parametrize("name", SCHOOLS)
def test_a_schools_2025_facts_pass_the_validators_unchanged(demo: Demo, tmp_path: Path, name: str) -> None:
    school = School.objects.get(name=name)
    year = AcademicYear.objects.get(start_year=2025)
    exports: dict[str, Export] = {
        "classes": classes,
        "students": students,
        "teachers": teachers,
        "facilities": facilities,
        "status_changes": status_changes,
        "activities": activities,
    }
    for dataset, export in exports.items():
        rows = export(school, year)
        if dataset == "status_changes" and not rows:
            continue  # kindergartens keep no 学籍异动
        check(dataset, write(tmp_path, dataset, rows), year, len(rows))


def test_the_planted_2021_problems_pass_too_where_the_validators_allow(demo: Demo, tmp_path: Path) -> None:
    """2021 at a school with a dropout: the 学籍异动 (dropout, transfers), classes and activities."""
    year = AcademicYear.objects.get(start_year=2021)
    dropout = StatusChange.objects.filter(in_school_year(year), kind=c.StatusChangeKind.DROPOUT).first()
    assert dropout is not None
    school = dropout.school
    for dataset, export in (
        ("status_changes", status_changes),
        ("classes", classes),
        ("activities", activities),
    ):
        rows = export(school, year)
        check(dataset, write(tmp_path, dataset, rows), year, len(rows))


def test_school_registers_pass_the_validators_unchanged(demo: Demo, tmp_path: Path) -> None:
    """The registers kept across years (not per 学年), for every school that has entries."""
    exports: dict[str, Callable[[School, AcademicYear | None], list[dict[str, Any]]]] = {
        "recognitions": recognitions,
        "honours": honours,
        "rotations": rotations,
        "ethics_violations": ethics_violations,
    }
    for dataset, export in exports.items():
        checked = 0
        for school in School.objects.order_by("code"):
            rows = export(school, None)
            if rows:
                check(dataset, write(tmp_path, dataset, rows), None, len(rows))
                checked += 1
        assert checked, dataset


def test_population_and_births_pass_the_validators_unchanged(demo: Demo, tmp_path: Path) -> None:
    population = [
        {
            "year": p.year,
            "town": p.town.name,
            "community": p.community,
            "age": p.age,
            "sex": label(c.Sex, p.sex),
            "count": p.count,
            "disabled_certified": p.disabled_certified or "",  # 0 typed as a blank cell
        }
        for p in PopulationCount.objects.select_related("town")
    ]
    check("population", write(tmp_path, "population", population), None, len(population))
    births = [
        {"year": b.year, "town": b.town.name, "count": b.count} for b in Birth.objects.select_related("town")
    ]
    check("births", write(tmp_path, "births", births), None, len(births))


# --- student health (体测成绩, 视力筛查, 五项管理) ----------------------------------------------------------
FITNESS_RESULTS = ("height", "weight", *MEASURED)
CORRECTION_WORDS = {
    hc.Correction.NONE: "未戴镜",
    hc.Correction.GLASSES: "框架眼镜",
    hc.Correction.CONTACT: "隐形眼镜",
    hc.Correction.ORTHO_K: "角膜塑形镜",
}
TRIAL_WORDS = {
    hc.TrialLens.NOT_DONE: "",
    hc.TrialLens.MYOPIC: "正片下降负片提高",
    hc.TrialLens.NOT_MYOPIC: "非近视",
}


def result(key: str, value: Any) -> Any:
    """A result as a PE teacher types it: long runs as 3'50\", the rest as numbers."""
    if value is None:
        return ""
    if key in ("shuttle_50x8", "run_1000m", "run_800m"):
        return long_run(value)
    return number(value) if isinstance(value, Decimal) else value


def fitness_tests(school: School, year: AcademicYear) -> list[dict[str, Any]]:
    return [
        {
            "school_code": school.code,
            "grade": t.grade,
            "class_code": t.class_code,
            "student_number": t.student_number,
            "sex": 1 if t.sex == c.Sex.MALE else 2,
            "birth_date": t.birth_date,
            **{key: result(key, getattr(t, key)) for key in FITNESS_RESULTS},
            "vision_left": number(t.vision_left),
            "vision_right": number(t.vision_right),
            "exempt": (t.exempt_reason or "是") if t.exempt else "",
        }
        for t in FitnessTest.objects.filter(academic_year=year, school=school)
    ]


def vision_screenings(school: School, year: AcademicYear) -> list[dict[str, Any]]:
    return [
        {
            "school_code": school.code,
            "student_number": v.student_number,
            "grade": v.grade,
            "class_code": v.class_code,
            "sex": 1 if v.sex == c.Sex.MALE else 2,
            "screened_on": v.screened_on,
            "acuity_left": number(v.acuity_left),
            "acuity_right": number(v.acuity_right),
            "sphere_left": number(v.sphere_left),
            "cylinder_left": number(v.cylinder_left),
            "axis_left": "" if v.axis_left is None else v.axis_left,
            "sphere_right": number(v.sphere_right),
            "cylinder_right": number(v.cylinder_right),
            "axis_right": "" if v.axis_right is None else v.axis_right,
            "correction": CORRECTION_WORDS[hc.Correction(v.correction)],
            "trial_lens": TRIAL_WORDS[hc.TrialLens(v.trial_lens)],
        }
        for v in VisionScreening.objects.filter(academic_year=year, school=school)
    ]


def wuxiang_records(school: School, year: AcademicYear) -> list[dict[str, Any]]:
    return [
        {
            "school_code": school.code,
            "grade": label(Grade, w.grade),
            "class_number": w.class_number,
            "semester": "第一学期" if w.semester == hc.Semester.FIRST else "第二学期",
            "respondents": w.respondents,
            "homework_minutes": w.homework_minutes,
            "sleep_minutes": w.sleep_minutes,
            "phones_managed": yes_no(w.phones_managed),
            "reading_reviewed": yes_no(w.reading_reviewed),
            "activity_minutes": w.activity_minutes,
        }
        for w in WuxiangRecord.objects.filter(academic_year=year, school=school)
    ]


@pytest.mark.parametrize("name", ["西夏区芦花台学校", "西夏区培智学校", "北方民族大学附属中学"])
def test_a_schools_health_facts_pass_the_validators_unchanged(demo: Demo, tmp_path: Path, name: str) -> None:
    """体测成绩 (with 免测 and 缺测 students), 视力筛查 (with and without refraction) and 五项管理 of a
    九年一贯制 school, the 培智学校 and a 高中, in the first and the last year."""
    school = School.objects.get(name=name)
    for start in (2021, 2025):
        year = AcademicYear.objects.get(start_year=start)
        for dataset, export in (
            ("fitness", fitness_tests),
            ("vision", vision_screenings),
            ("wuxiang", wuxiang_records),
        ):
            rows = export(school, year)
            check(dataset, write(tmp_path, dataset, rows), year, len(rows))
