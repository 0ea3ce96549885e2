"""The indicator engine on every backend against the independent oracle, and against hand-checked values.

The snapshot is :mod:`tests.indicators.fixtures` (every figure below is worked out there); the oracle is
:mod:`tests.indicators.oracle`. The engine runs once per backend per session (Spark takes ~15 s to start);
the tests then read the cached results.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tests.indicators import fixtures as fx
from tests.indicators import oracle
from tisheng.indicators.catalogue import catalogue
from tisheng.indicators.engine import (
    Computation,
    Result,
    Snapshot,
    backends,
    compute,
    measures,
    write_snapshot,
)

Key = tuple[str, str, str, str, str]
DISTRICT = fx.DISTRICT
NO_JAVA = "Java is not installed (no `java` on PATH): the PySpark backend needs Java 17"


# -- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    return fx.build_world(tmp_path_factory.mktemp("snapshots"))


@pytest.fixture(scope="session")
def expected(world: Snapshot) -> dict[Key, oracle.Value]:
    return oracle.compute(
        fx.snapshot_rows(world),
        year=fx.YEAR,
        census_date=fx.CENSUS_DATE,
        year_end=fx.YEAR_END,
        district=fx.DISTRICT,
    )


@pytest.fixture(scope="session")
def spark() -> Iterator[backends.IbisBackend]:
    """One local[2] Spark session for the whole run; skipped only when Java is missing."""
    if shutil.which("java") is None:
        if os.environ.get("TISHENG_REQUIRE_SPARK") == "1":
            pytest.fail(f"{NO_JAVA}, and TISHENG_REQUIRE_SPARK=1 requires the Spark tests to run")
        pytest.skip(f"{NO_JAVA} (set TISHENG_REQUIRE_SPARK=1 to make this a failure)")
    backend = backends.pyspark("local[2]")
    yield backend
    backend.connection.disconnect()


@pytest.fixture(scope="session")
def duckdb() -> backends.IbisBackend:
    return backends.duckdb()


@pytest.fixture(scope="session", params=["duckdb", pytest.param("pyspark", marks=pytest.mark.spark)])
def backend(request: pytest.FixtureRequest) -> backends.IbisBackend:
    return request.getfixturevalue("spark" if request.param == "pyspark" else "duckdb")


@pytest.fixture(scope="session")
def computed(world: Snapshot, backend: backends.IbisBackend) -> Computation:
    return compute(world, backend)


@pytest.fixture(scope="session")
def results(computed: Computation) -> dict[Key, Result]:
    return computed.by_key()


@pytest.fixture(scope="session")
def on_duckdb(world: Snapshot) -> Computation:
    """A second run of the same snapshot, on a fresh DuckDB connection."""
    return compute(world, backends.duckdb())


def get(
    results: dict[Key, Result], indicator: str, level: str, org: str, stage: str = "", part: str = ""
) -> Result:
    return results[(indicator, level, org, stage, part)]


def fraction(r: Result) -> tuple[Fraction, Fraction | None]:
    return r.numerator, r.denominator


# -- (a) the engine equals the oracle on every key, on every backend ---------------------------------------


def test_the_oracle_covers_every_indicator(expected: dict[Key, oracle.Value]) -> None:
    assert {key[0] for key in expected} == set(catalogue())
    for d in catalogue().values():
        assert {key[1] for key in expected if key[0] == d.id} == set(d.levels), d.id


def test_engine_equals_oracle(computed: Computation, expected: dict[Key, oracle.Value]) -> None:
    engine = {r.key: (r.numerator, r.denominator, r.value, r.met) for r in computed.results}
    assert len(engine) == len(computed.results), "two results share a key"
    assert sorted(set(engine) - set(expected)) == [], "rows the oracle does not have"
    assert sorted(set(expected) - set(engine)) == [], "rows the engine does not have"
    differ = {
        key: {"engine": engine[key], "oracle": expected[key]}
        for key in engine
        if engine[key] != expected[key]
    }
    assert differ == {}


def test_every_field_equals_a_second_duckdb_run(computed: Computation, on_duckdb: Computation) -> None:
    """(d) Recomputing gives identical results — on DuckDB a second run, on Spark the DuckDB run: values,
    contributing rows and details alike, in the same order."""
    assert computed.results == on_duckdb.results


def test_every_measure_named_by_the_catalogue_exists() -> None:
    for d in catalogue().values():
        named = [
            *d.numerator,
            *(n.lstrip("*") for n in d.denominator),
            *(c.measure for c in (*d.conditions, *d.among)),
        ]
        assert set(named) <= set(measures.MEASURES), d.id
        if d.of:
            assert catalogue()[d.of].kind == "ratio", d.id


# -- (b) hand-checked values ---------------------------------------------------------------------------------


def test_class_sizes(results: dict[Key, Result]) -> None:
    # N1 junior: 22 classes, the one of 70 is both 大班额 (≥ 56) and 超大班额 (≥ 66); 51 and 70 exceed 50
    assert fraction(get(results, "class_size.large_share", "school", "N1", "junior")) == (1, 22)
    assert fraction(get(results, "class_size.super_large_share", "school", "N1", "junior")) == (1, 22)
    assert fraction(get(results, "class_size.over_standard_share", "school", "N1", "junior")) == (2, 22)
    # P1 primary: 45 is at the standard, 55 over it (but not 大班额); P3: 56 and 65 are 大班额, not 超大
    assert fraction(get(results, "class_size.over_standard_share", "school", "P1", "primary")) == (1, 2)
    assert fraction(get(results, "class_size.large_share", "school", "P3", "primary")) == (2, 6)
    assert fraction(get(results, "class_size.super_large_share", "school", "P3", "primary")) == (0, 6)
    # district: primary 102/201/246/301/302/401/402/601 over 45 (8 of 89), junior 502/652/653 over 50 (3 of 27)
    district = [
        get(results, "class_size.over_standard_share", "district", DISTRICT, stage)
        for stage in ("primary", "junior", "")
    ]
    assert [fraction(r) for r in district] == [(8, 89), (3, 27), (11, 116)]
    assert district[2].value == Decimal("9.4827586207") and district[2].met is False
    # the totals count only the stages the indicator is about: no kindergarten class in them
    large = get(results, "class_size.large_share", "district", DISTRICT)
    assert fraction(large) == (6, 89 + 27 + 2)  # 66, 56, 65 (小学), 70 (初中), 60 and 70 (高中)
    assert fraction(get(results, "class_size.super_large_share", "district", DISTRICT)) == (3, 118)
    assert ("class_size.over_standard_share", "school", "K1", "", "") not in results
    # a town without senior classes has no senior value (and says so)
    empty = get(results, "class_size.large_share", "town", "T2", "senior")
    assert (empty.denominator, empty.value, empty.met) == (0, None, None)


def test_kindergartens(results: dict[Key, Result]) -> None:
    # 7 classes (P1's 附设班 included): only K1's 中班 of 35 is over its norm of 30; 30 and 35 at the norm count
    share = get(results, "preschool.class_size_standard_share", "district", DISTRICT)
    assert fraction(share) == (6, 7) and share.met is True  # 85.7% ≥ 85%
    # 普惠: public K1 60 + P1 附设班 20 + 普惠 private K2 50 = 130 of 175; K3 (private, not 普惠) is not
    puhui = get(results, "preschool.puhui_coverage", "district", DISTRICT)
    assert fraction(puhui) == (130, 175) and puhui.met is False
    assert fraction(get(results, "preschool.puhui_coverage", "town", "T2")) == (50, 95)
    assert fraction(get(results, "preschool.public_share", "district", DISTRICT)) == (80, 175)


def test_school_size_limit(results: dict[Key, Result]) -> None:
    # P2 has 2100 pupils (> 2000); N1, a nine-year school of 2400, is within its 2500
    assert fraction(get(results, "school_size.over_limit", "school", "P2")) == (1, 1)
    assert fraction(get(results, "school_size.over_limit", "school", "N1")) == (0, 1)
    # schools with compulsory pupils: P1 P2 P3 P4 P5 J1 N1 SP; kindergartens and H1 are not counted
    assert fraction(get(results, "school_size.over_limit", "district", DISTRICT)) == (1, 8)
    assert ("school_size.over_limit", "school", "H1", "", "") not in results


def test_certificate_coverage(results: dict[Key, Result]) -> None:
    # J1 初中: 5001 初中 ✓, 5002 高中 ✓ (covers 初中), 5003 小学 ✗ (does not), 5004–5010 初中 ✓,
    # 5011 none ✗, 5012 小学 + 初中 ✓, 5013 幼儿园 ✗ → 10 of 13
    assert fraction(get(results, "teachers.certified_rate", "school", "J1", "junior")) == (10, 13)
    # J1 as a whole adds 5014, a full-time teacher of no section holding a 高中 certificate: uncertified
    assert fraction(get(results, "teachers.certified_rate", "school", "J1")) == (10, 14)
    # P1 小学: 1005's certificate expired (not in the snapshot); 1002's 高中 and 1004's 初中 certificates cover 小学
    assert fraction(get(results, "teachers.certified_rate", "school", "P1", "primary")) == (5, 6)
    # K1: 8003's 小学 certificate covers 幼儿园, 8004 has none
    assert fraction(get(results, "teachers.certified_rate", "school", "K1", "preschool")) == (3, 4)
    # H1: 11002's 初中 certificate does not cover 高中
    assert fraction(get(results, "teachers.certified_rate", "school", "H1", "senior")) == (2, 3)
    by_stage = [
        fraction(get(results, "teachers.certified_rate", "district", DISTRICT, stage))
        for stage in ("preschool", "primary", "junior", "senior", "")
    ]
    assert by_stage == [(7, 9), (76, 78), (46, 55), (2, 3), (131, 146)]


def test_cohort_retention(results: dict[Key, Result]) -> None:
    # J1: 99 in 初三; 900001 (out since 2025-03) counts; 900002 returned before the 统计时点 and 900006 on it
    # (both back on roll); 900007 belongs to next year's cohort
    j1 = get(results, "enrolment.junior_retention_3yr", "school", "J1")
    assert fraction(j1) == (99, 100) and j1.value == Decimal("99.0000000000") and j1.met is True
    # N1: 89 in 初三; 900003 returned only after the 统计时点 → counts
    assert fraction(get(results, "enrolment.junior_retention_3yr", "school", "N1")) == (89, 90)
    assert fraction(get(results, "enrolment.junior_retention_3yr", "district", DISTRICT)) == (188, 190)
    # nine-year: also the cohort's 小学 dropouts 900004 (N1, 六年级) and 900005 (P3, 三年级)
    assert fraction(get(results, "enrolment.compulsory_retention_9yr", "town", "T2")) == (89, 92)
    nine = get(results, "enrolment.compulsory_retention_9yr", "district", DISTRICT)
    assert fraction(nine) == (188, 192) and nine.value == Decimal("97.9166666667")
    # 控辍保学: this 学年's dropouts not back by 2026-08-31 (50300, 60100 on the 统计时点, 65300 on the last day)
    assert [
        get(results, "control.dropouts_unreturned", level, org).numerator
        for level, org in (("school", "J1"), ("school", "N1"), ("district", DISTRICT))
    ] == [1, 2, 3]


def test_threshold_exactly_at_the_bound_is_met(results: dict[Key, Result]) -> None:
    # P1: 450.0 m² for 100 pupils = 4.5 m² per pupil, the 小学 standard exactly
    l4 = get(results, "yzjh.resource.l4", "school", "P1", "primary")
    assert fraction(l4) == (Fraction(450), 100) and l4.value == Decimal("4.5000000000") and l4.met is True
    for indicator, value in (("l2", "1"), ("l5", "7.5"), ("l6", "2000")):  # also exactly at their bounds
        r = get(results, f"yzjh.resource.{indicator}", "school", "P1", "primary")
        assert (r.value, r.met) == (Decimal(value).quantize(Decimal("1e-10")), True), indicator


def test_school_resource_rule_at_its_edges(results: dict[Key, Result]) -> None:
    def verdict(school: str, stage: str) -> tuple[Fraction, Fraction | None]:
        return fraction(get(results, "yzjh.school_verdict", "school", school, stage))

    assert verdict("P1", "primary") == (1, 1)  # 7 of 7
    # P4: 6 of 7, L6 = 170000 元 ÷ 100 = 1700 = exactly 85% of 2000 → passes
    assert get(results, "yzjh.resource.l6", "school", "P4", "primary").value == Decimal("1700.0000000000")
    assert verdict("P4", "primary") == (1, 1)
    # P3: 6 of 7, L6 = 509999 ÷ 300 = 1699.997 = 84.9998% → fails
    assert verdict("P3", "primary") == (0, 1)
    # J1: L1 at 94% and L5 at 93% of their bounds, but only 5 of 7 met → fails
    assert verdict("J1", "junior") == (0, 1)
    assert "7项中5项达标" in get(results, "yzjh.school_verdict", "school", "J1", "junior").detail
    # N1 is judged section by section; the special-education school is not judged at all
    assert fraction(get(results, "yzjh.school_verdict", "school", "N1")) == (0, 2)
    assert not [key for key in results if key[0].startswith("yzjh.") and key[2] == "SP"]
    assert fraction(get(results, "yzjh.school_verdict", "district", DISTRICT, "primary")) == (2, 6)
    assert fraction(get(results, "yzjh.school_verdict", "district", DISTRICT)) == (2, 8)
    # district verdict: 6 failing sections (P2 P3 P5 J1 and N1's two) + 8 差异系数 over their bounds
    district = get(results, "yzjh.district_verdict", "district", DISTRICT)
    assert (district.numerator, district.met) == (14, False)


def test_teachers(results: dict[Key, Result]) -> None:
    # rotations from public 义务教育 schools: 1001 (twice, counted once), 3007, 6101; not 4001 (民办) nor 8002 (学前)
    rotation = get(results, "teachers.rotation_share", "district", DISTRICT)
    teachers = 6 + 20 + 14 + 2 + 13 + 70 + 3  # 小学/初中 full-time teachers of P1 P2 P3 P5 J1 N1 SP
    assert fraction(rotation) == (3, teachers)
    assert fraction(get(results, "teachers.rotation_backbone_share", "district", DISTRICT)) == (2, 3)
    # pay: 6 teachers of 小学/初中 report 620000 元 against 6 × 100000 (not the principal, the 附设班 or 5014)
    pay = get(results, "teachers.salary_vs_civil_servants", "district", DISTRICT)
    assert fraction(pay) == (620_000, 600_000) and pay.met is True
    # backbone teachers include J1's principal, who belongs to no section (but not to L2)
    assert get(results, "teachers.backbone_count", "school", "J1").numerator == 3
    assert get(results, "yzjh.resource.l2", "school", "J1", "junior").numerator == 2
    # famous teachers once each at their highest level: 1001 region, 5001 national, 5002 and 5015 district
    famous = {
        key[4]: r.numerator
        for key, r in results.items()
        if key[:4] == ("teachers.famous_teachers", "district", DISTRICT, "")
    }
    assert famous == {"": 4, "national": 1, "region": 1, "district": 2}
    principals = {
        key[4]: r.numerator
        for key, r in results.items()
        if key[:4] == ("teachers.famous_principals", "school", "P1", "")
    }
    assert principals == {"": 1, "city": 1}


def test_registers_and_activities(results: dict[Key, Result]) -> None:
    moral = {
        key[4]: r.numerator
        for key, r in results.items()
        if key[:4] == ("recognition.moral_education_school", "school", "P1", "")
    }
    assert moral == {"": 2, "district": 1, "city": 1}
    # a recognition without a school counts for the district only
    assert get(results, "recognition.labour_base", "district", DISTRICT, "", "city").numerator == 1
    assert get(results, "recognition.labour_base", "town", "T1").numerator == 0
    # both semesters: P1, J1, N1 (P3 met twice in autumn only, K1 in spring only) of 12 schools
    assert fraction(get(results, "family.parent_meeting_rate", "district", DISTRICT)) == (3, 12)
    assert fraction(get(results, "family.guidance_activity_rate", "district", DISTRICT)) == (1, 12)
    assert fraction(get(results, "family.parent_school_rate", "district", DISTRICT)) == (4, 12)
    # researchers 张 (6 lectures, 80 observations), 李 (5, 81), 王 (0, 10)
    assert fraction(get(results, "research.lecture_rate", "district", DISTRICT)) == (1, 3)
    assert fraction(get(results, "research.observation_rate", "district", DISTRICT)) == (2, 3)
    # ≥ 5 随班就读: P3 (5, a resource room) and N1 (5 + 1 across its sections, none); T1 has no such school
    assert fraction(get(results, "special.resource_room_rate", "district", DISTRICT)) == (1, 2)
    t1 = get(results, "special.resource_room_rate", "town", "T1")
    assert (t1.denominator, t1.value) == (0, None)
    danger = get(results, "safety.dangerous_building_area", "district", DISTRICT)
    assert (danger.numerator, danger.met) == (Fraction(35, 2), False)  # 15.5 + 2.0 m²


def test_a_missing_report_is_unknown_and_a_reported_zero_is_zero(results: dict[Key, Result]) -> None:
    # P2 reported 0 元 of equipment: a value of 0 (and P2 is one of the five schools of the L6 CV)
    p2 = get(results, "yzjh.resource.l6", "school", "P2", "primary")
    assert (p2.value, p2.met) == (0, False)
    assert get(results, "yzjh.cv.l6", "district", DISTRICT, "primary").rows == 5
    # P5 filed no 办学条件 report: its L4–L7 are unknown, not 0, and it fails the school rule for want of data
    for i in range(4, 8):
        r = get(results, f"yzjh.resource.l{i}", "school", "P5", "primary")
        assert (r.numerator, r.denominator, r.value, r.met) == (0, 40, None, None), i
    assert get(results, "yzjh.resource.l1", "school", "P5", "primary").value == Decimal("5.0000000000")
    verdict = get(results, "yzjh.school_verdict", "school", "P5", "primary")
    assert verdict.numerator == 0 and "L4 无数据" in verdict.detail
    assert ("digital.wireless_coverage", "school", "P5", "", "") not in results


# -- (c) rates and the 差异系数 -------------------------------------------------------------------------------


def test_rates_above_100_percent_are_not_capped(results: dict[Key, Result]) -> None:
    # T1: 80 children in 园 (K1 60 + P1 附设班 20) for 72 residents aged 3–5
    gross = get(results, "enrolment.preschool_gross_rate", "town", "T1")
    assert fraction(gross) == (80, 72) and gross.value == Decimal("111.1111111111") and gross.met is True
    # T1: 24 disabled pupils in 义务教育 (SP 20, P2 4) for 22 certified residents aged 6–15 (ages 5 and 16 left out)
    disabled = get(results, "enrolment.disabled_rate", "town", "T1")
    assert fraction(disabled) == (24, 22) and disabled.value == Decimal("109.0909090909")
    assert fraction(get(results, "enrolment.disabled_rate", "district", DISTRICT)) == (36, 40)


def test_student_weighted_cv_worked_by_hand(results: dict[Key, Result]) -> None:
    """生均教学及辅助用房面积, 小学 (yzjh.resource.cv_formula: X̄ = ΣPᵢXᵢ ÷ P, S = √(Σ(Pᵢ/P)(Xᵢ − X̄)²)):

    ======  =====  ========  =====  ========  =========  ============
    school  Pᵢ     area m²   Xᵢ     Xᵢ − X̄    (Xᵢ−X̄)²    Pᵢ(Xᵢ−X̄)²
    ======  =====  ========  =====  ========  =========  ============
    P1        100    450.0    4.5     −0.5      0.25          25
    P2       2100   9450.0    4.5     −0.5      0.25         525
    P3        300   1800.0    6.0     +1.0      1.00         300
    P4        100    880.0    8.8     +3.8     14.44        1444
    N1       1400   7420.0    5.3     +0.3      0.09         126
    ======  =====  ========  =====  ========  =========  ============

    P = 4000, ΣPᵢXᵢ = 20000.0 m² → X̄ = 5.0; Σ Pᵢ(Xᵢ−X̄)² = 2420
    S² = 2420 ÷ 4000 = 0.605, S = √0.605 = 0.77782, CV = 0.77782 ÷ 5.0 = 0.15556 → 0.156 (≤ 0.50: met).
    Not among the five: the special-education school (12 pupils, 200.0 m²), and P5, which filed no report.
    """
    cv = get(results, "yzjh.cv.l4", "district", DISTRICT, "primary")
    assert cv.denominator == 5  # X̄
    assert cv.rows == 5  # schools
    assert round(cv.numerator, 3) == Fraction(778, 1000)  # S
    assert cv.value is not None and cv.value.quantize(Decimal("0.001")) == Decimal("0.156")
    assert cv.met is True


def test_cv_above_one_is_reported_as_is(results: dict[Key, Result]) -> None:
    """生均教学仪器设备值, 小学: P1 2000, P2 0, P3 1699.997, P4 1700, N1 20000 元 (Pᵢ 100/2100/300/100/1400).

    X̄ = 28879999 ÷ 4000 = 7220.0; (Pᵢ/P)(Xᵢ−X̄)² ≈ 0.681 + 27.367 + 2.285 + 0.762 + 57.165 = 88.26 million,
    S ≈ 9394.7, CV ≈ 9394.7 ÷ 7220.0 = 1.301: well above 1, reported, not capped.
    """
    cv = get(results, "yzjh.cv.l6", "district", DISTRICT, "primary")
    assert cv.value is not None and cv.value.quantize(Decimal("0.001")) == Decimal("1.301")
    assert cv.met is False


# -- (d) reproducibility -----------------------------------------------------------------------------------


def test_the_same_tables_give_the_same_snapshot(tmp_path: Path) -> None:
    first = fx.build_world(tmp_path / "a")
    again = fx.build_world(tmp_path / "a")
    elsewhere = fx.build_world(tmp_path / "b")
    assert first.manifest.snapshot_id == again.manifest.snapshot_id == elsewhere.manifest.snapshot_id
    assert again.path == first.path
    # the id is a hash of the facts, not of the row order
    tables = fx.world_tables()
    shuffled = {name: t.take(list(reversed(range(t.num_rows)))) for name, t in tables.items()}
    assert (
        write_snapshot(tmp_path / "c", shuffled, **fx.SNAPSHOT_META).manifest.snapshot_id
        == first.manifest.snapshot_id
    )
    # … and any change to a fact changes it
    changed = dict(
        tables, reference=fx.table("reference", [{"name": "civil_servant_salary", "value": 100_001}])
    )
    assert (
        write_snapshot(tmp_path / "d", changed, **fx.SNAPSHOT_META).manifest.snapshot_id
        != first.manifest.snapshot_id
    )


# -- (e) a provincial override changes `met` and nothing else ----------------------------------------------


def test_a_provincial_override_changes_met_only(world: Snapshot, on_duckdb: Computation) -> None:
    overrides: dict[str, Any] = {"enrolment.preschool_gross_rate": ">= 90"}
    strict = compute(world, backends.duckdb(), overrides=overrides)
    assert strict.overrides == overrides
    before = on_duckdb.by_key()
    after = strict.by_key()
    assert set(after) == set(before)
    changed = {key for key in before if before[key] != after[key]}
    # the district's 87.5% meets the national 85% but not the provincial 90%; T1 (111%) and T2 (74%) keep theirs
    assert changed == {("enrolment.preschool_gross_rate", "district", DISTRICT, "", "")}
    for key in changed:
        assert (before[key].met, after[key].met) == (True, False)
        assert dataclasses.replace(after[key], met=before[key].met) == before[key]
    # the oracle, given the same override, agrees
    assert oracle.compute(
        fx.snapshot_rows(world),
        year=fx.YEAR,
        census_date=fx.CENSUS_DATE,
        year_end=fx.YEAR_END,
        district=fx.DISTRICT,
        overrides=overrides,
    ) == {r.key: (r.numerator, r.denominator, r.value, r.met) for r in strict.results}


# -- (f) student health: hand-checked values, breakdowns, the 筛查性近视 cut-off -------------------------------


def _parts(
    results: dict[Key, Result], indicator: str, level: str, org: str, stage: str = ""
) -> dict[str, Result]:
    return {key[4]: r for key, r in results.items() if key[:4] == (indicator, level, org, stage)}


def test_fitness_rates_worked_by_hand(results: dict[Key, Result]) -> None:
    # P1 三年级: 10 with a 学年总分 (3 优秀 91.50, 2 良好 exactly 80.00, 4 及格 79.90, 1 不及格); 5 优良 = 50.0%, the
    # plan's bound exactly: met. 免测 (2) and 项目不全 (2) are not in the denominator.
    p1 = _parts(results, "health.fitness_excellent_good_rate", "school", "P1", "primary")
    assert fraction(p1["grade=13"]) == (5, 10) and p1["grade=13"].met is True
    assert p1["grade=13"].value == Decimal("50.0000000000")
    assert fraction(p1["grade=13,sex=M"]) == (5, 5) and fraction(p1["grade=13,sex=F"]) == (0, 5)
    assert p1["grade=13,sex=F"].met is False
    assert fraction(p1[""]) == (15, 20)  # + 一年级: 5 良好 boys, 5 优秀 girls
    district = get(results, "health.fitness_excellent_good_rate", "district", DISTRICT)
    assert fraction(district) == (34, 52) and district.met is True
    assert fraction(get(results, "health.fitness_pass_rate", "school", "P1", "primary", "grade=13")) == (
        9,
        10,
    )
    assert fraction(get(results, "health.fitness_excellent_rate", "school", "J1", "junior")) == (2, 15)
    # mean 学年总分: (3 × 91.50 + 2 × 80.00 + 4 × 79.90 + 55.00) ÷ 10 = 809.10 ÷ 10 = 80.91
    mean = get(results, "health.fitness_mean_total", "school", "P1", "primary", "grade=13")
    assert fraction(mean) == (Fraction(80910, 100), 10) and mean.value == Decimal("80.9100000000")
    # J1 初一 girls: 110.00 with the 附加分; J1 as a whole (10 × 60.00 + 2 × 110.00 + 3 × 59.99) ÷ 15
    assert get(results, "health.fitness_mean_total", "school", "J1", "junior", "grade=21,sex=F").value == 110
    assert fraction(get(results, "health.fitness_mean_total", "school", "J1")) == (Fraction(99997, 100), 15)
    # 项目不全: P1 2 (三年级 girls), H1 1; every school has a count row, 0 where none
    incomplete = get(results, "health.fitness_incomplete_count", "district", DISTRICT)
    assert incomplete.numerator == 3
    assert get(results, "health.fitness_incomplete_count", "school", "H1", "senior", "sex=F").numerator == 1
    assert get(results, "health.fitness_incomplete_count", "school", "K1").numerator == 0
    # BMI over every student with a band, 免测 and 项目不全 included: P1 三年级 13 (3+2+4+1+1+2), 2 超重, 1 肥胖
    assert fraction(get(results, "health.overweight_rate", "school", "P1", "", "grade=13")) == (2, 13)
    assert fraction(get(results, "health.obesity_rate", "school", "P1", "", "grade=13")) == (1, 13)
    # district: P1 23 + J1 15 + H1 4 (its 项目不全 girl has no BMI) + N1 13 = 55; 超重 P1 2 + 5, N1 7
    assert fraction(get(results, "health.overweight_rate", "district", DISTRICT)) == (14, 55)


def test_small_groups_are_known_from_rows_and_denominator(results: dict[Key, Result]) -> None:
    d = catalogue()["health.fitness_excellent_good_rate"]
    # P1 三年级 girls: 8 tested, 5 with a 学年总分
    girls = get(results, d.id, "school", "P1", "primary", "grade=13,sex=F")
    assert (girls.rows, girls.denominator) == (8, 5) and d.small_group(girls.rows, girls.denominator)
    # P1 三年级: 14 tested, 10 assessed — shown
    grade = get(results, d.id, "school", "P1", "primary", "grade=13")
    assert (grade.rows, grade.denominator) == (14, 10) and not d.small_group(grade.rows, grade.denominator)
    assert catalogue()["wuxiang.sleep_rate"].min_group == 0  # class records are not students' data
    assert {x.id for x in catalogue().values() if x.id.startswith("health.") and x.min_group != 10} == set()


def test_breakdown_rows_add_up_to_the_total(results: dict[Key, Result]) -> None:
    for d in catalogue().values():
        if d.dimensions != ("grade", "sex") or d.kind not in ("ratio", "count"):
            continue
        for level, org in (("district", DISTRICT), ("town", "T1"), ("school", "P1")):
            parts = _parts(results, d.id, level, org)
            if "" not in parts:
                continue
            for prefix in ("grade=", "sex="):
                marginal = [r for k, r in parts.items() if k.startswith(prefix) and "," not in k]
                assert sum(r.numerator for r in marginal) == parts[""].numerator, (d.id, org, prefix)
                if d.kind == "ratio":
                    assert sum(r.denominator or 0 for r in marginal) == parts[""].denominator, (d.id, org)
            cells = [r for k, r in parts.items() if "," in k]
            assert sum(r.numerator for r in cells) == parts[""].numerator, (d.id, org)


def test_myopia_worked_by_hand(results: dict[Key, Result]) -> None:
    # P1 三年级 (fixtures: cases a–k): myopic b (SE exactly −0.50), c ×2, d (ortho-k), e (串镜), h, j → 7 of 16
    rate = get(results, "health.myopia_rate", "school", "P1", "primary", "grade=13")
    assert fraction(rate) == (7, 16) and rate.value == Decimal("43.7500000000")
    assert "≤ −0.50 D" in rate.detail
    assert fraction(get(results, "health.poor_vision_rate", "school", "P1", "", "grade=13")) == (10, 16)
    # g (no refraction, no 串镜) and k (its unrefracted right eye): in the denominator, not the numerator
    assert get(results, "health.vision_undetermined_count", "school", "P1", "", "grade=13").numerator == 2
    assert get(results, "health.vision_undetermined_count", "district", DISTRICT).numerator == 2
    # last year 3 of 10 (the 2023 screenings are never read): +13.75 percentage points, not met
    previous = get(results, "health.myopia_rate_previous", "school", "P1")
    assert fraction(previous) == (3, 10)
    change = get(results, "health.myopia_rate_change", "school", "P1", "primary")
    assert change.value == Decimal("13.7500000000") and change.met is False
    # J1: 4/12 − 2/10 = 13.33 points; H1 has no screening last year: no value
    j1 = get(results, "health.myopia_rate_change", "school", "J1")
    assert j1.numerator == Fraction(100, 3) - 20
    h1 = get(results, "health.myopia_rate_change", "school", "H1")
    assert (h1.value, h1.met) == (None, None) and "无可比数据" in h1.detail
    # T2: none of N1's 5 this year, both of P3's 2 last year → −100 points: the rate fell (met)
    t2 = get(results, "health.myopia_rate_change", "town", "T2")
    assert (t2.value, t2.met) == (Decimal("-100.0000000000"), True)


def test_the_myopia_cut_off_setting(world: Snapshot, on_duckdb: Computation) -> None:
    """SE exactly −0.50 D is myopia under the default (≤) and not under TISHENG_MYOPIA_SE_INCLUSIVE=false."""
    overrides = {"TISHENG_MYOPIA_SE_INCLUSIVE": False}
    strict = compute(world, backends.duckdb(), overrides=overrides).by_key()
    before = on_duckdb.by_key()
    rate = get(strict, "health.myopia_rate", "school", "P1", "primary", "grade=13")
    assert fraction(rate) == (6, 16) and "< −0.50 D" in rate.detail  # b is no longer counted
    assert fraction(get(strict, "health.myopia_rate_previous", "school", "J1")) == (0, 10)
    changed = {
        key[0]
        for key in before
        if (before[key].numerator, before[key].value) != (strict[key].numerator, strict[key].value)
    }
    assert changed == {"health.myopia_rate", "health.myopia_rate_previous", "health.myopia_rate_change"}
    assert oracle.compute(
        fx.snapshot_rows(world),
        year=fx.YEAR,
        census_date=fx.CENSUS_DATE,
        year_end=fx.YEAR_END,
        district=fx.DISTRICT,
        overrides=overrides,
    ) == {key: (r.numerator, r.denominator, r.value, r.met) for key, r in strict.items()}


def test_wuxiang_limits_at_their_edges(results: dict[Key, Result]) -> None:
    # P1: 一年级 0 min ✓ and 10 min ✗; 三年级 exactly 60 ✓ and 61 ✗
    homework = _parts(results, "wuxiang.homework_rate", "school", "P1")
    assert {k: fraction(r) for k, r in homework.items()} == {
        "": (1 + 1, 4),
        "grade=11": (1, 2),
        "grade=13": (1, 2),
    }
    assert fraction(get(results, "wuxiang.homework_rate", "school", "J1", "junior")) == (1, 2)  # 90 ✓, 91 ✗
    assert ("wuxiang.homework_rate", "school", "H1", "", "") not in results  # 高中: not assessed
    # sleep: P1 600 ✓ ×2, 599 ✗, 620 ✓; J1 540 ✓, 539 ✗; H1 480 ✓, 479 ✗
    assert fraction(get(results, "wuxiang.sleep_rate", "school", "P1")) == (3, 4)
    assert fraction(get(results, "wuxiang.sleep_rate", "school", "J1")) == (1, 2)
    assert fraction(get(results, "wuxiang.sleep_rate", "school", "H1", "senior")) == (1, 2)
    assert fraction(get(results, "wuxiang.activity_rate", "school", "P1")) == (3, 4)  # 59 ✗
    # all five: P1's 一年级 autumn class, J1's class 1, H1's class 1 (four items) → 3 of 8
    assert fraction(get(results, "wuxiang.all_five_rate", "district", DISTRICT)) == (3, 8)
    assert fraction(get(results, "wuxiang.all_five_rate", "school", "H1")) == (1, 2)
    assert get(results, "wuxiang.all_five_rate", "district", DISTRICT).met is False


def test_fitness_indicators_from_an_arrow_table(on_duckdb: Computation) -> None:
    """The benchmark's path: the fitness indicators straight from in-memory Arrow tables."""
    from tisheng.indicators.engine.compute import compute_tables, definitions_on

    definitions = definitions_on("fitness")
    ids = {d.id for d in definitions}
    assert ids == {
        "health.fitness_excellent_good_rate",
        "health.fitness_pass_rate",
        "health.fitness_excellent_rate",
        "health.fitness_mean_total",
        "health.fitness_incomplete_count",
        "health.overweight_rate",
        "health.obesity_rate",
    }
    results, _, _ = compute_tables(
        fx.world_tables(), year=fx.YEAR, district_code=fx.DISTRICT, definitions=definitions
    )
    assert results == [r for r in on_duckdb.results if r.indicator in ids]
    # the fitness table alone: each school id is a school of its own, the district total the same
    alone, _, _ = compute_tables(
        {"fitness": fx.table("fitness", fx.FITNESS)}, year=fx.YEAR, definitions=definitions
    )
    by_key = {r.key: r for r in alone}
    assert fraction(by_key[("health.fitness_excellent_good_rate", "district", "", "", "")]) == (34, 52)
    assert fraction(
        by_key[("health.fitness_excellent_good_rate", "school", str(fx.P1), "primary", "grade=13")]
    ) == (5, 10)


def test_a_dictionary_encoded_code_column_stays_encoded_and_reads_back_as_text(tmp_path: Path) -> None:
    """``conform`` keeps a dictionary-encoded column of the schema's type as it is (no decode), and the
    snapshot written from it reads back with the schema's types and the same values."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tisheng.indicators.engine.schema import TABLES
    from tisheng.indicators.engine.snapshot import SnapshotError, conform

    sex = pa.DictionaryArray.from_arrays(pa.array([0, 1, 0], pa.int8()), pa.array(["M", "F"]))
    columns = {f.name: pa.nulls(3, f.type) for f in TABLES["fitness"]}
    columns["sex"] = sex
    table = conform("fitness", pa.table(columns))
    assert pa.types.is_dictionary(table.schema.field("sex").type)
    assert table["sex"].to_pylist() == ["M", "F", "M"]
    with pytest.raises(SnapshotError, match="缺少列"):
        conform("fitness", pa.table({"sex": sex}))
    pq.write_table(table, tmp_path / "fitness.parquet")
    back = pq.read_table(tmp_path / "fitness.parquet", schema=TABLES["fitness"])
    assert back.schema == TABLES["fitness"] and back["sex"].to_pylist() == ["M", "F", "M"]


def test_the_content_id_does_not_depend_on_the_encoding() -> None:
    import pyarrow as pa

    from tisheng.indicators.engine.schema import TABLES
    from tisheng.indicators.engine.snapshot import conform, content_id

    columns = {f.name: pa.nulls(3, f.type) for f in TABLES["fitness"]}
    columns["sex"] = pa.array(["M", "F", "M"])
    plain = conform("fitness", pa.table(columns))
    columns["sex"] = pa.DictionaryArray.from_arrays(pa.array([0, 1, 0], pa.int8()), pa.array(["M", "F"]))
    encoded = conform("fitness", pa.table(columns))
    assert content_id({"fitness": encoded}, {}) == content_id({"fitness": plain}, {})
    columns["sex"] = pa.array(["M", "F", "F"])
    assert content_id({"fitness": conform("fitness", pa.table(columns))}, {}) != content_id(
        {"fitness": plain}, {}
    )
