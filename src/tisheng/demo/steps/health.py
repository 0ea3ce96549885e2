"""Demo step for student health: five 学年 of fitness tests (体测), vision screenings and 五项管理 records.

For every student enrolled (not 休学) in 小学一年级 to 高三 in each 学年 2021–2025 — the grades the
《国家学生体质健康标准》 covers — one :class:`~tisheng.health.models.FitnessTest` and one
:class:`~tisheng.health.models.VisionScreening`; for every class of those grades one
:class:`~tisheng.health.models.WuxiangRecord` per semester.

How the measurements come about
-------------------------------
Each student keeps, across the years, a fitness ability, a place in the BMI distribution, a body height
percentile and a myopia threshold (drawn once, in student order). Every year:

* An item's *target score* is ``78 + 14·(0.8·ability + 0.6·noise)`` plus the year's, stage's, school's
  shifts (:data:`~tisheng.demo.data.FITNESS_SHIFT` …) and a penalty for overweight and obese students.
  The target is turned into a measurement by the standard's own table of the grade and sex: between
  two known cells the result is interpolated, above the 100-point cell it runs into the 附加分 margins,
  below the lowest cell it continues the last step (score 0). Where the table marks a cell missing
  (初中男生引体向上 at 10 and 20 points) the result is put on the nearest known cell above, so no demo
  result falls where the standard's value is unknown. Results are rounded to the table's precision,
  towards the worse side, so the scorer never gives more than the target.
* BMI: the band is drawn from :data:`~tisheng.demo.data.BMI_SHARES` against the standard's BMI table of
  the grade and sex, height around the grade's mean, weight = BMI × height².
* 免测 (with a reason): the 培智学校's pupils, students with a physical, visual or multiple disability,
  and a few students with an illness; a few others miss one item (缺测) and are 项目不全.
* Every computed field (BMI, band, item scores, 标准分, 附加分, 学年总分, 等级, status, version) comes
  from the real scorer, :func:`tisheng.health.results.fitness_results` — nothing is set by hand.

Vision: a student is myopic in a year when the myopia threshold lies below the grade's share
(:data:`~tisheng.demo.data.MYOPIA_BY_GRADE`, scaled by year), so a myopic child stays myopic and the
depth grows with grade. Myopic eyes get a spherical equivalent ≤ −0.50 D and uncorrected acuity < 5.0;
most screenings have autorefraction, a few only acuity (some with the 串镜 check); many myopic students
wear glasses, a few orthokeratology lenses.

Planted for the supervision work: :data:`~tisheng.demo.data.FITNESS_FALLING_SCHOOL` whose 优良率 falls
year on year, :data:`~tisheng.demo.data.HOMEWORK_OVER_SCHOOL` whose 初中 classes exceed the 90-minute
homework limit, :data:`~tisheng.demo.data.SHORT_SLEEP_SCHOOL` whose students sleep less than 9 hours.

All rows are written with :func:`~tisheng.core.audit.bulk_create_audited`, like every demo fact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import numpy as np
from django.db.models.base import ModelState

from tisheng.census import choices as census_choices
from tisheng.census.models import Enrolment, SchoolClass, Student
from tisheng.core.audit import bulk_create_audited
from tisheng.core.choices import SchoolType
from tisheng.core.models import AcademicYear, School
from tisheng.demo import data
from tisheng.demo.registry import DemoContext, step
from tisheng.health import choices as hc
from tisheng.health.models import FitnessTest, VisionScreening, WuxiangRecord
from tisheng.health.results import fitness_results
from tisheng.health.scoring import PLAUSIBLE, StudentRecord
from tisheng.standards.fitness import BMI_ITEM, HIGHER, FitnessStandard, fitness

#: The grades of the standard in the demo's schools (小学一年级 … 高三).
HEALTH_GRADES: tuple[int, ...] = (11, 12, 13, 14, 15, 16, 21, 22, 23, 31, 32, 33)
#: Mean height (cm) at the test by grade, boys and girls (around the national surveys' figures).
HEIGHT_MEAN: dict[int, tuple[float, float]] = {
    11: (124.0, 122.5),
    12: (130.0, 128.5),
    13: (135.5, 134.5),
    14: (141.0, 140.5),
    15: (146.5, 147.0),
    16: (152.5, 152.0),
    21: (159.0, 155.5),
    22: (165.0, 157.5),
    23: (169.0, 158.5),
    31: (171.0, 159.0),
    32: (172.0, 159.5),
    33: (172.5, 160.0),
}
HEIGHT_SD = 5.5
#: How deep myopia goes at most (dioptres beyond −0.75) by stage.
MYOPIA_DEPTH = {"primary": 3.0, "junior": 4.5, "senior": 6.0}
#: Share of myopic students wearing frame glasses, contact lenses, orthokeratology lenses, by stage.
CORRECTION_SHARES = {
    "primary": (0.45, 0.0, 0.05),
    "junior": (0.60, 0.01, 0.04),
    "senior": (0.70, 0.06, 0.01),
}
#: 五项管理 national limits by stage: written homework (min/day; 一二年级 none) and sleep (min/day).
HOMEWORK_LIMIT = {"primary": 60, "junior": 90}
SLEEP_MINIMUM = {"primary": 600, "junior": 540, "senior": 480}
#: Share of a normal school's classes over the homework limit / short of sleep, by 学年 (improving).
WUXIANG_SLIPS = {2021: 0.08, 2022: 0.06, 2023: 0.04, 2024: 0.02, 2025: 0.01}
#: Disabilities that keep a student from the test (免测 on the school's review).
_EXEMPT_DISABILITIES = frozenset(
    {census_choices.Disability.PHYSICAL, census_choices.Disability.VISUAL, census_choices.Disability.MULTIPLE}
)
BATCH = 5000


def stage_of(grade: int) -> str:
    return "primary" if grade < 20 else "junior" if grade < 30 else "senior"


# --- measurements from target scores -------------------------------------------------------------------


@dataclass(frozen=True)
class Curve:
    """One item's table for a grade and sex, as a function from a target score to a measurement."""

    scores: np.ndarray  # known levels, ascending
    values: np.ndarray  # their thresholds
    gaps: tuple[tuple[float, float], ...]  # (lower, upper) known levels with a missing level between
    higher: bool
    scale: int
    bonus_points: np.ndarray  # 0, 1, … cap
    bonus_margins: np.ndarray  # 0, margin for 1 point, …
    lo: float
    hi: float

    def measure(self, target: np.ndarray) -> np.ndarray:
        """Measurements (natural units, rounded to the table's precision) reaching ``target``."""
        s = target.astype(float).copy()
        for lower, upper in self.gaps:
            s = np.where((s >= lower) & (s < upper), upper, s)
        lowest = self.scores[0]
        sign = 1.0 if self.higher else -1.0
        value = np.interp(s, self.scores, self.values)
        # below the lowest known level: the last step continues (score 0), unless a missing level
        # lies below it (then the lowest known level is the floor)
        step = (self.values[1] - self.values[0]) / (self.scores[1] - self.scores[0])
        below = s < lowest
        value = np.where(below, self.values[0] + step * (s - lowest), value)
        # above 100: the 附加分 margins (or the top step for items without 附加分)
        above = s > self.scores[-1]
        extra = s - self.scores[-1]
        if len(self.bonus_points) > 1:
            margin = np.interp(extra, self.bonus_points, self.bonus_margins)
        else:
            margin = extra * abs(self.values[-1] - self.values[-2]) / (self.scores[-1] - self.scores[-2])
        value = np.where(above, self.values[-1] + sign * margin, value)
        units = value * self.scale
        units = np.floor(units + 1e-9) if self.higher else np.ceil(units - 1e-9)
        return np.clip(units, self.lo * self.scale, self.hi * self.scale) / self.scale


def make_curve(std: FitnessStandard, item: str, sex: str, grade: int) -> Curve:
    table = std.table(item, sex, grade)
    cells = sorted(table.cells, key=lambda c: c.score)
    known = [c for c in cells if not c.missing]
    gaps: list[tuple[float, float]] = []
    previous: float | None = None
    pending = False
    for cell in cells:
        if cell.missing:
            pending = True
            continue
        if pending:
            # missing levels below this known one: from the one below (or from nothing) up to it
            gaps.append((float(previous) if previous is not None else -1e9, float(cell.score)))
            pending = False
        previous = cell.score
    bonus = std.bonus.get((item, sex, grade))
    points = np.array([0.0] + ([float(s.points) for s in bonus.steps] if bonus else []))
    margins = np.array([0.0] + ([float(s.margin) for s in bonus.steps] if bonus else []))
    bounds = PLAUSIBLE[item]
    return Curve(
        scores=np.array([float(c.score) for c in known]),
        values=np.array([float(c.threshold) for c in known]),  # type: ignore[arg-type]
        gaps=tuple(gaps),
        higher=table.item.direction == HIGHER,
        scale=table.item.scale,
        bonus_points=points,
        bonus_margins=margins,
        lo=float(bounds.minimum),
        hi=float(bounds.maximum),
    )


def _builder(model: type[Any]) -> Any:
    """A fast constructor of new ``model`` rows from attnames (``academic_year_id`` …).

    ``Model(**values)`` costs about 150 µs a row here (every field goes through its descriptor); the
    demo makes half a million health rows, so they are made as Django makes rows it loads: the field
    values put straight into the instance's ``__dict__`` (where the fields' descriptors read them) with
    a fresh ``ModelState`` (``adding``), the defaults of the fields not given filled in first, and
    ``related`` (field name → row) cached as a loaded row's related objects are."""
    fields = model._meta.concrete_fields
    defaults = {f.attname: None if f.primary_key else f.get_default() for f in fields}
    mutable = [name for name, value in defaults.items() if isinstance(value, (list, dict))]
    unknown_check = frozenset(defaults)

    def build(related: dict[str, Any], **values: Any) -> Any:
        if not values.keys() <= unknown_check:
            raise TypeError(f"{model.__name__} has no field {sorted(values.keys() - unknown_check)}")
        row = model.__new__(model)
        state = row.__dict__
        state.update(defaults)
        for name in mutable:  # a JSON default must not be shared between rows
            state[name] = type(defaults[name])()
        state.update(values)
        row._state = ModelState()
        # the related rows already at hand (str() of a row names its year and school: no query each)
        row._state.fields_cache.update(related)
        return row

    return build


@cache
def _decimal_of(units: int, places: int) -> Decimal:
    return Decimal(units).scaleb(-places)


def _decimal(value: float, places: int) -> Decimal:
    return _decimal_of(round(float(value) * 10**places), places)


def _value(item: str, value: float) -> Decimal | int:
    """A measurement as its model field stores it."""
    if item in ("vital_capacity", "rope_skip_1min", "sit_up_1min", "pull_up"):
        return round(value)
    return _decimal(value, 1)


# --- the step ------------------------------------------------------------------------------------------


@dataclass
class Tested:
    """The students tested in one 学年, as columns in enrolment order."""

    student: np.ndarray  # index into the stable per-student draws
    student_id: list[int]
    number: list[str]
    sex: list[str]
    birth: list[dt.date]
    disability: list[str]
    grade: np.ndarray
    class_number: list[int]
    school: list[School]


class HealthMaker:
    """Draws the students' stable traits once and makes each year's rows."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.np = np.random.default_rng(ctx.rng.getrandbits(64))
        self.std = fitness()
        ids = list(Student.objects.order_by("pk").values_list("pk", flat=True))
        self.index = {pk: i for i, pk in enumerate(ids)}
        n = len(ids)
        g = self.np
        self.ability = g.standard_normal(n)
        self.bmi_rank = g.random(n)
        self.height_z = g.standard_normal(n)
        self.myopia_u = g.random(n)
        self.school_of = {school.pk: school for school in ctx.schools.values()}
        order = sorted(ctx.schools)
        self.school_effect = dict(zip(order, g.normal(0.0, 1.5, len(order)), strict=True))
        self.curves: dict[tuple[str, str, int], Curve] = {}

    def curve(self, item: str, sex: str, grade: int) -> Curve:
        key = (item, sex, grade)
        if key not in self.curves:
            self.curves[key] = make_curve(self.std, item, sex, grade)
        return self.curves[key]

    def tested(self, year: AcademicYear) -> Tested:
        rows = (
            Enrolment.objects.filter(
                academic_year=year,
                status=census_choices.EnrolmentStatus.ENROLLED,
                school_class__grade__in=HEALTH_GRADES,
            )
            .order_by("pk")
            .values_list(
                "student_id",
                "student__student_number",
                "student__sex",
                "student__birth_date",
                "student__disability",
                "school_class__grade",
                "school_class__number",
                "school_class__section__school_id",
            )
        )
        columns = list(zip(*rows, strict=True)) if rows else [()] * 8
        return Tested(
            student=np.array([self.index[pk] for pk in columns[0]], dtype=np.int64),
            student_id=list(columns[0]),
            number=list(columns[1]),
            sex=list(columns[2]),
            birth=list(columns[3]),
            disability=list(columns[4]),
            grade=np.array(columns[5], dtype=np.int64),
            class_number=list(columns[6]),
            school=[self.school_of[pk] for pk in columns[7]],
        )

    # --- fitness ---------------------------------------------------------------------------------------

    def bmi_bounds(self, sex: str, grade: int) -> tuple[float, float, float, float]:
        """正常 and 超重 BMI bounds of the standard's table for the grade and sex."""
        bands = {b.band: b for b in self.std.bmi_table(sex, grade).bands}
        normal, overweight = bands["正常"], bands["超重"]
        return (
            float(normal.minimum),  # type: ignore[arg-type]
            float(normal.maximum),  # type: ignore[arg-type]
            float(overweight.minimum),  # type: ignore[arg-type]
            float(overweight.maximum),  # type: ignore[arg-type]
        )

    def body(self, t: Tested) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Height (cm), weight (kg) and the BMI band drawn (0 low, 1 normal, 2 overweight, 3 obese)."""
        g = self.np
        n = len(t.number)
        rank = np.clip(self.bmi_rank[t.student] + g.normal(0.0, 0.02, n), 0.0, 0.999999)
        shares = data.BMI_SHARES
        low, over, obese = shares["underweight"], shares["overweight"], shares["obese"]
        band = np.where(rank < low, 0, np.where(rank < 1 - over - obese, 1, np.where(rank < 1 - obese, 2, 3)))
        position = g.random(n)
        second = g.random(n)
        # per student: the grade's and sex's normal and overweight bands (BMI, inclusive at 0.1)
        keys = list(zip(t.grade.tolist(), t.sex, strict=True))
        bounds = {key: self.bmi_bounds(key[1], key[0]) for key in set(keys)}
        normal_lo, normal_hi, over_lo, over_hi = np.array([bounds[key] for key in keys]).T
        bmi = np.select(
            [band == 0, band == 1, band == 2],
            [
                normal_lo - 0.1 - 1.8 * position,
                normal_lo + (normal_hi - normal_lo) * (position + second) / 2,  # triangular
                over_lo + (over_hi - over_lo) * position,
            ],
            over_hi + 0.1 + 6.0 * position**2,
        )
        male = np.array([sex == census_choices.Sex.MALE for sex in t.sex])
        mean = np.array([HEIGHT_MEAN[grade][0] for grade in t.grade.tolist()])
        mean_f = np.array([HEIGHT_MEAN[grade][1] for grade in t.grade.tolist()])
        mean = np.where(male, mean, mean_f)
        height = mean + HEIGHT_SD * (0.9 * self.height_z[t.student] + 0.3 * g.standard_normal(n))
        height = np.round(height, 1)
        weight = np.round(bmi * (height / 100) ** 2, 1)
        return height, weight, band

    def targets(self, t: Tested, year: int, band: np.ndarray) -> np.ndarray:
        """Each student's target-score base (before the per-item noise)."""
        g = self.np
        n = len(t.number)
        ability = 0.8 * self.ability[t.student] + 0.45 * g.standard_normal(n)
        base = data.FITNESS_BASE_SCORE + 14.0 * 0.8 * ability + data.FITNESS_SHIFT[year]
        stage = np.array([data.FITNESS_STAGE_SHIFT[stage_of(int(x))] for x in t.grade])
        school = np.array([self.school_effect[s.code] for s in t.school])
        falling = np.array(
            [
                data.FITNESS_FALLING_SHIFT[year] if s.name == data.FITNESS_FALLING_SCHOOL else 0.0
                for s in t.school
            ]
        )
        weight_penalty = np.where(band == 3, -8.0, np.where(band == 2, -4.0, 0.0))
        return base + stage + school + falling + weight_penalty

    def exemptions(self, t: Tested) -> list[str]:
        """The 免测 reason of each student ('' = tested)."""
        g = self.np
        draws = g.random(len(t.number))
        picks = g.integers(0, len(data.FITNESS_EXEMPT_REASONS), len(t.number))
        reasons: list[str] = []
        for i, school in enumerate(t.school):
            if school.school_type == SchoolType.SPECIAL:
                reasons.append("培智学校学生、经医学诊断申请免测")
            elif t.disability[i] in _EXEMPT_DISABILITIES:
                reasons.append("残疾学生、经学校审核免测")
            elif draws[i] < data.FITNESS_EXEMPT_RATE:
                reasons.append(data.FITNESS_EXEMPT_REASONS[picks[i]])
            else:
                reasons.append("")
        return reasons

    def fitness_rows(
        self, t: Tested, year_row: AcademicYear, acuity: tuple[np.ndarray, np.ndarray]
    ) -> list[FitnessTest]:
        g = self.np
        year = year_row.start_year
        n = len(t.number)
        height, weight, band = self.body(t)
        base = self.targets(t, year, band)
        reasons = self.exemptions(t)
        missing_draw = g.random(n)
        results: list[dict[str, Any]] = [{} for _ in range(n)]
        groups: dict[tuple[int, str], list[int]] = {}
        for i in range(n):
            groups.setdefault((int(t.grade[i]), t.sex[i]), []).append(i)
        for (grade, sex), members in sorted(groups.items()):
            rows = np.array(members, dtype=np.int64)
            items = [item for item in self.std.items_for(grade, sex) if item != BMI_ITEM]
            for item in items:
                target = base[rows] + 14.0 * 0.6 * g.standard_normal(len(rows))
                values = self.curve(item, sex, grade).measure(target)
                for row, value in zip(members, values, strict=True):
                    results[row][item] = value
            skipped = g.integers(0, len(items), len(rows))
            for row, k in zip(members, skipped, strict=True):
                if missing_draw[row] < data.FITNESS_MISSING_ITEM_RATE:
                    results[row].pop(items[k])
        records: list[StudentRecord] = []
        for i in range(n):
            exempt = bool(reasons[i])
            measured = {} if exempt else {k: _value(k, v) for k, v in results[i].items()}
            results[i] = measured
            records.append(
                StudentRecord(
                    grade=int(t.grade[i]),
                    sex=t.sex[i],
                    height=_decimal(height[i], 1),
                    weight=_decimal(weight[i], 1),
                    exempt=exempt,
                    **{k: Decimal(v) for k, v in measured.items()},
                )
            )
        computed = fitness_results(records)
        left, right = acuity
        build = _builder(FitnessTest)
        rows_out: list[FitnessTest] = []
        for i in range(n):
            rows_out.append(
                build(
                    {"academic_year": year_row, "school": t.school[i]},
                    academic_year_id=year_row.pk,
                    school_id=t.school[i].pk,
                    student_id=t.student_id[i],
                    student_number=t.number[i],
                    grade=int(t.grade[i]),
                    class_code=f"{int(t.grade[i])}{t.class_number[i]:02d}",
                    sex=t.sex[i],
                    birth_date=t.birth[i],
                    height=records[i].height,
                    weight=records[i].weight,
                    vision_left=_decimal(left[i], 1),
                    vision_right=_decimal(right[i], 1),
                    exempt=bool(reasons[i]),
                    exempt_reason=reasons[i],
                    flagged=[],
                    **results[i],
                    **computed[i],
                )
            )
        return rows_out

    # --- vision ----------------------------------------------------------------------------------------

    def vision_rows(self, t: Tested, year_row: AcademicYear) -> list[VisionScreening]:
        g = self.np
        year = year_row.start_year
        n = len(t.number)
        share = np.array([data.MYOPIA_BY_GRADE[int(x)] for x in t.grade]) * data.MYOPIA_YEAR_FACTOR[year]
        u = self.myopia_u[t.student]
        myopic = u < share
        depth = np.where(myopic, (share - u) / share, 0.0)
        stages = [stage_of(int(x)) for x in t.grade]
        depth_max = np.array([MYOPIA_DEPTH[s] for s in stages])
        young = np.array([HEALTH_GRADES.index(int(x)) for x in t.grade]) / 11.0
        plus = 1.25 - young  # hyperopic reserve: +1.25 D in 一年级 down to +0.25 D in 高三
        se_right = np.where(
            myopic,
            np.minimum(-0.75 - depth * depth_max + g.normal(0.0, 0.25, n), -0.5),
            np.maximum(g.normal(plus, 0.4), -0.25),
        )
        se_left = np.where(
            myopic,
            np.minimum(se_right + g.normal(0.0, 0.3, n), 0.0),
            np.maximum(se_right + g.normal(0.0, 0.25, n), -0.25),
        )
        stage_shares = np.array([CORRECTION_SHARES[s] for s in stages])  # glasses, contact, ortho-k
        draw = g.random(n)
        ortho = myopic & (draw < stage_shares[:, 2])
        contact = myopic & ~ortho & (draw < stage_shares[:, 2] + stage_shares[:, 1])
        glasses = myopic & ~ortho & ~contact & (draw < stage_shares.sum(axis=1))
        correction = np.where(
            ortho,
            hc.Correction.ORTHO_K,
            np.where(
                contact, hc.Correction.CONTACT, np.where(glasses, hc.Correction.GLASSES, hc.Correction.NONE)
            ),
        )
        eyes = []
        for se in (se_left, se_right):
            # orthokeratology flattens the cornea overnight: little left to measure in the morning
            se = np.where(ortho, -0.25 * g.integers(1, 3, n), se)
            cylinder = np.where(g.random(n) < 0.7, 0.0, -0.25 * g.integers(1, 7, n))
            raw = (se - cylinder / 2) * 4
            # rounded to 0.25 D towards keeping the eye on its side of the −0.50 D cut-off
            sphere = np.where(se <= -0.5, np.floor(raw), np.ceil(raw)) / 4
            axis = g.integers(1, 181, n)
            equivalent = sphere + cylinder / 2
            short = np.clip(4.9 - 0.2 * (np.abs(equivalent) - 0.75) + g.normal(0.0, 0.08, n), 3.3, 4.9)
            normal = 5.0 + g.choice([-0.2, -0.1, 0.0, 0.1, 0.2], size=n, p=[0.03, 0.05, 0.45, 0.35, 0.12])
            acuity = np.where(equivalent <= -0.5, short, normal)
            acuity = np.where(ortho, np.where(g.random(n) < 0.5, 4.9, 5.0), acuity)
            eyes.append((sphere, cylinder, axis, np.round(acuity, 1)))
        (sphere_l, cyl_l, axis_l, acuity_l), (sphere_r, cyl_r, axis_r, acuity_r) = eyes
        refraction = g.random(n) >= data.NO_REFRACTION_RATE
        trial_draw = g.random(n)
        codes = sorted(self.ctx.schools)
        days = dict(zip(codes, (int(x) for x in g.integers(0, 50, len(codes))), strict=True))
        build = _builder(VisionScreening)
        rows: list[VisionScreening] = []
        for i in range(n):
            trial = hc.TrialLens.NOT_DONE
            measured = bool(refraction[i])
            if not measured and min(acuity_l[i], acuity_r[i]) < 5 and trial_draw[i] < 0.6:
                trial = hc.TrialLens.MYOPIC if myopic[i] else hc.TrialLens.NOT_MYOPIC
            school = t.school[i]
            rows.append(
                build(
                    {"academic_year": year_row, "school": school},
                    academic_year_id=year_row.pk,
                    school_id=school.pk,
                    student_id=t.student_id[i],
                    student_number=t.number[i],
                    grade=int(t.grade[i]),
                    class_code=f"{int(t.grade[i])}{t.class_number[i]:02d}",
                    sex=t.sex[i],
                    screened_on=dt.date(year, 10, 8) + dt.timedelta(days=days[school.code]),
                    acuity_left=_decimal(acuity_l[i], 1),
                    acuity_right=_decimal(acuity_r[i], 1),
                    sphere_left=_decimal(sphere_l[i], 2) if measured else None,
                    cylinder_left=_decimal(cyl_l[i], 2) if measured else None,
                    axis_left=int(axis_l[i]) if measured and cyl_l[i] != 0 else None,
                    sphere_right=_decimal(sphere_r[i], 2) if measured else None,
                    cylinder_right=_decimal(cyl_r[i], 2) if measured else None,
                    axis_right=int(axis_r[i]) if measured and cyl_r[i] != 0 else None,
                    correction=str(correction[i]),
                    trial_lens=trial,
                )
            )
        self.last_acuity = (acuity_l, acuity_r)
        return rows

    # --- 五项管理 ---------------------------------------------------------------------------------------

    def wuxiang_rows(self, year_row: AcademicYear) -> list[WuxiangRecord]:
        g = self.np
        year = year_row.start_year
        classes = (
            SchoolClass.objects.filter(academic_year=year_row, grade__in=HEALTH_GRADES)
            .order_by("pk")
            .values_list("grade", "number", "student_count", "section__school_id")
        )
        slip = WUXIANG_SLIPS[year]
        build = _builder(WuxiangRecord)
        rows: list[WuxiangRecord] = []
        for semester in hc.Semester.values:
            for grade, number, size, school_id in classes:
                school = self.school_of[school_id]
                stage = stage_of(grade)
                if grade in (11, 12):
                    homework = 0 if g.random() >= slip else int(g.integers(10, 21))
                elif stage == "senior":
                    homework = int(np.clip(g.normal(110, 15), 60, 180))
                else:
                    limit = HOMEWORK_LIMIT[stage]
                    planted = school.name == data.HOMEWORK_OVER_SCHOOL and g.random() < 0.6
                    if planted or g.random() < slip:
                        homework = limit + int(g.integers(5, 41))
                    else:
                        homework = int(np.clip(g.normal(limit * 0.8, 7), limit * 0.4, limit))
                minimum = SLEEP_MINIMUM[stage]
                if school.name == data.SHORT_SLEEP_SCHOOL:
                    sleep = int(np.clip(g.normal(minimum - 35, 10), minimum - 70, minimum - 5))
                elif g.random() < slip:
                    sleep = minimum - int(g.integers(5, 31))
                else:
                    sleep = int(np.clip(g.normal(minimum + 8, 6), minimum, minimum + 45))
                activity_mean = {"primary": 115, "junior": 105, "senior": 80}[stage]
                rows.append(
                    build(
                        {"academic_year": year_row, "school": school},
                        academic_year_id=year_row.pk,
                        school_id=school.pk,
                        grade=grade,
                        class_number=number,
                        semester=semester,
                        respondents=size,
                        homework_minutes=homework,
                        sleep_minutes=sleep,
                        phones_managed=bool(g.random() >= slip),
                        reading_reviewed=bool(g.random() >= slip * 1.5),
                        activity_minutes=int(np.clip(g.normal(activity_mean, 12), 30, 180)),
                    )
                )
        return rows


def _write(model: type[Any], rows: Sequence[Any]) -> None:
    for start in range(0, len(rows), BATCH):
        bulk_create_audited(model, list(rows[start : start + BATCH]), batch_size=BATCH)


@step("health", order=67, title="学生体质健康、视力与五项管理")
def create_health(ctx: DemoContext) -> None:
    maker = HealthMaker(ctx)
    for year in data.YEARS:
        year_row = ctx.years[year]
        ctx.progress(f"  {year}学年体测与视力筛查…")
        tested = maker.tested(year_row)
        vision = maker.vision_rows(tested, year_row)
        tests = maker.fitness_rows(tested, year_row, maker.last_acuity)
        records = maker.wuxiang_rows(year_row)
        _write(FitnessTest, tests)
        _write(VisionScreening, vision)
        _write(WuxiangRecord, records)
        ctx.add_count("fitness_tests", len(tests))
        ctx.add_count("vision_screenings", len(vision))
        ctx.add_count("wuxiang_records", len(records))
        if year == data.LAST_YEAR:
            ctx.counts[f"fitness_tests.{year}"] = len(tests)
