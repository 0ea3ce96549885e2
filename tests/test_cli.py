"""The ``tisheng`` command line: help, Chinese errors on stderr with a non-zero exit, users, tokens."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from tests.conftest import World
from tisheng.cli import build_parser, main
from tisheng.core.models import ApiToken, ChangeRecord, User


def run(
    capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | None = None, monkeypatch=None
) -> tuple[int, str, str]:
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse exits on --help and on wrong arguments
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_every_command(capsys) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    commands = {
        "demo",
        "serve",
        "migrate",
        "createuser",
        "token",
        "departments",
        "import",
        "datasets",
        "template",
        "compute",
        "indicators",
        "catalogue",
        "fitness",
        "plan",
        "supervision",
        "report",
        "manage",
    }
    for command in commands:
        assert command in out
    parser_commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert parser_commands == commands


def test_wrong_arguments_exit_2_in_chinese(capsys) -> None:
    code, _, err = run(capsys, "serve", "--port", "abc")
    assert code == 2
    assert "参数错误" in err


def test_console_script_is_installed_and_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tisheng", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout.startswith("tisheng ")


@pytest.mark.django_db
def test_createuser_with_scope(capsys, monkeypatch, world: World) -> None:
    code, _out, err = run(
        capsys,
        "createuser", "wang", "--role", "principal", "--school", world.school_a.code, "--full-name", "王老师",
        "--password-stdin", stdin="Strong-Password-2025\n", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    user = User.objects.get(username="wang")
    assert user.school == world.school_a and user.check_password("Strong-Password-2025")
    assert ChangeRecord.objects.for_object(user).get().source == "cli"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["createuser", "x1", "--role", "boss", "--password-stdin"], "Strong-Password-2025\n", "角色"),
        (["createuser", "x2", "--role", "principal", "--password-stdin"], "Strong-Password-2025\n", "校长"),
        (
            ["createuser", "x3", "--role", "principal", "--school", "9999999999", "--password-stdin"],
            "x\n",
            "找不到学校",
        ),
        (["createuser", "x4", "--role", "leader", "--password-stdin"], "123\n", "密码"),
        (["createuser", "admin", "--role", "leader", "--password-stdin"], "Strong-Password-2025\n", "已存在"),
        (["token", "create", "nobody"], None, "找不到用户"),
    ],
)
def test_errors_are_chinese_on_stderr_with_exit_1(
    capsys, monkeypatch, world: World, argv, stdin, message
) -> None:
    before = User.objects.count()
    code, _out, err = run(capsys, *argv, stdin=stdin, monkeypatch=monkeypatch)
    assert code == 1
    assert err.startswith("错误：") and message in err
    assert "Traceback" not in err
    assert User.objects.count() == before


@pytest.mark.django_db
def test_token_create_list_revoke(capsys, world: World) -> None:
    code, out, _ = run(capsys, "token", "create", "principal_a", "--name", "报表脚本", "--days", "30")
    assert code == 0
    key = out.strip().splitlines()[-1]
    assert key.startswith("ts_")
    assert ApiToken.authenticate(key) == world.users["principal_a"]
    assert key not in str(
        list(ChangeRecord.objects.values_list("after", flat=True))
    )  # only the hash is stored
    code, out, _ = run(capsys, "token", "list", "principal_a")
    assert "报表脚本" in out
    prefix = key[:11]
    code, out, _ = run(capsys, "token", "revoke", "principal_a", prefix)
    assert code == 0
    assert ApiToken.authenticate(key) is None


@pytest.mark.django_db
def test_departments_lists_codes(capsys, world: World) -> None:
    code, out, _ = run(capsys, "departments")
    assert code == 0 and "finance\t财政局" in out


@pytest.mark.django_db
def test_import_commits_a_valid_file_and_reports_counts(capsys, world: World, tmp_path) -> None:
    from tests.intake.conftest import CLASS_HEADER, xlsx
    from tisheng.census.models import SchoolClass

    path = tmp_path / "班级.xlsx"
    path.write_bytes(
        xlsx("班级", CLASS_HEADER, [["2164010501", "一年级", 1, 40], ["2164010501", "一年级", 2, 38]])
    )
    code, out, err = run(capsys, "import", str(path), "--year", "2025", "--dry-run")
    assert code == 0, err
    assert "新增 2 条" in out and "只检查不入库" in out
    assert not SchoolClass.objects.exists()
    code, out, err = run(
        capsys, "import", str(path), "--user", "clerk_a"
    )  # dataset guessed from the sheet name
    assert code == 0, err
    assert "已入库" in out
    assert SchoolClass.objects.count() == 2
    assert ChangeRecord.objects.filter(content_type__model="schoolclass", source="cli").count() == 2


@pytest.mark.django_db
def test_import_errors_exit_1_and_write_nothing(capsys, world: World, tmp_path) -> None:
    from tests.intake.conftest import CLASS_HEADER, xlsx
    from tisheng.census.models import SchoolClass

    path = tmp_path / "班级.xlsx"
    path.write_bytes(xlsx("班级", CLASS_HEADER, [["2164010501", "一年级", 1, "四十"]]))
    code, _out, err = run(capsys, "import", str(path), "--dataset", "classes")
    assert code == 1
    assert "第 2 行，D 列（班额）" in err and "没有写入任何数据" in err
    assert not SchoolClass.objects.exists()
    code, _out, err = run(capsys, "import", str(tmp_path / "missing.xlsx"))
    assert code == 1 and "找不到文件" in err


@pytest.mark.django_db
def test_template_then_import_round_trip(capsys, world: World, tmp_path) -> None:
    import openpyxl

    from tisheng.census.models import SchoolClass

    out = tmp_path / "班级表.xlsx"
    code, _stdout, err = run(
        capsys, "template", "classes", "--out", str(out), "--school", world.school_a.code
    )
    assert code == 0, err
    book = openpyxl.load_workbook(out)
    assert "填写说明" in book.sheetnames
    sheet = book["班级"]
    assert [c.value for c in sheet[1]][:4] == ["学校标识码", "年级", "班号", "班额"]
    sheet["B2"], sheet["C2"], sheet["D2"] = "一年级", 1, 42
    book.save(out)
    code, _stdout, err = run(capsys, "import", str(out), "--user", "clerk_a")
    assert code == 0, err
    assert SchoolClass.objects.get().student_count == 42
    code, _out, err = run(capsys, "template", "nothing", "--out", str(out))
    assert code == 1 and "未知的数据集" in err
