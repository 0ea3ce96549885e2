"""The pieces of the issue-5 benchmark (bench/health.py) on a tiny population: the generator, the
conversion into the engine's ``fitness`` table, the whole timed path and the checks that guard it.

The benchmark's speed goal (≤ 5 s for 10 million students) is reported by the benchmark, not tested here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from bench import health
from tisheng.health.scoring import INPUT_SCHEMA, score_table
from tisheng.indicators.engine import measures
from tisheng.indicators.engine.compute import needed_measures
from tisheng.indicators.engine.schema import TABLES

TINY = health.Scale(students=3_000, schools=12, towns=3, seed=7)


@pytest.fixture(scope="module")
def population() -> dict[str, pa.Table]:
    return health.generate(TINY)


@pytest.fixture(scope="module")
def scored(population: dict[str, pa.Table]) -> pa.Table:
    return score_table(population["students"].drop_columns(["student_id", "school_id"]))


def test_generation_is_seeded_and_province_like(population: dict[str, pa.Table]) -> None:
    again = health.generate(TINY)
    assert all(again[name].equals(population[name]) for name in population)
    other = health.generate(health.Scale(students=3_000, schools=12, towns=3, seed=8))
    assert not other["students"].equals(population["students"])

    students, schools = population["students"], population["schools"]
    assert students.num_rows == TINY.students and schools.num_rows == TINY.schools
    assert students.schema.remove(0).remove(0) == INPUT_SCHEMA
    assert schools.schema == TABLES["schools"] and population["towns"].schema == TABLES["towns"]
    assert set(schools["town_code"].to_pylist()) <= set(population["towns"]["town_code"].to_pylist())
    # every student's grade is one its school teaches
    kind = dict(zip(schools["school_id"].to_pylist(), schools["school_type"].to_pylist(), strict=True))
    for school_id, grade in zip(
        students["school_id"].to_pylist(), students["grade"].to_pylist(), strict=True
    ):
        assert grade in health.SCHOOL_MIX[kind[school_id]][1]
    assert set(pc.unique(students["sex"]).to_pylist()) == {1, 2}
    assert 0 < pc.sum(students["exempt"]).as_py() < students.num_rows
    assert students["run_50m"].null_count > 0  # blanks (1% per item)


def test_every_grade_11_to_33_at_province_scale_mix() -> None:
    population = health.generate(health.Scale(students=20_000, schools=60, towns=5, seed=3))
    grades = set(pc.unique(population["students"]["grade"]).to_pylist())
    assert grades == {11, 12, 13, 14, 15, 16, 21, 22, 23, 31, 32, 33}


def test_cache_is_written_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "CACHE", tmp_path)
    scale = health.Scale(students=500, schools=5, towns=2, seed=1)
    folder, seconds = health.ensure(scale)
    assert seconds is not None and (folder / "done.json").exists()
    assert health.ensure(scale) == (folder, None)
    assert health.read(folder, "students").equals(health.generate(scale)["students"])


def test_fitness_table_has_the_engine_schema_and_codes(
    population: dict[str, pa.Table], scored: pa.Table
) -> None:
    students = population["students"]
    table = health.fitness_table(students, scored)
    assert table.num_rows == students.num_rows
    # the engine's schema, with the code columns kept dictionary-encoded (the values are the same)
    assert table.schema.names == TABLES["fitness"].names
    for field in TABLES["fitness"]:
        kind = table.schema.field(field.name).type
        assert (kind.value_type if pa.types.is_dictionary(kind) else kind) == field.type, field.name
    assert pa.types.is_dictionary(table.schema.field("level").type)
    assert table.cast(TABLES["fitness"]).schema == TABLES["fitness"]
    rows = table.to_pylist()
    labels = {"优秀": "excellent", "良好": "good", "及格": "pass", "不及格": "fail", None: ""}
    bands = {"正常": "normal", "低体重": "underweight", "超重": "overweight", "肥胖": "obese", None: ""}
    stage = {1: "primary", 2: "junior", 3: "senior"}
    for row, grade, sex, level, band, total, status in zip(
        rows,
        students["grade"].to_pylist(),
        students["sex"].to_pylist(),
        scored["level"].to_pylist(),
        scored["bmi_band"].to_pylist(),
        scored["total_x100"].to_pylist(),
        scored["status"].to_pylist(),
        strict=True,
    ):
        assert row["grade"] == grade and row["stage"] == stage[grade // 10]
        assert row["sex"] == ("M" if sex == 1 else "F")
        assert row["level"] == labels[level] and row["bmi_band"] == bands[band]
        assert row["total_centi"] == total and row["status"] == status


def test_the_catalogue_has_fitness_indicators() -> None:
    ids = {d.id for d in health.fitness_definitions()}
    assert ids, "no catalogue indicator is built on the fitness table"
    # the 体质健康 rates, the mean 学年总分 and 超重率/肥胖率 among them, and nothing read from another table
    assert {"health.fitness_excellent_good_rate", "health.overweight_rate", "health.obesity_rate"} <= ids
    assert all(
        measures.MEASURES[n].table == "fitness"
        for d in health.fitness_definitions()
        for n in needed_measures([d])
    )


def test_timed_run_and_district_check(
    population: dict[str, pa.Table], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "CACHE", tmp_path)
    folder, _ = health.ensure(TINY)
    definitions = health.fitness_definitions()
    run = health.timed_run(folder, definitions, population["towns"], population["schools"])
    assert list(run["seconds"]) == ["load", "scoring", "convert", "snapshot", "indicators"]
    assert run["total_seconds"] == pytest.approx(sum(run["seconds"].values()), abs=0.01)
    assert run["results"] > 0
    check = health.district_check(
        run["_computation"], definitions, run["_students"], run["_scored"], population["schools"]
    )
    assert check["mismatches"] == 0, check["mismatch_examples"]
    assert check["values_checked"] >= len(definitions)


def test_district_check_catches_a_wrong_count(
    population: dict[str, pa.Table], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check compares against the scorer's output: a student whose level differs there is found."""
    monkeypatch.setattr(health, "CACHE", tmp_path)
    folder, _ = health.ensure(TINY)
    definitions = health.fitness_definitions()
    run = health.timed_run(folder, definitions, population["towns"], population["schools"])
    scored = run["_scored"]
    levels = scored["level"].cast(pa.string()).to_pylist()
    i = next(i for i, v in enumerate(levels) if v == "及格")
    levels[i] = "优秀"
    tampered = scored.set_column(scored.schema.get_field_index("level"), "level", pa.array(levels))
    check = health.district_check(
        run["_computation"], definitions, run["_students"], tampered, population["schools"]
    )
    assert check["mismatches"] > 0


def test_pandas_baseline_agrees_with_the_engine(population: dict[str, pa.Table], scored: pa.Table) -> None:
    result = health.pandas_baseline(population["students"], scored, 400)
    assert result["rows"] == 400 and result["mismatches_with_engine"] == 0
    assert result["seconds_per_row"] > 0


def test_spread_sample_covers_the_table() -> None:
    picks = health.spread(1_000, 10).to_numpy()
    assert picks[0] == 0 and picks[-1] == 999 and len(np.unique(picks)) == 10
    assert len(health.spread(5, 10)) == 5
