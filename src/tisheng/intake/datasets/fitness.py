"""体测成绩: the 《国家学生体质健康标准》 data-upload file (数据上报文件) of a school for one 学年, in the
national layout (:data:`tisheng.health.readings.COLUMNS`): 年级编号, 班级编号, 学籍号, 性别, 出生日期, 身高, 体重,
肺活量, 50米跑, 坐位体前屈, 一分钟跳绳, 一分钟仰卧起坐, 50米×8往返跑, 立定跳远, 引体向上, 1000米跑, 800米跑,
左/右眼裸眼视力, 免测. Headers may carry a unit in brackets (``身高(cm)``); other columns (姓名, 民族代码 …)
are ignored.

The national file has no 学校标识码: a school user's rows are the own school's; a district administrator
adds a 学校标识码 column (the template has it, optional) — the pipeline has no other school choice.
The file is the school's complete list for the 学年 (re-uploading it changes nothing).

Cells are read by the same functions as the ``tisheng fitness score`` command (:mod:`tisheng.health.upload`):

* a time is read in the formats people type; where it was not a plain number of seconds the preview says
  which reading was taken;
* an ambiguous time (3.50 for 1000米跑) or an impossible result (0 for 50米跑, 立定跳远 in metres) is a
  warning: the row is stored, the item listed in ``flagged`` and never scored (an ambiguous time is
  stored empty — there is no value that is not a guess);
* 免测 (是, or the reason) exempts the student from the standard: nothing is scored;
* a duplicated 学籍号 is an error naming both rows; a 年级编号 of a stage the school does not have is an
  error (it would score the student against the wrong tables); a 学籍号 not enrolled at the school in
  that 学年 is a warning and the record is not linked to a student.

On write, the scores are computed for the whole file at once by :func:`tisheng.health.results.fitness_results`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models

from tisheng.census.models import Student
from tisheng.core.choices import GRADE_STAGE
from tisheng.health import readings
from tisheng.health.models import FitnessTest
from tisheng.health.results import fitness_results, standard_version
from tisheng.health.scoring import MEASURED, StudentRecord, plausibility_problem
from tisheng.intake.cells import CellError, CellType, Date, Text, normalise_text
from tisheng.intake.datasets.base import (
    SCHOOL_CODE,
    Column,
    Context,
    Issue,
    Plan,
    Row,
    error,
    registry,
    warning,
)
from tisheng.intake.datasets.common import SchoolRecords, school_year_name, sections, stage_label
from tisheng.standards.fitness import GRADE_NAMES, SEX_NAMES, fitness

# --- cells shared with the vision screening -----------------------------------------------------------


def _with_units(header: str, units: Iterable[str], *aliases: str) -> tuple[str, ...]:
    """The header's aliases: the national aliases, each name also with x, X or * for ×, and each with a
    unit in brackets (``身高(cm)``, ``50米x8往返跑（秒）``)."""
    names = [header, *aliases]
    names += [n.replace("×", sign) for n in names if "×" in n for sign in ("x", "X", "*")]
    bracketed = (f"{name}{o}{unit}{c}" for name in names for unit in units for o, c in ("()", "（）"))
    return tuple(dict.fromkeys(n for n in (*names[1:], *bracketed) if n != header))


class FitnessGrade(CellType):
    """年级编号 of the fitness standard (11–16, 21–23, 31–33, 41–44; 一年级 … 高三 accepted)."""

    def parse(self, value: Any) -> int:
        try:
            return readings.parse_grade(value)
        except readings.ResultProblem as exc:
            raise CellError(exc.message, exc.hint) from None

    def describe(self) -> str:
        return "年级编号：11–16 小学一至六年级，21–23 初一至初三，31–33 高一至高三"

    def choices_for_template(self) -> list[str]:
        return [str(code) for code in GRADE_NAMES if code < 40]


class Sex(CellType):
    """性别 as the national file codes it (1 男, 2 女; 男/女 accepted) → M / F."""

    def parse(self, value: Any) -> str:
        try:
            return readings.parse_sex(value)
        except readings.ResultProblem as exc:
            raise CellError(exc.message, exc.hint) from None

    def describe(self) -> str:
        return "1（男）或 2（女）"

    def choices_for_template(self) -> list[str]:
        return ["1", "2"]


ACUITY_MIN, ACUITY_MAX = Decimal("3.0"), Decimal("5.3")


def five_point(decimal_acuity: Decimal) -> Decimal:
    """The 5-point (五分记录) equivalent of a decimal acuity: L = 5 + lg V, to one decimal (GB 11533)."""
    return Decimal(str(round(5 + math.log10(float(decimal_acuity)), 1)))


class Acuity(CellType):
    """Uncorrected distance acuity on the 5-point scale (五分记录, 3.0–5.3). A decimal-scale value (0.1–2.0)
    is refused with its 5-point equivalent: converting silently would hide a wrong column."""

    def parse(self, value: Any) -> Decimal:
        try:
            number = readings.parse_number(value, "视力", "（五分记录，例如 4.8）")
        except readings.ResultProblem as exc:
            raise CellError(exc.message, exc.hint) from None
        if ACUITY_MIN <= number <= ACUITY_MAX:
            if number != number.quantize(Decimal("0.1")):
                raise CellError(f"视力 {number} 应保留一位小数", "五分记录为 3.0–5.3，例如 4.8")
            return number.quantize(Decimal("0.1"))
        if Decimal("0") < number <= Decimal("2.0"):
            raise CellError(
                f"视力 {number} 是小数记录，本表须填五分记录（3.0–5.3）",
                f"请换算为五分记录：小数记录 {number} 相当于五分记录 {five_point(number)}",
            )
        raise CellError(f"视力 {number} 不在五分记录的范围内（3.0–5.3）", "请核对原始记录，按五分记录填写")

    def describe(self) -> str:
        return "五分记录，3.0–5.3，例如 4.8（小数记录 1.0 = 5.0）"


SCHOOL_CODE_OPTIONAL = Column(
    "school_code",
    SCHOOL_CODE.header,
    SCHOOL_CODE.cell,
    required=False,
    example="2164010501",
    help="学校上传可不填（即本校）；区管理员上传时必须填写学生所在学校的 10 位学校标识码",
)
STUDENT_NUMBER = Column(
    "student_number",
    "学籍号",
    Text(max_length=30, pattern=r"[0-9A-Za-z]{6,30}", pattern_hint="全国学籍号（字母和数字）", upper=True),
    example="G640105201501010012",
    help="学生的全国学籍号",
    aliases=("学籍编号", "全国学籍号", "学生学籍号"),
)
GRADE = Column(
    "grade",
    "年级编号",
    FitnessGrade(),
    example=11,
    help="11–16 小学，21–23 初中，31–33 高中",
    aliases=("年级代码",),
)
CLASS_CODE = Column(
    "class_code",
    "班级编号",
    Text(max_length=20),
    required=False,
    example="1101",
    help="班级编号，与上报系统一致",
    aliases=("班级代码", "班级号"),
)
SEX = Column("sex", "性别", Sex(), example=1, help="1 男，2 女")


class StudentHealthRecords(SchoolRecords):
    """Per-student health records of a school for one 学年 (体测, 视力筛查): identified by 学籍号 (unique per
    学年 over the district), the school taken from the batch where the file does not name it."""

    identity = ("student_number",)

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        if row.values.get("school_code") is None:
            if ctx.school is None:
                yield error(
                    row.at("school_code", self),
                    "没有学校标识码：区管理员上传时须注明每一行的学校",
                    "请加上“学校标识码”列并填写学生所在学校的 10 位学校标识码（学校账号上传时可不填）",
                )
                return
            row.values["school_code"] = ctx.school.code

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterable[Issue]:
        yield from self.check_grades(rows, ctx)
        yield from self.check_other_schools(rows, ctx)
        yield from self.check_students(rows, ctx)

    def check_grades(self, rows: list[Row], ctx: Context) -> Iterator[Issue]:
        """The 年级编号 must be of a stage the school has: another grade would apply the wrong tables."""
        schools = {ctx.schools_by_code[row.values["school_code"]] for row in rows}
        taught = set(sections(ctx, schools))  # (school id, stage)
        for row in rows:
            school = ctx.schools_by_code[row.values["school_code"]]
            grade = row.values["grade"]
            stage = GRADE_STAGE.get(grade)
            if stage is None or (school.pk, stage) not in taught:
                what = f"{stage_label(stage)}学段" if stage else "大学年级"
                yield error(
                    row.at("grade", self),
                    f"年级编号 {grade}（{GRADE_NAMES[grade]}）不是“{school}”开设的年级（学校没有{what}）",
                    "请核对年级编号：11–16 小学，21–23 初中，31–33 高中",
                    grade,
                )

    def check_other_schools(self, rows: list[Row], ctx: Context) -> Iterator[Issue]:
        """A 学籍号 has one record per 学年 in the district: one held by another school must be removed there
        first (the constraint would refuse it)."""
        assert ctx.year is not None
        codes = {row.values["school_code"] for row in rows}
        numbers = [row.values["student_number"] for row in rows]
        held: dict[str, str] = {}
        for start in range(0, len(numbers), 900):
            held.update(
                self.model._default_manager.filter(
                    academic_year=ctx.year, student_number__in=numbers[start : start + 900]
                )
                .exclude(school__code__in=codes)
                .values_list("student_number", "school__name")
            )
        for row in rows:
            other = held.get(row.values["student_number"])
            if other is not None:
                yield error(
                    row.at("student_number", self),
                    f"学籍号 {row.values['student_number']} 在{school_year_name(ctx.year)}已有其他学校上传的"
                    f"{self.title}",
                    # the other school is not named: a student's results stay within the school that holds them
                    "一名学生每学年只有一条记录：如学生已转学，请与教育局核对，由原学校在其文件中删除该学生并重新上传",
                    row.values["student_number"],
                )

    def check_students(self, rows: list[Row], ctx: Context) -> Iterator[Issue]:
        """A 学籍号 that is not enrolled at the school in the 学年 is kept, unlinked, with a warning."""
        enrolled = self.enrolled(
            ctx, [r.values["student_number"] for r in rows], {r.values["school_code"] for r in rows}
        )
        for row in rows:
            number = row.values["student_number"]
            row.values["student_id"] = enrolled.get((number, row.values["school_code"]))
            if row.values["student_id"] is None:
                assert ctx.year is not None
                yield warning(
                    row.at("student_number", self),
                    f"学籍号 {number} 不在本校{school_year_name(ctx.year)}的学籍名单中，记录将保存但不关联到学生",
                    "请核对学籍号；如学籍名单尚未上传或有遗漏，请先更新学生名册",
                    number,
                )

    def enrolled(self, ctx: Context, numbers: list[str], codes: set[str]) -> dict[tuple[str, str], int]:
        """(学籍号, school code) → student id, for students enrolled at those schools in the 学年 (cached)."""
        cached: dict[tuple[str, str], int] = ctx.cache.setdefault("health_enrolled", {})
        asked: set[str] = ctx.cache.setdefault("health_enrolled_asked", set())
        wanted = sorted(set(numbers) - asked)
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            for number, code, pk in (
                Student.objects.filter(
                    student_number__in=chunk,
                    enrolments__academic_year=ctx.year,
                    enrolments__school_class__section__school__code__in=codes,
                )
                .values_list("student_number", "enrolments__school_class__section__school__code", "pk")
                .distinct()
            ):
                cached[(number, code)] = pk
            asked.update(chunk)
        return cached

    # --- database side ---------------------------------------------------------------------------

    def queryset(self, ctx: Context) -> models.QuerySet[Any]:
        assert ctx.year is not None
        return self.model._default_manager.filter(academic_year=ctx.year).select_related("school")

    def with_keys(self, queryset: models.QuerySet[Any], keys: list[tuple[Any, ...]]) -> models.QuerySet[Any]:
        return queryset.filter(student_number__in={k[0] for k in keys})

    # the link to the 学籍 is compared too: re-uploading after the 学籍 arrived links the records
    def values_of(self, obj: Any) -> dict[str, Any]:
        return {**super().values_of(obj), "student_id": obj.student_id}

    def comparable(self, row: Row) -> dict[str, Any]:
        return {**super().comparable(row), "student_id": row.values.get("student_id")}

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {
            **super().fields_of(values, ctx),
            "academic_year": ctx.year,
            "student_id": values["student_id"],
        }


# --- 体测成绩 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doubtful:
    """A result that was read but must not be scored (ambiguous time, a count with decimals): the
    warning to give; stored as empty and flagged."""

    message: str
    hint: str


@dataclass(frozen=True)
class Result(CellType):
    """One measured result, read by :func:`tisheng.health.readings.read_result`: a
    :class:`~tisheng.health.readings.Reading`, :class:`Doubtful`, ``"absent"`` (缺测, /) or ``"exempt"``."""

    key: str = ""

    def parse(self, value: Any) -> Any:
        text = normalise_text(value)
        if text in readings.EXEMPT_WORDS:
            return "exempt"
        if text in readings.ABSENT_WORDS:
            return "absent"
        try:
            return readings.read_result(self.key, value)
        except readings.ResultProblem as exc:
            if exc.severity == "error":
                raise CellError(exc.message, exc.hint) from None
            return Doubtful(exc.message, exc.hint)

    def describe(self) -> str:
        p = readings.PLAUSIBLE[self.key]
        if self.key == "run_50m":
            return "秒，例如 8.5；未测留空"
        if self.key in readings.LONG_RUNS:
            return "分秒，例如 3'50\" 或 3分50秒，也可填写秒数 230秒；未测留空"
        return f"单位：{p.unit_zh}；未测留空；免测学生填“免测”"


def _result_column(key: str, units: tuple[str, ...]) -> Column:
    national = next(c for c in readings.COLUMNS if c.key == key)
    examples = {"height": "120.5", "weight": "23.4", "vital_capacity": 1200, "run_50m": "10.2"}
    return Column(
        key,
        national.header,
        Result(key),
        required=False,
        example=examples.get(key, ""),
        aliases=_with_units(national.header, units, *national.aliases),
    )


SECONDS = ("秒", "s", "分·秒", "分秒", "分.秒")
RESULT_UNITS: dict[str, tuple[str, ...]] = {
    "height": ("cm", "厘米"),
    "weight": ("kg", "千克", "公斤"),
    "vital_capacity": ("ml", "毫升"),
    "run_50m": SECONDS,
    "sit_and_reach": ("cm", "厘米"),
    "rope_skip_1min": ("次", "个"),
    "sit_up_1min": ("次", "个"),
    "shuttle_50x8": SECONDS,
    "standing_long_jump": ("cm", "厘米"),
    "pull_up": ("次", "个"),
    "run_1000m": SECONDS,
    "run_800m": SECONDS,
}
RESULT_KEYS = ("height", "weight", *MEASURED)
#: where each result is stored, for the fit check (digits, places; None = a positive integer field)
_STORAGE = {f.name: f for f in FitnessTest._meta.get_fields() if f.name in RESULT_KEYS}


class Exempt(CellType):
    """免测: 是, or the reason (因病免测), exempts the student; blank, 否, a filler mark (/, -) or a negation
    (不免测) does not — :func:`tisheng.health.readings.parse_exempt`."""

    def parse(self, value: Any) -> tuple[bool, str]:
        text = normalise_text(value)
        exempt = readings.parse_exempt(value)
        reason = "" if not exempt or text.lower() in readings.YES else text[:100]
        return exempt, reason

    def describe(self) -> str:
        return "免予执行《标准》的学生填“是”或原因（如“因病免测”），其他学生留空或填“否”"

    def choices_for_template(self) -> list[str]:
        return ["是", "否"]


def _fits(key: str, value: Decimal) -> bool:
    """Whether the model field can hold the value as it is (no rounding, no overflow)."""
    field = _STORAGE[key]
    if isinstance(field, models.DecimalField):
        exponent = value.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return places <= field.decimal_places and abs(value) < Decimal(10) ** (
            field.max_digits - field.decimal_places
        )
    return value == value.to_integral_value() and 0 <= value <= 32767


@registry.register
class FitnessDataset(StudentHealthRecords):
    name = "fitness"
    title = "体测成绩"
    sheet = "体测成绩"
    description = (
        "《国家学生体质健康标准》数据上报文件：本校本学年参加测试的全部学生，每名学生一行，格式与国家学生体质健康"
        "数据上报文件相同（表头可带单位，如“身高(cm)”；姓名等其他列将被忽略）。成绩按《标准》自动评分；"
        "无法确定或不可能的成绩会提示并标为“待核”，不计分。每个学年上传完整名单。"
    )
    columns = (
        SCHOOL_CODE_OPTIONAL,
        GRADE,
        CLASS_CODE,
        STUDENT_NUMBER,
        SEX,
        Column(
            "birth_date", "出生日期", Date(), required=False, example="2018-03-01", aliases=("出生年月日",)
        ),
        *(_result_column(key, RESULT_UNITS[key]) for key in RESULT_KEYS),
        Column("vision_left", "左眼裸眼视力", Acuity(), required=False, example="5.0", aliases=("左眼视力",)),
        Column(
            "vision_right", "右眼裸眼视力", Acuity(), required=False, example="4.9", aliases=("右眼视力",)
        ),
        Column("exempt", "免测", Exempt(), required=False, aliases=("是否免测", "免测原因")),
    )
    example_rows = (
        {
            "grade": 11,
            "class_code": "1101",
            "student_number": "G640105201801010012",
            "sex": 1,
            "birth_date": "2018-03-01",
            "height": "120.5",
            "weight": "23.4",
            "vital_capacity": 1200,
            "run_50m": "10.2",
            "sit_and_reach": "12.5",
            "rope_skip_1min": 110,
        },
    )
    model = FitnessTest
    stored = (
        "school_code",
        "student_number",
        "grade",
        "class_code",
        "sex",
        "birth_date",
        *RESULT_KEYS,
        "vision_left",
        "vision_right",
        "exempt",
        "exempt_reason",
        "flagged",
    )
    blanks: ClassVar[dict[str, Any]] = {"exempt": False, "exempt_reason": "", "flagged": []}

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        yield from super().check_row(row, ctx)
        v = row.values
        exempt, reason = v.get("exempt") or (False, "")
        applicable = set(fitness().weights[(v["grade"], v["sex"])]) | {"height", "weight"}
        flagged: set[str] = set()
        formats: dict[str, str] = {}
        for key in RESULT_KEYS:
            read = v.get(key)
            place = row.at(key, self)
            header = self.column(key).header
            if read is None or read == "absent":
                v[key] = None
                continue
            if read == "exempt":
                if not exempt:
                    yield warning(
                        place,
                        f"{header}注明免测：该生按免予执行《标准》处理，不评分，不计入优良率等比率的分母",
                        "如该生只是这一项未测，请留空（计为项目不全）；确实免测的，请在“免测”列填写“是”或原因",
                    )
                exempt = True
                v[key] = None
                continue
            if isinstance(read, Doubtful):
                yield warning(place, f"{header}：{read.message}（保存为“待核”）", read.hint)
                flagged.add(key)
                v[key] = None
                continue
            value: Decimal = read.value
            if read.format:
                formats[key] = read.format
            if read.note:
                yield warning(place, read.note, "如需保留原值，请在原始记录中核对")
            if key not in applicable:
                yield warning(
                    place,
                    f"{GRADE_NAMES[v['grade']]}{SEX_NAMES[v['sex']]}生不测“{header}”，该成绩保存但不计分",
                    "请核对年级编号、性别是否填对；若无误，可删除该成绩",
                    value,
                )
            problem = plausibility_problem(key, value)
            if problem is not None:
                flagged.add(key)
                if not _fits(key, value):
                    yield warning(place, f"{problem[0]}；该值无法保存，记为“待核”", problem[1], value)
                    v[key] = None
                    continue
                yield warning(place, f"{problem[0]}（保存为“待核”）", problem[1], value)
            elif not _fits(key, value):
                flagged.add(key)
                yield warning(
                    place, f"{header} {value} 的位数超出可保存的范围，记为“待核”", "请核对原始记录", value
                )
                v[key] = None
                continue
            v[key] = value
        v["exempt"], v["exempt_reason"] = exempt, reason if exempt else ""
        v["flagged"] = sorted(flagged)
        v["_formats"] = formats

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterable[Issue]:
        yield from super().check_rows(rows, ctx)
        yield from self.format_notices(rows)

    def format_notices(self, rows: list[Row]) -> Iterator[Issue]:
        """One notice per column and time format other than plain seconds: how many results were read
        that way, with the first one as an example."""
        seen: dict[tuple[str, str], tuple[Row, int]] = {}
        for row in rows:
            for key, fmt in row.values.get("_formats", {}).items():
                if fmt in (readings.PLAIN_SECONDS, "秒数（带单位）", "秒数（230秒）"):
                    continue
                first, count = seen.get((key, fmt), (row, 0))
                seen[(key, fmt)] = (first, count + 1)
        for (key, fmt), (first, count) in seen.items():
            header = self.column(key).header
            yield warning(
                first.at(key, self),
                f"{header}有 {count} 个成绩按“{fmt}”读取（如本行读作 {first.values[key]} 秒）",
                "请核对读取结果；如有误，请改写为 3'50\" 或秒数",
            )

    def write(self, ctx: Context, plan: Plan, batch_id: int) -> None:
        incoming = [ch.after for ch in (*plan.added, *plan.changed) if ch.after]
        records = [
            StudentRecord(
                grade=v["grade"],
                sex=v["sex"],
                exempt=v["exempt"],
                flagged=frozenset(v["flagged"]),
                **{key: v[key] for key in RESULT_KEYS},
            )
            for v in incoming
        ]
        scores = ctx.cache.setdefault("fitness_scores", {})
        for values, result in zip(incoming, fitness_results(records), strict=True):
            scores[values["student_number"]] = result
        super().write(ctx, plan, batch_id)

    # the version of the tables is compared too: re-uploading after the tables were corrected rescores
    def values_of(self, obj: Any) -> dict[str, Any]:
        return {**super().values_of(obj), "standard_version": obj.standard_version}

    def comparable(self, row: Row) -> dict[str, Any]:
        return {**super().comparable(row), "standard_version": standard_version()}

    def fields_of(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {**super().fields_of(values, ctx), **ctx.cache["fitness_scores"][values["student_number"]]}
