"""The one import pipeline: read → map headers → parse cells → row rules → duplicates → scope and locks
→ rules across rows → plan (added / changed / removed) → commit, all-or-nothing.

``validate`` never writes facts. ``commit`` re-validates inside one transaction, re-checks the user's
permissions, and writes the whole plan or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from tisheng.core.audit import acting_as
from tisheng.core.choices import ChangeSource, Role
from tisheng.core.models import AcademicYear, School, User
from tisheng.core.permissions import VIEW
from tisheng.intake import reader
from tisheng.intake.cells import CellError, IdNumber, is_blank, normalise_text
from tisheng.intake.choices import SubmissionStatus
from tisheng.intake.datasets.base import (
    Change,
    Context,
    Dataset,
    Issue,
    Place,
    Plan,
    Row,
    error,
    registry,
    warning,
)
from tisheng.intake.models import Submission

Progress = Callable[[int, str], None]
#: Issues kept per batch; the rest are counted (a broken file can produce a million).
MAX_ISSUES = 1000
PREVIEW_ROWS = 50


@dataclass
class InputFile:
    path: Path
    name: str


@dataclass
class Outcome:
    """What validation found: rows, issues, and (when there are no errors) the plan."""

    dataset: Dataset
    rows: list[Row] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    plan: Plan | None = None
    schools: list[School] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0

    def add(self, issue: Issue) -> None:
        if issue.severity == "error":
            self.error_count += 1
        else:
            self.warning_count += 1
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(issue)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def make_context(
    user: User, year: AcademicYear | None, school: School | None, today: dt.date | None = None
) -> Context:
    visible = School.objects.restrict(user, VIEW)
    return Context(
        user=user,
        year=year,
        school=school,
        today=today or timezone.localdate(),
        schools_by_code={s.code: s for s in visible},
    )


def validate(
    dataset_name: str,
    files: list[InputFile],
    ctx: Context,
    progress: Progress | None = None,
) -> Outcome:
    """Both phases: what the files say (``parse``), then how that meets the database (``reconcile``)."""
    report = progress or (lambda pct, msg: None)
    outcome = parse(dataset_name, files, ctx, report)
    if outcome.rows:  # scope and locks are worth reporting together with the cell errors
        reconcile(outcome, ctx, report)
    return outcome


def parse(dataset_name: str, files: list[InputFile], ctx: Context, report: Progress) -> Outcome:
    """Phase one, from the files alone: read, map headers, parse cells, row rules, duplicates."""
    spec = registry.get(dataset_name)
    if spec is None:
        raise ValueError(f"未知的数据集 {dataset_name}")
    outcome = Outcome(spec())
    if outcome.dataset.per_year and ctx.year is None:
        outcome.add(error(Place(files[0].name if files else "", ""), "没有指定学年", "请选择数据所属的学年"))
        return outcome
    report(2, "读取文件")
    for number, f in enumerate(files, start=1):
        read_file(outcome.dataset, f, ctx, outcome)
        report(2 + int(38 * number / len(files)), f"已读取 {number}/{len(files)} 个文件")
    if not outcome.rows and outcome.ok:
        outcome.add(
            error(Place(files[0].name if files else "", ""), "文件中没有数据行", "请在表头下方填写数据")
        )
    report(45, "检查重复")
    check_duplicates(outcome.dataset, outcome)
    return outcome


def reconcile(outcome: Outcome, ctx: Context, report: Progress) -> None:
    """Phase two, against the database: scope and permissions, locks, rules across rows and with the
    stored data, and the plan. Run again inside the commit's transaction."""
    dataset = outcome.dataset
    outcome.plan = None
    report(50, "检查权限与锁定")
    outcome.schools = check_scope(dataset, ctx, outcome)
    check_locks(dataset, ctx, outcome.schools, outcome)
    if not outcome.ok:
        return
    report(55, "检查跨行规则")
    for issue in dataset.check_rows(outcome.rows, ctx):
        outcome.add(issue)
    if not outcome.ok:
        return
    report(70, "与现有数据比对")
    outcome.plan = make_plan(dataset, ctx, outcome.schools, outcome.rows)
    report(100, "检查完成")


def read_file(dataset: Dataset, f: InputFile, ctx: Context, outcome: Outcome) -> None:
    try:
        sheets = reader.read(f.path, f.name)
    except reader.ReadError as exc:
        outcome.add(error(Place(exc.file, ""), exc.message, exc.hint))
        return
    wanted = {normalise_text(h) for c in dataset.columns for h in c.headers()}
    chosen = [s for s in sheets if s.name == dataset.sheet] or [
        s for s in sheets if s.find_header(wanted) is not None
    ]
    if not chosen:
        names = "、".join(f"“{s.name}”" for s in sheets) or "（没有工作表）"
        outcome.add(
            error(
                Place(f.name, sheets[0].name if sheets else ""),
                f"找不到“{dataset.sheet}”工作表或含有表头的工作表（文件中的工作表：{names}）",
                f"请使用“{dataset.title}”模板填写",
            )
        )
        return
    read_sheet(dataset, chosen[0], ctx, outcome)


def read_sheet(dataset: Dataset, sheet: reader.Sheet, ctx: Context, outcome: Outcome) -> None:
    # declared headers normalised like the file's (NFKC folds the full-width brackets of 镇（街道）)
    wanted = {normalise_text(h): c for c in dataset.columns for h in c.headers()}
    header_index = sheet.find_header(set(wanted))
    if header_index is None:
        outcome.add(
            error(Place(sheet.file, sheet.name), "找不到表头行", f"请使用“{dataset.title}”模板，不要改动表头")
        )
        return
    header_row = sheet.first_row + header_index
    merged = sheet.merged_in_row(header_index)
    if merged:
        outcome.add(
            error(
                Place(sheet.file, sheet.name, header_row),
                f"表头有合并单元格（{'、'.join(merged)}）",
                "请取消合并，每列只保留一个表头",
            )
        )
        return
    positions: dict[str, int] = {}
    for index, raw in enumerate(sheet.rows[header_index]):
        text = normalise_text(raw)
        if not text:
            continue
        letter = sheet.letter(index)
        column = wanted.get(text)
        if column is None:
            outcome.add(
                warning(
                    Place(sheet.file, sheet.name, header_row, letter, text),
                    f"未识别的列“{text}”，导入时将忽略",
                    "如果这是必填内容，请核对列名是否与模板一致",
                )
            )
            continue
        if column.key in positions:
            first = sheet.letter(positions[column.key])
            outcome.add(
                error(
                    Place(sheet.file, sheet.name, header_row, letter, text),
                    f"列“{column.header}”出现了两次（{first} 列和 {letter} 列）",
                    "请删除重复的列",
                )
            )
            continue
        positions[column.key] = index
    missing = [c.header for c in dataset.columns if c.required and c.key not in positions]
    if missing:
        outcome.add(
            error(
                Place(sheet.file, sheet.name, header_row),
                f"缺少必填列：{'、'.join(missing)}",
                f"请使用“{dataset.title}”模板，补上这些列",
            )
        )
        return
    for row_number, cells in sheet.data_rows(header_index):
        values: dict[str, Any] = {}
        letters: dict[str, str] = {}
        bad = False
        for column in dataset.columns:
            index = positions.get(column.key)
            raw = cells[index] if index is not None and index < len(cells) else None
            letter = sheet.letter(index) if index is not None else ""
            letters[column.key] = letter
            place = Place(sheet.file, sheet.name, row_number, letter or None, column.header)
            if is_blank(raw):
                if column.required:
                    outcome.add(error(place, "必填项为空", f"请填写“{column.header}”"))
                    bad = True
                values[column.key] = None
                continue
            try:
                values[column.key] = column.cell.parse(raw)
            except CellError as exc:
                # never echo a full 身份证 number back into the stored issue list
                shown = "（已隐藏）" if isinstance(column.cell, IdNumber) else raw
                outcome.add(error(place, exc.message, exc.hint, shown))
                bad = True
        if bad:
            continue
        row = Row(Place(sheet.file, sheet.name, row_number), values, letters)
        row_issues = list(outcome.dataset.check_row(row, ctx))
        for issue in row_issues:
            outcome.add(issue)
        if not any(i.severity == "error" for i in row_issues):
            outcome.rows.append(row)


def check_duplicates(dataset: Dataset, outcome: Outcome) -> None:
    seen: dict[tuple[Any, ...], Row] = {}
    for row in outcome.rows:
        key = dataset.key_of(row.values)
        first = seen.get(key)
        if first is None:
            seen[key] = row
            continue
        described = "、".join(
            f"{dataset.column(k).header}“{v}”" for k, v in zip(dataset.identity, key, strict=True)
        )
        outcome.add(
            error(
                row.at(dataset.identity[0], dataset),
                f"与{first.place.label()}重复（{described}）",
                "同一条记录只能出现一次，请删除重复的行",
                key[0],
            )
        )


def check_scope(dataset: Dataset, ctx: Context, outcome: Outcome) -> list[School]:
    """Every row's school must exist and be the user's to submit; returns the schools in the file."""
    if not dataset.per_school:
        if ctx.user.role != Role.ADMIN:
            outcome.add(error(Place("", ""), "只有区管理员可以导入全区数据", "请联系教育局管理员"))
        return []
    schools: dict[str, School] = {}
    own = ctx.user.school_id if ctx.user.role in (Role.PRINCIPAL, Role.CLERK) else None
    if ctx.user.role not in (Role.ADMIN, Role.PRINCIPAL, Role.CLERK):
        outcome.add(error(Place("", ""), "您的角色不能导入学校数据", "学校数据由学校填报，教育局审核"))
        return []
    for row in outcome.rows:
        code = row.values["school_code"]
        school = ctx.schools_by_code.get(code)
        place = row.at("school_code", dataset)
        if school is None:
            if own is not None and School.objects.filter(code=code).exists():
                outcome.add(error(place, f"学校标识码 {code} 不是本校", "学校只能提交本校的数据", code))
            else:
                outcome.add(error(place, f"找不到学校标识码为 {code} 的学校", "请核对学校标识码", code))
            continue
        if ctx.school is not None and school.pk != ctx.school.pk:
            outcome.add(
                error(
                    place,
                    f"本批次只能提交“{ctx.school}”的数据，这一行属于“{school}”",
                    "请把不同学校的数据分开上传",
                    code,
                )
            )
            continue
        schools[code] = school
    return sorted(schools.values(), key=lambda s: s.code)


def check_locks(dataset: Dataset, ctx: Context, schools: list[School], outcome: Outcome) -> None:
    if not dataset.per_school or ctx.year is None or not schools:
        return
    locked = Submission.objects.filter(
        dataset=dataset.name,
        academic_year=ctx.year,
        school__in=schools,
        status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED],
    ).select_related("school")
    for submission in locked:
        state = "已审核通过并锁定" if submission.status == SubmissionStatus.APPROVED else "已提交审核"
        hint = (
            "如需修改，请教育局管理员重新开放（需说明理由）"
            if submission.status == SubmissionStatus.APPROVED
            else "请等待审核结果，或请管理员退回后再修改"
        )
        outcome.add(
            error(Place("", ""), f"“{submission.school}”{ctx.year}的{dataset.title}{state}，不能再导入", hint)
        )


def make_plan(dataset: Dataset, ctx: Context, schools: list[School], rows: list[Row]) -> Plan:
    existing = dataset.existing(ctx, schools, rows)
    plan = Plan()
    for row in rows:
        key = dataset.key_of(row.values)
        after = dataset.comparable(row)
        before = existing.pop(key, None)
        if before is None:
            plan.added.append(Change(key, None, after, row))
        elif before != after:
            plan.changed.append(Change(key, before, after, row))
        else:
            plan.unchanged += 1
    for key, before in existing.items():
        plan.removed.append(Change(key, before, None))
    return plan


def preview(plan: Plan, dataset: Dataset) -> dict[str, Any]:
    """A JSON-safe sample of the plan for the preview page."""
    headers = {c.key: c.header for c in dataset.columns}

    def show(values: dict[str, Any] | None) -> dict[str, str]:
        return {headers.get(k, k): "" if v is None else str(v) for k, v in (values or {}).items()}

    sample: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for change in plan.all():
        if len(sample[change.kind]) >= PREVIEW_ROWS:
            continue
        sample[change.kind].append(
            {
                "key": " / ".join(str(k) for k in change.identity),
                "before": show(change.before),
                "after": show(change.after),
                "changed": [headers.get(k, k) for k in change.changed_keys()],
            }
        )
    return dict(sample)


def commit(
    dataset: Dataset,
    outcome: Outcome,
    ctx: Context,
    batch_id: int,
    actor: User,
    source: str = ChangeSource.WEB,
) -> None:
    """Write the plan in one transaction; every change is recorded as ``actor``'s, under ``batch_id``."""
    if not outcome.ok or outcome.plan is None:
        raise ValueError("a batch with errors cannot be committed")
    with transaction.atomic(), acting_as(actor, source, batch_id):
        dataset.write(ctx, outcome.plan, batch_id)
        if dataset.per_school and ctx.year is not None:
            for school in outcome.schools:
                Submission.objects.get_or_create(dataset=dataset.name, academic_year=ctx.year, school=school)
