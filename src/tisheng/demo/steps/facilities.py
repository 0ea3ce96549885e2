"""Demo step for 办学条件: one FacilityReport per stage section and 学年 the section had students.

Buildings stay as they are (a school's areas are fixed, so its per-student values move with its
enrolment); equipment and books grow every year. Values per student sit around the national 优质均衡
standard (小学/初中: 教学及辅助用房 4.2/5.2 m², 体育运动场馆 7.5/10.2 m², 教学仪器设备值 2,000/2,500 元,
网络多媒体教室 2.3/2.4 per 100 students, books 30/40), most schools above, some below.

The plan's commitments are approached year by year: wireless coverage reaches every school by 2025,
multimedia classrooms are upgraded (by 2025 nearly all), the 84 标准化考场 are built at 华西希望中学
(24), 兴泾镇回民中学 (24) and 北方民族大学附属中学 (36). Planted problems: two or three crowded city
schools lack sports ground, two schools have D级危房 in 2021–2022 (cleared by 2023), one school with
five or more disabled students has no 资源教室 in 2021.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal

from tisheng.census.models import FacilityReport, SchoolClass
from tisheng.core.audit import bulk_create_audited
from tisheng.core.choices import GRADE_STAGE, Affiliation, SchoolType, Stage, UrbanRural
from tisheng.demo import data
from tisheng.demo.registry import DemoContext, step

#: Per student: teaching rooms (m²), sports grounds (m²), equipment (元), books (volumes); per 100
#: students: networked multimedia classrooms. The 培智学校 has its own (small school, large rooms).
STANDARD: dict[str, tuple[float, float, float, float, float]] = {
    Stage.PRESCHOOL: (6.0, 4.5, 1_000, 10, 3.4),
    Stage.PRIMARY: (4.2, 7.5, 2_000, 30, 2.3),
    Stage.JUNIOR: (5.2, 10.2, 2_500, 40, 2.4),
    Stage.SENIOR: (6.0, 11.5, 3_500, 45, 2.4),
}
SPECIAL = (18.0, 15.0, 9_000, 60, 12.0)
#: 标准化考场 by 学年 at the three schools of the plan (84 by 2025).
EXAM_ROOMS: dict[str, dict[int, int]] = {
    "镇北堡镇华西希望中学": {2021: 0, 2022: 8, 2023: 16, 2024: 24, 2025: 24},
    "兴泾镇回民中学": {2021: 0, 2022: 0, 2023: 12, 2024: 18, 2025: 24},
    "北方民族大学附属中学": {2021: 12, 2022: 24, 2023: 24, 2024: 36, 2025: 36},
}
#: Share of schools whose campus wireless network covers everything, by 学年.
WIRELESS = {2021: 0.6, 2022: 0.72, 2023: 0.85, 2024: 0.95, 2025: 1.0}
#: Share of classrooms upgraded by the end of each 学年 (cumulative), by school around these.
UPGRADED = {2021: 0.18, 2022: 0.4, 2023: 0.62, 2024: 0.84, 2025: 1.0}
DANGEROUS_SCHOOLS = 2
DANGEROUS_UNTIL = 2022
CROWDED_SCHOOLS = 3
RESOURCE_ROOM_AT = 5  # disabled students from which a school needs a 资源教室


def area(value: float) -> Decimal:
    return Decimal(f"{value:.1f}")


@step("facilities", order=64, title="办学条件")
def create_facilities(ctx: DemoContext) -> None:
    rng = ctx.rng
    counts: dict[tuple[int, str, int], int] = ctx.facts["enrolment"]
    disabled: dict[tuple[int, str, str], int] = ctx.facts.get("students.disabled", {})
    students: dict[tuple[int, str, str], int] = {}
    for (year, code, grade), n in counts.items():
        if n > 0:
            key = (year, code, GRADE_STAGE[grade])
            students[key] = students.get(key, 0) + n
    classes: Counter[tuple[int, str, str]] = Counter()
    year_of = {y.pk: start for start, y in ctx.years.items()}
    section_of = {s.pk: key for key, s in ctx.sections.items()}
    for year_id, section_id in SchoolClass.objects.order_by("pk").values_list(
        "academic_year_id", "section_id"
    ):
        classes[(year_of[year_id], *section_of[section_id])] += 1

    schools = list(ctx.schools.values())
    urban_district = [
        s
        for s in schools
        if s.urban_rural == UrbanRural.URBAN
        and s.affiliation == Affiliation.DISTRICT
        and s.school_type in (SchoolType.PRIMARY, SchoolType.JUNIOR)
    ]
    biggest = sorted(
        urban_district,
        key=lambda s: (
            -sum(n for (y, code, _), n in students.items() if code == s.code and y == data.LAST_YEAR)
        ),
    )[:6]
    crowded = {s.code for s in rng.sample(biggest, CROWDED_SCHOOLS)}
    old_rural = [
        s for s in schools if s.urban_rural != UrbanRural.URBAN and s.school_type != SchoolType.KINDERGARTEN
    ]
    dangerous = {s.code: rng.uniform(120, 420) for s in rng.sample(old_rural, DANGEROUS_SCHOOLS)}
    exam_rooms = {ctx.school(name).code: rooms for name, rooms in EXAM_ROOMS.items()}
    wireless_rank = {s.code: rng.random() for s in schools}
    # the school that needs a 资源教室 in 2021 but has none yet: the first one with enough disabled pupils
    needs_room = [
        key
        for key in sorted(disabled, key=lambda k: (k[0], k[1], k[2]))
        if key[0] == data.FIRST_YEAR and disabled[key] >= RESOURCE_ROOM_AT
    ]
    special = {s.code for s in schools if s.school_type == SchoolType.SPECIAL}
    mainstream_needs = [key for key in needs_room if key[1] not in special]
    missing_room = rng.choice(mainstream_needs) if mainstream_needs else None

    rows: list[FacilityReport] = []
    for (code, stage), section in ctx.sections.items():
        years = [y for y in data.YEARS if students.get((y, code, stage))]
        if not years:
            continue
        school = ctx.schools[code]
        per = SPECIAL if code in special else STANDARD[stage]
        rural = school.urban_rural != UrbanRural.URBAN
        # buildings: sized for the school's biggest year, with the school's own margin
        peak = max(students[(y, code, stage)] for y in years)
        room_factor = rng.uniform(0.92, 1.2) if not rural else rng.uniform(1.0, 1.4)
        sport_factor = rng.uniform(0.92, 1.25) if not rural else rng.uniform(1.0, 1.5)
        if code in crowded:
            sport_factor = rng.uniform(0.62, 0.78)
        teaching_area = peak * per[0] * room_factor
        sports_area = peak * per[1] * sport_factor
        equipment = students[(years[0], code, stage)] * per[2] * rng.uniform(0.8, 1.15) / 10_000
        books = students[(years[0], code, stage)] * per[3] * rng.uniform(0.85, 1.3)
        upgrade_pace = rng.uniform(0.85, 1.1)
        upgraded_total = 0
        for year in years:
            n = students[(year, code, stage)]
            classrooms = max(classes[(year, code, stage)] + rng.randint(1, 3), math.ceil(n * per[4] / 100))
            networked = classrooms - (rng.randint(0, 2) if year < 2024 and rng.random() < 0.4 else 0)
            target = min(classrooms, round(classrooms * min(1.0, UPGRADED[year] * upgrade_pace)))
            if year == data.LAST_YEAR and rng.random() < 0.8:
                target = classrooms
            upgraded = max(0, min(classrooms, target - upgraded_total))
            upgraded_total += upgraded
            equipment *= rng.uniform(1.04, 1.09)
            books += n * rng.uniform(0.8, 1.6)
            danger = (
                dangerous.get(code, 0.0)
                if year <= DANGEROUS_UNTIL and stage == _first_stage(ctx, code)
                else 0.0
            )
            disabled_here = disabled.get((year, code, stage), 0)
            resource_rooms = 0
            if code in special:
                resource_rooms = 2
            elif disabled_here >= RESOURCE_ROOM_AT and (year, code, stage) != missing_room:
                resource_rooms = 1 if disabled_here < 15 else 2
            rows.append(
                FacilityReport(
                    academic_year=ctx.years[year],
                    section=section,
                    teaching_area=area(teaching_area),
                    sports_area=area(sports_area),
                    equipment_value=Decimal(f"{equipment:.2f}"),
                    networked_classrooms=networked,
                    classrooms=classrooms,
                    upgraded_multimedia_classrooms=upgraded,
                    books=round(books),
                    wireless_covered=wireless_rank[code] < WIRELESS[year],
                    dangerous_area=area(danger),
                    resource_rooms=resource_rooms,
                    standard_exam_rooms=exam_rooms.get(code, {}).get(year, 0),
                )
            )
    rows.sort(key=lambda r: (r.academic_year.start_year, r.section.school.code, r.section.stage))
    bulk_create_audited(FacilityReport, rows)
    ctx.counts["facility_reports"] = len(rows)
    ctx.counts[f"exam_rooms.{data.LAST_YEAR}"] = sum(
        r.standard_exam_rooms for r in rows if r.academic_year.start_year == data.LAST_YEAR
    )
    ctx.facts["facilities.crowded"] = sorted(crowded)
    ctx.facts["facilities.dangerous"] = sorted(dangerous)


def _first_stage(ctx: DemoContext, code: str) -> str:
    """The lowest stage of a school (where a school-wide value such as D级危房 is reported)."""
    return next(stage for (c, stage) in ctx.sections if c == code)
