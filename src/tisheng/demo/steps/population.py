"""Demo step for the population: resident children and young people by calendar year 2021–2025, town,
single year of age 0–18 and sex (the denominators of 毛入园率 and 毛入学率), and births by town for
2015–2025.

The counts follow the enrolment: 3–5-year-olds a little above the kindergarten children (毛入园率 96%
in 2021 rising to 100% in 2025), 6–14-year-olds close to the 义务教育 pupils, 15–18 along the 初中
cohorts (the 普通高中 take about two thirds of them; the rest go to 中职 or elsewhere). Births fall
year by year; 0–2-year-olds are the births of their years plus a little in-migration. Each age is
shared out to the towns as the students of that age live (the students' residence towns).

Of the 6–15-year-olds, some are disabled children certified by the 残联 or the education bureau
(经认定的残疾儿童少年, the denominator of 残疾儿童少年入学率): each year as many as the disabled pupils the
students step enrolled in the 义务教育 grades (随班就读, 送教上门 and the 培智学校) divided by the year's
入学率 (94.4% in 2021 rising to 96.2% in 2025, the plan's 96%), about 0.8–1% of the age group, shared
out to the towns as those pupils' schools lie and then to ages and sexes as the population (more boys).
"""

from __future__ import annotations

from collections import Counter

from tisheng.census import choices as c
from tisheng.census.models import Birth, PopulationCount
from tisheng.core.audit import bulk_create_audited
from tisheng.core.choices import COMPULSORY_STAGES
from tisheng.demo import data
from tisheng.demo.allocation import largest_remainder
from tisheng.demo.registry import DemoContext, step

#: 毛入园率 by year: kindergarten children / resident 3–5-year-olds.
PRESCHOOL_RATE = {2021: 0.962, 2022: 0.971, 2023: 0.981, 2024: 0.991, 2025: 1.003}
AGES = range(19)
FIRST_BIRTH_YEAR = 2015
#: The grade of the children of each age (at 9月1日); 0–2 and 18 take their neighbours' towns.
GRADE_OF_AGE = {
    3: 1,
    4: 2,
    5: 3,
    **{6 + i: 11 + i for i in range(6)},
    12: 21,
    13: 22,
    14: 23,
    15: 31,
    16: 32,
    17: 33,
}
#: In-migration of small children: age a counts births × (1 + MIGRATION × a).
MIGRATION = 0.02
#: 15–18-year-olds relative to the 14-year-olds of the same year.
OLDER = {15: 0.985, 16: 0.97, 17: 0.955, 18: 0.94}
#: 残疾儿童少年入学率 by year: disabled pupils enrolled in the 义务教育 grades / certified disabled children
#: of ages 6–15 (the plan: 96% by 2025).
DISABLED_ENROLMENT_RATE = {2021: 0.944, 2022: 0.949, 2023: 0.953, 2024: 0.957, 2025: 0.962}
#: The ages whose certified disabled children are recorded (义务教育 ages); 0 at every other age.
DISABLED_AGES = range(6, 16)
#: Boys are certified disabled more often than girls: a boy's weight relative to a girl's.
DISABLED_BOYS = 1.3
#: Certified disabled children per 6–15-year-old when no enrolled disabled pupils are known.
DISABLED_SHARE = 0.008


@step("population", order=65, title="人口与出生")
def create_population(ctx: DemoContext) -> None:
    rng = ctx.rng
    counts: dict[tuple[int, str, int], int] = ctx.facts["enrolment"]
    residence: dict[tuple[int, int, str], int] = ctx.facts.get("students.residence", {})
    towns = list(ctx.towns)
    grade_total: Counter[tuple[int, int]] = Counter()
    for (year, _code, grade), n in counts.items():
        grade_total[(year, grade)] += n

    # births: from the kindergarten intake three years on, extended both ways
    births: dict[int, int] = {}
    for year in data.YEARS:
        if year - 3 >= FIRST_BIRTH_YEAR:
            births[year - 3] = round(grade_total[(year, 1)] / PRESCHOOL_RATE[year] / (1 + 3 * MIGRATION))
    first_known, last_known = min(births), max(births)
    for year in range(first_known - 1, FIRST_BIRTH_YEAR - 1, -1):
        births[year] = round(births[year + 1] * rng.uniform(1.025, 1.045))
    for year in range(last_known + 1, data.LAST_YEAR + 1):
        births[year] = round(births[year - 1] * rng.uniform(0.94, 0.97))

    def shares(year: int, grade: int) -> list[float]:
        found = [residence.get((year, grade, town), 0) for town in towns]
        return [float(n) for n in found] if sum(found) else [1.0] * len(towns)

    rows: list[PopulationCount] = []
    for year in data.YEARS:
        total: dict[int, int] = {}
        for age in AGES:
            if age < 3:
                total[age] = round(births[year - age] * (1 + MIGRATION * age))
            elif age <= 5:
                total[age] = round(grade_total[(year, age - 2)] / PRESCHOOL_RATE[year])
            elif age <= 14:
                total[age] = round(grade_total[(year, GRADE_OF_AGE[age])] / rng.uniform(0.99, 1.03))
            else:
                total[age] = round(total[14] * OLDER[age] * rng.uniform(0.99, 1.01))
        for age in AGES:
            grade = GRADE_OF_AGE.get(age, 1 if age < 3 else 33)
            for town, n in zip(towns, largest_remainder(total[age], shares(year, grade)), strict=True):
                men = round(n * rng.uniform(0.505, 0.53))
                for sex, count in ((c.Sex.MALE, men), (c.Sex.FEMALE, n - men)):
                    rows.append(
                        PopulationCount(year=year, town=ctx.towns[town], age=age, sex=sex, count=count)
                    )
    certify_disabled(ctx, rows)  # draws after every count above: adding it left the counts unchanged
    bulk_create_audited(PopulationCount, rows)

    birth_rows: list[Birth] = []
    for year in range(FIRST_BIRTH_YEAR, data.LAST_YEAR + 1):
        share_year = min(max(year + 3, data.FIRST_YEAR), data.LAST_YEAR)
        for town, n in zip(towns, largest_remainder(births[year], shares(share_year, 1)), strict=True):
            birth_rows.append(Birth(year=year, town=ctx.towns[town], count=n))
    bulk_create_audited(Birth, birth_rows)

    ctx.counts["population_counts"] = len(rows)
    ctx.counts["births"] = len(birth_rows)
    ctx.counts[f"births.{data.LAST_YEAR}"] = births[data.LAST_YEAR]


def certify_disabled(ctx: DemoContext, rows: list[PopulationCount]) -> None:
    """Set ``disabled_certified`` of the 6–15-year-old rows (see the module docstring)."""
    rng = ctx.rng
    disabled: dict[tuple[int, str, str], int] = ctx.facts.get("students.disabled", {})
    towns = list(ctx.towns)
    for year in data.YEARS:
        cells = [r for r in rows if r.year == year and r.age in DISABLED_AGES]
        enrolled: Counter[str] = Counter()
        for (at, code, stage), n in disabled.items():
            if at == year and stage in COMPULSORY_STAGES:
                enrolled[ctx.schools[code].town.name] += n
        if enrolled:
            total = round(sum(enrolled.values()) / DISABLED_ENROLMENT_RATE[year])
            weights = [enrolled[town] * rng.uniform(0.98, 1.04) for town in towns]
        else:
            people = Counter({town: 0 for town in towns})
            for r in cells:
                people[r.town.name] += r.count
            total = round(sum(people.values()) * DISABLED_SHARE)
            weights = [float(people[town]) for town in towns]
        for town, n in zip(towns, largest_remainder(total, weights), strict=True):
            mine = [r for r in cells if r.town.name == town]
            shares = [r.count * (DISABLED_BOYS if r.sex == c.Sex.MALE else 1.0) for r in mine]
            if not sum(shares):
                continue
            for r, k in zip(mine, largest_remainder(n, shares), strict=True):
                r.disabled_certified = min(k, r.count)
