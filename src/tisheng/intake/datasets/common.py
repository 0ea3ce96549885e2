"""What the fact data sets share: cells for stages, levels and staff numbers, the date range of a 学年,
lookups cached on the context, and :class:`RecordDataset` — a data set whose rows map one-to-one to rows
of one model, so ``existing``, ``comparable`` and ``write`` are written once.

``existing()`` and ``comparable()`` must give identical dicts for an unchanged row: a blank optional
column is ``""`` for text and choices and ``None`` for numbers and dates (or what ``blanks`` says), the
same values the database holds. The identity of a row keeps ``None`` for a blank cell (that is what the
pipeline's ``key_of`` sees), so database values of ``""`` become ``None`` in identities too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from django.db import models
from django.utils import translation

from tisheng.census import choices as c
from tisheng.census.models import Student, Teacher
from tisheng.core.audit import bulk_create_audited, bulk_delete_audited, bulk_update_audited, snapshot
from tisheng.core.choices import Stage
from tisheng.core.models import AcademicYear, School, SchoolSection, Town
from tisheng.intake.cells import Choice, Integer, Text
from tisheng.intake.datasets.base import Column, Context, Dataset, Issue, Place, Plan, Row, error, warning

# --- cells -------------------------------------------------------------------------------------------

#: 学段 as a clerk writes it (the labels 学前/小学/初中/高中 and the usual variants).
STAGE_ALIASES: dict[str, str] = {
    "学前": Stage.PRESCHOOL, "学前教育": Stage.PRESCHOOL, "幼儿园": Stage.PRESCHOOL,
    "小学": Stage.PRIMARY, "小学部": Stage.PRIMARY,
    "初中": Stage.JUNIOR, "初中部": Stage.JUNIOR, "初级中学": Stage.JUNIOR,
    "高中": Stage.SENIOR, "高中部": Stage.SENIOR, "普通高中": Stage.SENIOR, "高级中学": Stage.SENIOR,
}  # fmt: skip
STAGE = Choice(Stage, aliases=STAGE_ALIASES)
STAGE_COLUMN = Column(
    "stage", "学段", STAGE, example="小学", help="学前、小学、初中或高中（九年一贯制学校按学段分行填写）"
)

#: 国家/自治区/市/区 level, with and without 级.
LEVEL_ALIASES: dict[str, str] = {
    "国家": c.Level.NATIONAL, "国家级": c.Level.NATIONAL, "全国": c.Level.NATIONAL,
    "自治区": c.Level.REGION, "自治区级": c.Level.REGION, "省级": c.Level.REGION, "区（自治区）级": c.Level.REGION,
    "市": c.Level.CITY, "市级": c.Level.CITY,
    "区": c.Level.DISTRICT, "区级": c.Level.DISTRICT, "区县级": c.Level.DISTRICT,
}  # fmt: skip
LEVEL = Choice(c.Level, aliases=LEVEL_ALIASES)

STAFF_NUMBER = Column(
    "staff_number",
    "教职工号",
    Text(
        max_length=30,
        pattern=r"[0-9A-Z][0-9A-Z-]{1,29}",
        pattern_hint="本区统一的教职工号（字母和数字）",
        upper=True,
    ),
    example="T2025001",
    help="本区统一编制的教职工号，与教职工名册一致",
)
TEACHER_NAME = Column(
    "name",
    "姓名",
    Text(max_length=50),
    required=False,
    example="王老师",
    help="可不填；填写时与教职工名册核对",
)


def year_column(header: str = "年份", help: str = "四位数年份，如 2024") -> Column:
    return Column("year", header, Integer(minimum=2000, maximum=2100), example=2024, help=help)


# --- dates of a 学年 -------------------------------------------------------------------------------


def school_year_bounds(year: AcademicYear) -> tuple[dt.date, dt.date]:
    """The first and last day of a 学年: 9月1日 to 8月31日 of the next year."""
    return dt.date(year.start_year, 9, 1), dt.date(year.start_year + 1, 8, 31)


def school_year_name(year: AcademicYear) -> str:
    return f"{year.start_year}—{year.start_year + 1} 学年"


def school_year_label(year: AcademicYear) -> str:
    first, last = school_year_bounds(year)
    return f"{school_year_name(year)}（{first:%Y-%m-%d} 至 {last:%Y-%m-%d}）"


# --- lookups cached for one validation --------------------------------------------------------------


def towns(ctx: Context) -> dict[str, Town]:
    """The district's towns by name."""
    if "towns_by_name" not in ctx.cache:
        ctx.cache["towns_by_name"] = {t.name: t for t in Town.objects.all()}
    return ctx.cache["towns_by_name"]


def sections(ctx: Context, schools: Iterable[School]) -> dict[tuple[int, str], SchoolSection]:
    """(school id, stage) → section of the given schools (cached per school)."""
    cached: dict[tuple[int, str], SchoolSection] = ctx.cache.setdefault("sections", {})
    known: set[int] = ctx.cache.setdefault("sections_loaded", set())
    wanted = {s.pk for s in schools} - known
    if wanted:
        for section in SchoolSection.objects.filter(school_id__in=wanted):
            cached[(section.school_id, section.stage)] = section
        known |= wanted
    return cached


#: 学段 names for messages (independent of the active language: messages are always Chinese).
STAGE_NAMES = {Stage.PRESCHOOL: "学前", Stage.PRIMARY: "小学", Stage.JUNIOR: "初中", Stage.SENIOR: "高中"}


def stage_label(stage: str) -> str:
    return STAGE_NAMES[Stage(stage)]


def zh(label: Any) -> str:
    """A translated label in Chinese, whatever language the request or task runs in."""
    with translation.override("zh-hans"):
        return str(label)


def teachers(ctx: Context, numbers: Iterable[str]) -> dict[str, Teacher]:
    """Teachers by staff number (with their school), cached."""
    cached: dict[str, Teacher | None] = ctx.cache.setdefault("teachers", {})
    missing = sorted(set(numbers) - set(cached))
    for start in range(0, len(missing), 900):
        chunk = missing[start : start + 900]
        found = {
            t.staff_number: t for t in Teacher.objects.filter(staff_number__in=chunk).select_related("school")
        }
        for number in chunk:
            cached[number] = found.get(number)
    return {n: t for n in set(numbers) if (t := cached.get(n)) is not None}


def students(numbers: Iterable[str]) -> dict[str, Student]:
    wanted = sorted(set(numbers))
    found: dict[str, Student] = {}
    for start in range(0, len(wanted), 900):
        found.update(
            (s.student_number, s)
            for s in Student.objects.filter(student_number__in=wanted[start : start + 900])
        )
    return found


def file_place(rows: list[Row]) -> Place:
    return Place(rows[0].place.file, rows[0].place.sheet) if rows else Place("", "")


# --- data sets stored one row per model row -----------------------------------------------------------


class RecordDataset(Dataset):
    """A data set whose every row is one row of ``model``. Subclasses say which objects are in scope,
    how an object reads as row values, and how row values become model fields."""

    model: ClassVar[type[models.Model]]
    #: the column keys stored (and so compared); columns only read for checking are left out
    stored: ClassVar[tuple[str, ...]]
    #: what a blank optional column means, when not ``""`` (text, choices) or ``None`` (other cells)
    blanks: ClassVar[dict[str, Any]] = {}

    # --- override -------------------------------------------------------------------------------------

    def queryset(self, ctx: Context) -> models.QuerySet[Any]:
        """Every object this data set may write (with what ``values_of`` needs selected)."""
        return self.model._default_manager.all()

    def in_scope(
        self, queryset: models.QuerySet[Any], ctx: Context, schools: list[School], rows: list[Row]
    ) -> models.QuerySet[Any]:
        """The objects a complete file replaces."""
        raise TypeError(f"{type(self).__name__} must define in_scope()")

    def with_keys(self, queryset: models.QuerySet[Any], keys: list[tuple[Any, ...]]) -> models.QuerySet[Any]:
        """A cheap superset of the objects with these identities (for writing)."""
        return queryset

    def values_of(self, obj: Any) -> dict[str, Any]:
        """An object as the comparable values of a row."""
        raise TypeError(f"{type(self).__name__} must define values_of()")

    def prepare(self, ctx: Context, values: list[dict[str, Any]]) -> None:
        """Load in bulk what ``fields_of`` looks up (called by ``write`` with every incoming row)."""

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        """Row values (as ``comparable`` gives them) as model field values, by field name."""
        raise TypeError(f"{type(self).__name__} must define fields_of()")

    # --- shared ---------------------------------------------------------------------------------------

    def blank(self, key: str) -> Any:
        if key in self.blanks:
            return self.blanks[key]
        return "" if isinstance(self.column(key).cell, Text | Choice) else None

    def identity_of(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(None if values[k] == "" else values[k] for k in self.identity)

    def comparable(self, row: Row) -> dict[str, Any]:
        values = {}
        for key in self.stored:
            value = row.values.get(key)
            values[key] = self.blank(key) if value is None else value
        return values

    def existing(
        self, ctx: Context, schools: list[School], rows: list[Row]
    ) -> dict[tuple[Any, ...], dict[str, Any]]:
        found: dict[tuple[Any, ...], dict[str, Any]] = {}
        for obj in self.in_scope(self.queryset(ctx), ctx, schools, rows).iterator(chunk_size=2000):
            values = self.values_of(obj)
            found[self.identity_of(values)] = values
        return found

    def objects(self, ctx: Context, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], Any]:
        if not keys:
            return {}
        wanted = set(keys)
        return {
            key: obj
            for obj in self.with_keys(self.queryset(ctx), keys)
            if (key := self.identity_of(self.values_of(obj))) in wanted
        }

    def write(self, ctx: Context, plan: Plan, batch_id: int) -> None:
        self.prepare(ctx, [ch.after for ch in (*plan.added, *plan.changed) if ch.after])
        current = self.objects(ctx, [ch.identity for ch in (*plan.changed, *plan.removed)])
        bulk_delete_audited(self.model, [current[ch.identity] for ch in plan.removed])
        before: dict[Any, dict[str, Any]] = {}
        updated = []
        names: set[str] = {"batch"}
        for change in plan.changed:
            assert change.after is not None
            obj = current[change.identity]
            before[obj.pk] = snapshot(obj)
            for name, value in self.fields_of(change.after, ctx).items():
                setattr(obj, name, value)
                names.add(self.model._meta.get_field(name).name)
            obj.batch_id = batch_id
            updated.append(obj)
        bulk_update_audited(self.model, updated, sorted(names), before)
        bulk_create_audited(
            self.model,
            [self.model(**self.fields_of(ch.after, ctx), batch_id=batch_id) for ch in plan.added if ch.after],
        )


def check_teachers(dataset: Dataset, rows: list[Row], ctx: Context, *, own_school: bool) -> Iterator[Issue]:
    """Every row's staff number must be a teacher on record (and, with ``own_school``, one whose school
    is the row's school); a name, when given, should be the teacher's."""
    found = teachers(ctx, [row.values["staff_number"] for row in rows])
    for row in rows:
        number = row.values["staff_number"]
        teacher = found.get(number)
        if teacher is None:
            yield error(
                row.at("staff_number", dataset),
                f"找不到教职工号为 {number} 的教职工",
                "请核对教职工号；新教职工请先在教职工名册中上传",
                number,
            )
            continue
        if own_school and teacher.school.code != row.values["school_code"]:
            yield error(
                row.at("staff_number", dataset),
                f"教职工 {teacher.name}（{number}）登记在“{teacher.school}”，不是本校教职工",
                "请由其所在学校填报；如已调入本校，请先在本校的教职工名册中列入该教职工",
                number,
            )
            continue
        name = row.values.get("name")
        if name and name != teacher.name:
            yield warning(
                row.at("name", dataset),
                f"姓名“{name}”与教职工号 {number} 登记的姓名“{teacher.name}”不一致",
                "请核对教职工号和姓名",
                name,
            )


def keys_at(keys: list[tuple[Any, ...]], index: int) -> set[Any]:
    return {k[index] for k in keys}


class SchoolRecords(RecordDataset):
    """A register whose rows belong to a school (``school`` foreign key): the file replaces the
    register of the schools it names. ``stored`` lists ``school_code`` and the model's own fields."""

    def own_fields(self) -> tuple[str, ...]:
        return tuple(k for k in self.stored if k != "school_code")

    def queryset(self, ctx: Context) -> models.QuerySet[Any]:
        return self.model.objects.select_related("school")

    def in_scope(
        self, queryset: models.QuerySet[Any], ctx: Context, schools: list[School], rows: list[Row]
    ) -> models.QuerySet[Any]:
        return queryset.filter(school__in=schools)

    def with_keys(self, queryset: models.QuerySet[Any], keys: list[tuple[Any, ...]]) -> models.QuerySet[Any]:
        return queryset.filter(school__code__in=keys_at(keys, 0))

    def values_of(self, obj: Any) -> dict[str, Any]:
        return {"school_code": obj.school.code, **{k: getattr(obj, k) for k in self.own_fields()}}

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {
            "school": ctx.schools_by_code[values["school_code"]],
            **{k: values[k] for k in self.own_fields()},
        }


class TeacherRecords(RecordDataset):
    """A register whose rows belong to a teacher of the uploading school (``teacher`` foreign key):
    ``stored`` lists ``school_code``, ``staff_number`` and the model's own fields."""

    def own_fields(self) -> tuple[str, ...]:
        return tuple(k for k in self.stored if k not in ("school_code", "staff_number"))

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterable[Issue]:
        yield from check_teachers(self, rows, ctx, own_school=True)

    def queryset(self, ctx: Context) -> models.QuerySet[Any]:
        return self.model.objects.select_related("teacher__school")

    def in_scope(
        self, queryset: models.QuerySet[Any], ctx: Context, schools: list[School], rows: list[Row]
    ) -> models.QuerySet[Any]:
        return queryset.filter(teacher__school__in=schools)

    def with_keys(self, queryset: models.QuerySet[Any], keys: list[tuple[Any, ...]]) -> models.QuerySet[Any]:
        return queryset.filter(teacher__staff_number__in=keys_at(keys, 0))

    def values_of(self, obj: Any) -> dict[str, Any]:
        return {
            "school_code": obj.teacher.school.code,
            "staff_number": obj.teacher.staff_number,
            **{k: getattr(obj, k) for k in self.own_fields()},
        }

    def prepare(self, ctx: Context, values: list[dict[str, Any]]) -> None:
        teachers(ctx, [v["staff_number"] for v in values])

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        teacher = teachers(ctx, [values["staff_number"]])[values["staff_number"]]
        return {"teacher": teacher, **{k: values[k] for k in self.own_fields()}}


def date_in_school_year(dataset: Dataset, row: Row, ctx: Context, what: str) -> Iterator[Issue]:
    """A dated record of a per-year register must fall in the chosen 学年 (9月1日 – 8月31日)."""
    if ctx.year is None:
        return
    day = row.values["date"]
    first, last = school_year_bounds(ctx.year)
    if not first <= day <= last:
        yield error(
            row.at("date", dataset),
            f"{what}日期 {day:%Y-%m-%d} 不在所选的 {school_year_label(ctx.year)} 内",
            f"请核对日期，或在上传时选择{what}所在的学年",
            day,
        )


class YearTownRecords(RecordDataset):
    """District-wide counts by calendar year and town (population, births): a file replaces the years
    it holds."""

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterable[Issue]:
        return ()

    def queryset(self, ctx: Context) -> models.QuerySet[Any]:
        return self.model.objects.select_related("town")

    def in_scope(
        self, queryset: models.QuerySet[Any], ctx: Context, schools: list[School], rows: list[Row]
    ) -> models.QuerySet[Any]:
        return queryset.filter(year__in={row.values["year"] for row in rows})

    def with_keys(self, queryset: models.QuerySet[Any], keys: list[tuple[Any, ...]]) -> models.QuerySet[Any]:
        return queryset.filter(year__in=keys_at(keys, 0))
