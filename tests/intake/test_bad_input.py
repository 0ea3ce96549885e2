"""Bad input, tried on purpose: every case gets a clear Chinese message naming the place, and nothing is
written (the batch is all-or-nothing)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.intake.conftest import CLASS_HEADER, STUDENT_HEADER, csv_bytes, student, xlsx
from tisheng.census.models import Enrolment, SchoolClass, Student
from tisheng.core.models import ChangeRecord


def messages(batch) -> list[str]:
    return [f"{i['where']}：{i['message']}" for i in batch.issues]


def nothing_written(before: int) -> bool:
    return (
        ChangeRecord.objects.filter(batch_id__isnull=False).count() == 0
        and SchoolClass.objects.count() == before
    )


GOOD_CLASSES = [["2164010501", "一年级", 1, 40], ["2164010501", "二年级", 1, 41]]


def test_truncated_xlsx(world: World, run_batch) -> None:
    data = xlsx("班级", CLASS_HEADER, GOOD_CLASSES)
    batch = run_batch("classes", [("班级.xlsx", data[: len(data) // 2])], commit=True)
    assert batch.status == "invalid"
    assert "文件“班级.xlsx”" in messages(batch)[0] and "损坏" in messages(batch)[0]
    assert batch.issues[0]["hint"]
    assert nothing_written(0)


def test_corrupted_bytes_named_xlsx(world: World, run_batch) -> None:
    batch = run_batch("classes", [("班级.xlsx", b"PK\x03\x04" + bytes(range(256)) * 20)], commit=True)
    assert batch.status == "invalid" and "无法打开" in messages(batch)[0]
    assert nothing_written(0)


def test_unsupported_file_type(world: World, run_batch) -> None:
    batch = run_batch("classes", [("班级.docx", b"whatever")])
    assert "不支持的文件类型" in messages(batch)[0]


def test_csv_in_an_unknown_encoding(world: World, run_batch) -> None:
    data = (
        "学校标识码,年级,班号,班额\r\n".encode() + b"2164010501,\xe9\x20\xff,1,40\r\n"
    )  # neither UTF-8 nor GBK
    batch = run_batch("classes", [("班级.csv", data)])
    assert batch.status == "invalid"
    assert "无法识别文件编码" in messages(batch)[0]
    assert "UTF-8" in batch.issues[0]["hint"]


def test_utf16_csv_is_refused_with_advice(world: World, run_batch) -> None:
    batch = run_batch("classes", [("班级.csv", csv_bytes(CLASS_HEADER, GOOD_CLASSES, "utf-16"))])
    assert "不是文本格式" in messages(batch)[0]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_gbk_and_utf8_is_read(world: World, run_batch, encoding: str) -> None:
    batch = run_batch("classes", [("班级.csv", csv_bytes(CLASS_HEADER, GOOD_CLASSES, encoding))], commit=True)
    assert batch.status == "committed", messages(batch)
    assert SchoolClass.objects.filter(section__school=world.school_a).count() == 2


def test_merged_header_cells(world: World, run_batch) -> None:
    batch = run_batch("classes", [("班级.xlsx", xlsx("班级", CLASS_HEADER, GOOD_CLASSES, merge="A1:B1"))])
    assert batch.status == "invalid"
    assert "合并单元格" in messages(batch)[0] and "A1:B1" in messages(batch)[0]
    assert "第 1 行" in messages(batch)[0]


def test_missing_and_extra_columns(world: World, run_batch) -> None:
    missing = run_batch(
        "classes",
        [("班级.xlsx", xlsx("班级", ["学校标识码", "年级", "班号"], [["2164010501", "一年级", 1]]))],
    )
    assert missing.status == "invalid" and "缺少必填列：班额" in messages(missing)[0]
    extra = run_batch(
        "classes",
        [("班级.xlsx", xlsx("班级", [*CLASS_HEADER, "班主任"], [[*row, "王老师"] for row in GOOD_CLASSES]))],
        commit=True,
    )
    assert extra.status == "committed"
    assert extra.warning_count == 1 and "未识别的列“班主任”" in extra.warnings()[0]["message"]
    assert extra.warnings()[0]["column"] == "E"


def test_text_in_number_fields_and_negative_numbers(world: World, run_batch) -> None:
    rows = [["2164010501", "一年级", 1, "四十五"], ["2164010501", "二年级", 1, -3], *GOOD_CLASSES[1:]]
    batch = run_batch("classes", [("班级.xlsx", xlsx("班级", CLASS_HEADER, rows))], commit=True)
    assert batch.status == "invalid"
    first, second = batch.errors()[:2]
    assert (first["row"], first["column"], first["value"]) == (2, "D", "四十五")
    assert "应为整数" in first["message"] and "不要带单位" in first["hint"]
    assert (second["row"], second["column"]) == (3, "D") and "最小值 0" in second["message"]
    assert nothing_written(0)


def test_unknown_code_and_unknown_grade(world: World, run_batch) -> None:
    rows = [["2164019999", "一年级", 1, 40], ["2164010501", "十三年级", 1, 40]]
    batch = run_batch("classes", [("班级.xlsx", xlsx("班级", CLASS_HEADER, rows))], user="admin")
    text = messages(batch)
    assert any("找不到学校标识码为 2164019999" in m for m in text)
    assert any("“十三年级”不是可选的值" in m and "C 列" not in m and "B 列（年级）" in m for m in text)


def test_grade_of_a_stage_the_school_lacks(world: World, run_batch) -> None:
    batch = run_batch(
        "classes", [("班级.xlsx", xlsx("班级", CLASS_HEADER, [["2164010501", "七年级", 1, 40]]))]
    )
    assert "没有七年级所在的学段" in messages(batch)[0]


def test_a_school_user_may_not_submit_another_schools_file(world: World, run_batch) -> None:
    rows = [["2164010502", "七年级", 1, 40]]  # school B's code, uploaded by school A's clerk
    batch = run_batch(
        "classes", [("班级.xlsx", xlsx("班级", CLASS_HEADER, rows))], user="clerk_a", commit=True
    )
    assert batch.status == "invalid"
    assert "不是本校" in messages(batch)[0]
    assert not SchoolClass.objects.exists()


def test_duplicates_within_and_across_files(world: World, run_batch, classes_2025) -> None:
    within = run_batch(
        "students",
        [
            (
                "学生.xlsx",
                xlsx(
                    "学生",
                    STUDENT_HEADER,
                    [student("G640105201903010001", "甲"), student("G640105201903010001", "乙")],
                ),
            )
        ],
    )
    assert within.status == "invalid"
    assert "与文件“学生.xlsx”，工作表“学生”，第 2 行重复" in messages(within)[0]
    assert within.errors()[0]["row"] == 3 and within.errors()[0]["column"] == "B"
    across = run_batch(
        "students",
        [
            ("一班.xlsx", xlsx("学生", STUDENT_HEADER, [student("G640105201903010001", "甲")])),
            ("二班.xlsx", xlsx("学生", STUDENT_HEADER, [student("G640105201903010001", "乙", cls=2)])),
        ],
    )
    assert across.status == "invalid"
    assert any("文件“二班.xlsx”" in m and "与文件“一班.xlsx”" in m for m in messages(across))
    assert not Student.objects.exists()


def test_future_dates_and_impossible_ages(world: World, run_batch, classes_2025) -> None:
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    rows = [
        student("G640105201903010001", "甲", born=future),
        student("G640105201903010002", "乙", born="2022-05-01"),  # a 3-year-old in 一年级
        student("G640105201903010003", "丙", cls=2),
    ]
    batch = run_batch("students", [("学生.xlsx", xlsx("学生", STUDENT_HEADER, rows))], commit=True)
    text = messages(batch)
    assert any("第 2 行" in m and "在今天之后" in m for m in text)
    assert any("第 3 行" in m and "3 岁的学生不可能在一年级" in m for m in text)
    assert not Student.objects.exists() and not Enrolment.objects.exists()


def test_id_number_checksum_and_masking(world: World, run_batch, classes_2025) -> None:
    good_id = "640105201903010013"  # GB 11643 check digit: 3
    rows = [
        student("G640105201903010001", "甲", 身份证号="640105201903010011"),
        student("G640105201903010002", "乙"),
        student("G640105201903010003", "丙", cls=2),
    ]
    bad = run_batch("students", [("学生.xlsx", xlsx("学生", STUDENT_HEADER, rows))])
    assert any("校验位不正确" in m and "F 列（身份证号）" in m for m in messages(bad))
    rows[0] = student("G640105201903010001", "甲", 身份证号=good_id)
    ok = run_batch("students", [("学生.xlsx", xlsx("学生", STUDENT_HEADER, rows))], commit=True)
    assert ok.status == "committed", messages(ok)
    stored = Student.objects.get(student_number="G640105201903010001").id_number_masked
    assert stored == "640105********0013"
    assert good_id not in str(list(ChangeRecord.objects.values_list("after", flat=True)))


def test_class_larger_than_its_listed_students(world: World, run_batch, classes_2025) -> None:
    rows = [
        student("G640105201903010001", "甲"),
        student("G640105201903010003", "丙", cls=2),
    ]  # 1 班 has size 2
    batch = run_batch("students", [("学生.xlsx", xlsx("学生", STUDENT_HEADER, rows))])
    assert any("一年级1班班额为 2，名册中在读学生为 1 人" in m for m in messages(batch))


def test_one_bad_row_among_many_writes_nothing(world: World, run_batch) -> None:
    rows = [["2164010501", "一年级", n, 40] for n in range(1, 60)] + [["2164010501", "二年级", 1, "x"]]
    batch = run_batch("classes", [("班级.xlsx", xlsx("班级", CLASS_HEADER, rows))], commit=True)
    assert batch.status == "invalid" and batch.issue_count == 1
    assert not SchoolClass.objects.exists()
