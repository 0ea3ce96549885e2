"""分年龄人口 and 出生人口: district-wide, the calendar year is a column and scopes the file."""

from __future__ import annotations

import io

import openpyxl

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, audited, counts, error_at, xlsx
from tisheng.census.models import Birth, PopulationCount
from tisheng.intake.choices import BatchStatus
from tisheng.intake.datasets.population import PopulationDataset
from tisheng.intake.template_builder import INSTRUCTIONS_SHEET, build_template

HEADER = ["年份", "镇（街道）", "社区", "年龄", "性别", "人数"]
BIRTHS = ["年份", "镇（街道）", "出生人数"]


def population_2024() -> bytes:
    return xlsx(
        "分年龄人口",
        HEADER,
        [
            [2024, "宁华路街道", "宁华社区", 6, "男", 500],
            [2024, "宁华路街道", "宁华社区", 6, "女", 480],
            [2024, "兴泾镇", None, 3, "男", 210],
        ],
    )


def test_valid_file_writes_population(world: World, run: Runner) -> None:
    batch = run("admin", "population", population_2024())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert (batch.academic_year, batch.school) == (None, None)
    assert counts(batch) == (3, 0, 0, 0)
    assert set(
        PopulationCount.objects.values_list("year", "town__name", "community", "age", "sex", "count")
    ) == {
        (2024, "宁华路街道", "宁华社区", 6, "M", 500),
        (2024, "宁华路街道", "宁华社区", 6, "F", 480),
        (2024, "兴泾镇", "", 3, "M", 210),
    }
    assert set(PopulationCount.objects.values_list("batch_id", flat=True)) == {batch.pk}
    assert audited(batch) == {"populationcount": {"create": 3}}


def test_reupload_changes_nothing(world: World, run: Runner) -> None:
    run("admin", "population", population_2024())
    again = run("admin", "population", population_2024())

    assert counts(again) == (0, 0, 0, 3)
    assert audited(again) == {}


def test_a_file_replaces_only_its_years(world: World, run: Runner) -> None:
    run("admin", "population", population_2024())
    other_year = xlsx("分年龄人口", HEADER, [[2023, "兴泾镇", None, 3, "男", 205]])
    batch = run("admin", "population", other_year)

    assert counts(batch) == (1, 0, 0, 0)
    assert PopulationCount.objects.filter(year=2024).count() == 3

    changed = xlsx(
        "分年龄人口",
        HEADER,
        [
            [2024, "宁华路街道", "宁华社区", 6, "男", 505],
            [2024, "兴泾镇", None, 3, "男", 210],
        ],
    )
    batch = run("admin", "population", changed)

    assert counts(batch) == (0, 1, 1, 1)
    assert PopulationCount.objects.get(year=2024, sex="M", age=6).count == 505
    assert PopulationCount.objects.filter(year=2023).count() == 1
    assert audited(batch) == {"populationcount": {"update": 1, "delete": 1}}


def test_wrong_rows_are_named_and_nothing_is_written(world: World, run: Runner) -> None:
    wrong = xlsx(
        "分年龄人口",
        HEADER,
        [
            [2024, "宁华路街道", None, 31, "男", 500],
            [2024, "宁华路街道", None, 6, "未知", 480],
            [2024, "银川镇", None, 6, "男", 480],
            [2099, "兴泾镇", None, 6, "男", 480],
        ],
    )
    batch = run("admin", "population", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "大于允许的最大值 30" in error_at(batch, 2, "D")["message"]
    assert "不是可选的值" in error_at(batch, 3, "E")["message"]
    assert "银川镇" in error_at(batch, 4, "B")["message"]
    assert "还没有到" in error_at(batch, 5, "A")["message"]
    assert not PopulationCount.objects.exists()


def test_duplicate_cells(world: World, run: Runner) -> None:
    wrong = xlsx(
        "分年龄人口",
        HEADER,
        [
            [2024, "兴泾镇", None, 3, "男", 210],
            [2024, "兴泾镇", None, 3, "男", 211],
        ],
    )
    batch = run("admin", "population", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "重复" in error_at(batch, 3, "A")["message"]


# --- 经认定残疾儿童少年数: optional, blank is 0, never more than the people of the row -------------------


def with_disabled(*rows: list[object]) -> bytes:
    return xlsx("分年龄人口", [*HEADER, "经认定残疾儿童少年数"], rows)


def test_certified_disabled_children_are_written(world: World, run: Runner) -> None:
    batch = run(
        "admin",
        "population",
        with_disabled(
            [2024, "宁华路街道", "宁华社区", 8, "男", 500, 5],
            [2024, "宁华路街道", "宁华社区", 8, "女", 480, 480],
            [2024, "兴泾镇", None, 9, "男", 210, 0],
        ),
    )

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert set(
        PopulationCount.objects.values_list("town__name", "age", "sex", "count", "disabled_certified")
    ) == {
        ("宁华路街道", 8, "M", 500, 5),
        ("宁华路街道", 8, "F", 480, 480),
        ("兴泾镇", 9, "M", 210, 0),
    }


def test_blank_certified_disabled_children_count_as_none(world: World, run: Runner) -> None:
    batch = run(
        "admin",
        "population",
        with_disabled(
            [2024, "宁华路街道", None, 8, "男", 500, None], [2024, "兴泾镇", None, 8, "男", 90, "  "]
        ),
    )

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert list(PopulationCount.objects.values_list("disabled_certified", flat=True)) == [0, 0]
    again = run(
        "admin",
        "population",
        with_disabled([2024, "宁华路街道", None, 8, "男", 500, 0], [2024, "兴泾镇", None, 8, "男", 90, 0]),
    )
    assert counts(again) == (0, 0, 0, 2)  # blank and 0 are the same value


def test_a_file_without_the_column_reads_as_none_certified(world: World, run: Runner) -> None:
    batch = run("admin", "population", population_2024())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert set(PopulationCount.objects.values_list("disabled_certified", flat=True)) == {0}


def test_a_changed_certified_count_updates_the_row(world: World, run: Runner) -> None:
    run("admin", "population", with_disabled([2024, "兴泾镇", None, 8, "男", 90, 1]))
    batch = run("admin", "population", with_disabled([2024, "兴泾镇", None, 8, "男", 90, 2]))

    assert counts(batch) == (0, 1, 0, 0)
    assert PopulationCount.objects.get().disabled_certified == 2
    assert audited(batch) == {"populationcount": {"update": 1}}


def test_more_certified_disabled_children_than_people_is_named_by_row_and_column(
    world: World, run: Runner
) -> None:
    batch = run(
        "admin",
        "population",
        with_disabled(
            [2024, "宁华路街道", "宁华社区", 8, "男", 500, 4],
            [2024, "宁华路街道", "宁华社区", 8, "女", 3, 4],
            [2024, "兴泾镇", None, 9, "男", 210, -1],
            [2024, "兴泾镇", None, 9, "女", 200, "两个"],
        ),
    )

    assert batch.status == BatchStatus.INVALID
    issue = error_at(batch, 3, "G")
    assert issue["message"] == "经认定残疾儿童少年数 4 多于人数 3"
    assert issue["header"] == "经认定残疾儿童少年数"
    assert (
        issue["where"] == "文件“population.xlsx”，工作表“分年龄人口”，第 3 行，G 列（经认定残疾儿童少年数）"
    )
    assert "小于允许的最小值 0" in error_at(batch, 4, "G")["message"]
    assert "应为整数" in error_at(batch, 5, "G")["message"]
    assert not PopulationCount.objects.exists()


def test_the_template_has_the_column_and_explains_it(world: World) -> None:
    book = openpyxl.load_workbook(io.BytesIO(build_template(PopulationDataset)))
    assert [cell.value for cell in book["分年龄人口"][1]] == [*HEADER, "经认定残疾儿童少年数"]
    explained = {row[1]: row for row in book[INSTRUCTIONS_SHEET].iter_rows(values_only=True)}
    _letter, _header, required, how, note = explained["经认定残疾儿童少年数"][:5]
    assert (required, how) == ("否", "整数（≥ 0，≤ 1000000）")
    assert "不能多于人数" in note and "不填按 0 计" in note


def test_only_the_district_admin_imports(world: World, run: Runner) -> None:
    batch = run("clerk_a", "population", population_2024())

    assert batch.status == BatchStatus.INVALID
    assert "区管理员" in batch.errors()[0]["message"]
    assert not PopulationCount.objects.exists()


def births_file() -> bytes:
    return xlsx(
        "出生人口", BIRTHS, [[2024, "宁华路街道", 1520], [2024, "兴泾镇", 430], [2023, "兴泾镇", 455]]
    )


def test_births_import_and_reupload(world: World, run: Runner) -> None:
    batch = run("admin", "births", births_file())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (3, 0, 0, 0)
    assert set(Birth.objects.values_list("year", "town__name", "count", "batch_id")) == {
        (2024, "宁华路街道", 1520, batch.pk),
        (2024, "兴泾镇", 430, batch.pk),
        (2023, "兴泾镇", 455, batch.pk),
    }
    assert audited(batch) == {"birth": {"create": 3}}

    again = run("admin", "births", births_file())
    assert counts(again) == (0, 0, 0, 3)
    assert audited(again) == {}


def test_births_changed_and_removed_within_the_file_years(world: World, run: Runner) -> None:
    run("admin", "births", births_file())
    batch = run("admin", "births", xlsx("出生人口", BIRTHS, [[2024, "宁华路街道", 1530]]))

    assert counts(batch) == (0, 1, 1, 0)  # 2023 is not in the file and stays
    assert set(Birth.objects.values_list("year", "town__name", "count")) == {
        (2024, "宁华路街道", 1530),
        (2023, "兴泾镇", 455),
    }
    assert audited(batch) == {"birth": {"update": 1, "delete": 1}}


def test_births_wrong_rows(world: World, run: Runner) -> None:
    wrong = xlsx("出生人口", BIRTHS, [[2024, "宁华路街道", -5], [2024, "银川镇", 430]])
    batch = run("admin", "births", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "小于允许的最小值" in error_at(batch, 2, "C")["message"]
    assert "找不到镇（街道）" in error_at(batch, 3, "B")["message"]
    assert not Birth.objects.exists()
