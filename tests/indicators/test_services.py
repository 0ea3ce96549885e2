"""Freezing a year from the database, storing values with provenance, recomputation, the commands."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import World
from tests.indicators.db_facts import make_facts
from tisheng import cli
from tisheng.census.models import TeacherYear
from tisheng.core.choices import Role
from tisheng.core.models import AcademicYear
from tisheng.indicators import present, services
from tisheng.indicators.catalogue import catalogue
from tisheng.indicators.choices import RunStatus, RunTrigger
from tisheng.indicators.engine import compute, open_snapshot
from tisheng.indicators.models import IndicatorRun, IndicatorValue
from tisheng.intake.choices import SubmissionStatus
from tisheng.intake.models import Submission

pytestmark = pytest.mark.django_db


def value(indicator: str, level: str, org: str, stage: str = "", breakdown: str = "") -> IndicatorValue:
    return IndicatorValue.objects.current().get(
        indicator=indicator, level=level, org_code=org, stage=stage, breakdown=breakdown
    )


@pytest.fixture
def computed(world: World) -> IndicatorRun:
    make_facts(world)
    return services.compute_year(world.year, trigger=RunTrigger.COMMAND, user=world.users["admin"])


def test_values_are_stored_with_provenance(world: World, computed: IndicatorRun) -> None:
    run = computed
    assert run.status == RunStatus.SUCCEEDED and run.is_current
    assert run.value_count == IndicatorValue.objects.filter(run=run).count() > 100
    assert run.snapshot_id.startswith("2025-") and Path(run.snapshot_path, "manifest.json").exists()
    assert run.rows["enrolments"] == 86 + 50 + 25
    assert run.code_version.startswith("0.1.0")
    assert run.requested_by == world.users["admin"]
    stored = value("class_size.over_standard_share", "school", world.school_a.code, "primary")
    assert (stored.numerator, stored.denominator, stored.value) == (1, 2, Decimal("50"))
    assert stored.met is False and stored.rows == 2
    assert stored.school == world.school_a and stored.definition_version == 1
    town = value("enrolment.preschool_gross_rate", "town", world.urban.code)
    assert town.town == world.urban and town.value == Decimal("83.3333333333")  # 25 ÷ 30, ten places
    district = value("enrolment.preschool_gross_rate", "district", world.district.code)
    assert (district.numerator, district.denominator) == (25, 60)


def test_thresholds_are_compared_exactly(world: World, computed: IndicatorRun) -> None:
    area = value("yzjh.resource.l4", "school", world.school_a.code, "primary")
    assert area.value == Decimal("4.5") and area.met is True  # 387.0 m² / 86 pupils, exactly the bound
    equipment = value("yzjh.resource.l6", "school", world.school_a.code, "primary")
    assert equipment.value == 2000 and equipment.met is True
    certified = value("teachers.certified_rate", "district", world.district.code)
    assert (certified.numerator, certified.denominator) == (2, 3)  # the 高中 certificate covers 初中


def test_every_indicator_has_a_district_value(computed: IndicatorRun) -> None:
    missing = [
        d.id
        for d in catalogue().values()
        if "district" in d.levels and not IndicatorValue.objects.filter(run=computed, indicator=d.id).exists()
    ]
    assert missing == []


def test_verify_reproduces_and_detects_tampering(computed: IndicatorRun) -> None:
    assert services.verify(computed) == []
    tampered = IndicatorValue.objects.filter(
        run=computed, indicator="yzjh.resource.l4", level="district"
    ).first()
    assert tampered is not None
    tampered.value = Decimal("9.9")
    tampered.save()
    differences = services.verify(computed)
    assert len(differences) == 1 and "yzjh.resource.l4" in differences[0]


def test_recompute_replaces_current_values_and_reuses_the_snapshot(
    world: World, computed: IndicatorRun
) -> None:
    again = services.compute_year(world.year)
    computed.refresh_from_db()
    assert again.is_current and not computed.is_current
    assert again.snapshot_id == computed.snapshot_id  # same facts, same snapshot
    assert IndicatorValue.objects.filter(run=computed).count() == 0
    assert IndicatorValue.objects.current().count() == again.value_count


def test_a_changed_fact_gives_a_new_snapshot(world: World, computed: IndicatorRun) -> None:
    klass = world.school_a.sections.get(stage="primary").classes.get(grade=11)
    klass.student_count = 45
    klass.save()
    again = services.compute_year(world.year)
    assert again.snapshot_id != computed.snapshot_id
    assert value("class_size.over_standard_share", "school", world.school_a.code, "primary").numerator == 0


def test_overrides_are_recorded_and_applied(world: World, settings: Any) -> None:
    make_facts(world)
    settings.THRESHOLD_OVERRIDES = {"enrolment.preschool_gross_rate": ">= 90"}
    run = services.compute_year(world.year)
    # the threshold overrides and the 筛查性近视 cut-off in force
    assert run.overrides == {"enrolment.preschool_gross_rate": ">= 90", "TISHENG_MYOPIA_SE_INCLUSIVE": True}
    district = value("enrolment.preschool_gross_rate", "district", world.district.code)
    assert district.met is False  # 41.7% either way; the override is what the page shows
    d = catalogue()["enrolment.preschool_gross_rate"]
    assert present.threshold_text(d, "", run.overrides) == "≥ 90%（省级覆盖）"
    assert services.verify(run) == []


def test_a_failed_run_is_recorded(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(year: Any) -> Any:
        raise OSError("磁盘已满")

    monkeypatch.setattr(services.snapshots, "freeze", broken)
    with pytest.raises(OSError):
        services.compute_year(world.year)
    run = IndicatorRun.objects.get()
    assert run.status == RunStatus.FAILED and "磁盘已满" in run.error and not run.is_current


def test_approval_recomputes_in_the_background(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_facts(world)
    settings.RECOMPUTE_ON_APPROVAL = True
    settings.TASKS_INLINE = True
    submission = Submission.objects.create(
        dataset="classes", academic_year=world.year, school=world.school_a, status=SubmissionStatus.SUBMITTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission.status = SubmissionStatus.APPROVED
        submission.reviewed_by = world.users["admin"]
        submission.save()
    run = IndicatorRun.objects.get()
    assert run.trigger == RunTrigger.APPROVAL and run.is_current


def test_returned_data_does_not_recompute(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RECOMPUTE_ON_APPROVAL = True
    settings.TASKS_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        Submission.objects.create(
            dataset="classes",
            academic_year=world.year,
            school=world.school_a,
            status=SubmissionStatus.RETURNED,
        )
    assert not IndicatorRun.objects.exists()


def test_school_users_see_only_their_school(world: World, computed: IndicatorRun) -> None:
    for persona in ("principal_a", "clerk_a"):
        seen = IndicatorValue.objects.restrict(world.users[persona])
        assert seen.exists() and set(seen.values_list("school", flat=True)) == {world.school_a.pk}
    assert IndicatorValue.objects.restrict(world.users["leader"]).count() == computed.value_count
    assert world.users["dept_user"].role == Role.DEPARTMENT
    assert IndicatorValue.objects.restrict(None).count() == 0


def test_snapshot_is_readable_without_django(computed: IndicatorRun) -> None:
    snapshot = open_snapshot(Path(computed.snapshot_path))
    assert snapshot.read("classes").num_rows == 4
    assert snapshot.manifest.year == 2025 and snapshot.manifest.census_date.isoformat() == "2025-09-01"


# --- the commands -------------------------------------------------------------------------------------


def test_cli_compute_and_indicators(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    make_facts(world)
    assert cli.main(["compute", "--year", "2025"]) == 0
    assert "个指标值" in capsys.readouterr().out
    assert cli.main(["compute", "--verify"]) == 0
    assert "复算一致" in capsys.readouterr().out
    assert cli.main(["indicators", "--id", "yzjh.resource.l4", "--level", "school", "--format", "json"]) == 0
    records = {r["org_name"]: r for r in json.loads(capsys.readouterr().out)}
    assert records[world.school_b.name]["value"] is None  # no 办学条件 reported: no value, not zero
    record = records[world.school_a.name]
    assert record["value"] == "4.50" and record["threshold"] == "≥ 4.5" and record["met"] is True
    assert record["numerator"] == "387" and record["denominator"] == "86"
    assert cli.main(["indicators", "--level", "district", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("year,indicator,name,level") and len(lines) > 50
    assert cli.main(["indicators", "--id", "enrolment.preschool_gross_rate", "--level", "district"]) == 0
    assert "学前三年毛入园率〔未核实〕\t区县" in capsys.readouterr().out


def test_cli_reports_problems_in_chinese(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["indicators"]) == 1
    assert "请先运行 tisheng compute" in capsys.readouterr().err
    assert cli.main(["compute", "--year", "1999"]) == 1
    assert "找不到 1999 学年" in capsys.readouterr().err
    assert cli.main(["indicators", "--id", "resource.l4"]) == 1
    assert "yzjh.resource.l4" in capsys.readouterr().err


def test_catalogue_docs_are_generated_and_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/indicators/ is generated from the definitions: regenerate it when a definition changes."""
    assert cli.main(["catalogue", "--docs", str(tmp_path)]) == 0
    committed = Path(__file__).resolve().parents[2] / "docs" / "indicators"
    generated = sorted(p.name for p in tmp_path.iterdir())
    assert generated == sorted(p.name for p in committed.iterdir())
    stale = [
        name
        for name in generated
        if (tmp_path / name).read_text("utf-8") != (committed / name).read_text("utf-8")
    ]
    assert stale == [], "运行 tisheng catalogue --docs docs/indicators 更新指标说明页"
    assert len(generated) == len(catalogue()) + 1


def test_every_indicator_is_documented_and_unverified_ones_say_so() -> None:
    for definition in catalogue().values():
        page = present.documentation(definition)
        assert definition.kou_jing, f"{definition.id} 缺少口径说明"
        assert definition.name_zh in page and present.formula_text(definition) in page
        assert ("未核实" in page.split("\n")[4]) is (not definition.is_verified), definition.id


def test_a_subset_of_definitions_gives_the_same_values(computed: IndicatorRun) -> None:
    """Only the queries the chosen indicators need run, dependencies included (a CV needs its base)."""
    snapshot = open_snapshot(Path(computed.snapshot_path))
    chosen = [
        catalogue()[i] for i in ("yzjh.cv.l4", "class_size.over_standard_share", "family.parent_school_rate")
    ]
    subset = compute(snapshot, services.backend("duckdb"), definitions=chosen).results
    assert {r.indicator for r in subset} == {d.id for d in chosen}
    full = {r.key: r for r in compute(snapshot, services.backend("duckdb")).results}
    assert all(full[r.key] == r for r in subset)


def test_school_type_labels_follow_the_choices() -> None:
    """The catalogue repeats the school types' Chinese names to stay free of Django: keep them in step."""
    from django.utils import translation

    from tisheng.core.choices import SchoolType
    from tisheng.indicators.catalogue import SCHOOL_TYPE_LABELS

    with translation.override("zh-hans"):
        assert {t.value: str(t.label) for t in SchoolType} == SCHOOL_TYPE_LABELS


def test_staff_count_at_the_school_of_their_years_section(world: World) -> None:
    """A teacher who has since moved (Teacher.school is today's school) counts where that year's record
    puts them, so freezing an earlier year again gives the same values."""
    make_facts(world)
    teacher = TeacherYear.objects.get(teacher__staff_number="T001").teacher
    teacher.school = world.school_b
    teacher.save()
    services.compute_year(world.year)
    certified = value("teachers.certified_rate", "school", world.school_a.code, "primary")
    assert (certified.numerator, certified.denominator) == (1, 2)


def test_a_newer_current_run_is_not_replaced(world: World, computed: IndicatorRun) -> None:
    IndicatorRun.objects.filter(pk=computed.pk).update(started_at=timezone.now() + dt.timedelta(hours=1))
    late = services.compute_year(world.year)
    assert not late.is_current and late.value_count == 0 and "未替换" in late.error
    computed.refresh_from_db()
    assert computed.is_current and IndicatorValue.objects.filter(run=computed).exists()


def test_a_superseded_run_cannot_be_verified(world: World, computed: IndicatorRun) -> None:
    services.compute_year(world.year)
    computed.refresh_from_db()
    (message,) = services.verify(computed)
    assert "已被新的计算取代" in message


def test_runs_cut_off_by_a_stop_are_marked_failed(world: World) -> None:
    run = IndicatorRun.objects.create(academic_year=world.year, trigger=RunTrigger.COMMAND, backend="duckdb")
    assert services.fail_interrupted() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "中断" in run.error


def test_saving_an_approved_submission_again_does_not_recompute(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RECOMPUTE_ON_APPROVAL = True
    settings.TASKS_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        submission = Submission.objects.create(
            dataset="classes",
            academic_year=world.year,
            school=world.school_a,
            status=SubmissionStatus.APPROVED,
            reviewed_by=world.users["admin"],
        )
    assert IndicatorRun.objects.count() == 1  # approved on creation
    with django_capture_on_commit_callbacks(execute=True):
        submission.comment = "备注"
        submission.save()
    assert IndicatorRun.objects.count() == 1


def test_approved_status_changes_recompute_the_later_years_too(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A dropout of 2024 belongs to the cohorts counted in later years."""
    settings.RECOMPUTE_ON_APPROVAL = True
    settings.TASKS_INLINE = True
    earlier = AcademicYear.objects.create(start_year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        Submission.objects.create(
            dataset="status_changes",
            academic_year=earlier,
            school=world.school_a,
            status=SubmissionStatus.APPROVED,
            reviewed_by=world.users["admin"],
        )
    assert set(IndicatorRun.objects.values_list("academic_year__start_year", flat=True)) == {2024, 2025}


def test_health_facts_are_frozen_without_names_and_counted(world: World, settings: Any) -> None:
    from tests.indicators.db_facts import make_health_facts

    make_facts(world)
    make_health_facts(world)
    run = services.compute_year(world.year)
    a = world.school_a.code
    assert run.overrides["TISHENG_MYOPIA_SE_INCLUSIVE"] is True
    snapshot = open_snapshot(Path(run.snapshot_path))
    fitness = snapshot.read("fitness")
    assert "student_number" not in fitness.column_names and fitness.num_rows == 15
    assert sorted(set(fitness.column("total_centi").to_pylist()) - {None}) == [7000, 8500, 9250]
    vision = snapshot.read("vision").to_pylist()
    assert sorted({(r["year"], r["se_left_milli"]) for r in vision}, key=str) == sorted(
        {(2025, -1000), (2025, -500), (2025, None), (2024, None)}, key=str
    )
    # 10 优良 of 10 assessed (the 2 免测 are not in the denominator), by grade and sex too
    good = value("health.fitness_excellent_good_rate", "school", a, "primary")
    assert (good.numerator, good.denominator, good.value, good.met) == (10, 10, 100, True)
    assert (
        value("health.fitness_excellent_good_rate", "school", a, "primary", "grade=11,sex=M").denominator == 5
    )
    assert value("health.fitness_mean_total", "school", a).value == Decimal("89.5000000000")
    assert value("health.overweight_rate", "district", world.district.code).numerator == 3
    # 5 of 10 myopic (SE −1.00 D ×4 and exactly −0.50 D ×1); last year 2 of 10 by 串镜 → +30 points
    assert value("health.myopia_rate", "school", a, "primary").value == 50
    change = value("health.myopia_rate_change", "school", a)
    assert (change.value, change.met) == (30, False) and "≤ −0.50 D" in change.detail
    assert value("wuxiang.all_five_rate", "school", a).value == 100
    # with the cut-off SE < −0.50 D the student at exactly −0.50 D is not myopic; the run records it and
    # verifying recomputes with the recorded cut-off
    settings.MYOPIA_SE_INCLUSIVE = False
    strict = services.compute_year(world.year)
    assert strict.overrides["TISHENG_MYOPIA_SE_INCLUSIVE"] is False
    assert value("health.myopia_rate", "school", a, "primary").value == 40
    settings.MYOPIA_SE_INCLUSIVE = True
    assert services.verify(strict) == []
