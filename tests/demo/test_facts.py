"""The demo's facts for the five 学年: consistent with the classes, following the cohorts, approaching the
plan's targets, and with the planted problems the supervision is meant to find."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter, defaultdict

from django.db.models import Count, F, Q, Sum

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
    Student,
    Teacher,
    TeacherYear,
)
from tisheng.core.choices import Stage, UrbanRural
from tisheng.core.models import AcademicYear
from tisheng.demo.steps.identity import IdNumbers, birth_for_age, check_digit, id_number, student_number
from tisheng.intake.cells import id_checksum_ok, mask_id
from tisheng.intake.datasets.students import age_on

YEARS = range(2021, 2026)


def census(year: int) -> dt.date:
    return dt.date(year, 9, 1)


def school_year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


# --- identities ---------------------------------------------------------------------------------------
def test_id_numbers_carry_a_valid_check_digit() -> None:
    rng = random.Random(1)
    numbers = IdNumbers("640105")
    for _ in range(2000):
        birth = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5000))
        sex = rng.choice((c.Sex.MALE, c.Sex.FEMALE))
        full = numbers.make(rng, birth, sex)
        assert id_checksum_ok(full), full
        assert full.startswith("640105") and full[6:14] == f"{birth:%Y%m%d}"
        assert int(full[16]) % 2 == (1 if sex == c.Sex.MALE else 0)  # GB 11643: odd for men
        assert re.fullmatch(r"G\d{17}[\dX]", student_number(full))
    assert id_number("110105", dt.date(1949, 12, 31), 2) == "11010519491231002X"  # the standard's example
    assert check_digit("11010519491231002") == "X"


def test_birth_dates_give_the_age_on_the_census_day() -> None:
    rng = random.Random(2)
    for age in range(0, 20):
        for _ in range(50):
            assert age_on(birth_for_age(rng, age, census(2025)), census(2025)) == age


def test_student_numbers_are_unique_and_masked_ids_well_formed(demo: Demo) -> None:
    numbers = list(Student.objects.values_list("student_number", "id_number_masked", "birth_date", "sex"))
    assert len(numbers) == demo.summary.counts["students"] > 80_000
    assert len({n for n, *_ in numbers}) == len(numbers)
    for number, masked, birth, sex in numbers:
        full = number[1:]
        assert number.startswith("G") and id_checksum_ok(full), number
        assert masked == mask_id(full) and re.fullmatch(r"640105\*{8}\d{3}[\dX]", masked)
        assert full[6:14] == f"{birth:%Y%m%d}"
        assert int(full[16]) % 2 == (1 if sex == c.Sex.MALE else 0)


# --- students and classes ----------------------------------------------------------------------------
def test_every_class_size_is_its_number_of_enrolled_students(demo: Demo) -> None:
    mismatched = (
        SchoolClass.objects.annotate(
            n=Count("enrolments", filter=Q(enrolments__status=c.EnrolmentStatus.ENROLLED))
        )
        .exclude(n=F("student_count"))
        .count()
    )
    assert mismatched == 0
    assert Enrolment.objects.count() == demo.summary.counts["enrolments"] > 280_000
    for year in YEARS:
        enrolled = Enrolment.objects.filter(academic_year__start_year=year, status=c.EnrolmentStatus.ENROLLED)
        total = SchoolClass.objects.filter(academic_year__start_year=year).aggregate(n=Sum("student_count"))[
            "n"
        ]
        assert enrolled.count() == total


def test_each_student_is_enrolled_at_most_once_a_year(demo: Demo) -> None:
    twice = Enrolment.objects.values("academic_year", "student").annotate(n=Count("id")).filter(n__gt=1)
    assert not twice.exists()
    assert not Student.objects.filter(enrolments__isnull=True).exists()


def test_students_are_the_right_age_for_their_grade(demo: Demo) -> None:
    typical = {
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
    ages: Counter[int] = Counter()
    rows = Enrolment.objects.filter(academic_year__start_year=2025).values_list(
        "student__birth_date", "school_class__grade", "school_class__section__school__school_type"
    )
    for birth, grade, school_type in rows:
        offset = age_on(birth, census(2025)) - typical[grade]
        ages[offset] += 1
        assert 0 <= offset <= (3 if school_type == "special" else 2), (birth, grade)
    assert ages[0] / sum(ages.values()) > 0.9


def test_students_look_like_a_district(demo: Demo) -> None:
    students = Student.objects.all()
    total = students.count()
    assert 0.49 < students.filter(sex=c.Sex.MALE).count() / total < 0.53
    assert 0.6 < students.filter(hukou=c.Hukou.DISTRICT).count() / total < 0.8
    assert students.filter(hukou=c.Hukou.OUTSIDE).exists()
    assert students.filter(residence_town__isnull=True).count() == 0
    same_town = Enrolment.objects.filter(
        academic_year__start_year=2025, student__residence_town=F("school_class__section__school__town")
    ).count()
    assert same_town / Enrolment.objects.filter(academic_year__start_year=2025).count() > 0.8
    names = Counter(students.values_list("name", flat=True))
    assert len(names) > 5000 and all(2 <= len(name) <= 3 for name in names)


def test_disabled_students_have_a_type_placement_and_plan(demo: Demo) -> None:
    for year in YEARS:
        enrolled = Enrolment.objects.filter(academic_year__start_year=year)
        disabled = enrolled.exclude(student__disability="").count()
        assert 0.005 < disabled / enrolled.count() < 0.01, year
    disabled = Student.objects.exclude(disability="")
    assert not disabled.filter(placement="").exists()
    assert disabled.filter(placement=c.Placement.INCLUSIVE).count() > disabled.count() / 2
    special = Enrolment.objects.filter(school_class__section__school__school_type="special")
    assert special.exists()
    assert not special.exclude(student__placement=c.Placement.SPECIAL_SCHOOL).exists()
    assert not Student.objects.filter(disability="").exclude(placement="", individual_plan="").exists()


def test_three_disabled_students_lack_an_individual_plan_in_2021_and_2022_only(demo: Demo) -> None:
    without = Enrolment.objects.exclude(student__disability="").filter(student__individual_plan="")
    years = Counter(without.values_list("academic_year__start_year", flat=True))
    assert years == {2021: 3, 2022: 3}
    assert set(without.values_list("school_class__section__stage", flat=True)) == {Stage.JUNIOR}


def test_cohorts_move_up_at_the_same_school(demo: Demo) -> None:
    for year, grade in ((2024, 11), (2022, 14), (2023, 21), (2024, 31), (2024, 1)):
        before = dict(
            Enrolment.objects.filter(academic_year__start_year=year, school_class__grade=grade).values_list(
                "student_id", "school_class__section__school_id"
            )
        )
        after = dict(
            Enrolment.objects.filter(
                academic_year__start_year=year + 1, school_class__grade=grade + 1
            ).values_list("student_id", "school_class__section__school_id")
        )
        same = sum(1 for student, school in before.items() if after.get(student) == school)
        assert same / len(before) > 0.9, (year, grade)


def test_children_come_up_from_the_stage_below(demo: Demo) -> None:
    def ids(year: int, grade: int) -> set[int]:
        return set(
            Enrolment.objects.filter(academic_year__start_year=year, school_class__grade=grade).values_list(
                "student_id", flat=True
            )
        )

    for year in (2022, 2025):
        first_grade, big_class = ids(year, 11), ids(year - 1, 3)
        assert 0.6 < len(first_grade & big_class) / len(first_grade) < 0.9  # the rest new to the district
        seventh, sixth = ids(year, 21), ids(year - 1, 16)
        assert len(seventh & sixth) / len(seventh) > 0.85
        assert 0.4 < len(ids(year, 31) & ids(year - 1, 23)) / len(ids(year, 31)) < 0.7
        assert not ids(year, 11) & ids(year - 1, 16)  # nobody goes back down


def test_transfers_match_the_moves_between_schools(demo: Demo) -> None:
    changes = StatusChange.objects.select_related("student", "school")
    outs = changes.filter(kind=c.StatusChangeKind.TRANSFER_OUT)
    ins = changes.filter(kind=c.StatusChangeKind.TRANSFER_IN)
    assert outs.count() > 1000 and ins.count() > 1000
    names = {name for name in changes.values_list("school__name", flat=True)}
    within = 0
    for change in outs.filter(other_school__in=names)[:300]:
        year = school_year_of(change.date)
        before = Enrolment.objects.get(academic_year__start_year=year, student=change.student)
        after = Enrolment.objects.get(academic_year__start_year=year + 1, student=change.student)
        assert before.school_class.section.school == change.school
        assert after.school_class.section.school.name == change.other_school
        assert ins.filter(student=change.student, date=change.date, school__name=change.other_school).exists()
        within += 1
    assert within == 300
    for change in outs.exclude(other_school__in=names)[:200]:  # left the district
        year = school_year_of(change.date)
        assert Enrolment.objects.filter(academic_year__start_year=year, student=change.student).exists()
        assert not Enrolment.objects.filter(
            academic_year__start_year=year + 1, student=change.student
        ).exists()
    for change in changes.exclude(kind=c.StatusChangeKind.RETURN):  # dated within the 学年 left
        assert dt.date(2021, 9, 2) <= change.date <= dt.date(2026, 8, 31)


def test_dropouts_fall_to_zero_and_some_return(demo: Demo) -> None:
    dropouts = StatusChange.objects.filter(kind=c.StatusChangeKind.DROPOUT)
    by_year = Counter(school_year_of(day) for day in dropouts.values_list("date", flat=True))
    assert by_year[2021] >= 4 and by_year[2025] == 0
    assert [by_year[y] for y in YEARS] == sorted((by_year[y] for y in YEARS), reverse=True)
    for dropout in dropouts.select_related("school"):
        year = school_year_of(dropout.date)
        enrolment = Enrolment.objects.get(academic_year__start_year=year, student=dropout.student_id)
        assert enrolment.school_class.section.school == dropout.school
        assert enrolment.school_class.section.stage == Stage.JUNIOR
    returns = StatusChange.objects.filter(kind=c.StatusChangeKind.RETURN, student__changes__kind="dropout")
    assert returns.exists()
    for back in returns:
        assert Enrolment.objects.filter(
            academic_year__start_year=back.date.year, student=back.student_id, status="enrolled"
        ).exists()


# --- teachers ----------------------------------------------------------------------------------------
def full_time(year: int) -> list[tuple[int, str, str, int]]:
    return list(
        TeacherYear.objects.filter(academic_year__start_year=year, post=c.Post.TEACHER).values_list(
            "teacher_id", "section__stage", "section__school__code", "section__school_id"
        )
    )


def certificates_by_teacher() -> dict[int, list[tuple[str, dt.date]]]:
    held: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for teacher, level, issued in Certificate.objects.values_list("teacher_id", "level", "issued_on"):
        held[teacher].append((level, issued))
    return held


def test_teacher_ratios_are_realistic(demo: Demo) -> None:
    students = dict(
        SchoolClass.objects.filter(academic_year__start_year=2025)
        .exclude(section__school__school_type="special")
        .values_list("section__stage")
        .annotate(n=Sum("student_count"))
    )
    teachers = Counter(
        TeacherYear.objects.filter(academic_year__start_year=2025, post=c.Post.TEACHER)
        .exclude(section__school__school_type="special")
        .values_list("section__stage", flat=True)
    )
    expected = {Stage.PRESCHOOL: 12, Stage.PRIMARY: 17, Stage.JUNIOR: 13, Stage.SENIOR: 12.5}
    for stage, ratio in expected.items():
        assert ratio * 0.85 < students[stage] / teachers[stage] < ratio * 1.05, stage
    posts = Counter(TeacherYear.objects.filter(academic_year__start_year=2025).values_list("post", flat=True))
    assert posts[c.Post.RESEARCHER] == 20
    assert posts[c.Post.MANAGEMENT] > 200 and posts[c.Post.SUPPORT] > 300
    assert demo.summary.counts["teachers.2025"] == sum(posts.values())


def test_teachers_age_retire_and_are_hired(demo: Demo) -> None:
    for year in YEARS:
        for birth, sex in TeacherYear.objects.filter(academic_year__start_year=year).values_list(
            "teacher__birth_date", "teacher__sex"
        ):
            assert 21 <= age_on(birth, census(year)) < (55 if sex == c.Sex.FEMALE else 60)
    first = set(
        TeacherYear.objects.filter(academic_year__start_year=2021).values_list("teacher_id", flat=True)
    )
    last = set(
        TeacherYear.objects.filter(academic_year__start_year=2025).values_list("teacher_id", flat=True)
    )
    assert len(first - last) > 200 and len(last - first) > 200  # retired or left; hired
    moved = Teacher.objects.annotate(schools=Count("years__section__school", distinct=True)).filter(
        schools__gt=1
    )
    assert moved.exists()
    principals = Teacher.objects.filter(name=F("school__principal_name"), years__post=c.Post.MANAGEMENT)
    assert principals.values("school").distinct().count() == 97


def test_teacher_records_approach_the_plan_targets(demo: Demo) -> None:
    def share(year: int, posts: tuple[str, ...] = tuple(c.Post.values), **filters: object) -> float:
        records = TeacherYear.objects.filter(academic_year__start_year=year, post__in=posts)
        return records.filter(**filters).count() / records.count()

    backbones = [
        TeacherYear.objects.filter(academic_year__start_year=y).exclude(backbone_level="").count()
        for y in YEARS
    ]
    assert backbones == sorted(backbones) and backbones[0] < 60 and backbones[-1] >= 100
    literacy = [
        share(y, (c.Post.TEACHER, c.Post.RESEARCHER), info_literacy=c.LiteracyResult.PASS) for y in YEARS
    ]
    assert literacy == sorted(literacy) and literacy[0] < 0.8 and 0.97 <= literacy[-1] < 1
    ethics = [share(y, ethics_file=True) for y in YEARS]
    commitment = [share(y, commitment_signed=True) for y in YEARS]
    assert ethics == sorted(ethics) and ethics[0] < 0.9 and ethics[-1] == 1.0
    assert commitment[0] < 0.85 and commitment[-1] > 0.995
    degrees = [share(y, (c.Post.TEACHER,), education__in=["bachelor", "master", "doctorate"]) for y in YEARS]
    assert degrees == sorted(degrees)
    missing_guidance = []
    for year in YEARS:
        schools = set(
            TeacherYear.objects.filter(academic_year__start_year=year).values_list(
                "section__school", flat=True
            )
        )
        named = set(
            TeacherYear.objects.filter(
                academic_year__start_year=year, family_guidance_teacher=True
            ).values_list("section__school", flat=True)
        )
        missing_guidance.append(len(schools - named))
    assert missing_guidance[0] > 5 and missing_guidance[3] == missing_guidance[4] == 0


def test_salaries_around_the_civil_service_with_a_few_schools_below(demo: Demo) -> None:
    """义务教育 专任教师 earn a little more than the local civil servants (the year's parameter) from
    2022 on, and just less in 2021 — the gap plan task 23 closes; a few schools pay below it."""
    civil_service = {
        y.start_year: float(y.civil_servant_salary)
        for y in AcademicYear.objects.all()
        if y.civil_servant_salary is not None
    }
    assert sorted(civil_service) == list(YEARS)
    assert [civil_service[y] for y in YEARS] == sorted(civil_service.values())
    assert civil_service[2021] > 100_000 and civil_service[2025] < 120_000
    compulsory = TeacherYear.objects.filter(
        post=c.Post.TEACHER,
        section__stage__in=[Stage.PRIMARY, Stage.JUNIOR],
        section__school__ownership="public",
    )
    ratios = []
    for year in YEARS:
        rows = compulsory.filter(academic_year__start_year=year)
        average = float(rows.aggregate(a=Sum("annual_salary"))["a"]) / rows.count()
        ratios.append(average / civil_service[year])
    assert 0.985 < ratios[0] < 1.0
    assert all(1.0 <= ratio <= 1.04 for ratio in ratios[1:]), ratios
    assert ratios == sorted(ratios)
    averages = (
        compulsory.filter(academic_year__start_year=2025)
        .values("section__school")
        .annotate(total=Sum("annual_salary"), n=Count("id"))
    )
    below = [r for r in averages if float(r["total"]) / r["n"] < civil_service[2025]]
    assert 2 <= len(below) <= 6


def test_uncertified_teachers_fall_from_2_percent_to_almost_none(demo: Demo) -> None:
    held = certificates_by_teacher()
    shares = []
    for year in YEARS:
        records = full_time(year)
        without = [t for t, *_ in records if not any(issued <= census(year) for _, issued in held[t])]
        shares.append(len(without) / len(records))
    assert 0.015 < shares[0] < 0.025
    assert shares == sorted(shares, reverse=True)
    assert 0 < shares[-1] < 0.005


def test_a_few_teachers_hold_a_certificate_for_the_wrong_stage_until_2024(demo: Demo) -> None:
    held = certificates_by_teacher()

    def wrong(year: int) -> list[int]:
        found = []
        for teacher, stage, *_ in full_time(year):
            valid = [level for level, issued in held[teacher] if issued <= census(year)]
            if valid and not any(c.certificate_covers(level, stage) for level in valid):
                found.append(teacher)
        return found

    assert 2 <= len(wrong(2021)) <= 3
    assert wrong(2021) == wrong(2023)
    assert wrong(2024) == wrong(2025) == []
    assert Certificate.objects.count() == demo.summary.counts["certificates"]
    assert Certificate.objects.values("number").distinct().count() == Certificate.objects.count()


def test_honours_rotations_and_violations(demo: Demo) -> None:
    named = [
        Honour.objects.filter(year__lte=y).exclude(kind=c.HonourKind.FAMOUS_PRINCIPAL).count() for y in YEARS
    ]
    principals = [
        Honour.objects.filter(year__lte=y, kind=c.HonourKind.FAMOUS_PRINCIPAL).count() for y in YEARS
    ]
    assert named == sorted(named) and named[-1] == 100 and named[0] < 30
    assert principals == sorted(principals) and principals[-1] == 20
    assert Honour.objects.filter(
        kind=c.HonourKind.FAMOUS_RESEARCHER, teacher__years__post="researcher"
    ).exists()
    rotations = Rotation.objects.select_related("from_school", "to_school")
    assert rotations.count() == demo.summary.counts["rotations"] >= 60
    urban = UrbanRural.URBAN
    for rotation in rotations:
        assert rotation.end == rotation.start.replace(year=rotation.start.year + 3) - dt.timedelta(days=1)
        assert (rotation.from_school.urban_rural == urban) != (rotation.to_school.urban_rural == urban)
        assert TeacherYear.objects.filter(
            teacher=rotation.teacher_id,
            academic_year__start_year=rotation.start.year,
            section__school=rotation.from_school,
        ).exists()
    assert rotations.filter(from_school__urban_rural=urban).count() > rotations.count() / 2
    assert 1 <= EthicsViolation.objects.count() <= 3


# --- facilities ----------------------------------------------------------------------------------------
def per_student(year: int, stage: str) -> dict[str, tuple[float, ...]]:
    students = dict(
        SchoolClass.objects.filter(academic_year__start_year=year, section__stage=stage)
        .exclude(section__school__school_type="special")
        .values_list("section_id")
        .annotate(n=Sum("student_count"))
    )
    result: dict[str, tuple[float, ...]] = {}
    for report in FacilityReport.objects.filter(
        academic_year__start_year=year, section_id__in=students
    ).select_related("section__school"):
        n = students[report.section_id]
        result[report.section.school.name] = (
            float(report.teaching_area) / n,
            float(report.sports_area) / n,
            float(report.equipment_value) * 10_000 / n,
            report.networked_classrooms * 100 / n,
            report.books / n,
        )
    return result


def median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2]


def test_a_facility_report_for_every_section_and_year(demo: Demo) -> None:
    sections = SchoolClass.objects.values("academic_year", "section").distinct().count()
    assert FacilityReport.objects.count() == sections == demo.summary.counts["facility_reports"]
    assert not FacilityReport.objects.filter(networked_classrooms__gt=F("classrooms")).exists()
    assert not FacilityReport.objects.filter(dangerous_area__gt=F("teaching_area")).exists()
    rooms = FacilityReport.objects.annotate(
        n=Count("section__classes", filter=Q(section__classes__academic_year=F("academic_year")))
    )
    assert not rooms.filter(classrooms__lt=F("n")).exists()  # a room for every class


def test_facilities_around_the_national_standard(demo: Demo) -> None:
    standards = {Stage.PRIMARY: (4.2, 7.5, 2000, 2.3, 30), Stage.JUNIOR: (5.2, 10.2, 2500, 2.4, 40)}
    for stage, standard in standards.items():
        values = per_student(2025, stage)
        for index, target in enumerate(standard):
            middle = median([v[index] for v in values.values()])
            assert target * 0.95 < middle < target * 1.45, (stage, index, middle)
    short = [name for name, v in per_student(2025, Stage.PRIMARY).items() if v[1] < 7.5 * 0.85]
    short += [name for name, v in per_student(2025, Stage.JUNIOR).items() if v[1] < 10.2 * 0.85]
    assert 2 <= len(short) <= 3
    assert all(name.startswith("西夏区") for name in short)  # crowded district-run city schools


def test_facility_commitments_over_the_years(demo: Demo) -> None:
    reports = FacilityReport.objects
    wireless = [reports.filter(academic_year__start_year=y, wireless_covered=False).count() for y in YEARS]
    assert wireless[0] > 20 and wireless[-1] == 0 and wireless == sorted(wireless, reverse=True)
    dangerous = {
        y: set(
            reports.filter(academic_year__start_year=y, dangerous_area__gt=0).values_list(
                "section__school__name", flat=True
            )
        )
        for y in YEARS
    }
    assert len(dangerous[2021]) == 2 and dangerous[2021] == dangerous[2022]
    assert dangerous[2023] == dangerous[2024] == dangerous[2025] == set()
    exam = dict(
        reports.filter(academic_year__start_year=2025, standard_exam_rooms__gt=0).values_list(
            "section__school__name", "standard_exam_rooms"
        )
    )
    assert exam == {"镇北堡镇华西希望中学": 24, "兴泾镇回民中学": 24, "北方民族大学附属中学": 36}
    exam_by_year = [
        reports.filter(academic_year__start_year=y).aggregate(n=Sum("standard_exam_rooms"))["n"]
        for y in YEARS
    ]
    assert exam_by_year == sorted(exam_by_year) and exam_by_year[-1] == 84 and exam_by_year[0] < 84
    classrooms = dict(reports.filter(academic_year__start_year=2025).values_list("section", "classrooms"))
    upgraded = dict(
        reports.values_list("section")
        .annotate(n=Sum("upgraded_multimedia_classrooms"))
        .values_list("section", "n")
    )
    assert sum(upgraded[s] for s in classrooms) / sum(classrooms.values()) > 0.95


def test_resource_rooms_where_five_or_more_disabled_students_but_one_missing_in_2021(demo: Demo) -> None:
    counts: Counter[tuple[int, int]] = Counter(
        Enrolment.objects.exclude(student__disability="")
        .filter(status=c.EnrolmentStatus.ENROLLED)
        .values_list("academic_year__start_year", "school_class__section")
    )
    missing: Counter[int] = Counter()
    for report in FacilityReport.objects.select_related("academic_year"):
        year = report.academic_year.start_year
        if counts[(year, report.section_id)] >= 5 and report.resource_rooms == 0:
            missing[year] += 1
    assert missing == {2021: 1}


# --- population and registers --------------------------------------------------------------------------
def test_population_fits_the_enrolment(demo: Demo) -> None:
    assert PopulationCount.objects.count() == 5 * 8 * 19 * 2
    rates = []
    for year in YEARS:
        ages = dict(PopulationCount.objects.filter(year=year).values_list("age").annotate(n=Sum("count")))
        kindergarten = SchoolClass.objects.filter(academic_year__start_year=year, grade__lte=3).aggregate(
            n=Sum("student_count")
        )["n"]
        compulsory = SchoolClass.objects.filter(
            academic_year__start_year=year, grade__gte=11, grade__lte=23
        ).aggregate(n=Sum("student_count"))["n"]
        rates.append(kindergarten / sum(ages[a] for a in (3, 4, 5)))
        assert 0.97 < compulsory / sum(ages[a] for a in range(6, 15)) < 1.05
    assert rates == sorted(rates) and 0.95 < rates[0] < 0.98 and 0.995 < rates[-1] < 1.02
    births = dict(Birth.objects.values_list("year").annotate(n=Sum("count")))
    assert sorted(births) == list(range(2015, 2026))
    assert [births[y] for y in sorted(births)] == sorted(births.values(), reverse=True)
    boys = PopulationCount.objects.filter(sex=c.Sex.MALE).aggregate(n=Sum("count"))["n"]
    assert 0.5 < boys / PopulationCount.objects.aggregate(n=Sum("count"))["n"] < 0.54


def test_certified_disabled_children_match_the_enrolled_disabled_pupils(demo: Demo) -> None:
    """经认定的残疾儿童少年 (6–15 only): about 0.8–1% of the age group, so that the disabled pupils of
    the 义务教育 grades (随班就读, 送教上门, 培智学校) make a 残疾儿童少年入学率 of 94–98%, rising to the
    plan's 96% by 2025; never more than a row's people."""
    assert not PopulationCount.objects.filter(disabled_certified__gt=F("count")).exists()
    assert not PopulationCount.objects.exclude(age__range=(6, 15)).filter(disabled_certified__gt=0).exists()
    rates = []
    for year in YEARS:
        cells = PopulationCount.objects.filter(year=year, age__range=(6, 15))
        totals = cells.aggregate(people=Sum("count"), certified=Sum("disabled_certified"))
        assert 0.007 < totals["certified"] / totals["people"] < 0.0097, year
        enrolled = (
            Enrolment.objects.filter(
                academic_year__start_year=year,
                school_class__section__stage__in=[Stage.PRIMARY, Stage.JUNIOR],
                status=c.EnrolmentStatus.ENROLLED,
            )
            .exclude(student__disability="")
            .count()
        )
        rates.append(enrolled / totals["certified"])
    assert all(0.94 <= rate <= 0.98 for rate in rates), rates
    assert rates == sorted(rates) and rates[-1] >= 0.96
    certified = PopulationCount.objects.aggregate(n=Sum("disabled_certified"))["n"]
    boys = PopulationCount.objects.filter(sex=c.Sex.MALE).aggregate(n=Sum("disabled_certified"))["n"]
    assert 0.52 < boys / certified < 0.65
    towns = set(
        PopulationCount.objects.filter(year=2025, disabled_certified__gt=0).values_list("town", flat=True)
    )
    assert len(towns) == 8


def test_recognitions_grow_toward_the_plan_counts(demo: Demo) -> None:
    def by_2025(kind: str, level: str | None = None) -> int:
        rows = Recognition.objects.filter(kind=kind, year__lte=2025)
        return rows.filter(level=level).count() if level else rows.count()

    moral = c.RecognitionKind.MORAL_EDUCATION_SCHOOL
    assert (by_2025(moral, "region"), by_2025(moral, "city"), by_2025(moral, "district")) == (5, 10, 20)
    assert by_2025(c.RecognitionKind.LABOUR_SCHOOL) == 15
    assert by_2025(c.RecognitionKind.LABOUR_BASE) == 5
    assert by_2025(c.RecognitionKind.LABOUR_COURSE) == 10
    assert Recognition.objects.filter(kind=c.RecognitionKind.CIVILISED_CAMPUS).exists()
    assert (
        Recognition.objects.filter(year=2021).count() < Recognition.objects.filter(year__lte=2025).count() / 3
    )


def test_recurring_duties_with_the_planted_gaps(demo: Demo) -> None:
    def per_school_year(kind: str, *, semester: int | None = None) -> Counter[tuple[int, int]]:
        counted: Counter[tuple[int, int]] = Counter()
        for school, day in Activity.objects.filter(kind=kind).values_list("school", "date"):
            if semester is None or (semester == 1) == (day.month >= 9 or day.month == 1):
                counted[(school, school_year_of(day))] += 1
        return counted

    open_schools = {
        (school, year)
        for school, year in SchoolClass.objects.values_list(
            "section__school", "academic_year__start_year"
        ).distinct()
    }
    for semester in (1, 2):
        meetings = per_school_year(c.ActivityKind.PARENT_MEETING, semester=semester)
        missing = Counter(year for key in open_schools if not meetings[key] for year in [key[1]])
        assert set(missing) <= {2021, 2022}
    missing = Counter(
        year
        for key in open_schools
        for year in [key[1]]
        if min(per_school_year(c.ActivityKind.PARENT_MEETING, semester=s)[key] for s in (1, 2)) == 0
    )
    assert missing[2021] >= 3 and missing[2022] >= 1 and missing[2025] == 0
    for kind in (c.ActivityKind.FAMILY_GUIDANCE, c.ActivityKind.FAMILY_PRACTICE):
        counted = per_school_year(kind)
        short = Counter(key[1] for key in open_schools if counted[key] < 2)
        assert short[2021] > 3 and short[2023] == short[2024] == short[2025] == 0
    weeks = Activity.objects.filter(kind=c.ActivityKind.ETHICS_WEEK)
    assert {day.month for day in weeks.values_list("date", flat=True)} == {3, 6, 9, 11}
    late = weeks.filter(date__day__gt=7)
    assert late.count() == 2 and {day for day in late.values_list("date", flat=True)} == {
        dt.date(2021, 11, 8)
    }
    hearings = Activity.objects.filter(kind=c.ActivityKind.GOVERNMENT_HEARING)
    assert sorted(day.year for day in hearings.values_list("date", flat=True)) == [2022, 2023, 2024, 2025]
    assert not hearings.filter(school__isnull=False).exists()


def test_researchers_lecture_and_observe_with_a_few_short_in_2021(demo: Demo) -> None:
    def per_person(kind: str) -> Counter[tuple[str, int]]:
        return Counter(
            (person, school_year_of(day))
            for person, day in Activity.objects.filter(kind=kind).values_list("person", "date")
        )

    researchers = set(
        TeacherYear.objects.filter(post=c.Post.RESEARCHER).values_list("teacher__name", flat=True)
    )
    lectures = per_person(c.ActivityKind.RESEARCHER_LECTURE)
    observations = per_person(c.ActivityKind.CLASS_OBSERVATION)
    assert {person for person, _ in lectures} <= researchers
    short_lectures = Counter(year for (person, year), n in lectures.items() if n < 6)
    short_observations = Counter(year for (person, year), n in observations.items() if n < 80)
    assert short_lectures == {2021: 2}
    assert short_observations == {2021: 3, 2022: 1}
    assert len(lectures) == len(observations) == 20 * 5


def test_counts_describe_the_facts(demo: Demo) -> None:
    counts = demo.summary.counts
    assert counts["students"] == Student.objects.count()
    assert counts["enrolments.2025"] == Enrolment.objects.filter(academic_year__start_year=2025).count()
    assert counts["status_changes"] == StatusChange.objects.count()
    assert counts["status_changes.dropout.2025"] == 0
    assert counts["teachers"] == Teacher.objects.count()
    assert counts["teacher_years"] == TeacherYear.objects.count()
    assert counts["teachers.2025.backbone"] >= 100
    assert counts["honours"] == Honour.objects.count()
    assert counts["exam_rooms.2025"] == 84
    assert counts["population_counts"] == PopulationCount.objects.count()
    assert counts["births"] == Birth.objects.count()
    assert counts["recognitions"] == Recognition.objects.count()
    assert counts["activities"] == Activity.objects.count()
    assert counts["ethics_violations"] == EthicsViolation.objects.count()
