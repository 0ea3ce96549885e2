"""A school's stored fitness tests of one 学年 as the national data-upload file (数据上报文件).

The inverse of :func:`tisheng.health.upload.read_upload` and of the 体测成绩 data set: the columns are the
national layout's (:data:`tisheng.health.readings.COLUMNS`, headers in that order), one row per stored
test, the values written the way the national system's template has them — 性别 1/2, times of the long
runs as 3'50", 免测 as the reason (or 是). Read back, the file gives the stored results and scores.

Only rows the user may read are exported (``restrict(user, VIEW)``): a student's results belong to the
users of the student's school.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from tisheng.core.models import AcademicYear, School, User
from tisheng.core.permissions import VIEW
from tisheng.health.models import FitnessTest
from tisheng.health.readings import COLUMNS, LONG_RUNS
from tisheng.health.scoring import SEX_CODES
from tisheng.health.tablefile import write_table

__all__ = ["FIELD_OF", "export_rows", "long_run", "school_tests", "write_upload"]

#: the FitnessTest field of each national column (by the column's key)
FIELD_OF: dict[str, str] = {
    "grade": "grade",
    "class": "class_code",
    "student_id": "student_number",
    "sex": "sex",
    "birth": "birth_date",
    "height": "height",
    "weight": "weight",
    "vital_capacity": "vital_capacity",
    "run_50m": "run_50m",
    "sit_and_reach": "sit_and_reach",
    "rope_skip_1min": "rope_skip_1min",
    "sit_up_1min": "sit_up_1min",
    "shuttle_50x8": "shuttle_50x8",
    "standing_long_jump": "standing_long_jump",
    "pull_up": "pull_up",
    "run_1000m": "run_1000m",
    "run_800m": "run_800m",
    "vision_left": "vision_left",
    "vision_right": "vision_right",
    "exempt": "exempt",
}
SHEET = "体测成绩"


def long_run(seconds: Decimal) -> str:
    """230 → 3'50" (the national template's way of writing a middle-distance time); 105.5 → 1'45.5"."""
    minutes, rest = divmod(seconds.normalize(), 60)
    text = format(rest.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{int(minutes)}'{int(whole):02d}{'.' + fraction if fraction else ''}\""


def _number(value: Decimal) -> Decimal | int:
    """A stored decimal without its padding zeros (230.0 → 230, 10.30 → 10.3)."""
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else normal


def _cell(key: str, test: FitnessTest) -> Any:
    if key == "sex":
        return SEX_CODES[test.sex]
    if key == "exempt":
        return (test.exempt_reason or "是") if test.exempt else ""
    value = getattr(test, FIELD_OF[key])
    if value is None or value == "":
        return None
    if key in LONG_RUNS:
        return long_run(Decimal(value))
    if isinstance(value, Decimal):
        return _number(value)
    return value


def school_tests(user: User, school: School, year: AcademicYear) -> list[FitnessTest]:
    """The school's fitness tests of the 学年 that ``user`` may read, in the stored order (grade,
    班级编号, 学籍号)."""
    return list(
        FitnessTest.objects.restrict(user, VIEW)
        .filter(school=school, academic_year=year)
        .order_by("grade", "class_code", "student_number")
    )


def export_rows(tests: list[FitnessTest]) -> tuple[list[str], list[list[Any]]]:
    """The national header and one row per test (Python values: int, Decimal, str, date, None)."""
    header = [column.header for column in COLUMNS]
    rows = [[_cell(column.key, test) for column in COLUMNS] for test in tests]
    return header, rows


def write_upload(tests: list[FitnessTest], out: Path) -> None:
    """Write the tests as .xlsx (typed cells, sheet 体测成绩) or .csv (UTF-8 with BOM, as Excel opens it)."""
    header, rows = export_rows(tests)
    write_table(out, SHEET, header, rows)
