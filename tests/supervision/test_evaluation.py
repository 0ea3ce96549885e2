"""The annual school evaluation: the systems as data (validation with file, line and key), the scores
worked out by hand, missing data and the coverage cut-off, and the idempotent yearly run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import World
from tests.supervision.conftest import run_of, school_value
from tests.supervision.evaluation_data import TINY, evaluated_world, tiny_system, values_for
from tisheng.core.models import ChangeRecord
from tisheng.indicators.models import IndicatorRun
from tisheng.supervision.evaluation import (
    FOLDER,
    EvaluationSystemError,
    evaluate_year,
    load_folder,
    systems,
)
from tisheng.supervision.models import EvaluationResult


def problems_of(folder: Path, text: str) -> list[str]:
    with pytest.raises(EvaluationSystemError) as caught:
        tiny_system(folder, text)
    assert caught.value.path.endswith("tiny.yaml")
    assert "tiny.yaml" in str(caught.value)
    return caught.value.problems


# --- the systems as data ---------------------------------------------------------------------------------


def test_packaged_systems_load_and_cover_the_school_types() -> None:
    packaged = systems()
    assert set(packaged) == {"school-quality", "kindergarten-quality"}
    school, kindergarten = packaged["school-quality"], packaged["kindergarten-quality"]
    assert school.title == "中小学办学质量评价"
    assert set(school.school_types) == {"primary", "junior", "nine_year", "complete_secondary", "senior"}
    assert kindergarten.school_types == ("kindergarten",)
    assert [d.name for d in school.dimensions] == ["办学方向", "课程教学", "教师发展", "学校管理", "学生发展"]
    assert [d.name for d in kindergarten.dimensions] == [
        "办园方向",
        "保育与安全",
        "教育过程",
        "环境创设",
        "教师队伍",
    ]
    for system in packaged.values():
        assert sum(d.weight for d in system.dimensions) == 100
        assert all(sum(leaf.weight for leaf in d.leaves) == 100 for d in system.dimensions)
        assert not system.verified  # the guides' wording could not be checked against the source text
        assert all(not d.verified for d in system.dimensions)
        assert [b.name for b in system.bands] == ["A 优秀", "B 良好", "C 合格", "D 待改进"]
        assert all("school" in leaf.definition.levels for _, leaf in system.leaves())
    assert load_folder(FOLDER).keys() == packaged.keys()


def test_dimension_weights_must_sum_to_100(tmp_path: Path) -> None:
    text = TINY.replace("    weight: 60\n", "    weight: 50\n")
    problems = problems_of(tmp_path, text)
    assert problems == ["第11行：各维度的权重合计为 90，应为 100"]


def test_leaf_weights_must_sum_to_100_within_a_dimension(tmp_path: Path) -> None:
    text = TINY.replace("rotation_share, weight: 50", "rotation_share, weight: 40")
    assert problems_of(tmp_path, text) == ["第16行：维度“教师发展”各项指标的权重合计为 90，应为 100"]


def test_every_problem_is_reported_with_its_line_and_key(tmp_path: Path) -> None:
    text = (
        TINY.replace("min_coverage: 60", "min_coverage: 160\ncolour: red")
        .replace("teachers.certified_rate", "teachers.no_such_rate")
        .replace("{from: 30, to: 0}", "{from: 0, to: 30}")
        .replace("rotation_share, weight: 50, score: met", "rotation_share, weight: 50, score: best")
        .replace("{code: C, label: 合格, min: 60}", "{code: C, label: 合格, min: 80}")
    )
    problems = problems_of(tmp_path, text)
    assert "第5行：min_coverage 必须是 0—100 之间的数" in problems
    assert "第6行：不认识的键 colour" in problems
    assert "第10行：bands 第3个等级的 min 必须低于上一个等级的分数线" in problems
    assert "第18行：“教师发展”第1项指标的 indicator “teachers.no_such_rate”不在指标目录中" in problems
    assert "第19行：“教师发展”第2项指标的 score 必须是 met 或 {from: 数, to: 数}" in problems
    assert "第26行：“学生发展”第2项指标的 指标 class_size.large_share 越低越好，from 应大于 to" in problems
    assert len(problems) == 6


def test_met_needs_a_threshold_and_the_indicator_a_school_level(tmp_path: Path) -> None:
    text = TINY.replace(
        "teachers.rotation_share, weight: 50, score: met", "teachers.backbone_count, weight: 50, score: met"
    ).replace("class_size.large_share", "enrolment.preschool_gross_rate")
    problems = problems_of(tmp_path, text)
    assert (
        "第18行：“教师发展”第2项指标的 score: met 要求指标 teachers.backbone_count 有标准值，但它没有"
        in problems
    )
    assert any("enrolment.preschool_gross_rate 不在学校层面计算" in p for p in problems)


def test_invalid_yaml_and_wrong_code_are_reported(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "code: tiny\ntitle: [unclosed\n") == ["第3行：不是有效的 YAML"]
    assert problems_of(tmp_path, TINY.replace("code: tiny", "code: other")) == [
        "第1行：code “other”应与文件名“tiny”一致"
    ]


def test_a_school_type_has_one_system(tmp_path: Path) -> None:
    (tmp_path / "a-one.yaml").write_text(TINY.replace("code: tiny", "code: a-one"), encoding="utf-8")
    (tmp_path / "b-two.yaml").write_text(TINY.replace("code: tiny", "code: b-two"), encoding="utf-8")
    with pytest.raises(EvaluationSystemError, match="学校类型 primary 已由 a-one 评价"):
        load_folder(tmp_path)


# --- scores ----------------------------------------------------------------------------------------------


def test_a_school_scored_by_hand(world: World, tmp_path: Path) -> None:
    """A: 持证率 95% → (95−80)/20 = 75; 交流轮岗 met → 100; 教师发展 = (50×75 + 50×100)/100 = 87.5.
    优良率 45% → (45−30)/20 = 75; 大班额 6% → (6−30)/(0−30) = 80; 学生发展 = (75×75 + 25×80)/100 = 76.25.
    Total = 40% × 87.5 + 60% × 76.25 = 35 + 45.75 = 80.75 → B 良好 (75 ≤ 80.75 < 85)."""
    results = evaluated_world(world, tmp_path)
    a = results["a"]
    assert a.system == "tiny" and a.system_title == "测试办学质量评价"
    assert a.total == Decimal("80.75")
    assert a.coverage == Decimal("100.00")
    assert (a.band, a.band_label, a.band_name) == ("B", "良好", "B 良好")
    teachers, students = a.dimensions
    assert (teachers["name"], teachers["score"], students["score"]) == ("教师发展", "87.50", "76.25")
    assert [leaf["score"] for leaf in teachers["leaves"]] == ["75.00", "100.00"]
    assert [leaf["score"] for leaf in students["leaves"]] == ["75.00", "80.00"]
    assert all(leaf["status"] == "scored" for dim in a.dimensions for leaf in dim["leaves"])
    # B: 教师发展 (25 + 0)/2 = 12.5; 学生发展 (75×25 + 25×40)/100 = 28.75; 0.4×12.5 + 0.6×28.75 = 22.25
    assert (results["b"].total, results["b"].band) == (Decimal("22.25"), "D")
    assert (results["c"].total, results["c"].band) == (Decimal("100.00"), "A")
    assert not EvaluationResult.objects.filter(school=world.kindergarten).exists()  # not a tiny school type


def test_missing_data_is_flagged_and_the_rest_rescaled(world: World, tmp_path: Path) -> None:
    """Without 交流轮岗: weights with data 40×50% + 60 = 80; earned 20×0.75 + 60×0.7625 = 60.75;
    total 60.75 / 80 = 75.94 (rounded half up) → B, coverage 80%."""
    a = evaluated_world(world, tmp_path, rotation_met=None)["a"]
    assert a.total == Decimal("75.94")
    assert a.coverage == Decimal("80.00")
    assert a.band == "B"
    teachers = a.dimensions[0]
    assert teachers["score"] == "75.00" and teachers["coverage"] == "50.00"
    assert [leaf["status"] for leaf in teachers["leaves"]] == ["scored", "missing"]


def test_below_the_minimum_coverage_no_band_is_given(world: World, tmp_path: Path) -> None:
    """Without 优良率 the weights with data are 40 + 60×25% = 55 < 60: a total (47/55 = 85.45) but no band."""
    a = evaluated_world(world, tmp_path, fitness=None)["a"]
    assert a.coverage == Decimal("55.00")
    assert a.total == Decimal("85.45")
    assert (a.band, a.band_label, a.band_name) == ("", "", "")


def test_a_value_without_met_is_missing_for_a_met_rule(world: World, tmp_path: Path) -> None:
    run = run_of(world.year)
    values_for(run, world.school_a, rotation_met=None)
    school_value(run, "teachers.rotation_share", world.school_a, 0, 0, met=None, value=None)
    system = tiny_system(tmp_path)
    evaluate_year(2025, {system.code: system})
    a = EvaluationResult.objects.get(school=world.school_a)
    assert a.dimensions[0]["leaves"][1]["status"] == "missing"
    assert a.dimensions[0]["leaves"][1]["value_id"] is not None


def test_rerun_replaces_idempotently_and_is_audited(world: World, tmp_path: Path) -> None:
    evaluated_world(world, tmp_path)
    system = tiny_system(tmp_path)
    a = EvaluationResult.objects.get(school=world.school_a)
    records = ChangeRecord.objects.for_object(a).count()
    assert records == 1  # created
    again = evaluate_year(2025, {system.code: system})
    assert again.unchanged == {"tiny": 3} and not again.created and not again.changed
    assert EvaluationResult.objects.count() == 3
    assert ChangeRecord.objects.for_object(a).count() == records  # nothing changed, nothing recorded
    # a new current run with a better 优良率 replaces A's result (same row, one more change record); the
    # others are saved with the new run's id and their figures unchanged
    IndicatorRun.objects.filter(academic_year=world.year).update(is_current=False)
    run = run_of(world.year)
    values_for(run, world.school_a, fitness=50)
    values_for(run, world.school_b, certified=85, rotation_met=False, fitness=35, large=18)
    values_for(run, world.school_c, certified=100, rotation_met=True, fitness=55, large=0)
    third = evaluate_year(2025, {system.code: system})
    assert third.changed == {"tiny": 3} and not third.created
    assert EvaluationResult.objects.count() == 3
    assert EvaluationResult.objects.get(school=world.school_b).total == Decimal("22.25")
    assert ChangeRecord.objects.for_object(a).count() == records + 1
    a.refresh_from_db()
    assert a.run_id == run.pk
    assert a.total == Decimal("92.00")  # 35 + 60% × (75×100 + 25×80)/100 = 35 + 57
    assert a.band == "A"
