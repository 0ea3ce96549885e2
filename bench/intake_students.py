"""Benchmark: import of a 100,000-row student sheet (xlsx), validated and committed (issue 3).

Runs in its own SQLite database (or the one DATABASE_URL names, which must be empty) and reports:
the wall time of validation and of the commit (which re-validates inside its transaction), the peak
memory of the process, and the time python-calamine and openpyxl (read-only mode) each take to parse the
same file. Writes bench/results/intake_students.json.

    .venv/bin/python bench/intake_students.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=50)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tisheng-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("TISHENG_DATA_DIR", str(workdir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tisheng.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    world = build_world(args.schools, args.rows)
    path = workdir / "学生名册.xlsx"
    started = time.perf_counter()
    write_sheet(path, world)
    write_seconds = time.perf_counter() - started

    parse = compare_parsers(path)

    from tisheng.intake import services

    admin, year = world["admin"], world["year"]
    batch = services.create_batch(admin, "students", year, [(path.name, path.read_bytes())])
    t0 = time.perf_counter()
    outcome = services.validate_batch(batch)
    t1 = time.perf_counter()
    if not outcome.ok:
        print("validation failed:", [i.text() for i in outcome.issues[:5]], file=sys.stderr)
        return 1
    batch.refresh_from_db()
    services.commit_batch(batch, admin)
    t2 = time.perf_counter()
    batch.refresh_from_db()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    from tisheng.census.models import Enrolment, Student

    result = {
        "benchmark": "intake_students",
        "issue": 3,
        "rows": args.rows,
        "schools": args.schools,
        "database": "sqlite" if "sqlite" in os.environ["DATABASE_URL"] else "postgresql",
        "file_mib": round(path.stat().st_size / 2**20, 2),
        "validate_seconds": round(t1 - t0, 2),
        "commit_seconds": round(t2 - t1, 2),
        "total_seconds": round(t2 - t0, 2),
        "goal_seconds": 20,
        "peak_memory_mib": round(peak_mib, 1),
        "goal_memory_mib": 1024,
        "batch_status": batch.status,
        "students_written": Student.objects.count(),
        "enrolments_written": Enrolment.objects.count(),
        "parse_calamine_seconds": parse["calamine"],
        "parse_openpyxl_seconds": parse["openpyxl"],
        "openpyxl_to_calamine_ratio": round(parse["openpyxl"] / parse["calamine"], 1),
        "sheet_write_seconds": round(write_seconds, 1),
        "cpu_count": os.cpu_count(),
        "when": dt.datetime.now().isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "intake_students.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if batch.status == "committed" else 1


def build_world(schools: int, rows: int) -> dict:
    from tisheng.census.models import SchoolClass
    from tisheng.core.choices import Grade, Role, SchoolType
    from tisheng.core.models import AcademicYear, District, School, SchoolSection, Town, User

    district = District.objects.create(code="640105", name="西夏区", city="银川市", province="宁夏回族自治区")
    town = Town.objects.create(
        district=district, code="640105001", name="宁华路街道", kind="subdistrict", urban_rural="urban"
    )
    year = AcademicYear.objects.create(start_year=2025, is_current=True)
    admin = User.objects.create_user("bench-admin", password="Bench-Password-2025", role=Role.ADMIN)
    per_school = rows // schools
    plan = []  # (school code, grade, class number, size)
    classes = []
    for s in range(schools):
        school = School.objects.create(
            code=f"21640199{s:02d}",
            name=f"基准测试第{s + 1}小学",
            school_type=SchoolType.PRIMARY,
            ownership="public",
            affiliation="district",
            urban_rural="urban",
            town=town,
        )
        section = SchoolSection.objects.create(school=school, stage="primary")
        remaining = per_school
        grade_index = 0
        while remaining:
            grade = Grade.P1 + grade_index % 6
            number = grade_index // 6 + 1
            size = min(45, remaining)
            classes.append(
                SchoolClass(
                    academic_year=year, section=section, grade=grade, number=number, student_count=size
                )
            )
            plan.append((school.code, grade, number, size))
            remaining -= size
            grade_index += 1
    SchoolClass.objects.bulk_create(classes)
    return {"admin": admin, "year": year, "plan": plan}


GRADE_NAMES = {11: "一年级", 12: "二年级", 13: "三年级", 14: "四年级", 15: "五年级", 16: "六年级"}


def write_sheet(path: Path, world: dict) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("学生")
    sheet.append(["学校标识码", "学籍号", "姓名", "性别", "出生日期", "身份证号", "年级", "班号", "户籍"])
    serial = 0
    for code, grade, number, size in world["plan"]:
        born_year = 2025 - (grade - 11) - 7
        for _ in range(size):
            serial += 1
            birth = dt.date(born_year, 1 + serial % 12, 1 + serial % 28)
            sheet.append(
                [
                    code,
                    f"G6401052015{serial:08d}",
                    f"学生{serial}",
                    "男" if serial % 2 else "女",
                    birth,
                    "",
                    GRADE_NAMES[grade],
                    number,
                    "本区",
                ]
            )
    book.save(path)


def compare_parsers(path: Path) -> dict[str, float]:
    import openpyxl
    import python_calamine

    t0 = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("学生").to_python()
    n_calamine = len(rows)
    t1 = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n_openpyxl = sum(1 for _ in wb["学生"].iter_rows(values_only=True))
    t2 = time.perf_counter()
    assert n_calamine == n_openpyxl
    return {"calamine": round(t1 - t0, 2), "openpyxl": round(t2 - t1, 2)}


if __name__ == "__main__":
    sys.exit(main())
