"""The demo's five years of student health: who is tested, scores from the real scorer, the trends the
dashboards show, the planted problems, and a school's upload file exported and read back."""

from __future__ import annotations

import io
import itertools
from collections import Counter, defaultdict
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Q

from tests.demo.conftest import SEED, Demo
from tisheng import cli
from tisheng.census.choices import EnrolmentStatus
from tisheng.census.models import Enrolment
from tisheng.core.models import AcademicYear, School, User
from tisheng.demo import data
from tisheng.demo.generator import load_steps
from tisheng.demo.registry import DemoContext
from tisheng.demo.steps.health import HEALTH_GRADES, HOMEWORK_LIMIT, SLEEP_MINIMUM, HealthMaker, stage_of
from tisheng.health import choices as hc
from tisheng.health.choices import BMI_BAND_FROM_ZH, LEVEL_FROM_ZH
from tisheng.health.export import long_run, school_tests, write_upload
from tisheng.health.models import FitnessTest, VisionScreening, WuxiangRecord
from tisheng.health.results import fitness_results
from tisheng.health.scoring import MEASURED, ItemStatus, StudentRecord, score_student
from tisheng.health.upload import read_upload
from tisheng.intake import pipeline
from tisheng.standards.fitness import BMI_ITEM

GOOD = (hc.FitnessLevel.EXCELLENT, hc.FitnessLevel.GOOD)
ITEMS = MEASURED  # the measured items (everything but BMI), in the standard's order


def good_rate(**filters: object) -> float:
    tests = FitnessTest.objects.filter(status=hc.FitnessStatus.COMPLETE, **filters)
    return tests.filter(level__in=GOOD).count() / tests.count()


def record_of(test: FitnessTest) -> StudentRecord:
    return StudentRecord(
        grade=test.grade,
        sex=test.sex,
        height=test.height,
        weight=test.weight,
        exempt=test.exempt,
        flagged=frozenset(test.flagged),
        **{item: getattr(test, item) for item in ITEMS},
    )


def test_every_enrolled_student_of_the_standards_grades_is_tested_and_screened(demo: Demo) -> None:
    assert demo.summary.counts["fitness_tests"] == FitnessTest.objects.count() > 200_000
    for year in AcademicYear.objects.order_by("start_year"):
        enrolled = Enrolment.objects.filter(
            academic_year=year, status=EnrolmentStatus.ENROLLED, school_class__grade__in=HEALTH_GRADES
        )
        expected = set(
            enrolled.values_list(
                "student__student_number", "school_class__section__school_id", "school_class__grade"
            )
        )
        for model in (FitnessTest, VisionScreening):
            rows = model.objects.filter(academic_year=year)
            assert set(rows.values_list("student_number", "school_id", "grade")) == expected
            assert rows.count() == len(expected)
            assert not rows.filter(student__isnull=True).exists()
    assert not FitnessTest.objects.filter(grade__lt=11).exists()


def test_wuxiang_records_cover_every_class_twice_a_year(demo: Demo) -> None:
    from tisheng.census.models import SchoolClass

    for year in AcademicYear.objects.order_by("start_year"):
        classes = SchoolClass.objects.filter(academic_year=year, grade__in=HEALTH_GRADES)
        expected = {
            (k.section.school_id, k.grade, k.number, k.student_count)
            for k in classes.select_related("section")
        }
        for semester in hc.Semester.values:
            rows = WuxiangRecord.objects.filter(academic_year=year, semester=semester)
            assert set(rows.values_list("school_id", "grade", "class_number", "respondents")) == expected


def test_stored_scores_are_the_reference_scorers(demo: Demo) -> None:
    """Every computed field equals the row-by-row reference scorer's result (not the vectorised one the
    demo used), for two schools of different stages in the first and the last year."""
    checked = Counter()
    for name in ("西夏区实验小学", "西夏区芦花台学校", "北方民族大学附属中学"):
        for start in (2021, 2025):
            tests = FitnessTest.objects.filter(school__name=name, academic_year__start_year=start)
            for test in tests:
                result = score_student(record_of(test))
                assert test.status == result.status
                assert test.total == result.total
                assert test.standard_score == result.standard_score
                assert test.bonus == result.bonus
                assert test.level == ("" if result.level is None else LEVEL_FROM_ZH[result.level])
                band = result.item(BMI_ITEM).band
                assert test.bmi_band == ("" if band is None else BMI_BAND_FROM_ZH[band])
                assert test.item_scores == {
                    r.item: r.score for r in result.items if r.status == ItemStatus.SCORED
                }
                checked[test.status] += 1
            # and the batch scorer gives the stored fields exactly
            stored = [
                {f: getattr(t, f) for f in ("bmi", "bmi_band", "item_scores", "total", "level", "status")}
                for t in tests
            ]
            again = [{f: r[f] for f in stored[0]} for r in fitness_results([record_of(t) for t in tests])]
            assert stored == again
    assert checked[hc.FitnessStatus.COMPLETE] > 5000
    assert checked[hc.FitnessStatus.EXEMPT] > 0 and checked[hc.FitnessStatus.INCOMPLETE] > 0


def test_fitness_trend_rises_to_the_plans_target(demo: Demo) -> None:
    rates = [good_rate(academic_year__start_year=year) for year in data.YEARS]
    assert rates == sorted(rates) and len(set(rates)) == len(rates), rates
    assert 0.37 <= rates[0] <= 0.43, rates
    assert 0.50 <= rates[-1] <= 0.53, rates
    by_stage = {
        stage: good_rate(
            academic_year__start_year=2025, grade__in=[g for g in HEALTH_GRADES if stage_of(g) == stage]
        )
        for stage in ("primary", "junior", "senior")
    }
    assert by_stage["primary"] > by_stage["junior"] > by_stage["senior"], by_stage


def test_planted_school_falls_year_on_year(demo: Demo) -> None:
    rates = [
        good_rate(academic_year__start_year=year, school__name=data.FITNESS_FALLING_SCHOOL)
        for year in data.YEARS
    ]
    assert all(a > b for a, b in itertools.pairwise(rates)), rates
    assert rates[0] - rates[-1] > 0.2, rates


def test_exempt_and_incomplete_students(demo: Demo) -> None:
    exempt = FitnessTest.objects.filter(status=hc.FitnessStatus.EXEMPT)
    assert exempt.count() == FitnessTest.objects.filter(exempt=True).count() > 1000
    assert not exempt.filter(exempt_reason="").exists()
    assert exempt.filter(school__name="西夏区培智学校").exists()
    assert not exempt.exclude(level="").exists() and not exempt.exclude(total=None).exists()
    incomplete = FitnessTest.objects.filter(status=hc.FitnessStatus.INCOMPLETE)
    assert 1000 < incomplete.count() < 0.02 * FitnessTest.objects.count()
    assert not incomplete.filter(exempt=True).exists() and not incomplete.exclude(total=None).exists()


def test_bmi_bands(demo: Demo) -> None:
    bands = Counter(
        FitnessTest.objects.filter(academic_year__start_year=2025).values_list("bmi_band", flat=True)
    )
    total = sum(bands.values())
    assert 0.08 <= bands[hc.BmiBand.OVERWEIGHT] / total <= 0.12, bands
    assert 0.05 <= bands[hc.BmiBand.OBESE] / total <= 0.09, bands


def myopia_rates(start: int) -> tuple[float, dict[str, float]]:
    """筛查性近视 among screenings with refraction: an eye with acuity < 5.0 and SE ≤ −0.50 D."""
    rows = VisionScreening.objects.filter(
        academic_year__start_year=start, sphere_left__isnull=False
    ).values_list(
        "grade",
        "acuity_left",
        "acuity_right",
        "sphere_left",
        "cylinder_left",
        "sphere_right",
        "cylinder_right",
    )
    by_stage: dict[str, list[bool]] = defaultdict(list)
    for grade, al, ar, sl, cl, sr, cr in rows:
        left = al < 5 and sl + cl / 2 <= Decimal("-0.5")
        right = ar < 5 and sr + cr / 2 <= Decimal("-0.5")
        by_stage[stage_of(grade)].append(left or right)
    every = [m for values in by_stage.values() for m in values]
    return sum(every) / len(every), {s: sum(v) / len(v) for s, v in by_stage.items()}


def test_myopia_falls_slowly_and_rises_with_grade(demo: Demo) -> None:
    first, stages_first = myopia_rates(2021)
    last, stages_last = myopia_rates(2025)
    assert 0.54 <= first <= 0.58 and 0.50 <= last <= 0.54 and last < first, (first, last)
    for stages in (stages_first, stages_last):
        assert stages["primary"] < stages["junior"] < stages["senior"], stages
    screenings = VisionScreening.objects.all()
    assert screenings.filter(sphere_left__isnull=True).count() > 0.03 * screenings.count()
    assert screenings.filter(sphere_left__isnull=True).exclude(trial_lens="").exists()
    assert screenings.filter(correction=hc.Correction.ORTHO_K).exists()
    assert screenings.filter(correction=hc.Correction.GLASSES).count() > 0.2 * screenings.count()
    # a cylinder always has its axis, and no axis without one
    assert not screenings.filter(~Q(cylinder_left=0), cylinder_left__isnull=False, axis_left=None).exists()
    assert not screenings.filter(cylinder_right=0, axis_right__isnull=False).exists()


def test_planted_homework_and_sleep_problems(demo: Demo) -> None:
    junior = WuxiangRecord.objects.filter(grade__in=(21, 22, 23))
    for year in data.YEARS:
        rows = junior.filter(academic_year__start_year=year)
        over = rows.filter(homework_minutes__gt=HOMEWORK_LIMIT["junior"])
        planted = over.filter(school__name=data.HOMEWORK_OVER_SCHOOL).count()
        assert planted >= 0.3 * rows.filter(school__name=data.HOMEWORK_OVER_SCHOOL).count() > 0
        others = over.exclude(school__name=data.HOMEWORK_OVER_SCHOOL).count()
        assert others < 0.1 * rows.count()
    short = WuxiangRecord.objects.filter(school__name=data.SHORT_SLEEP_SCHOOL)
    assert short.exists() and not short.filter(sleep_minutes__gte=SLEEP_MINIMUM["junior"]).exists()
    elsewhere = WuxiangRecord.objects.exclude(school__name=data.SHORT_SLEEP_SCHOOL)
    assert elsewhere.filter(grade__in=(21, 22, 23), sleep_minutes__lt=540).count() < 0.1 * elsewhere.count()
    assert not WuxiangRecord.objects.filter(grade__in=(11, 12), homework_minutes__gt=20).exists()


# --- the national upload file of a demo school ------------------------------------------------------


def test_long_run_times_as_the_template_writes_them() -> None:
    assert long_run(Decimal("230")) == "3'50\""
    assert long_run(Decimal("230.0")) == "3'50\""
    assert long_run(Decimal("105.5")) == "1'45.5\""
    assert long_run(Decimal("58")) == "0'58\""


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_exported_upload_file_reads_back_to_the_stored_scores(
    demo: Demo, tmp_path: Path, suffix: str
) -> None:
    school = School.objects.get(name="西夏区实验小学")
    year = AcademicYear.objects.get(start_year=2025)
    clerk = User.objects.get(username="tianbao")
    tests = school_tests(clerk, school, year)
    assert len(tests) == FitnessTest.objects.filter(school=school, academic_year=year).count() > 1000
    out = tmp_path / f"upload{suffix}"
    write_upload(tests, out)
    upload = read_upload(out)
    assert upload.errors == [] and upload.warnings == []
    assert len(upload.rows) == len(tests)
    records = [row.record for row in upload.rows]
    assert all(r is not None for r in records)
    for test, row in zip(tests, upload.rows, strict=True):
        assert row.record == record_of(test)  # every result read back as stored
        assert (
            str(row.cells["学籍号"]) == test.student_number and str(row.cells["班级编号"]) == test.class_code
        )
    for test, result in zip(tests, fitness_results(records), strict=True):  # type: ignore[arg-type]
        for field, value in result.items():
            assert getattr(test, field) == value, (test.student_number, field)


def test_an_exported_upload_file_imports_unchanged(demo: Demo, tmp_path: Path) -> None:
    """Through the intake pipeline, as the school's clerk uploads it: no error, nothing changes."""
    school = School.objects.get(name="西夏区实验小学")
    year = AcademicYear.objects.get(start_year=2025)
    clerk = User.objects.get(username="tianbao")
    out = tmp_path / "体测成绩.xlsx"
    write_upload(school_tests(clerk, school, year), out)
    outcome = pipeline.validate(
        "fitness", [pipeline.InputFile(out, out.name)], pipeline.make_context(clerk, year, school)
    )
    errors = [issue.text() for issue in outcome.issues if issue.severity == "error"]
    assert outcome.ok and not errors, errors[:5]
    plan = outcome.plan
    assert plan is not None
    assert (len(plan.added), len(plan.changed), len(plan.removed)) == (0, 0, 0), [
        (ch.identity, ch.changed_keys()) for ch in plan.changed[:3]
    ]
    assert plan.unchanged == FitnessTest.objects.filter(school=school, academic_year=year).count()


def test_fitness_export_command(demo: Demo, tmp_path: Path) -> None:
    school = School.objects.get(name="兴泾镇第三小学")
    out = tmp_path / "兴泾三小.csv"
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = cli.main(
            ["fitness", "export", "--school", school.code, "--year", "2024", "--user", "xiaozhang2", str(out)]
        )
    assert code == 0, stderr.getvalue()
    count = FitnessTest.objects.filter(school=school, academic_year__start_year=2024).count()
    assert f"{count} 名学生" in stdout.getvalue()
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("年级编号,班级编号,学籍号,性别,出生日期,身高,体重") and len(lines) == count + 1
    # another school's principal sees none of these students' results
    with redirect_stdout(io.StringIO()), redirect_stderr(stderr := io.StringIO()):
        code = cli.main(
            ["fitness", "export", "--school", school.code, "--year", "2024", "--user", "xiaozhang", str(out)]
        )
    assert code == 1 and "无权查看" in stderr.getvalue()
    with redirect_stdout(io.StringIO()), redirect_stderr(stderr := io.StringIO()):
        code = cli.main(
            ["fitness", "export", "--school", school.code, "--year", "2024", "--user", "xiaozhang2", "a.txt"]
        )
    assert code == 1 and ".xlsx 或 .csv" in stderr.getvalue()


def test_the_same_seed_makes_the_same_health_rows(demo: Demo) -> None:
    """The step's first 学年 made again from the seed equals the stored rows, field by field."""
    steps = {s.name: s for s in load_steps()}
    ctx = DemoContext(seed=SEED)
    ctx.schools = {s.code: s for s in School.objects.all()}
    ctx.years = {y.start_year: y for y in AcademicYear.objects.all()}
    ctx.rng = steps["health"].rng(SEED)
    maker = HealthMaker(ctx)
    year = ctx.years[data.FIRST_YEAR]
    tested = maker.tested(year)
    made = {
        VisionScreening: maker.vision_rows(tested, year),
        FitnessTest: maker.fitness_rows(tested, year, maker.last_acuity),
        WuxiangRecord: maker.wuxiang_rows(year),
    }
    volatile = {"id", "created_at", "updated_at"}

    def values(row: object, model: type) -> dict[str, object]:  # Decimal 8.5 equals the stored 8.50
        return {
            f.attname: f.value_from_object(row)
            for f in model._meta.concrete_fields
            if f.attname not in volatile
        }

    for model, rows in made.items():
        stored = model.objects.filter(academic_year=year).order_by("pk")
        assert len(rows) == stored.count() > 0
        for new, old in zip(rows, stored, strict=True):
            assert values(new, model) == values(old, model), model.__name__
