"""The national upload layout read from xlsx/csv, and ``tisheng fitness score`` end to end."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tisheng.cli import main
from tisheng.health.scoring import ItemStatus, score_student
from tisheng.health.upload import read_upload, score_upload

HEADER = [
    "年级编号", "班级编号", "班级名称", "学籍号", "民族代码", "姓名", "性别", "出生日期", "身高", "体重", "肺活量",
    "50米跑", "坐位体前屈", "一分钟跳绳", "一分钟仰卧起坐", "50米×8往返跑", "立定跳远", "引体向上", "1000米跑",
    "800米跑", "左眼裸眼视力", "右眼裸眼视力",
]  # fmt: skip
N = None
GOOD_ROWS = [
    # 一年级男: 93.9 优秀 (hand-checked in test_scoring)
    [11, "1101", "一年级1班", "G1", "01", "张一", 1, dt.date(2018, 3, 1), 120.5, 22.3, 1200, 10.5, 12.3, 120,
     N, N, N, N, N, N, 5.0, 4.9],
    # 高一男: 82.6 良好, 1000 m written 3'50"
    [31, "3101", "高一1班", "G2", "01", "李二", "男", "2009-05-01", 175.0, 65.0, 4000, 7.5, 15.0, N, N, N, 230, 12,
     "3'50\"", N, 4.8, 4.8],
    # 初一男: 立定跳远 in metres, 1000 m ambiguous, 0 pull-ups (missing cell)
    [21, "2101", "初一1班", "G3", "01", "王三", 1, "2012-05-01", 160.0, 45.0, 3000, 8.5, 10.0, N, N, N, 1.85, 0,
     "3.50", N, 4.8, 4.8],
    # 大一女: 50 m = 0 (impossible), 800 m as an Excel time 3:10, bonus for sit-ups and 800 m
    [41, "4101", "大一1班", "G4", "01", "赵四", 2, "2006-05-01", 160.0, 50.0, 3500, 0, 20.0, N, 60, N, 200, N, N,
     dt.time(3, 10), N, N],
]  # fmt: skip


def workbook(
    path: Path, rows: list[list[object]], header: list[str] = HEADER, title: str = "体测数据"
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def read_xlsx(path: Path) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]  # type: ignore[arg-type]


def test_cli_scores_an_xlsx_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = workbook(tmp_path / "体测.xlsx", GOOD_ROWS)
    out = tmp_path / "评分.xlsx"
    code, stdout, stderr = run(capsys, "fitness", "score", str(source), "--out", str(out))
    assert code == 0, stderr
    assert "已评分 4 名学生" in stdout
    rows = read_xlsx(out)
    assert list(rows[0])[: len(HEADER)] == HEADER  # the input columns come first, unchanged
    first, second, third, fourth = rows
    assert (first["肺活量得分"], first["一分钟跳绳得分"], first["标准分"], first["附加分"]) == (
        76,
        100,
        88.9,
        5,
    )
    assert (first["学年总分"], first["等级"], first["BMI"], first["BMI等级"]) == (93.9, "优秀", 15.4, "正常")
    assert first["姓名"] == "张一" and first["民族代码"] == "01"
    assert (second["1000米跑得分"], second["学年总分"], second["等级"]) == (80, 82.6, "良好")
    assert "分秒记号" in str(second["备注"])
    assert third["立定跳远得分"] is None and third["1000米跑得分"] is None and third["引体向上得分"] is None
    assert third["学年总分"] is None and third["等级"] is None
    notes = str(third["备注"])
    assert "以米为单位" in notes and "无法确定" in notes and "缺少决定该成绩得分的数值" in notes
    assert "单一来源" in notes  # 初一 肺活量 rests on one source
    assert fourth["50米跑得分"] is None and "成绩为 0" in str(fourth["备注"])
    assert fourth["附加分"] == 3  # sit-ups +4 → 2, 800 m 190 s → 1
    assert "50米跑" in stderr and "第 5 行" in stderr  # warnings are listed too


def test_cli_writes_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = workbook(tmp_path / "体测.xlsx", GOOD_ROWS[:2])
    out = tmp_path / "评分.csv"
    code, _, _ = run(capsys, "fitness", "score", str(source), "--out", str(out))
    assert code == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["等级"] for r in rows] == ["优秀", "良好"]
    assert rows[0]["学年总分"] == "93.9" and rows[0]["标准分"] == "88.9"


def test_cli_reads_csv_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "体测.csv"
    with source.open("w", encoding="gb18030", newline="") as handle:  # as Chinese Excel saves it
        writer = csv.writer(handle)
        writer.writerow(["年级编号", "班级编号", "学籍号", "性别", "身高(cm)", "体重(kg)", "肺活量", "50米跑",
                         "坐位体前屈", "一分钟跳绳"])  # fmt: skip
        writer.writerow([12, "1201", "G9", "女", "125.0", "24.0", "1300", '10"8', "15.0", "110"])
    out = tmp_path / "out.csv"
    code, _, stderr = run(capsys, "fitness", "score", str(source), "--out", str(out))
    assert code == 0, stderr
    with out.open(encoding="utf-8-sig") as handle:
        row = next(csv.DictReader(handle))
    assert row["50米跑得分"] and "秒记号作小数点" in row["备注"]


def test_file_with_errors_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = [
        [19, "1101", "x", "G1", "01", "甲", 1, N, 120.0, 22.0, 1200, 10.5, 12.3, 120, N, N, N, N, N, N, N, N],
        [11, "1101", "x", "G2", "01", "乙", 3, N, 120.0, 22.0, 1200, 10.5, 12.3, 120, N, N, N, N, N, N, N, N],
        [11, "1101", "x", "G3", "01", "丙", 2, N, 120.0, 22.0, 1200, "十秒", 12.3, 120, N, N, N, N, N, N, N, N],
        [11, "1101", "x", "G3", "01", "丁", 2, N, 120.0, 22.0, 1200, 10.5, 12.3, 120, N, N, N, N, N, N, N, N],
        [31, "3101", "x", "G5", "01", "戊", 1, N, 170.0, 60.0, 4000, 7.5, 15.0, N, N, N, 230, 12, "3'75\"", N, N, N],
    ]  # fmt: skip
    source = workbook(tmp_path / "坏文件.xlsx", bad)
    out = tmp_path / "out.xlsx"
    code, _, stderr = run(capsys, "fitness", "score", str(source), "--out", str(out))
    assert code == 1
    assert not out.exists()
    assert "没有写出任何结果" in stderr
    lines = [line for line in stderr.splitlines() if "[错误]" in line]
    assert len(lines) == 5
    assert any("第 2 行，A 列（年级编号）" in line and "“19”" in line and "11–16" in line for line in lines)
    assert any("第 3 行，G 列（性别）" in line and "1（男）或 2（女）" in line for line in lines)
    assert any("第 4 行，L 列（50米跑）" in line and "十秒" in line and "8.5" in line for line in lines)
    assert any("第 5 行，D 列（学籍号）" in line and "重复" in line for line in lines)
    assert any("第 6 行，S 列（1000米跑）" in line and "60" in line for line in lines)
    assert all("文件“坏文件.xlsx”，工作表“体测数据”" in line for line in lines)


def test_missing_columns_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = [h for h in HEADER if h != "1000米跑"]
    row = [v for h, v in zip(HEADER, GOOD_ROWS[1], strict=True) if h != "1000米跑"]
    source = workbook(tmp_path / "缺列.xlsx", [row], header=header)
    code, _, stderr = run(capsys, "fitness", "score", str(source), "--out", str(tmp_path / "o.xlsx"))
    assert code == 1 and "缺少列“1000米跑”" in stderr and "第 2 行" in stderr
    header = [h for h in HEADER if h != "学籍号"]
    source = workbook(tmp_path / "缺学籍号.xlsx", [], header=header)
    code, _, stderr = run(capsys, "fitness", "score", str(source), "--out", str(tmp_path / "o.xlsx"))
    assert code == 1 and "缺少列：学籍号" in stderr


def test_cli_argument_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run(
        capsys, "fitness", "score", str(tmp_path / "x.xlsx"), "--out", str(tmp_path / "o.txt")
    )
    assert code == 1 and ".xlsx 或 .csv" in stderr
    code, _, stderr = run(
        capsys, "fitness", "score", str(tmp_path / "x.xlsx"), "--out", str(tmp_path / "o.csv")
    )
    assert code == 1 and "找不到文件" in stderr
    code, _, stderr = run(capsys, "fitness")
    assert code == 2 and "参数错误" in stderr


def test_exempt_column_and_exempt_cells(tmp_path: Path) -> None:
    header = [*HEADER, "免测"]
    rows = [
        [*GOOD_ROWS[0], "是"],
        [*GOOD_ROWS[1][:11], "免测", *GOOD_ROWS[1][12:], None],
        [*GOOD_ROWS[0][:3], "G7", *GOOD_ROWS[0][4:], "否"],
        [*GOOD_ROWS[0][:3], "G8", *GOOD_ROWS[0][4:], "因病（心脏）"],
    ]
    upload = read_upload(workbook(tmp_path / "免测.xlsx", rows, header=header))
    assert not upload.errors
    assert [r.record.exempt for r in upload.rows] == [True, True, False, True]  # type: ignore[union-attr]
    scored = score_upload(upload)
    level = scored.header.index("等级")
    assert [row[level] for row in scored.rows] == ["免测", "免测", "优秀", "免测"]
    notes = scored.header.index("备注")
    assert "免测" in scored.rows[1][notes] and "免予执行" in scored.rows[1][notes]


def test_reader_details(tmp_path: Path) -> None:
    rows = [
        [*GOOD_ROWS[1][:18], "3分50秒", *GOOD_ROWS[1][19:]],  # 中文分秒
        [
            *GOOD_ROWS[1][:3],
            "G6",
            *GOOD_ROWS[1][4:8],
            175.123,
            *GOOD_ROWS[1][9:18],
            "230秒",
            *GOOD_ROWS[1][19:],
        ],
        [*GOOD_ROWS[0][:3], "G7", *GOOD_ROWS[0][4:17], 5, *GOOD_ROWS[0][18:]],  # 一年级 with a pull-up result
        [*GOOD_ROWS[0][:3], "G8", *GOOD_ROWS[0][4:13], "缺测", *GOOD_ROWS[0][14:20], 2.0, 5.5],
    ]
    upload = read_upload(workbook(tmp_path / "细节.xlsx", rows))
    assert not upload.errors
    first, second, third, fourth = upload.rows
    assert first.record.run_1000m == Decimal(230) and "中文分秒" in first.formats["run_1000m"]  # type: ignore[union-attr]
    assert second.record.height == Decimal("175.12") and any("175.12" in n for n in second.notes)  # type: ignore[union-attr]
    assert third.record.pull_up is None and any("不测" in n for n in third.notes)  # type: ignore[union-attr]
    assert fourth.record.rope_skip_1min is None  # type: ignore[union-attr]
    warnings = [p for p in upload.warnings if p.row == 5]
    assert {p.header for p in warnings} == {"左眼裸眼视力", "右眼裸眼视力"}
    scored = score_upload(upload)
    notes = scored.header.index("备注")
    assert "一分钟跳绳：未测" in scored.rows[3][notes]


def test_records_carry_flags_and_missing_cells(tmp_path: Path) -> None:
    upload = read_upload(workbook(tmp_path / "f.xlsx", [GOOD_ROWS[2]]))
    record = upload.rows[0].record
    assert record is not None and record.pull_up == 0
    assert record.flagged == {"run_1000m"}  # ambiguous 3.50; 1.85 is passed on and flagged by range
    result = score_student(record)
    assert result.item("pull_up").status == ItemStatus.MISSING
    assert result.item("standing_long_jump").status == ItemStatus.FLAGGED
    assert result.item("run_1000m").status == ItemStatus.FLAGGED  # ambiguous 3.50: flagged by the reader
