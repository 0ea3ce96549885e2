"""The Excel templates: built from the data set's declaration, read back by the same pipeline without a
header error, with dropdowns for every coded column and the instructions sheet."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import World
from tisheng.intake import pipeline
from tisheng.intake.datasets import registry
from tisheng.intake.datasets.classes import ClassesDataset
from tisheng.intake.template_builder import INSTRUCTIONS_SHEET, OPTIONS_SHEET, build_template


def load(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_classes_template_layout(world: World) -> None:
    book = load(build_template(ClassesDataset))
    assert book.sheetnames == ["班级", INSTRUCTIONS_SHEET, OPTIONS_SHEET]
    data = book["班级"]
    assert [c.value for c in data[1]] == ["学校标识码", "年级", "班号", "班额"]
    assert all(c.font.b for c in data[1])
    assert data.freeze_panes == "A2"
    assert data.max_row == 1  # header only: no example row that could be imported as data
    assert data.column_dimensions["A"].width >= 10
    assert book[OPTIONS_SHEET].sheet_state == "hidden"


def test_classes_template_has_a_grade_dropdown_from_the_options_sheet(world: World) -> None:
    book = load(build_template(ClassesDataset))
    validations = book["班级"].data_validations.dataValidation
    assert len(validations) == 1
    grade = validations[0]
    assert grade.type == "list"
    assert str(grade.sqref).startswith("B2:B")
    assert grade.formula1 == f"'{OPTIONS_SHEET}'!$A$2:$A$16"
    options = [row[0] for row in book[OPTIONS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert options[:4] == ["小班", "中班", "大班", "一年级"] and options[-1] == "高三"


def test_every_dropdown_refers_to_a_range_never_an_inline_list(world: World) -> None:
    for spec in registry.all():
        book = load(build_template(spec))
        coded = [c for c in spec.columns if c.cell.choices_for_template()]
        validations = book[spec.sheet].data_validations.dataValidation
        assert len(validations) == len(coded), spec.name
        for validation in validations:
            assert validation.formula1.startswith(f"'{OPTIONS_SHEET}'!$"), (spec.name, validation.formula1)


def test_instructions_list_every_column_with_required_and_how_to_fill(world: World) -> None:
    book = load(build_template(ClassesDataset, year=world.year))
    rows = [r for r in book[INSTRUCTIONS_SHEET].iter_rows(values_only=True)]
    text = "\n".join(str(v) for r in rows for v in r if v is not None)
    assert ClassesDataset.description in text
    assert "统计时点：2025 年 9 月 1 日" in text
    by_header = {r[1]: r for r in rows if r[0] in ("A", "B", "C", "D")}
    assert by_header["班额"][2] == "是"
    assert by_header["班额"][3] == "整数（≥ 0，≤ 200）"
    assert by_header["班额"][4] == "统计时点的在班学生人数"
    assert "一年级" in by_header["年级"][3]
    assert "示例" in text and "不要复制到数据表中" in text


def read_back(spec: type, content: bytes, tmp_path: Path, world: World) -> pipeline.Outcome:
    path = tmp_path / f"{spec.name}.xlsx"
    path.write_bytes(content)
    ctx = pipeline.make_context(world.users["admin"], world.year, None)
    outcome = pipeline.Outcome(spec())
    pipeline.read_file(outcome.dataset, pipeline.InputFile(path, path.name), ctx, outcome)
    return outcome


@pytest.mark.parametrize("name", registry.names())
def test_every_template_reads_back_without_header_errors(world: World, tmp_path: Path, name: str) -> None:
    spec = registry.get(name)
    assert spec is not None
    outcome = read_back(spec, build_template(spec), tmp_path, world)
    assert outcome.issues == []
    school_copy = read_back(spec, build_template(spec, world.school_a), tmp_path, world)
    header_issues = [i for i in school_copy.issues if i.place.row in (None, 1)]
    assert header_issues == []


def test_school_template_prefills_the_school_code_and_passes_validation_when_filled(
    world: World, tmp_path: Path
) -> None:
    book = load(build_template(ClassesDataset, world.school_a))
    data = book["班级"]
    assert data["A2"].value == "2164010501"
    school_list = [v for v in data.data_validations.dataValidation if str(v.sqref).startswith("A2")]
    assert school_list, "the school code column offers the own code as a dropdown"
    data["B2"], data["C2"], data["D2"] = "一年级", 1, 40
    data.append(["2164010501", "二年级", 1, 38])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "班级.xlsx"
    path.write_bytes(buffer.getvalue())
    ctx = pipeline.make_context(world.users["clerk_a"], world.year, world.school_a)
    outcome = pipeline.validate("classes", [pipeline.InputFile(path, path.name)], ctx)
    assert outcome.ok, [i.text() for i in outcome.issues]
    assert outcome.plan is not None and len(outcome.plan.added) == 2
