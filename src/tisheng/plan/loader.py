"""Loading a checked plan file into the database, in one transaction.

The district is found by its code, each declared department by any of its names (name, short name or
an alias, against the organisation's departments' names and short names in that district); a district
or department the organisation does not have yet is created. Every row is written through the ORM, so
each change leaves its audit record, attributed to whoever the caller acts as.

Loading the same file again is idempotent: rows are matched by their natural keys (the plan's code, a
goal's, 工程's or task's number, a task department's role and name, a commitment's key, a milestone's
stage), changed values are updated, rows the file no longer has are deleted, nothing is duplicated.
Any problem (a department name matching two departments, a value the database refuses) rolls the whole
load back and is reported like a plan-file problem.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from tisheng.core.models import Department, District
from tisheng.plan.models import Commitment, Goal, Milestone, Plan, Project, Task, TaskDepartment
from tisheng.plan.planfile import PlanData, PlanFileError, Problem


@dataclass
class LoadResult:
    """What a load did: the plan, and how many rows of each kind it created, updated and deleted."""

    plan: Plan
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    new_departments: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


class _Loader:
    def __init__(self, data: PlanData) -> None:
        self.data = data
        self.problems: list[Problem] = []
        self.result: LoadResult | None = None
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.deleted: Counter[str] = Counter()
        self.new_departments: list[str] = []

    def fail(self, line: int, key: str, message: str) -> None:
        self.problems.append(Problem(self.data.path, line, key, message))

    def save(
        self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], line: int, key: str
    ) -> Any:
        """The row of ``model`` matching ``lookup``, created or updated to ``values``; validated first."""
        label = model._meta.model_name or model.__name__
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            action = self.created
        else:
            changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
            if not changed:
                return obj
            for name, value in changed.items():
                setattr(obj, name, value)
            action = self.updated
        try:
            obj.full_clean()
        except ValidationError as exc:
            messages = "；".join(f"{name}：{'，'.join(errs)}" for name, errs in exc.message_dict.items())
            self.fail(line, key, f"数据库不接受这一项（{messages}）：请改正。")
            return None
        obj.save()
        action[label] += 1
        return obj

    def delete_missing(self, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.deleted[obj._meta.model_name] += 1
            obj.delete()

    # the organisation ----------------------------------------------------------------------------------

    def district(self) -> District:
        values = self.data.district
        district = District.objects.filter(code=values["code"]).first()
        if district is None:
            district = District(**values)
            district.full_clean()
            district.save()
            self.created["district"] += 1
        return district

    def departments(self, district: District) -> dict[str, Department]:
        """Every name the file uses for a department → the organisation's department."""
        by_name: dict[str, Department] = {}
        existing = list(Department.objects.filter(district=district))
        for index, declared in enumerate(self.data.departments, start=1):
            names = set(declared.names)
            matches = [d for d in existing if d.name in names or d.short_name in names]
            if len(matches) > 1:
                found = "、".join(f"{d.short_name}（{d.name}）" for d in matches)
                self.fail(
                    declared.line,
                    f"departments[{index}]",
                    f"部门“{declared.name}”的名称在组织中对应多个部门（{found}）：aliases 只能写指同一部门的名称，请改正。",
                )
                continue
            if matches:
                department = matches[0]
            else:
                department = Department(
                    district=district,
                    code=declared.code or self.department_code(district, declared.name),
                    name=declared.name,
                    short_name=declared.short_name,
                    kind=declared.kind,
                    sort_order=1000 + index,
                )
                try:
                    department.full_clean()
                except ValidationError as exc:
                    messages = "；".join(f"{n}：{'，'.join(e)}" for n, e in exc.message_dict.items())
                    self.fail(
                        declared.line, f"departments[{index}]", f"无法新建这个部门（{messages}）：请改正。"
                    )
                    continue
                department.save()
                existing.append(department)
                self.created["department"] += 1
                self.new_departments.append(declared.name)
            for name in declared.names:
                by_name[name] = department
        return by_name

    @staticmethod
    def department_code(district: District, name: str) -> str:
        """A stable code for a department the plan adds: the district code and a hash of the name."""
        digest = hashlib.sha256(f"{district.code}:{name}".encode()).hexdigest()[:10]
        return f"d{district.code}-{digest}"

    # the plan ------------------------------------------------------------------------------------------

    def run(self) -> LoadResult | None:
        data = self.data
        district = self.district()
        departments = self.departments(district)
        if self.problems:
            return None
        plan = self.save(
            Plan,
            {"code": data.code},
            {
                "name": data.name,
                "district": district,
                "start_year": data.start_year,
                "end_year": data.end_year,
                "source_title": data.source,
                "summary": data.summary,
                "implementation": data.implementation,
            },
            1,
            "code",
        )
        if plan is None:
            return None
        keys = [cm.key for cm in data.all_commitments()]
        self.delete_missing(Commitment.objects.filter(plan=plan).exclude(key__in=keys).order_by("pk"))
        goals = {
            goal.number: self.save(
                Goal,
                {"plan": plan, "number": goal.number},
                {"title": goal.title, "text": goal.text},
                goal.line,
                f"goals 目标 {goal.number}",
            )
            for goal in data.goals
        }
        projects = {
            number: self.save(
                Project, {"plan": plan, "number": number}, {"title": title}, 1, f"projects 工程 {number}"
            )
            for number, title in data.projects
        }
        tasks: dict[int, Task] = {}
        for task in data.tasks:
            row = self.save(
                Task,
                {"plan": plan, "number": task.number},
                {"project": projects[task.project], "title": task.title, "text": task.text},
                task.line,
                f"tasks 任务 {task.number}",
            )
            if row is None:
                continue
            tasks[task.number] = row
            kept = []
            for position, (role, name) in enumerate(task.departments, start=1):
                link = self.save(
                    TaskDepartment,
                    {"task": row, "role": role, "named_as": name},
                    {"department": departments[name], "position": position},
                    task.line,
                    f"tasks 任务 {task.number} {name}",
                )
                if link is not None:
                    kept.append(link.pk)
            self.delete_missing(TaskDepartment.objects.filter(task=row).exclude(pk__in=kept).order_by("pk"))
        position = 0
        owners: list[tuple[Goal | None, Task | None, list[Any]]] = [
            (goals.get(goal.number), None, goal.commitments) for goal in data.goals
        ]
        owners += [(None, tasks.get(task.number), task.commitments) for task in data.tasks]
        owners.append((None, None, data.commitments))
        for goal, task, commitments in owners:
            for commitment in commitments:
                position += 1
                self.commitment(plan, goal, task, commitment, position)
        # last, so a commitment the file moves to another goal or task is updated, not cascaded away
        self.delete_missing(Task.objects.filter(plan=plan).exclude(number__in=list(tasks)).order_by("pk"))
        self.delete_missing(Goal.objects.filter(plan=plan).exclude(number__in=list(goals)).order_by("pk"))
        self.delete_missing(
            Project.objects.filter(plan=plan).exclude(number__in=list(projects)).order_by("pk")
        )
        if self.problems:
            return None
        return LoadResult(plan, self.created, self.updated, self.deleted, self.new_departments)

    def commitment(self, plan: Plan, goal: Goal | None, task: Task | None, data: Any, position: int) -> None:
        values = {name: value for name, value in data.values.items() if value is not None}
        defaults = {
            field.name: field.get_default()
            for field in Commitment._meta.concrete_fields
            if field.name in COMMITMENT_DETAIL_FIELDS
        }
        row = self.save(
            Commitment,
            {"plan": plan, "key": data.key},
            {**defaults, **values, "goal": goal, "task": task, "position": position},
            data.line,
            f"承诺 {data.key}",
        )
        if row is None:
            return
        stages = []
        for milestone in data.milestones:
            self.save(
                Milestone,
                {"commitment": row, "stage": milestone["stage"]},
                {
                    "planned_year": milestone["planned_year"],
                    "planned_date": milestone["planned_date"],
                    "position": milestone["position"],
                },
                data.line,
                f"承诺 {data.key} 节点 {milestone['stage']}",
            )
            stages.append(milestone["stage"])
        self.delete_missing(Milestone.objects.filter(commitment=row).exclude(stage__in=stages).order_by("pk"))


#: The kind-dependent columns of a commitment: reset to their defaults when the file leaves them out,
#: so a commitment whose kind changes on reload keeps nothing of its old kind.
COMMITMENT_DETAIL_FIELDS = frozenset(
    {
        "deadline_year",
        "indicator_id",
        "stage",
        "breakdown",
        "comparator",
        "target_value",
        "baseline_value",
        "baseline_year",
        "subject",
        "target_count",
        "parts",
        "planned_places",
        "schools",
        "frequency",
        "times",
        "months",
        "week_of_month",
        "actor",
        "activity_kind",
        "since_year",
    }
)


def load_plan(data: PlanData) -> LoadResult:
    """Load a checked plan into the database in one transaction; raise :class:`PlanFileError` (and
    leave the database as it was) when the organisation or the database refuses any part of it."""
    with transaction.atomic():
        loader = _Loader(data)
        result = loader.run()
        if result is None:  # raising inside the block rolls the whole load back
            raise PlanFileError(sorted(loader.problems, key=lambda p: p.line))
    return result
