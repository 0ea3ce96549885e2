"""Freezing a 学年's facts from the database into a snapshot (the only place the engine meets Django)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from tisheng.census import models as census
from tisheng.census.choices import CERTIFICATE_RANK, StatusChangeKind
from tisheng.core.models import AcademicYear, District, School, Town
from tisheng.health import models as health

from .engine.compute import census_dates
from .engine.schema import TABLES
from .engine.snapshot import Snapshot, write_snapshot


def snapshot_root() -> Path:
    return Path(settings.INDICATOR_SNAPSHOT_DIR)


def _table(name: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> pa.Table:
    data = list(zip(*rows, strict=True)) if rows else []
    schema = TABLES[name]
    arrays = {
        column: pa.array(list(data[i]) if data else [], type=schema.field(column).type)
        for i, column in enumerate(columns)
    }
    return pa.table(arrays, schema=schema)


def _tenths(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * 10)


def _rows(queryset: Any, *fields: str, convert: Callable[..., tuple[Any, ...]] | None = None) -> list[Any]:
    values = queryset.values_list(*fields)
    return [convert(*v) for v in values] if convert else list(values)


def semester(day: dt.date) -> int:
    """1 = 秋季学期 (Sep–Jan), 2 = 春季学期 (Feb–Aug)."""
    return 1 if day.month >= 9 or day.month == 1 else 2


def collect(year: AcademicYear) -> dict[str, pa.Table]:
    """Every snapshot table of ``year``, read from the database."""
    census_date, year_end = year_dates(year)
    in_year = {"date__gte": census_date, "date__lte": year_end}
    tables: dict[str, pa.Table] = {}
    tables["towns"] = _table(
        "towns",
        ["town_code", "town_name", "urban_rural"],
        _rows(Town.objects.order_by("code"), "code", "name", "urban_rural"),
    )
    # schools open at the 统计时点 or opened during the 学年 (a new school's first classes count)
    schools = School.objects.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=year_end)).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=census_date)
    )
    tables["schools"] = _table(
        "schools",
        list(TABLES["schools"].names),
        _rows(
            schools.order_by("id"),
            "id", "code", "name", "town__code", "school_type", "ownership", "is_puhui", "affiliation", "urban_rural",
        ),
    )  # fmt: skip
    tables["classes"] = _table(
        "classes",
        ["class_id", "school_id", "stage", "grade", "student_count"],
        _rows(
            census.SchoolClass.objects.filter(academic_year=year).order_by("id"),
            "id", "section__school_id", "section__stage", "grade", "student_count",
        ),
    )  # fmt: skip
    tables["enrolments"] = _table(
        "enrolments",
        list(TABLES["enrolments"].names),
        _rows(
            census.Enrolment.objects.filter(academic_year=year).order_by("id"),
            "student_id", "school_class_id", "school_class__section__school_id", "school_class__section__stage",
            "school_class__grade", "student__sex", "status", "student__disability", "student__placement",
        ),
    )  # fmt: skip
    tables["teachers"] = _table(
        "teachers",
        list(TABLES["teachers"].names),
        _rows(
            census.TeacherYear.objects.filter(academic_year=year).order_by("id"),
            "teacher_id", "section__school_id", "section__stage", "post", "subject", "education", "title",
            "backbone_level", "info_literacy", "ethics_file", "commitment_signed", "family_guidance_teacher",
            "annual_salary",
            convert=lambda *v: (*v[:-1], int(v[-1]) if v[-1] is not None else None),
        ),
    )  # fmt: skip
    teachers = census.TeacherYear.objects.filter(academic_year=year).values("teacher_id")
    tables["certificates"] = _table(
        "certificates",
        ["teacher_id", "level", "rank"],
        _rows(
            census.Certificate.objects.filter(teacher_id__in=teachers, issued_on__lte=census_date)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=census_date))
            .order_by("id"),
            "teacher_id", "level",
            convert=lambda teacher, level: (teacher, level, CERTIFICATE_RANK[level]),
        ),
    )  # fmt: skip
    tables["honours"] = _table(
        "honours",
        ["teacher_id", "school_id", "kind", "level", "year"],
        _rows(
            census.Honour.objects.filter(year__lte=year.start_year).order_by("id"),
            "teacher_id", "teacher__school_id", "kind", "level", "year",
        ),
    )  # fmt: skip
    tables["rotations"] = _table(
        "rotations",
        ["teacher_id", "from_school_id", "to_school_id", "start"],
        _rows(
            census.Rotation.objects.filter(start__gte=census_date, start__lte=year_end).order_by("id"),
            "teacher_id", "from_school_id", "to_school_id", "start",
        ),
    )  # fmt: skip
    tables["facilities"] = _table(
        "facilities",
        list(TABLES["facilities"].names),
        _rows(
            census.FacilityReport.objects.filter(academic_year=year).order_by("id"),
            "section__school_id", "section__stage", "teaching_area", "sports_area", "equipment_value",
            "networked_classrooms", "classrooms", "upgraded_multimedia_classrooms", "books", "wireless_covered",
            "dangerous_area", "resource_rooms", "standard_exam_rooms",
            convert=lambda school, stage, teaching, sports, equipment, *rest: (
                school, stage, _tenths(teaching), _tenths(sports), int(equipment * 10000), *rest[:5],
                _tenths(rest[5]), *rest[6:],
            ),
        ),
    )  # fmt: skip
    tables["population"] = _table(
        "population",
        ["town_code", "age", "sex", "count", "disabled_certified"],
        _rows(
            census.PopulationCount.objects.filter(year=year.start_year).order_by("id"),
            "town__code", "age", "sex", "count", "disabled_certified",
        ),
    )  # fmt: skip
    tables["recognitions"] = _table(
        "recognitions",
        ["school_id", "kind", "level", "year"],
        _rows(
            census.Recognition.objects.filter(year=year.start_year).order_by("id"),
            "school_id",
            "kind",
            "level",
            "year",
        ),
    )
    tables["activities"] = _table(
        "activities",
        ["kind", "school_id", "person", "semester", "participants"],
        _rows(
            census.Activity.objects.filter(**in_year).order_by("id"),
            "kind", "school_id", "person", "date", "participants",
            convert=lambda kind, school, person, day, participants: (kind, school, person, semester(day), participants),
        ),
    )  # fmt: skip
    tables["status_changes"] = _table(
        "status_changes",
        ["student_id", "school_id", "kind", "date"],
        _rows(
            census.StatusChange.objects.filter(**in_year).order_by("id"),
            "student_id",
            "school_id",
            "kind",
            "date",
        ),
    )
    tables["dropouts"] = _table("dropouts", list(TABLES["dropouts"].names), _dropouts(year_end))
    salary = getattr(year, "civil_servant_salary", None)
    tables["reference"] = _table(
        "reference", ["name", "value"], [("civil_servant_salary", int(salary))] if salary is not None else []
    )
    tables.update(_health(year))
    return tables


#: the stage of a school grade code (11–16 小学, 21–23 初中, 31–33 高中); university years are not frozen
_GRADE_STAGE = {**dict.fromkeys(range(11, 17), "primary"), **dict.fromkeys(range(21, 24), "junior")}
_GRADE_STAGE.update(dict.fromkeys(range(31, 34), "senior"))


def _scaled(value: Decimal | None, scale: int) -> int | None:
    """``value`` × ``scale`` as an exact integer (null stays null)."""
    if value is None:
        return None
    scaled = value * scale
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} 不是 1/{scale} 的整数倍")
    return int(scaled)


def _se_milli(sphere: Decimal | None, cylinder: Decimal | None) -> int | None:
    """Spherical equivalent (sphere + cylinder ÷ 2) in 0.001 D, exactly; null without a sphere (a missing
    cylinder is 0: a spherical refraction)."""
    if sphere is None:
        return None
    return int(sphere * 1000 + (cylinder or Decimal(0)) * 500)


def _health(year: AcademicYear) -> dict[str, pa.Table]:
    """The student health facts: no names, no 学籍号 — only what the measures count."""
    tables: dict[str, pa.Table] = {}
    tables["fitness"] = _table(
        "fitness",
        list(TABLES["fitness"].names),
        [
            (school, _GRADE_STAGE[grade], grade, sex, status, level, _scaled(total, 100), bmi_band)
            for school, grade, sex, status, level, total, bmi_band in health.FitnessTest.objects.filter(
                academic_year=year, grade__in=list(_GRADE_STAGE)
            )
            .order_by("id")
            .values_list("school_id", "grade", "sex", "status", "level", "total", "bmi_band")
        ],
    )
    # this 学年's screenings and the previous 学年's, so the change is computed from one snapshot
    screenings = (
        health.VisionScreening.objects.filter(
            academic_year__start_year__in=[year.start_year, year.start_year - 1], grade__in=list(_GRADE_STAGE)
        )
        .order_by("id")
        .values_list(
            "academic_year__start_year", "school_id", "grade", "sex", "acuity_left", "acuity_right",
            "sphere_left", "cylinder_left", "sphere_right", "cylinder_right", "correction", "trial_lens",
        )
    )  # fmt: skip
    tables["vision"] = _table(
        "vision",
        list(TABLES["vision"].names),
        [
            (
                start, school, _GRADE_STAGE[grade], grade, sex, _scaled(left, 10), _scaled(right, 10),
                _se_milli(sphere_l, cyl_l), _se_milli(sphere_r, cyl_r), correction, trial or "",
            )
            for start, school, grade, sex, left, right, sphere_l, cyl_l, sphere_r, cyl_r, correction, trial
            in screenings
        ],
    )  # fmt: skip
    tables["wuxiang"] = _table(
        "wuxiang",
        list(TABLES["wuxiang"].names),
        [
            (school, _GRADE_STAGE[grade], grade, *rest)
            for school, grade, *rest in health.WuxiangRecord.objects.filter(
                academic_year=year, grade__in=list(_GRADE_STAGE)
            )
            .order_by("id")
            .values_list(
                "school_id", "grade", "class_number", "semester", "homework_minutes", "sleep_minutes",
                "phones_managed", "reading_reviewed", "activity_minutes",
            )
        ],
    )  # fmt: skip
    return tables


def _dropouts(year_end: dt.date) -> list[tuple[Any, ...]]:
    """Every 辍学 up to ``year_end``, with the student's last enrolment before it and the first 复学 after."""
    changes = census.StatusChange.objects.filter(
        kind__in=[StatusChangeKind.DROPOUT, StatusChangeKind.RETURN], date__lte=year_end
    ).order_by("student_id", "date", "id")
    by_student: dict[int, list[tuple[str, dt.date, int]]] = {}
    for student, kind, day, school in changes.values_list("student_id", "kind", "date", "school_id"):
        by_student.setdefault(student, []).append((kind, day, school))
    dropped = {
        s for s, events in by_student.items() if any(k == StatusChangeKind.DROPOUT for k, _, _ in events)
    }
    history: dict[int, list[tuple[int, int]]] = {}
    enrolments = census.Enrolment.objects.filter(student_id__in=dropped).values_list(
        "student_id", "academic_year__start_year", "school_class__grade"
    )
    for student, start_year, grade in enrolments:
        history.setdefault(student, []).append((start_year, grade))
    rows = []
    for student in sorted(dropped):
        events = by_student[student]
        for i, (kind, day, school) in enumerate(events):
            if kind != StatusChangeKind.DROPOUT:
                continue
            if i and events[i - 1][0] == StatusChangeKind.DROPOUT:
                continue  # a second record of the same spell (no 复学 in between): counted once
            school_year = day.year if day >= dt.date(day.year, 9, 1) else day.year - 1
            before = [(y, g) for y, g in history.get(student, []) if y <= school_year]
            if not before:
                continue  # no enrolment on record before the dropout: the cohort cannot be placed
            last_year, last_grade = max(before)
            returned = next((d for k, d, _ in events[i + 1 :] if k == StatusChangeKind.RETURN), None)
            rows.append((student, school, day, last_grade, last_year, returned))
    return rows


def year_dates(year: AcademicYear) -> tuple[dt.date, dt.date]:
    """The year's 统计时点 (as recorded on the 学年) and the last day of the 学年."""
    census_date = year.census_date or census_dates(year.start_year)[0]
    return census_date, census_date.replace(year=census_date.year + 1) - dt.timedelta(days=1)


def freeze(year: AcademicYear) -> Snapshot:
    """Write (or reuse) the snapshot of ``year``'s facts as they are now, read at one point in time
    (one transaction; REPEATABLE READ on PostgreSQL), the batches first."""
    with transaction.atomic():
        if connection.vendor == "postgresql" and not _in_outer_transaction():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        batches = _batches(year)
        tables = collect(year)
        district = District.objects.order_by("id").first()
    census_date, year_end = year_dates(year)
    return write_snapshot(
        snapshot_root(),
        tables,
        district_code=district.code if district else "",
        district_name=district.name if district else "",
        year=year.start_year,
        census_date=census_date,
        year_end=year_end,
        batches=batches,
    )


def _in_outer_transaction() -> bool:
    """Whether the atomic block just opened is nested (isolation can only be set at the start)."""
    return len(connection.atomic_blocks) > 1


def _batches(year: AcademicYear) -> tuple[int, ...]:
    """The import batches whose facts the snapshot holds (those of the year, and the registers')."""
    from tisheng.intake.choices import BatchStatus
    from tisheng.intake.models import ImportBatch

    return tuple(
        ImportBatch.objects.filter(Q(academic_year=year) | Q(academic_year__isnull=True))
        .filter(status=BatchStatus.COMMITTED)
        .values_list("id", flat=True)
        .order_by("id")
    )
