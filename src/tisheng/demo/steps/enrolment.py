"""Demo step for enrolment: classes (班级) with their student counts for every school, stage section,
grade and school year.

How the numbers come about:

1. District totals per grade. For 2025 the 义务教育 grades are the published calibration (小学 29,637 with
   一年级 4,786; 初中 13,158 with 七年级 4,553), the same for every seed. Earlier years follow the
   cohorts backwards: grade g in year y is grade g+1 in year y+1 less the cohort's net gain (西夏区 gains
   小学 pupils as families move in; 初中 loses a few), and the top grade shrinks by the intake growth,
   so intakes rise slowly toward 2025. Kindergartens follow falling birth cohorts; 普通高中 are set per
   school (1,800–2,200 students).
2. Shared out to schools in proportion to each school's size, its growth or decline over the years and
   a cohort effect that follows a year group through the school, with the largest-remainder method so
   the totals stay exact. The 培智学校 takes its small classes first; a school that opened during
   the demo years starts with its lowest grades.
3. Split into classes at the standard size (小学 45, 初中/高中 50, kindergarten 25/30/35), with the
   problems a real district has: some schools run slightly over-full classes (fewer every year), two
   小学 year groups and one 初中 and one 高中 year group ran 大班额 (56–65) in the early years, with one
   超大班额 (≥ 66) class in 2021 and 2022, all gone by 2025; 西夏区实验小学 is over 2,000 students.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from tisheng.census.models import SchoolClass
from tisheng.core.audit import bulk_create_audited
from tisheng.core.choices import GRADE_STAGE, Affiliation, Ownership, SchoolType, Stage, UrbanRural, grades_of
from tisheng.demo import data
from tisheng.demo.allocation import class_count, crowded_sizes, jitter, largest_remainder, split_even
from tisheng.demo.registry import DemoContext, step

PRIMARY = grades_of(Stage.PRIMARY)
JUNIOR = grades_of(Stage.JUNIOR)
PRESCHOOL = grades_of(Stage.PRESCHOOL)
SENIOR = grades_of(Stage.SENIOR)

#: Net yearly change of a 小学 cohort (in-migration) and of a 初中 cohort (a few leave).
PRIMARY_COHORT_GAIN = 1.0177
JUNIOR_COHORT_GAIN = 0.99
#: Yearly growth of the top grade's size (the intake growth of six or three years before).
PRIMARY_INTAKE_GROWTH = 1.005
JUNIOR_INTAKE_GROWTH = 1.025
#: Over-full classes in the "tight" schools: how far above the standard they aim, by year.
TIGHT_EXTRA = {2021: 5, 2022: 4, 2023: 3, 2024: 2, 2025: 1}
#: The same for kindergartens (a 大班 of 35 becomes 40 …): 85% of classes at the standard size by 2025.
TIGHT_EXTRA_PRESCHOOL = {2021: 6, 2022: 5, 2023: 5, 2024: 4, 2025: 3}
#: No class outside the planted 大班额 year groups averages, or is jittered, above this.
CLASS_CAP = 55
#: A planted 大班额 year group averages about this many per class; half its classes are over-full.
CROWDED_AVERAGE = 52
#: Planted 大班额 year groups: for each year after the first one, (low, high) class sizes; ``None`` = gone.
CROWDED_PRIMARY: tuple[tuple[tuple[int, int] | None, ...], ...] = (
    ((58, 63), (56, 60), (56, 58), None, None),
    ((56, 60), (56, 58), None, None, None),
)
CROWDED_JUNIOR: tuple[tuple[int, int] | None, ...] = ((56, 60), (56, 58), None, None, None)
CROWDED_SENIOR: tuple[tuple[int, int] | None, ...] = ((56, 59), None, None, None, None)
#: 超大班额: one class of the first planted 小学 year group in 2021, of the second in 2022.
OVERSIZED = ((0, 2021), (1, 2022))


def published_grade_totals() -> dict[int, int]:
    """The 2025 totals per 义务教育 grade: the published figures, the other grades shared out along the
    cohort pattern (independent of the seed)."""
    totals = {11: data.PRIMARY_2025_GRADE_1, 21: data.JUNIOR_2025_GRADE_7}
    ratio = PRIMARY_COHORT_GAIN / PRIMARY_INTAKE_GROWTH
    rest = largest_remainder(
        data.PRIMARY_2025_TOTAL - data.PRIMARY_2025_GRADE_1, [ratio**k for k in range(1, 6)]
    )
    totals.update(zip(PRIMARY[1:], rest, strict=True))
    rest = largest_remainder(data.JUNIOR_2025_TOTAL - data.JUNIOR_2025_GRADE_7, [1.0, 0.96])
    totals.update(zip(JUNIOR[1:], rest, strict=True))
    return totals


def backward_totals(
    final: dict[int, int], grades: list[int], gain: float, top_growth: float, rng: random.Random
) -> dict[int, dict[int, int]]:
    """Grade totals for every demo year, from the last year's back along the cohorts."""
    totals = {data.LAST_YEAR: {g: final[g] for g in grades}}
    for year in range(data.LAST_YEAR - 1, data.FIRST_YEAR - 1, -1):
        later = totals[year + 1]
        row: dict[int, int] = {}
        for index, grade in enumerate(grades):
            if index + 1 < len(grades):
                row[grade] = round(later[grades[index + 1]] / (gain * (1 + rng.uniform(-0.005, 0.005))))
            else:
                row[grade] = round(later[grade] / (top_growth * (1 + rng.uniform(-0.008, 0.008))))
        totals[year] = row
    return totals


def kindergarten_totals(rng: random.Random) -> dict[int, dict[int, int]]:
    """小/中/大班 totals per year: intakes fall a little every year with the birth cohorts."""
    first = data.FIRST_YEAR - 2
    intake = {data.LAST_YEAR: rng.randint(3_550, 3_750)}
    for year in range(data.LAST_YEAR - 1, first - 1, -1):
        intake[year] = round(intake[year + 1] * rng.uniform(1.015, 1.035))
    middle = {
        y: round(intake[y - 1] * rng.uniform(0.98, 0.995)) for y in range(first + 1, data.LAST_YEAR + 1)
    }
    top = {y: round(middle[y - 1] * rng.uniform(0.985, 0.998)) for y in data.YEARS}
    return {y: {1: intake[y], 2: middle[y], 3: top[y]} for y in data.YEARS}


@dataclass
class Unit:
    """A stage section taking part in the share-out of a stage's students."""

    code: str
    spec: data.SchoolSpec
    stage: str
    size: float
    drift: float
    cohort_effect: dict[int, float] = field(default_factory=dict)

    def is_open(self, year: int, grade: int) -> bool:
        """A school opened in the demo years has no classes before, then starts with its lowest grades."""
        opened = self.spec.opened
        if opened is None:
            return True
        if year < opened:
            return False
        first_year_grades = 2 if self.stage == Stage.PRESCHOOL else 3
        return grades_of(self.stage).index(grade) < (year - opened) + first_year_grades

    def weight(self, year: int, grade: int, rng: random.Random) -> float:
        if not self.is_open(year, grade):
            return 0.0
        cohort = year - grades_of(self.stage).index(grade)  # the year group's entry year
        if cohort not in self.cohort_effect:
            self.cohort_effect[cohort] = rng.uniform(0.95, 1.05)
        return self.size * self.drift ** (year - data.LAST_YEAR) * self.cohort_effect[cohort]


def _drift(rng: random.Random, spec: data.SchoolSpec, urban_rural: str) -> float:
    """How a school's share changed per year: city schools grew, rural schools lost pupils."""
    if urban_rural != UrbanRural.URBAN:
        return rng.uniform(0.96, 0.995)
    if spec.ownership == Ownership.PRIVATE:
        return rng.uniform(0.95, 1.02)
    return rng.uniform(0.99, 1.035)


def share_out(
    units: list[Unit], totals: dict[int, dict[int, int]], grades: list[int], rng: random.Random
) -> dict[tuple[int, str, int], int]:
    """Students per (year, school code, grade), summing exactly to ``totals``."""
    counts: dict[tuple[int, str, int], int] = {}
    for year in data.YEARS:
        for grade in grades:
            weights = [unit.weight(year, grade, rng) for unit in units]
            for unit, n in zip(units, largest_remainder(totals[year][grade], weights), strict=True):
                counts[(year, unit.code, grade)] = n
    return counts


@dataclass
class Crowding:
    """Which schools run over-full classes, and which year groups are planted 大班额."""

    tight: set[str]
    crowded: dict[tuple[int, str, int], tuple[int, int]]  # (year, code, grade) → (low, high)
    oversized: set[tuple[int, str, int]]


def _pick_cohorts(
    rng: random.Random,
    codes: Iterable[str],
    grades: list[int],
    plan: tuple[tuple[int, int] | None, ...],
    counts: dict[tuple[int, str, int], int],
    how_many: int,
) -> list[tuple[str, int]]:
    """Year groups (school, grade in the first year) big enough to be planted 大班额 for ``plan``'s years."""
    years = [data.FIRST_YEAR + i for i, sizes in enumerate(plan) if sizes is not None]
    candidates = [
        (code, grade) for code in codes for grade in grades if grades.index(grade) + len(years) <= len(grades)
    ]
    rng.shuffle(candidates)

    def smallest(candidate: tuple[str, int]) -> int:
        code, grade = candidate
        return min(counts[(y, code, grade + (y - data.FIRST_YEAR))] for y in years)

    picked: list[tuple[str, int]] = []
    for candidate in sorted(candidates, key=lambda c: smallest(c) < 170):  # big enough first, stable
        if len(picked) == how_many:
            break
        if all(candidate[0] != code for code, _ in picked):
            picked.append(candidate)
    return picked


def _plant(
    crowding: Crowding, cohorts: list[tuple[str, int]], plans: Iterable[tuple[tuple[int, int] | None, ...]]
) -> None:
    for (code, first_grade), plan in zip(cohorts, plans, strict=False):
        for offset, sizes in enumerate(plan):
            if sizes is not None:
                year = data.FIRST_YEAR + offset
                crowding.crowded[(year, code, first_grade + offset)] = sizes


def class_sizes(
    n: int,
    grade: int,
    key: tuple[int, str, int],
    spec: data.SchoolSpec,
    crowding: Crowding,
    rng: random.Random,
) -> list[int]:
    """How the ``n`` students of one school grade sit in classes."""
    standard = data.STANDARD_CLASS_SIZE[grade]
    year, code, _ = key
    if spec.school_type == SchoolType.SPECIAL:
        return [n]  # 培智 classes are small: one per grade
    if key in crowding.crowded:
        low, high = crowding.crowded[key]
        sizes = crowded_sizes(
            n, rng, average=CROWDED_AVERAGE, low=low, high=high, oversized=key in crowding.oversized
        )
        rng.shuffle(sizes)
        return sizes
    if code in crowding.tight:
        cap = standard + 6 if grade in PRESCHOOL else CLASS_CAP
        extra = (TIGHT_EXTRA_PRESCHOOL if grade in PRESCHOOL else TIGHT_EXTRA)[year]
        k = class_count(n, standard + extra, cap)
    else:
        cap = standard  # a school that keeps to the standard size never lets a class grow beyond it
        k = -(-n // standard)
    return jitter(split_even(n, k), rng, cap=cap, floor=max(1, n // k - 8))


@step("enrolment", order=60, title="班级与在校生")
def create_classes(ctx: DemoContext) -> None:
    rng = ctx.rng
    code_of = {school.name: code for code, school in ctx.schools.items()}
    specs = {code_of[spec.name]: spec for spec in data.ALL_SCHOOLS}

    # 1. District totals per grade and year.
    final = published_grade_totals()
    primary_totals = backward_totals(final, PRIMARY, PRIMARY_COHORT_GAIN, PRIMARY_INTAKE_GROWTH, rng)
    junior_totals = backward_totals(final, JUNIOR, JUNIOR_COHORT_GAIN, JUNIOR_INTAKE_GROWTH, rng)
    preschool_totals = kindergarten_totals(rng)

    # 2. Shared out to schools: the 培智学校 first, then by weight.
    counts: dict[tuple[int, str, int], int] = {}
    special = [code for code, spec in specs.items() if spec.school_type == SchoolType.SPECIAL]
    for code in special:
        for year in data.YEARS:
            for grade in PRIMARY + JUNIOR:
                n = rng.randint(8, 12)
                counts[(year, code, grade)] = n
                totals = primary_totals if grade in PRIMARY else junior_totals
                totals[year][grade] -= n

    def units(stage: str, types: tuple[str, ...]) -> list[Unit]:
        chosen = []
        for code, spec in specs.items():
            if spec.school_type not in types:
                continue
            school = ctx.schools[code]
            if stage == Stage.PRESCHOOL:
                low, high = (
                    (280, 450)
                    if spec.ownership == Ownership.PUBLIC
                    else (140, 300)
                    if spec.is_puhui
                    else (90, 220)
                )
                size: float = rng.randint(low, high) * (
                    1.3 if spec.affiliation != Affiliation.DISTRICT else 1
                )
            else:
                upper = stage == Stage.JUNIOR and spec.school_type == SchoolType.NINE_YEAR
                size = spec.size2 if upper else spec.size
            chosen.append(Unit(code, spec, stage, size, _drift(rng, spec, school.urban_rural)))
        return chosen

    primary_units = units(Stage.PRIMARY, (SchoolType.PRIMARY, SchoolType.NINE_YEAR))
    junior_units = units(Stage.JUNIOR, (SchoolType.JUNIOR, SchoolType.NINE_YEAR))
    preschool_units = units(Stage.PRESCHOOL, (SchoolType.KINDERGARTEN,))
    counts.update(share_out(primary_units, primary_totals, PRIMARY, rng))
    counts.update(share_out(junior_units, junior_totals, JUNIOR, rng))
    counts.update(share_out(preschool_units, preschool_totals, PRESCHOOL, rng))
    seniors = [code for code, spec in specs.items() if spec.school_type == SchoolType.SENIOR]
    for code in seniors:
        total = rng.randint(1_800, 2_200)
        for year in range(data.LAST_YEAR, data.FIRST_YEAR - 1, -1):
            if year < data.LAST_YEAR:
                total = round(total / rng.uniform(1.01, 1.03))
            weights = [rng.uniform(1.0, 1.06), rng.uniform(0.98, 1.02), rng.uniform(0.94, 1.0)]
            for grade, n in zip(SENIOR, largest_remainder(total, weights), strict=True):
                counts[(year, code, grade)] = n

    # 3. Which schools crowd their classes.
    def district_urban(types: tuple[str, ...]) -> list[str]:
        return [
            code
            for code, spec in specs.items()
            if spec.school_type in types
            and spec.affiliation == Affiliation.DISTRICT
            and ctx.schools[code].urban_rural == UrbanRural.URBAN
            and spec.opened is None
        ]

    big_primaries = [c for c in district_urban((SchoolType.PRIMARY,)) if specs[c].size >= 1_300]
    tight = set(rng.sample(big_primaries, 5))
    tight |= set(rng.sample(district_urban((SchoolType.JUNIOR,)), 2))
    kindergartens = [u.code for u in preschool_units]
    tight |= set(rng.sample(kindergartens, 12))
    crowding = Crowding(tight=tight, crowded={}, oversized=set())
    primary_cohorts = _pick_cohorts(
        rng, sorted(tight & set(big_primaries)), PRIMARY, CROWDED_PRIMARY[0], counts, 2
    )
    _plant(crowding, primary_cohorts, CROWDED_PRIMARY)
    for index, year in OVERSIZED:
        code, first_grade = primary_cohorts[index]
        crowding.oversized.add((year, code, first_grade + year - data.FIRST_YEAR))
    junior_tight = sorted(tight & set(district_urban((SchoolType.JUNIOR,))))
    _plant(crowding, _pick_cohorts(rng, junior_tight, JUNIOR, CROWDED_JUNIOR, counts, 1), [CROWDED_JUNIOR])
    _plant(crowding, _pick_cohorts(rng, seniors, SENIOR, CROWDED_SENIOR, counts, 1), [CROWDED_SENIOR])

    # 4. Classes, in a fixed order: year, school, grade, class number.
    rows: list[SchoolClass] = []
    order = {code: i for i, code in enumerate(ctx.schools)}
    for (year, code, grade), n in sorted(
        counts.items(), key=lambda item: (item[0][0], order[item[0][1]], item[0][2])
    ):
        if n <= 0:
            continue
        section = ctx.sections[(code, GRADE_STAGE[grade])]
        for number, size in enumerate(
            class_sizes(n, grade, (year, code, grade), specs[code], crowding, rng), 1
        ):
            rows.append(
                SchoolClass(
                    academic_year=ctx.years[year],
                    section=section,
                    grade=grade,
                    number=number,
                    student_count=size,
                )
            )
    bulk_create_audited(SchoolClass, rows)

    ctx.facts["enrolment"] = counts  # students per (year, school code, grade), for later steps
    ctx.counts["classes"] = len(rows)
    ctx.counts[f"classes.{data.LAST_YEAR}"] = sum(
        row.academic_year.start_year == data.LAST_YEAR for row in rows
    )
    by_stage = {
        Stage.PRESCHOOL: PRESCHOOL,
        Stage.PRIMARY: PRIMARY,
        Stage.JUNIOR: JUNIOR,
        Stage.SENIOR: SENIOR,
    }
    last = {(code, grade): n for (year, code, grade), n in counts.items() if year == data.LAST_YEAR}
    for stage, grades in by_stage.items():
        ctx.counts[f"students.{data.LAST_YEAR}.{stage}"] = sum(n for (_, g), n in last.items() if g in grades)
    ctx.counts[f"students.{data.LAST_YEAR}.compulsory"] = (
        ctx.counts[f"students.{data.LAST_YEAR}.{Stage.PRIMARY}"]
        + ctx.counts[f"students.{data.LAST_YEAR}.{Stage.JUNIOR}"]
    )
    for grade in (11, 21):
        ctx.counts[f"students.{data.LAST_YEAR}.grade_{grade}"] = sum(
            n for (_, g), n in last.items() if g == grade
        )
