"""The warning rules on the current indicator values, raising idempotently, and closing only with a
resolution."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tests.conftest import World
from tests.supervision.conftest import run_of, school_value
from tisheng.core.models import AcademicYear, ChangeRecord
from tisheng.supervision import choices as c
from tisheng.supervision.models import Warning
from tisheng.supervision.rules import raise_indicator_warnings
from tisheng.supervision.services import acknowledge, raise_warning, resolve


def fitness_reported(run, world: World) -> None:
    """Fitness values for every school with students, so that no 数据缺报 warning is raised."""
    for school in (world.school_a, world.school_b, world.school_c):
        school_value(run, "health.fitness_excellent_good_rate", school, 60, 100)


def test_no_current_run_raises_nothing(world: World) -> None:
    summary = raise_indicator_warnings(2025)
    assert not summary.has_run and summary.total == 0
    assert not Warning.objects.exists()


def test_super_large_classes_raise_a_warning_to_the_school(world: World) -> None:
    run = run_of(world.year)
    fitness_reported(run, world)
    school_value(run, "class_size.super_large_share", world.school_a, 2, 40)  # 5.0 %
    school_value(run, "class_size.super_large_share", world.school_b, 0, 30)
    summary = raise_indicator_warnings(2025)
    assert summary.created == {c.WarningKind.OVERSIZED_CLASSES: 1}
    warning = Warning.objects.get()
    assert (warning.kind, warning.school, warning.department) == ("oversized_classes", world.school_a, None)
    assert warning.severity == c.Severity.HIGH and warning.status == c.WarningStatus.OPEN
    assert warning.academic_year == world.year and warning.indicator_id == "class_size.super_large_share"
    assert warning.detail == (
        "2025学年测试第一小学有 2 个66人及以上的超大班额，占班级总数的 5.0%（国发〔2016〕40号要求消除66人以上超大班额）。"
    )


def test_raising_again_updates_never_duplicates(world: World) -> None:
    run = run_of(world.year)
    fitness_reported(run, world)
    value = school_value(run, "class_size.super_large_share", world.school_a, 2, 40)
    raise_indicator_warnings(2025)
    value.numerator, value.value = 3, 7.5
    value.save()
    summary = raise_indicator_warnings(2025)
    assert summary.created == {} and summary.updated == {c.WarningKind.OVERSIZED_CLASSES: 1}
    warning = Warning.objects.get()
    assert warning.raised_count == 2 and "3 个" in warning.detail and "7.5%" in warning.detail
    with pytest.raises(IntegrityError), transaction.atomic():
        Warning.objects.create(
            kind="oversized_classes",
            school=world.school_a,
            subject="x",
            detail="x",
            source_key=warning.source_key,
        )


def test_a_resolved_warning_is_not_reopened(world: World) -> None:
    run = run_of(world.year)
    fitness_reported(run, world)
    school_value(run, "class_size.super_large_share", world.school_a, 2, 40)
    raise_indicator_warnings(2025)
    warning = resolve(
        world.users["principal_a"], Warning.objects.get(), "已分班，2026年春季学期起每班不超过45人。"
    )
    raise_indicator_warnings(2025)
    warning.refresh_from_db()
    assert warning.status == c.WarningStatus.RESOLVED and warning.raised_count == 1
    assert Warning.objects.count() == 1


def test_yzjh_rule_names_the_resource_indicators_missed(world: World) -> None:
    run = run_of(world.year)
    fitness_reported(run, world)
    school_value(run, "yzjh.school_verdict", world.school_a, 0, 1, stage="primary", met=False)
    school_value(run, "yzjh.school_verdict", world.school_b, 1, 1, stage="junior", met=True)
    school_value(run, "yzjh.resource.l4", world.school_a, 1600, 500, factor=1, stage="primary", met=False)
    school_value(run, "yzjh.resource.l5", world.school_a, 3000, 500, factor=1, stage="primary", met=True)
    school_value(run, "yzjh.resource.l7", world.school_a, 20, 500, stage="primary", met=False)
    summary = raise_indicator_warnings(2025)
    assert summary.created == {c.WarningKind.YZJH_FAILED: 1}
    warning = Warning.objects.get()
    assert warning.source_key == "yzjh_failed:2025:2164010501:primary"
    assert warning.subject == "测试第一小学（小学）未达到优质均衡资源配置要求"
    assert "生均教学及辅助用房面积 3.20平方米/生" in warning.detail
    assert "每百名学生拥有网络多媒体教室数 4.00间/百名学生" in warning.detail
    assert "生均体育运动场馆面积" not in warning.detail


def test_falling_fitness_rate_is_raised_with_both_figures(world: World) -> None:
    previous = AcademicYear.objects.create(start_year=2024)
    old = run_of(previous)
    school_value(old, "health.fitness_excellent_good_rate", world.school_a, 60, 100)
    school_value(old, "health.fitness_excellent_good_rate", world.school_b, 50, 100)
    run = run_of(world.year)
    fitness_reported(run, world)
    rows_of_a = run.values.filter(indicator="health.fitness_excellent_good_rate", school=world.school_a)
    rows_of_a.update(numerator=55, value=55)
    summary = raise_indicator_warnings(2025)
    assert summary.created == {c.WarningKind.FITNESS_FALLING: 1}  # B rose from 50 % to 60 %
    warning = Warning.objects.get()
    assert warning.school == world.school_a
    assert warning.detail == (
        "2025学年测试第一小学学生体质健康优良率比上一学年下降：2024学年 60.0%，2025学年 55.0%。方案目标为优良率达到50%以上。"
    )


def test_a_suppressed_value_is_not_printed(world: World) -> None:
    """Eight students tested this year: the value is withheld outside the school, so the warning —
    read by the district and department roles too — does not print it."""
    previous = AcademicYear.objects.create(start_year=2024)
    school_value(run_of(previous), "health.fitness_excellent_good_rate", world.school_a, 60, 100)
    run = run_of(world.year)
    fitness_reported(run, world)
    run.values.filter(school=world.school_a).update(numerator=3, denominator=8, value=37.5, rows=8)
    raise_indicator_warnings(2025)
    warning = Warning.objects.get(kind=c.WarningKind.FITNESS_FALLING)
    assert "37.5" not in warning.detail and "60.0" not in warning.detail
    assert "少于10人，不予显示" in warning.detail


def test_missing_fitness_data_is_raised_for_schools_with_students(world: World) -> None:
    run = run_of(world.year)
    school_value(run, "health.fitness_excellent_good_rate", world.school_a, 60, 100)
    school_value(run, "health.fitness_excellent_good_rate", world.school_b, 0, 0, value=None, rows=0)
    summary = raise_indicator_warnings(2025)
    assert summary.created == {c.WarningKind.MISSING_DATA: 2}
    assert set(Warning.objects.values_list("school__name", flat=True)) == {
        "测试第二中学",
        "测试九年一贯制学校",
    }


def test_plan_code_raises_to_a_department(world: World) -> None:
    warning = raise_warning(
        c.WarningKind.COMMITMENT_OFF_TRACK,
        department=world.dept_finance,
        subject="教育经费投入偏离目标",
        detail="按近三年趋势，2025年预计3.6%，低于目标4%。",
        source_key="commitment:17:2025",
        commitment_id=17,
    )
    again = raise_warning(
        c.WarningKind.COMMITMENT_OFF_TRACK,
        department=world.dept_finance,
        subject="教育经费投入偏离目标",
        detail="按近三年趋势，2025年预计3.5%，低于目标4%。",
        source_key="commitment:17:2025",
        commitment_id=17,
    )
    assert again.pk == warning.pk and again.raised_count == 2 and "3.5%" in again.detail
    assert warning.academic_year == world.year  # the current year when none is given
    with pytest.raises(ValidationError):
        raise_warning("x", subject="s", detail="d", source_key="k")  # neither school nor department


def test_resolved_only_with_a_resolution_by_the_addressee_or_district(world: World) -> None:
    warning = raise_warning(
        c.WarningKind.MISSING_DATA, school=world.school_a, subject="s", detail="d", source_key="k:a"
    )
    with pytest.raises(ValidationError):
        resolve(world.users["principal_a"], warning, "   ")
    with pytest.raises(PermissionDenied):
        resolve(world.users["clerk_a"], warning, "补报了")  # the clerk reads only
    with pytest.raises(PermissionDenied):
        resolve(world.users["leader"], warning, "补报了")
    with pytest.raises(PermissionDenied):
        acknowledge(world.users["principal_b"], warning)  # another school's
    acknowledge(world.users["principal_a"], warning)
    warning.refresh_from_db()
    assert (
        warning.status == c.WarningStatus.ACKNOWLEDGED
        and warning.acknowledged_by == world.users["principal_a"]
    )
    resolve(world.users["inspector"], warning, "已于10月补报体测数据。")
    warning.refresh_from_db()
    assert warning.status == c.WarningStatus.RESOLVED and warning.resolved_by == world.users["inspector"]
    changes = ChangeRecord.objects.for_object(warning).order_by("pk")
    assert [r.user_repr for r in changes] == ["system", "principal_a", "inspector"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Warning.objects.filter(pk=warning.pk).update(resolution="")


def test_a_warning_is_never_deleted(world: World) -> None:
    warning = raise_warning(
        c.WarningKind.MISSING_DATA, school=world.school_a, subject="s", detail="d", source_key="k"
    )
    with pytest.raises(ValidationError):
        warning.delete()
    assert Warning.objects.filter(pk=warning.pk).exists()
