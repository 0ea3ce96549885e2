"""Property-based: whatever rows arrive, the validator never crashes — it accepts them or names the
problem with a place — and it never writes a fact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from tests.conftest import World
from tests.intake.conftest import CLASS_HEADER, STUDENT_HEADER, csv_bytes, xlsx
from tisheng.census.models import SchoolClass, Student
from tisheng.intake import pipeline

cell = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(
        [
            "２１６４０１０５０１",
            "2164010501",
            "一年级",
            "七年级",
            "男",
            "女",
            "本区",
            "G640105201903010001",
            " ",
            "\t",
        ]
    ),
)
rows = st.lists(st.lists(cell, min_size=0, max_size=12), min_size=0, max_size=15)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check(world: World, tmp_path: Path, dataset: str, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    ctx = pipeline.make_context(world.users["admin"], world.year, None)
    outcome = pipeline.validate(dataset, [pipeline.InputFile(path, name)], ctx)
    for issue in outcome.issues:
        assert issue.message and issue.place.file == name
    if not outcome.ok:
        assert outcome.plan is None
    assert not Student.objects.exists()


@SETTINGS
@given(data=rows)
def test_random_student_rows_never_crash(world: World, tmp_path: Path, data: list[list[object]]) -> None:
    safe = [[v if not isinstance(v, str) else v.replace("\x00", "") for v in row] for row in data]
    try:
        content = xlsx("学生", STUDENT_HEADER, safe)
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl cannot write these; Excel never would
        return
    check(world, tmp_path, "students", "学生.xlsx", content)


@SETTINGS
@given(data=rows)
def test_random_class_rows_in_csv_never_crash(world: World, tmp_path: Path, data: list[list[object]]) -> None:
    content = csv_bytes(CLASS_HEADER, [[("" if v is None else v) for v in row] for row in data])
    check(world, tmp_path, "classes", "班级.csv", content)
    assert not SchoolClass.objects.exists()


@SETTINGS
@given(blob=st.binary(max_size=2000))
def test_random_bytes_never_crash(world: World, tmp_path: Path, blob: bytes) -> None:
    for name in ("x.xlsx", "x.csv", "x.xls"):
        check(world, tmp_path, "classes", name, blob)
