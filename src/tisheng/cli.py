"""The ``tisheng`` command line. Every command uses the database that ``DATABASE_URL`` names.

Errors are written to stderr in Chinese and the exit status is non-zero: 1 for a failed command, 2 for
wrong arguments (argparse's convention).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from tisheng import __version__

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A failure to report to the user in Chinese (no traceback)."""


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 参数错误：{message}\n（运行 {self.prog} --help 查看用法）\n")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tisheng.config.settings")
    import django
    from django.conf import settings
    from django.utils import translation

    django.setup()
    translation.activate(settings.LANGUAGE_CODE)  # messages from models and validators in Chinese


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def database_label() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"SQLite {settings['NAME']}"
    return (
        f"PostgreSQL {settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}/{settings['NAME']}"
    )


# --- commands -----------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from tisheng.demo.generator import format_summary, generate
    from tisheng.demo.registry import DemoError

    print(f"数据库：{database_label()}")
    print("[1/4] 建立数据库结构（迁移）…")
    migrate()
    print(f"[2/4] 生成演示区县数据（种子 {args.seed}）…")
    try:
        summary = generate(args.seed, reset=args.reset, progress=lambda step: print(f"      · {step}"))
    except DemoError as exc:
        raise CliError(str(exc)) from None
    print("[3/4] 计算各学年的全部指标…")
    from tisheng.indicators.choices import RunTrigger
    from tisheng.indicators.services import compute_all

    for run in compute_all(trigger=RunTrigger.DEMO):
        print(f"      · {run.academic_year}：{run.value_count} 个指标值（{run.seconds:.1f} 秒）")
    print("      · 按当前学年的指标值和行动方案进度生成预警…")
    import datetime as dt

    from tisheng.core.audit import acting_as
    from tisheng.core.choices import ChangeSource
    from tisheng.core.models import AcademicYear
    from tisheng.supervision.plan_rules import raise_all_warnings

    current = AcademicYear.objects.order_by("-is_current", "-start_year").first()
    with acting_as(None, ChangeSource.SYSTEM):
        raised = raise_all_warnings(current.start_year if current else 0, dt.date.today())
    print(f"      · 预警 {raised.total} 条")
    from tisheng.supervision.evaluation import evaluate_year, systems

    with acting_as(None, ChangeSource.SYSTEM):
        evaluated = evaluate_year(current.start_year if current else 0, systems())
    print(
        f"      · 学校办学质量评价：{sum(evaluated.created.values()) + sum(evaluated.changed.values())} 所学校"
    )
    print()
    print(format_summary(summary))
    print()
    if args.no_serve:
        return 0
    print(f"[4/4] 启动网站：http://{args.host}:{args.port}/  （按 Ctrl+C 停止）")
    return serve(args.host, args.port, args.threads)


def cmd_serve(args: argparse.Namespace) -> int:
    migrate()
    print(f"数据库：{database_label()}")
    print(f"网站地址：http://{args.host}:{args.port}/  （按 Ctrl+C 停止）")
    return serve(args.host, args.port, args.threads)


def serve(host: str, port: int, threads: int) -> int:
    import waitress

    import tisheng.indicators.engine.measures  # noqa: F401  (load Ibis/DuckDB now, not on the first request)
    from tisheng.config.wsgi import application
    from tisheng.indicators.services import fail_interrupted as fail_interrupted_runs
    from tisheng.intake.services import fail_interrupted

    fail_interrupted_runs()  # computations cut off by the last stop can never finish either
    interrupted = fail_interrupted()  # imports cut off by the last stop can never finish
    if interrupted:
        print(f"上次停止时有 {interrupted} 个导入批次未完成，已标记为“处理失败”，请重新上传。")

    try:
        waitress.serve(application, host=host, port=port, threads=threads, ident="tisheng")
    except OSError as exc:
        raise CliError(
            f"无法在 {host}:{port} 启动网站：{exc.strerror or exc}。端口可能已被占用，请用 --port 换一个端口。"
        ) from exc
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    print(f"数据库：{database_label()}")
    migrate(verbosity=1)
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from tisheng.core.audit import acting_as
    from tisheng.core.choices import ChangeSource, Role
    from tisheng.core.models import Department, School, User

    if args.role not in Role.values:
        raise CliError(f"角色 {args.role!r} 无效，可选：{'、'.join(f'{r.value}（{r.label}）' for r in Role)}")
    if User.objects.filter(username=args.username).exists():
        raise CliError(f"用户名 {args.username} 已存在")
    scope: dict[str, Any] = {}
    if args.school:
        school = School.objects.filter(code=args.school).first()
        if school is None:
            raise CliError(f"找不到学校标识码为 {args.school} 的学校")
        scope["school"] = school
    if args.department:
        department = Department.objects.filter(code=args.department).first()
        if department is None:
            raise CliError(f"找不到代码为 {args.department} 的部门（可用 tisheng departments 查看代码）")
        scope["department"] = department
    password = read_password(args.password_stdin)
    user = User(username=args.username, role=args.role, full_name=args.full_name or "", **scope)
    if args.role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
    try:
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
    except ValidationError as exc:
        raise CliError("无法创建用户：" + "；".join(exc.messages)) from exc
    with transaction.atomic(), acting_as(None, ChangeSource.CLI):
        user.save()
    print(f"已创建用户 {user.username}（{user.get_role_display()}，范围：{user.scope_label}）")
    return 0


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再次输入密码：") != password:
            raise CliError("两次输入的密码不一致")
    if not password:
        raise CliError("密码不能为空")
    return password


def cmd_token(args: argparse.Namespace) -> int:
    from tisheng.core.audit import acting_as
    from tisheng.core.choices import ChangeSource
    from tisheng.core.models import ApiToken, User

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise CliError(f"找不到用户 {args.username}")
    if args.action == "create":
        with acting_as(None, ChangeSource.CLI):
            token, key = ApiToken.issue(user, args.name, days=args.days)
        print(f"已为 {user.username} 创建 API 令牌“{token.name}”。令牌只显示这一次，请妥善保存：")
        print(key)
        return 0
    tokens = ApiToken.objects.filter(user=user)
    if args.action == "list":
        for t in tokens:
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "从未使用"
            expires = f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "长期有效"
            print(f"{t.prefix}…\t{t.name}\t最近使用：{used}\t到期：{expires}")
        if not tokens:
            print(f"{user.username} 没有 API 令牌")
        return 0
    doomed = tokens.filter(prefix=args.prefix)
    if not doomed.exists():
        raise CliError(f"{user.username} 没有以 {args.prefix} 开头的令牌")
    with acting_as(None, ChangeSource.CLI):
        for t in doomed:
            t.delete()
    print(f"已吊销 {user.username} 的令牌 {args.prefix}…")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tisheng.core.choices import ChangeSource
    from tisheng.core.models import AcademicYear
    from tisheng.intake import services
    from tisheng.intake.choices import BatchStatus
    from tisheng.intake.datasets import registry

    paths = [Path(p) for p in args.paths]
    for path in paths:
        if not path.is_file():
            raise CliError(f"找不到文件 {path}")
    dataset = args.dataset or guess_dataset(paths)
    spec = registry.get(dataset)
    if spec is None:
        raise CliError(
            f"未知的数据集“{dataset}”，可选：{'、'.join(registry.names())}（tisheng datasets 查看说明）"
        )
    year = None
    if spec.per_year:
        years = AcademicYear.objects.all()
        year = (
            years.filter(start_year=args.year).first() if args.year else years.filter(is_current=True).first()
        )
        if year is None:
            raise CliError(f"找不到学年 {args.year or '（当前学年）'}：请用 --year 指定，例如 --year 2025")
    user = import_user(args.user)
    uploads = [(p.name, p.read_bytes()) for p in paths]
    batch = services.create_batch(user, dataset, year, uploads, dry_run=args.dry_run)
    print(
        f"批次 #{batch.pk}：{spec.title}{f'，{year}' if year else ''}，{len(paths)} 个文件，操作人 {user.username}"
    )
    bar = ProgressBar()
    outcome = services.validate_batch(batch, bar.show)
    bar.done()
    batch.refresh_from_db()
    print_issues(batch.issues, outcome.error_count, outcome.warning_count)
    if not outcome.ok:
        print(f"有 {outcome.error_count} 个错误，没有写入任何数据。请改正后重新导入。", file=sys.stderr)
        return 1
    print(
        f"比对结果：新增 {batch.added} 条，修改 {batch.changed} 条，删除 {batch.removed} 条，不变 {batch.unchanged} 条"
    )
    if args.dry_run:
        print("（只检查不入库：没有写入任何数据）")
        return 0
    services.commit_batch(batch, user, ChangeSource.CLI, bar.show)
    bar.done()
    batch.refresh_from_db()
    if batch.status != BatchStatus.COMMITTED:
        print_issues(batch.issues, batch.issue_count, batch.warning_count)
        raise CliError("入库前复核发现问题，没有写入任何数据")
    print(f"已入库（批次 #{batch.pk}）。")
    return 0


def import_user(username: str | None) -> Any:
    from tisheng.core.choices import Role
    from tisheng.core.models import User

    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CliError(f"找不到用户 {username}")
        return user
    admins = list(User.objects.filter(role=Role.ADMIN, is_active=True)[:2])
    if len(admins) != 1:
        raise CliError("请用 --user 指定以哪个账号导入（导入记录在该账号名下）")
    return admins[0]


def guess_dataset(paths: list[Any]) -> str:
    from tisheng.intake import reader
    from tisheng.intake.datasets import registry

    try:
        names = {s.name for s in reader.read(paths[0])}
    except reader.ReadError as exc:
        raise CliError(f"{exc}。{exc.hint}") from None
    found = [d.name for d in registry.all() if d.sheet in names]
    if len(found) != 1:
        raise CliError("无法从工作表名称判断数据集，请用 --dataset 指定（tisheng datasets 查看可选的数据集）")
    return found[0]


class ProgressBar:
    """A one-line progress bar on stderr (only on a terminal)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = ""

    def show(self, percent: int, message: str) -> None:
        if not self.tty:
            return
        filled = percent // 5
        line = f"\r[{'#' * filled}{'.' * (20 - filled)}] {percent:3d}% {message}"
        sys.stderr.write(line.ljust(len(self.last)))
        sys.stderr.flush()
        self.last = line

    def done(self) -> None:
        if self.tty and self.last:
            sys.stderr.write("\n")
            self.last = ""


def print_issues(issues: list[dict[str, Any]], errors: int, warnings: int, limit: int = 200) -> None:
    if not issues:
        return
    print(f"发现 {errors} 个错误、{warnings} 个提示：", file=sys.stderr)
    ordered = sorted(issues, key=lambda i: i["severity"] != "error")
    for issue in ordered[:limit]:
        kind = "错误" if issue["severity"] == "error" else "提示"
        value = f"（值：“{issue['value']}”）" if issue.get("value") else ""
        hint = f" —— {issue['hint']}" if issue.get("hint") else ""
        print(f"  [{kind}] {issue['where']}：{issue['message']}{value}{hint}", file=sys.stderr)
    hidden = errors + warnings - min(len(ordered), limit)
    if hidden > 0:
        print(f"  …还有 {hidden} 条未列出", file=sys.stderr)


def cmd_template(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tisheng.core.models import AcademicYear, School
    from tisheng.intake.datasets import registry
    from tisheng.intake.template_builder import build_template

    spec = registry.get(args.name)
    if spec is None:
        raise CliError(f"未知的数据集“{args.name}”，可选：{'、'.join(registry.names())}")
    school = None
    if args.school:
        school = School.objects.filter(code=args.school).first()
        if school is None:
            raise CliError(f"找不到学校标识码为 {args.school} 的学校")
    year = AcademicYear.objects.filter(start_year=args.year).first() if args.year else None
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise CliError("模板是 Excel 文件：--out 请以 .xlsx 结尾")
    out.write_bytes(build_template(spec, school, year=year))
    print(f"已生成“{spec.title}”模板：{out}（填写说明见工作表“填写说明”）")
    return 0


def cmd_datasets(args: argparse.Namespace) -> int:
    from tisheng.intake.datasets import registry

    for spec in registry.all():
        scope = "学校" if spec.per_school else "全区"
        period = "按学年" if spec.per_year else "不分学年"
        print(f"{spec.name}\t{spec.title}\t工作表“{spec.sheet}”\t{scope}，{period}")
    return 0


def cmd_compute(args: argparse.Namespace) -> int:
    from tisheng.core.models import AcademicYear
    from tisheng.indicators import services
    from tisheng.indicators.models import IndicatorRun

    years = AcademicYear.objects.order_by("start_year")
    if args.year:
        years = years.filter(start_year=args.year)
        if not years.exists():
            raise CliError(
                f"找不到 {args.year} 学年（已有：{'、'.join(str(y.start_year) for y in AcademicYear.objects.all())}）"
            )
    if not years.exists():
        raise CliError("数据库中还没有学年：请先运行 tisheng demo 或导入数据")
    if args.verify:
        failed = 0
        for year in years:
            run = IndicatorRun.objects.filter(academic_year=year, is_current=True).first()
            if run is None:
                print(f"{year}：还没有计算结果")
                failed += 1
                continue
            differences = services.verify(run, args.backend)
            if differences:
                failed += 1
                print(f"{year}：复算与保存的结果不一致（{len(differences)} 处）：", file=sys.stderr)
                for line in differences[:20]:
                    print(f"  {line}", file=sys.stderr)
            else:
                print(f"{year}：复算一致（快照 {run.snapshot_id}，{run.value_count} 个指标值）")
        return 1 if failed else 0
    bar = ProgressBar()
    for year in years:
        try:
            run = services.compute_year(year, backend_name=args.backend, progress=bar.show)
        except services.ComputeError as exc:
            bar.done()
            raise CliError(str(exc)) from None
        bar.done()
        print(
            f"{year}：{run.value_count} 个指标值，快照 {run.snapshot_id}，{run.backend}，用时 {run.seconds:.2f} 秒"
        )
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    import csv
    import json

    from tisheng.indicators import present, services
    from tisheng.indicators.catalogue import catalogue
    from tisheng.indicators.models import IndicatorValue

    definitions = catalogue()
    if args.id and args.id not in definitions:
        close = [i for i in definitions if args.id in i][:5]
        raise CliError(
            f"未知的指标 {args.id}"
            + (f"，是否是：{'、'.join(close)}" if close else "（tisheng catalogue 查看）")
        )
    values = IndicatorValue.objects.current().select_related("academic_year", "run")
    if args.year:
        values = values.filter(academic_year__start_year=args.year)
    if args.level:
        values = values.filter(level=args.level)
    if args.id:
        values = values.filter(indicator=args.id)
    if args.stage is not None:
        values = values.filter(stage=args.stage)
    values = values.order_by(
        "academic_year__start_year", "indicator", "level", "org_code", "stage", "breakdown"
    )
    if not values.exists():
        raise CliError("没有符合条件的指标值：请先运行 tisheng compute")
    overrides = {}
    records = []
    names = services.org_names()
    for v in values.iterator(chunk_size=2000):
        d = definitions[v.indicator]
        overrides = v.run.overrides
        org_name = names.get(v.org_code, v.org_code)
        # an export leaves the school: a small group's value is withheld (present.is_suppressed)
        hidden = present.is_suppressed(d, v, None)
        records.append(
            {
                "year": v.academic_year.start_year,
                "indicator": v.indicator,
                "name": d.name_zh,
                "level": v.level,
                "org_code": v.org_code,
                "org_name": org_name,
                "stage": v.stage,
                "breakdown": v.breakdown,
                "value": None if v.value is None or hidden else str(present.rounded(d, v.value)),
                "value_exact": None if v.value is None or hidden else str(present.plain(v.value)),
                "unit": d.unit_zh,
                "numerator": None if hidden else str(present.plain(v.numerator)),
                "denominator": None if v.denominator is None else str(present.plain(v.denominator)),
                "threshold": present.threshold_text(d, v.stage, overrides),
                "met": None if hidden else v.met,
                "suppressed": present.suppression_text(d, v) if hidden else "",
                "verified": d.is_verified,
                "rows": v.rows,
                "definition_version": v.definition_version,
                "snapshot": v.run.snapshot_id,
                "detail": v.detail,
            }
        )
    if args.format == "json":
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    else:
        met_text = {True: "达标", False: "未达标", None: ""}
        for r in records:
            flag = "" if r["verified"] else "〔未核实〕"
            stage = present.stage_label(r["stage"]) if r["stage"] else ""
            part = present.breakdown_label(r["breakdown"]) if r["breakdown"] else ""
            value = "—" if r["value"] is None else f"{r['value']}{r['unit'] if r['unit'] == '%' else ''}"
            value = r["suppressed"] or value
            print(
                f"{r['year']}\t{r['name']}{flag}\t{present.level_label(r['level'])}\t{r['org_name']}\t{stage}\t{part}\t"
                f"{value}\t{r['threshold']}\t{met_text[r['met']]}"
            )
    return 0


def cmd_catalogue(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tisheng.indicators import present
    from tisheng.indicators.catalogue import catalogue

    definitions = list(catalogue().values())
    if args.docs:
        out = Path(args.docs)
        out.mkdir(parents=True, exist_ok=True)
        for d in definitions:
            (out / f"{d.id}.md").write_text(present.documentation(d), encoding="utf-8")
        (out / "README.md").write_text(present.index_page(definitions), encoding="utf-8")
        print(f"已生成 {len(definitions)} 个指标说明页：{out}/")
        return 0
    for d in definitions:
        flag = "" if d.is_verified else "〔未核实〕"
        print(f"{d.id}\t{d.name_zh}{flag}\t{d.group}\t{present.formula_text(d)}")
    return 0


def cmd_fitness_score(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tisheng.health import upload
    from tisheng.intake.reader import ReadError

    source, out = Path(args.path), Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise CliError("--out 请以 .xlsx 或 .csv 结尾")
    if not source.is_file():
        raise CliError(f"找不到文件 {source}")
    try:
        data = upload.read_upload(source)
    except ReadError as exc:
        raise CliError(f"{exc}。{exc.hint}") from None
    for problem in [*data.errors, *data.warnings][:200]:
        print(f"  {problem.text()}", file=sys.stderr)
    if len(data.problems) > 200:
        print(f"  …还有 {len(data.problems) - 200} 条未列出", file=sys.stderr)
    if data.errors:
        print(
            f"有 {len(data.errors)} 个错误（另有 {len(data.warnings)} 个提示），没有写出任何结果。请改正后重新运行。",
            file=sys.stderr,
        )
        return 1
    scored = upload.score_upload(data)
    upload.write_result(scored, out)
    summary = "、".join(f"{name} {count} 人" for name, count in scored.counts.items())
    print(f"已评分 {len(scored.rows)} 名学生（{summary}），{len(data.warnings)} 个提示；结果：{out}")
    return 0


def cmd_fitness_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tisheng.core.models import AcademicYear, School, User
    from tisheng.health import export

    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise CliError("输出文件请以 .xlsx 或 .csv 结尾")
    school = School.objects.filter(code=args.school).first()
    if school is None:
        raise CliError(f"找不到学校标识码为 {args.school} 的学校")
    year = AcademicYear.objects.filter(start_year=args.year).first()
    if year is None:
        raise CliError(f"找不到学年 {args.year}：请用 --year 指定学年的起始年份，例如 --year 2025")
    user = User.objects.filter(username=args.user, is_active=True).first()
    if user is None:
        raise CliError(f"找不到用户 {args.user}")
    tests = export.school_tests(user, school, year)
    if not tests:
        raise CliError(
            f"没有可导出的体测成绩：{school.name}{year}没有记录，或账号 {user.username} 无权查看"
            "（学生的体测成绩只有本校的校长、学校填报员账号可以查看和导出）"
        )
    export.write_upload(tests, out)
    print(f"已导出{school.name}{year} {len(tests)} 名学生的体测成绩（国家学生体质健康数据上报格式）：{out}")
    return 0


def print_plan_problems(exc: Any) -> None:
    print(f"方案文件有 {len(exc.problems)} 处问题，未导入任何内容：", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)


def cmd_plan_check(args: argparse.Namespace) -> int:
    from tisheng.plan.planfile import PlanFileError, read_plan_file

    try:
        plan = read_plan_file(args.path)
    except PlanFileError as exc:
        print_plan_problems(exc)
        return 1
    commitments = plan.all_commitments()
    print(
        f"检查通过：{args.path}：{plan.name}（{plan.start_year}—{plan.end_year}），"
        f"{len(plan.goals)} 个目标、{len(plan.projects)} 个工程、{len(plan.tasks)} 项任务、"
        f"{len(plan.departments)} 个部门、{len(commitments)} 条承诺。"
    )
    return 0


def cmd_plan_load(args: argparse.Namespace) -> int:
    from tisheng.core.audit import acting_as
    from tisheng.core.choices import ChangeSource, Role
    from tisheng.core.models import User
    from tisheng.plan.loader import load_plan
    from tisheng.plan.planfile import PlanFileError, read_plan_file

    user = None
    if args.user:
        user = User.objects.filter(username=args.user, is_active=True).first()
        if user is None:
            raise CliError(f"找不到用户 {args.user}")
        if user.role != Role.ADMIN:
            raise CliError(f"用户 {args.user} 不是区管理员：只有区管理员可以导入行动方案")
    try:
        plan = read_plan_file(args.path)
        with acting_as(user, ChangeSource.CLI):
            result = load_plan(plan)
    except PlanFileError as exc:
        print_plan_problems(exc)
        return 1

    def counted(counter: Any) -> int:
        return sum(counter.values())

    print(
        f"已导入：{result.plan.name}（{result.plan.code}）：新建 {counted(result.created)} 行，"
        f"更新 {counted(result.updated)} 行，删除 {counted(result.deleted)} 行。"
    )
    if result.new_departments:
        print(f"新建的部门：{'、'.join(result.new_departments)}")
    if not result.changed:
        print("数据库中的方案与文件一致，没有改动。")
    return 0


def cmd_supervision_warnings(args: argparse.Namespace) -> int:
    import datetime as dt

    from tisheng.core.audit import acting_as
    from tisheng.core.choices import ChangeSource
    from tisheng.supervision.choices import WarningKind
    from tisheng.supervision.plan_rules import raise_all_warnings

    with acting_as(None, ChangeSource.CLI):
        summary = raise_all_warnings(args.year, dt.date.today())
    if not summary.has_run:
        raise CliError(
            f"{args.year}学年还没有当前的指标计算结果：请先运行 tisheng compute --year {args.year}"
        )
    print(
        f"{args.year}学年按当前指标值生成预警：新建 {sum(summary.created.values())} 条，"
        f"更新 {sum(summary.updated.values())} 条。"
    )
    for kind in WarningKind:
        if summary.created[kind] or summary.updated[kind]:
            print(f"  {kind.label}：新建 {summary.created[kind]}，更新 {summary.updated[kind]}")
    return 0


def _today(text: str | None) -> Any:
    """``--today`` as a date (YYYY-MM-DD), or today in the district's time zone."""
    import datetime as dt

    from django.utils import timezone

    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"日期“{text}”格式不对，请写成 YYYY-MM-DD，例如 2025-11-01") from None


def cmd_supervision_escalate(args: argparse.Namespace) -> int:
    from tisheng.core.audit import acting_as
    from tisheng.core.choices import ChangeSource
    from tisheng.supervision.services import escalate

    today = _today(args.today)
    with acting_as(None, ChangeSource.CLI):
        result = escalate(today)
    print(f"{today:%Y-%m-%d} 逐级问责：执行 {len(result.steps)} 项。")
    for step in result.steps:
        print(f"  {step.get_level_display()}：{step.reason}")
    return 0


def cmd_supervision_evaluate(args: argparse.Namespace) -> int:
    from tisheng.core.audit import acting_as
    from tisheng.core.choices import ChangeSource
    from tisheng.supervision.evaluation import EvaluationSystemError, evaluate_year, systems

    try:
        active = systems()
    except EvaluationSystemError as exc:
        raise CliError(str(exc)) from None
    with acting_as(None, ChangeSource.CLI):
        summary = evaluate_year(args.year, active)
    if not summary.has_run:
        raise CliError(
            f"{args.year}学年还没有当前的指标计算结果：请先运行 tisheng compute --year {args.year}"
        )
    print(f"{args.year}学年按当前指标值评价学校（只公示等级，不公示分数和排名）：")
    for code, system in active.items():
        created, changed = summary.created.get(code, 0), summary.changed.get(code, 0)
        unchanged, no_band = summary.unchanged.get(code, 0), summary.without_band.get(code, 0)
        print(
            f"  {system.title}：新建 {created}，更新 {changed}，未变 {unchanged}；"
            f"其中数据不足未评等级 {no_band}"
        )
    return 0


def cmd_report_bulletin(args: argparse.Namespace) -> int:
    from tisheng.plan.models import Plan
    from tisheng.reports.bulletin import build_bulletin, bulletin_period, bulletin_title

    today = _today(args.today)
    plan = Plan.objects.filter(code=args.plan).first()
    if plan is None:
        codes = (
            "、".join(Plan.objects.order_by("code").values_list("code", flat=True))
            or "（还没有导入任何方案）"
        )
        raise CliError(f"找不到代码为“{args.plan}”的行动方案。已有的方案：{codes}")
    out = _document_out(args.out, ".docx")
    out.write_bytes(build_bulletin(plan, today=today))
    print(f"已生成：{out}（{bulletin_title(plan, bulletin_period(plan, today))}，截至{today:%Y-%m-%d}）")
    return 0


def _document_out(path: str, suffix: str) -> Any:
    from pathlib import Path

    out = Path(path)
    if out.suffix.lower() != suffix:
        raise CliError(f"输出文件“{out}”应以 {suffix} 结尾")
    if not out.parent.is_dir():
        raise CliError(f"输出目录“{out.parent}”不存在")
    return out


def cmd_report_annual(args: argparse.Namespace) -> int:
    import time

    from tisheng.reports import images
    from tisheng.reports.annual import annual_title, build_annual_report
    from tisheng.reports.figures import ReportError, the_district

    out = _document_out(args.out, ".docx")
    if images.cjk_font() is None:
        print("警告：没有找到中文字体，报告中图表的中文将无法显示（请安装 fonts-noto-cjk）", file=sys.stderr)
    started = time.perf_counter()
    try:
        content = build_annual_report(args.year)
        title = annual_title(the_district(), args.year)
    except ReportError as exc:
        raise CliError(str(exc)) from None
    out.write_bytes(content)
    print(f"已生成：{out}（{title}，用时{time.perf_counter() - started:.1f}秒）")
    return 0


def cmd_report_selfassess(args: argparse.Namespace) -> int:
    from tisheng.reports.figures import ReportError
    from tisheng.reports.selfassess import build_selfassessment, selfassess_title

    out = _document_out(args.out, ".xlsx")
    try:
        content = build_selfassessment(args.year)
    except ReportError as exc:
        raise CliError(str(exc)) from None
    out.write_bytes(content)
    print(f"已生成：{out}（{selfassess_title(args.year)}）")
    return 0


def cmd_departments(args: argparse.Namespace) -> int:
    from tisheng.core.models import Department

    for d in Department.objects.all():
        print(f"{d.code}\t{d.short_name}\t{d.name}")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tisheng manage", *args.rest])
    return 0


# --- parser -------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="tisheng",
        description="提升 tisheng：区县基础教育质量提升行动的数据平台。所有命令使用 DATABASE_URL 指定的数据库"
        "（缺省为数据目录下的 SQLite 文件）。",
    )
    parser.add_argument("--version", action="version", version=f"tisheng {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    demo = add("demo", cmd_demo, "生成确定性的演示区县（西夏区规模）、打印演示账号，并启动网站")
    demo.add_argument(
        "--seed", type=int, default=2025, help="随机种子（缺省 2025；同一种子生成完全相同的数据）"
    )
    demo.add_argument("--reset", action="store_true", help="先清空数据库中已有的数据再生成")
    demo.add_argument("--no-serve", action="store_true", help="只生成数据，不启动网站")
    add_serve_options(demo)

    serve_parser = add("serve", cmd_serve, "启动网站（先自动完成数据库迁移）")
    add_serve_options(serve_parser)

    add("migrate", cmd_migrate, "建立或升级数据库结构")

    createuser = add(
        "createuser", cmd_createuser, "创建用户账号（密码从终端输入，或用 --password-stdin 从标准输入读取）"
    )
    createuser.add_argument("username", help="用户名")
    createuser.add_argument(
        "--role", required=True, help="角色：admin、inspector、leader、department、principal、clerk"
    )
    createuser.add_argument("--school", help="学校标识码（校长、学校填报员必填）")
    createuser.add_argument("--department", help="部门代码（部门用户必填）")
    createuser.add_argument("--full-name", help="姓名")
    createuser.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（用于脚本）")

    token = add("token", cmd_token, "管理 API 令牌（脚本调用 API 时使用 Authorization: Bearer 令牌）")
    token_sub = token.add_subparsers(
        dest="action", required=True, metavar="操作", parser_class=ChineseArgumentParser
    )
    create = token_sub.add_parser("create", help="创建令牌（只显示一次）")
    create.add_argument("username")
    create.add_argument("--name", default="script", help="令牌名称")
    create.add_argument("--days", type=int, help="有效天数（缺省长期有效）")
    listing = token_sub.add_parser("list", help="列出用户的令牌")
    listing.add_argument("username")
    revoke = token_sub.add_parser("revoke", help="吊销令牌")
    revoke.add_argument("username")
    revoke.add_argument("prefix", help="令牌前缀（tisheng token list 显示的前 11 位）")

    add("departments", cmd_departments, "列出部门及其代码")

    importer = add(
        "import",
        cmd_import,
        "导入 Excel/CSV 数据文件：检查、比对，无错误时整批入库（有任何错误则什么也不写）",
    )
    importer.add_argument(
        "paths", nargs="+", metavar="文件", help="一个或多个 .xlsx/.xls/.csv 文件（同一批次）"
    )
    importer.add_argument("--dataset", help="数据集名称（缺省按工作表名称判断；tisheng datasets 查看）")
    importer.add_argument(
        "--year", type=int, help="学年的起始年份，例如 2025 表示 2025—2026 学年（缺省为当前学年）"
    )
    importer.add_argument("--dry-run", action="store_true", help="只检查、不入库")
    importer.add_argument("--user", help="以哪个账号导入（缺省为唯一的区管理员）")

    add("datasets", cmd_datasets, "列出可以导入的数据集")

    template = add("template", cmd_template, "生成某个数据集的 Excel 填报模板（含填写说明和下拉选项）")
    template.add_argument("name", help="数据集名称（tisheng datasets 查看）")
    template.add_argument("--out", required=True, help="输出文件，例如 班级表.xlsx")
    template.add_argument("--school", help="学校标识码：预先填入模板")
    template.add_argument("--year", type=int, help="学年起始年份：写入统计时点说明")

    compute = add("compute", cmd_compute, "冻结学年数据快照并计算全部指标（各层级），结果保存为当前值")
    compute.add_argument("--year", type=int, help="只计算该学年（起始年份，如 2025）；缺省计算所有学年")
    compute.add_argument("--backend", choices=["duckdb", "pyspark"], help="计算后端（缺省 duckdb）")
    compute.add_argument("--verify", action="store_true", help="从保存的快照复算，核对与保存的结果是否一致")

    indicators = add("indicators", cmd_indicators, "输出已计算的指标值")
    indicators.add_argument("--year", type=int, help="学年起始年份（缺省为所有学年）")
    indicators.add_argument(
        "--level", choices=["school", "town", "district"], help="层级：学校、镇（街道）、区县"
    )
    indicators.add_argument(
        "--id", help="指标编号，例如 enrolment.preschool_gross_rate（tisheng catalogue 查看）"
    )
    indicators.add_argument(
        "--stage", help="学段：preschool、primary、junior、senior；空字符串表示全部学段合计"
    )
    indicators.add_argument(
        "--format", choices=["table", "json", "csv"], default="table", help="输出格式（缺省 table）"
    )

    catalogue_parser = add("catalogue", cmd_catalogue, "列出指标目录；--docs 生成每个指标的说明页")
    catalogue_parser.add_argument(
        "--docs", metavar="目录", help="把说明页（Markdown）写到该目录，例如 docs/indicators"
    )

    fitness = add("fitness", cmd_fitness_score, "体质健康测试：按《国家学生体质健康标准（2014年修订）》评分")
    fitness_sub = fitness.add_subparsers(
        dest="action", required=True, metavar="操作", parser_class=ChineseArgumentParser
    )
    fitness_score = fitness_sub.add_parser(
        "score",
        help="为国家体测数据上报格式的文件评分（不入库），输出各项得分、标准分、附加分、学年总分、等级和备注",
        description="为国家体测数据上报格式的文件评分（不入库）。有任何错误则不写出结果。",
    )
    fitness_score.add_argument(
        "path", metavar="文件", help="国家学生体质健康数据上报格式的 .xlsx/.xls/.csv 文件"
    )
    fitness_score.add_argument("--out", required=True, help="输出文件：.xlsx 或 .csv（按扩展名）")
    fitness_export = fitness_sub.add_parser(
        "export",
        help="把一所学校某学年已入库的体测成绩导出为国家体质健康数据上报格式的文件",
        description="把一所学校某学年已入库的体测成绩导出为国家学生体质健康数据上报格式（.xlsx 或 .csv）。"
        "学生成绩只有本校账号可以查看，请用 --user 指定本校的校长或学校填报员账号。",
    )
    fitness_export.add_argument("--school", required=True, help="学校标识码（10 位）")
    fitness_export.add_argument("--year", required=True, type=int, help="学年的起始年份，例如 2025")
    fitness_export.add_argument("--user", required=True, help="以哪个账号导出（须能查看该校学生成绩）")
    fitness_export.add_argument("out", metavar="输出文件", help="输出文件：.xlsx 或 .csv（按扩展名）")
    fitness_export.set_defaults(handler=cmd_fitness_export)

    plan = add(
        "plan", cmd_plan_check, "行动方案文件：检查（check）或导入（load）；格式见 docs/plan-format.md"
    )
    plan_sub = plan.add_subparsers(
        dest="action", required=True, metavar="操作", parser_class=ChineseArgumentParser
    )
    plan_check = plan_sub.add_parser(
        "check",
        help="只检查方案文件（不入库），列出全部问题（文件、行号、键和改法）",
        description="只检查方案文件，不读写数据库。有问题时逐条列出所在的行、键和改法。",
    )
    plan_check.add_argument("path", metavar="文件", help="方案文件（YAML），例如 xixia-2021-2025.yaml")
    plan_check.set_defaults(handler=cmd_plan_check)
    plan_load = plan_sub.add_parser(
        "load",
        help="检查并导入方案文件（一个事务：有任何问题则什么也不导入；重复导入同一文件只做更新）",
        description="检查并导入方案文件，全部在一个事务中完成：有任何问题则什么也不导入。"
        "重复导入同一文件只更新有变化的内容，不会重复；文件中没有的目标、任务、承诺会被删除。"
        "组织中没有的区县和部门会按文件新建。",
    )
    plan_load.add_argument("path", metavar="文件", help="方案文件（YAML）")
    plan_load.add_argument("--user", help="以哪个区管理员账号导入（记入变更记录；缺省记为 system）")
    plan_load.set_defaults(handler=cmd_plan_load)

    supervision = add(
        "supervision",
        cmd_supervision_warnings,
        "督导：按当前指标值生成预警（warnings）；整改逾期逐级问责（escalate）；学校年度评价（evaluate）",
    )
    supervision_sub = supervision.add_subparsers(
        dest="action", required=True, metavar="操作", parser_class=ChineseArgumentParser
    )
    warnings_parser = supervision_sub.add_parser(
        "warnings",
        help="按该学年当前的指标值和行动方案进度生成预警（超大班额、优质均衡未达标、体质健康优良率下降、数据缺报、承诺偏离、进度报告逾期）；重复运行只更新",
        description="按该学年当前的指标计算结果生成预警，发给相应学校；按行动方案各项承诺的状态和进度报告生成预警，发给牵头单位。同一预警重复生成只更新，不会重复；已处理的预警不再打开。",
    )
    warnings_parser.add_argument("--year", required=True, type=int, help="学年的起始年份，例如 2025")
    warnings_parser.set_defaults(handler=cmd_supervision_warnings)
    escalate_parser = supervision_sub.add_parser(
        "escalate",
        help="对逾期未提交整改材料的整改通知逐级问责（通报、约谈、亮红灯），每级只执行一次",
        description="对逾期未提交整改材料的整改通知逐级问责：通报、约谈、亮红灯。间隔天数见设置 "
        "TISHENG_ESCALATION_*；每级对同一整改通知只执行一次，重复运行不会重复问责。",
    )
    escalate_parser.add_argument("--today", help="按哪一天判断（YYYY-MM-DD；缺省为今天）")
    escalate_parser.set_defaults(handler=cmd_supervision_escalate)
    evaluate_parser = supervision_sub.add_parser(
        "evaluate",
        help="按该学年当前的指标值评价每所学校（办学质量评价、幼儿园保育教育质量评估），评定等级；重复运行只替换",
        description="按 supervision/systems 中的评价指标体系，用该学年当前的指标计算结果为每所学校计算各维度得分、"
        "总分和等级（缺数据的指标不计，其余权重按比例放大；数据覆盖率低于体系规定的不评等级）。"
        "重复运行替换该学年的结果，不会重复。公示只公布等级。",
    )
    evaluate_parser.add_argument("--year", required=True, type=int, help="学年的起始年份，例如 2025")
    evaluate_parser.set_defaults(handler=cmd_supervision_evaluate)

    report = add(
        "report",
        cmd_report_bulletin,
        "公文：行动方案进展情况通报（bulletin）、年度监测报告（annual，.docx）、优质均衡自评表（selfassess，.xlsx）",
    )
    report_sub = report.add_subparsers(
        dest="action", required=True, metavar="操作", parser_class=ChineseArgumentParser
    )
    bulletin_parser = report_sub.add_parser(
        "bulletin",
        help="生成行动方案进展情况通报（.docx）：总体进展、各项任务进展、亮红灯事项、进度报告报送情况、部门履职情况",
        description="按当前的指标值、进度报告和整改情况生成行动方案进展情况通报（Word 文档，A4，仿宋）。"
        "通报的季度为截至该日已到报送期限的最近一个季度。",
    )
    bulletin_parser.add_argument("--plan", required=True, help="方案代码，例如 xixia-2021-2025")
    bulletin_parser.add_argument("--out", required=True, help="输出文件（.docx）")
    bulletin_parser.add_argument("--today", help="按哪一天统计（YYYY-MM-DD；缺省为今天）")
    bulletin_parser.set_defaults(handler=cmd_report_bulletin)
    annual_parser = report_sub.add_parser(
        "annual",
        help="生成学年监测报告（.docx）：基本情况、主要指标完成情况、义务教育优质均衡、学生体质健康与视力、问题与建议、指标附录",
        description="按该学年当前的指标计算结果生成年度监测报告（Word 文档，A4，仿宋），图表为图片；"
        "附录列出指标目录的全部指标及其口径。小样本数值只显示“不予显示”。",
    )
    annual_parser.add_argument("--year", required=True, type=int, help="学年的起始年份，例如 2025")
    annual_parser.add_argument("--out", required=True, help="输出文件（.docx）")
    annual_parser.set_defaults(handler=cmd_report_annual)
    selfassess_parser = report_sub.add_parser(
        "selfassess",
        help="生成义务教育优质均衡自评表（.xlsx）：各校各学段7项资源配置指标与判定、差异系数、说明",
        description="按该学年当前的指标计算结果生成义务教育优质均衡发展资源配置自评表（Excel 工作簿）。",
    )
    selfassess_parser.add_argument("--year", required=True, type=int, help="学年的起始年份，例如 2025")
    selfassess_parser.add_argument("--out", required=True, help="输出文件（.xlsx）")
    selfassess_parser.set_defaults(handler=cmd_report_selfassess)

    manage = add("manage", cmd_manage, "运行 Django 管理命令（高级用法，例如 tisheng manage check --deploy）")
    manage.add_argument("rest", nargs=argparse.REMAINDER, help="传给 Django 的参数")
    return parser


def add_serve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="监听地址（缺省 127.0.0.1）")
    p.add_argument("--port", type=int, default=8000, help="端口（缺省 8000）")
    p.add_argument(
        "--threads",
        type=int,
        default=default_threads(),
        help=f"处理请求的线程数（缺省为 CPU 核数的两倍、至少 4：本机 {default_threads()}）",
    )


def default_threads() -> int:
    """Twice the cores, at least 4. The pages are Python (one interpreter lock): more threads than that
    only make concurrent requests wait on each other (bench/pages.py: on 2 cores, 8 threads gave a p95
    of 215 ms where 4 gave 118–188 ms)."""
    return max(4, 2 * (os.cpu_count() or 2))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        setup_django()
        return args.handler(args)
    except KeyboardInterrupt:
        print("\n已停止", file=sys.stderr)
        return 130
    except CliError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the last line of defence: a Chinese message, not a traceback
        return report_unexpected(exc)


def report_unexpected(exc: Exception) -> int:
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    if isinstance(exc, ImproperlyConfigured):
        print(f"错误：配置有误：{exc}", file=sys.stderr)
    elif isinstance(exc, DatabaseError):
        print(f"错误：数据库操作失败（{database_label_safe()}）：{exc}", file=sys.stderr)
    else:
        print(f"错误：{type(exc).__name__}：{exc}", file=sys.stderr)
        if os.environ.get("TISHENG_TRACEBACK"):
            raise exc
        print("（设置环境变量 TISHENG_TRACEBACK=1 可查看详细的错误堆栈）", file=sys.stderr)
    return 1


def database_label_safe() -> str:
    try:
        return database_label()
    except Exception:
        return "DATABASE_URL"


if __name__ == "__main__":
    sys.exit(main())
