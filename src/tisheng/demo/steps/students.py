"""Demo step for students: one Student per child with a national 学籍号, and one Enrolment per student
per 学年, filling exactly the classes the enrolment step made (a class's ``student_count`` is its number
of enrolled students, as the intake validator requires).

How the students come about, year by year from 2021:

1. In the first year every class is filled with new children of the right age.
2. Later years follow the cohorts: a child in grade g moves up to grade g+1 at the same school; a few
   leave every year (to another school of the district, or out of the district) and others join (from
   another school of the district, or from outside: 随迁子女 mostly). Where a school's year group has
   more children than its classes hold, the rest move to schools that need them.
3. At the entry grades the older children come up from the stage below: 大班 children start 一年级
   (preferably in their own town), 六年级 pupils start 七年级 (a 九年一贯制 school keeps its own), some
   九年级 pupils start 高一; the places left are taken by children new to the district's records.
4. The 培智学校 keeps its own children (all disabled, placed 特教学校就读), each grade one small class.
5. A handful of 初中 pupils drop out each 学年 (fewer every year, none in 2025: 控辍保学清零); some are
   persuaded back (复学) and repeat their grade. A few pupils are suspended (休学): listed in their
   class as 休学 at the next 统计时点 (not counted in the class size), back the year after.

The moves are kept in ``ctx.facts["students.moves"]`` for the status-change step. Planted for the
supervision to find: three disabled 初中 pupils without an 一人一案 in 2021–2022 (they finish 九年级 in
2022 and leave the district's records).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from tisheng.census import choices as c
from tisheng.census.models import Enrolment, SchoolClass, Student
from tisheng.core.audit import bulk_create_audited
from tisheng.core.choices import GRADE_STAGE, SchoolType, Stage, UrbanRural, grades_of
from tisheng.core.models import School, Town, census_day
from tisheng.demo import data
from tisheng.demo.registry import DemoContext, DemoError, step
from tisheng.demo.steps.identity import (
    HUKOU_WEIGHTS,
    IdNumbers,
    birth_for_age,
    masked,
    person_name,
    student_number,
    weighted,
)

#: Age at the 统计时点 of a child in each grade (小学一年级: 6).
TYPICAL_AGE = {
    1: 3,
    2: 4,
    3: 5,
    **{11 + i: 6 + i for i in range(6)},
    21: 12,
    22: 13,
    23: 14,
    31: 15,
    32: 16,
    33: 17,
}
#: The grade whose children move up into each entry grade (the year before).
FEEDER = {11: 3, 21: 16, 31: 23}
#: Share of a year group that leaves its school in a year, by stage.
LEAVE_RATE: dict[str, float] = {
    Stage.PRESCHOOL: 0.05,
    Stage.PRIMARY: 0.025,
    Stage.JUNIOR: 0.025,
    Stage.SENIOR: 0.015,
}
#: Of those leaving, the share moving to another school of the district (the rest leave the district).
TO_DISTRICT = 0.45
#: Of the children of a feeder grade, the share going on to the next stage in the district.
GOES_ON = {11: 0.9, 21: 0.96, 31: 0.62}
#: 高一 places filled from the district's own 九年级 at most (the 高中 recruit across the city).
SENIOR_FROM_DISTRICT = 0.6
#: 辍学 by the 学年 in which they happened (初中 only), and how many of them came back (复学).
DROPOUTS = {2021: 6, 2022: 4, 2023: 3, 2024: 1, 2025: 0}
RETURNS = {2021: 3, 2022: 2, 2023: 1, 2024: 1, 2025: 0}
#: 休学 by the 学年 in which they happened (小学 and 初中).
SUSPENSIONS = {2021: 5, 2022: 4, 2023: 4, 2024: 3, 2025: 0}
#: Share of children with a disability in mainstream schools, by stage.
DISABLED_RATE: dict[str, float] = {
    Stage.PRESCHOOL: 0.004,
    Stage.PRIMARY: 0.0075,
    Stage.JUNIOR: 0.0075,
    Stage.SENIOR: 0.003,
}
DISABILITY_WEIGHTS: tuple[tuple[str, int], ...] = (
    (c.Disability.INTELLECTUAL, 30),
    (c.Disability.PHYSICAL, 20),
    (c.Disability.HEARING, 12),
    (c.Disability.VISUAL, 10),
    (c.Disability.SPEECH, 8),
    (c.Disability.MENTAL, 14),
    (c.Disability.MULTIPLE, 6),
)
SPECIAL_SCHOOL_DISABILITIES: tuple[tuple[str, int], ...] = (
    (c.Disability.INTELLECTUAL, 60),
    (c.Disability.MENTAL, 20),
    (c.Disability.MULTIPLE, 15),
    (c.Disability.SPEECH, 5),
)
#: Planted: disabled 八年级 pupils of 2021 left without an 一人一案 (in 2021 and 2022 only).
PLANS_MISSING = 3
PLANS_MISSING_GRADE = 22
#: Communities (社区, 村) of each town, for the students' residence.
COMMUNITIES: dict[str, tuple[str, ...]] = {
    "宁华路街道": ("宁华社区", "同心社区", "学院社区", "宁朔社区"),
    "朔方路街道": ("朔方社区", "西花园社区", "文萃社区", "北塔社区"),
    "北京西路街道": ("北京西路社区", "丽子园社区", "新小线社区", "贺兰山社区"),
    "文昌路街道": ("文昌社区", "学府社区", "富宁社区", "泰和社区"),
    "贺兰山西路街道": ("宝湖社区", "贺兰山西路社区", "黄河社区", "芦花社区"),
    "怀远路街道": ("怀远社区", "西干渠社区", "同心路社区", "南苑社区"),
    "兴泾镇": ("兴泾村", "十里村", "泾河村", "园艺村", "兴盛村"),
    "镇北堡镇": ("镇北堡村", "德林村", "吴苑村", "华西村", "团结村"),
}
PLAN_SUPPORTS = (
    "资源教师每周个别辅导2次",
    "语文、数学适当降低难度并单独布置作业",
    "安排助学伙伴，座位靠前",
    "每周1次康复训练（区残联定点康复机构）",
    "考试延长时间并提供大字号试卷",
    "配备助听设备，教师上课佩戴无线话筒",
    "开通无障碍通道，配备低位课桌",
    "班主任每月与家长沟通一次学习和康复情况",
    "体育课按个别化要求调整运动项目",
    "心理教师每两周个别辅导1次",
)


@dataclass(eq=False)
class Pupil:
    """A child while the years are generated: the Student row and where the child was last counted."""

    row: Student
    town: str
    special: bool = False
    keep_until: int = 0  # planted: stays in place (no move, no dropout) through this year
    stops_after: int = 0  # planted: does not go on to the next stage after this year
    class_number: int = 0
    away: int = 0  # the year at whose 统计时点 the child is away (dropped out or suspended)
    placed: int = 0  # the last year the child was placed in a class


@dataclass
class Move:
    """One 学籍 change the status-change step records: in the 学年 ``year``, at ``school`` (code)."""

    kind: str  # transfer (within the district), transfer_in, transfer_out, dropout, return, suspend
    year: int
    student: Student
    school: str
    other: str = ""  # the other school's code for a transfer within the district
    grade: int = 0


@dataclass
class YearGroup:
    """The children of one school and grade in one year: enrolled (in class order) and suspended."""

    enrolled: list[Pupil] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # each enrolled child's class number
    suspended: list[tuple[Pupil, int]] = field(default_factory=list)  # with the class they are listed in


class StudentMaker:
    """Makes new children: identity, name, birth date for the grade, hukou, residence, disability."""

    def __init__(self, ctx: DemoContext, rng: random.Random) -> None:
        self.rng = rng
        self.ids = IdNumbers(data.DISTRICT_CODE)
        self.towns: dict[str, Town] = ctx.towns
        self.urban_towns = [name for name, town in ctx.towns.items() if town.urban_rural == UrbanRural.URBAN]
        self.rows: list[Student] = []

    def residence(self, school: School) -> str:
        rng = self.rng
        own = school.town.name
        stay = 0.92 if school.urban_rural != UrbanRural.URBAN else 0.84
        if rng.random() < stay:
            return own
        if school.urban_rural == UrbanRural.URBAN:
            return rng.choice(self.urban_towns)
        return rng.choice(list(self.towns))

    def make(self, school: School, grade: int, year: int, *, special: bool = False) -> Pupil:
        rng = self.rng
        sex = c.Sex.MALE if rng.random() < 0.51 else c.Sex.FEMALE
        age = TYPICAL_AGE[grade]
        if special:
            age += rng.choice((0, 0, 1, 1, 2, 3))
        elif rng.random() < 0.04:
            age += 1
        birth = birth_for_age(rng, age, census_day(year))
        full_id = self.ids.make(rng, birth, sex)
        town = self.residence(school)
        hukou = weighted(rng, HUKOU_WEIGHTS)
        if school.urban_rural != UrbanRural.URBAN and hukou != c.Hukou.DISTRICT and rng.random() < 0.5:
            hukou = c.Hukou.DISTRICT
        row = Student(
            student_number=student_number(full_id),
            name=person_name(rng, sex),
            sex=sex,
            birth_date=birth,
            id_number_masked=masked(full_id),
            hukou=hukou,
            residence_town=self.towns[town],
            residence_community=rng.choice(COMMUNITIES[town]),
        )
        stage = GRADE_STAGE[grade]
        if special:
            self.disable(row, weighted(rng, SPECIAL_SCHOOL_DISABILITIES), c.Placement.SPECIAL_SCHOOL)
        elif rng.random() < DISABLED_RATE[stage]:
            placement = c.Placement.INCLUSIVE
            if stage in (Stage.PRIMARY, Stage.JUNIOR) and rng.random() < 0.08:
                placement = c.Placement.HOME_DELIVERY
            self.disable(row, weighted(rng, DISABILITY_WEIGHTS), placement)
        self.rows.append(row)
        return Pupil(row=row, town=town, special=special)

    def disable(self, row: Student, disability: str, placement: str) -> None:
        row.disability = disability
        row.placement = placement
        row.individual_plan = individual_plan(self.rng, placement)


def individual_plan(rng: random.Random, placement: str) -> str:
    """A one-line 一人一案 (个别化教育计划) summary."""
    supports = rng.sample(PLAN_SUPPORTS, 3)
    if placement == c.Placement.HOME_DELIVERY:
        head = f"送教上门：每周{rng.choice(('两', '三'))}次、每次2课时，由{rng.randint(2, 3)}名教师轮流授课"
        supports = supports[:1]
    elif placement == c.Placement.SPECIAL_SCHOOL:
        head = "特教学校就读：生活适应、沟通与交往、康复训练课程为主"
    else:
        head = "随班就读：按个别化教育计划调整教学目标"
    return f"{head}；{'；'.join(supports)}；每学期评估并调整一次。"


@dataclass
class Places:
    """The classes of the year being filled: (code, grade) → classes in number order."""

    classes: dict[tuple[str, int], list[SchoolClass]]

    def size(self, code: str, grade: int) -> int:
        return sum(k.student_count for k in self.classes.get((code, grade), []))


def load_classes(ctx: DemoContext) -> dict[int, Places]:
    """The enrolment step's classes, by year, (school code, grade), in number order."""
    year_of = {year.pk: start for start, year in ctx.years.items()}
    section_of = {section.pk: code for (code, _stage), section in ctx.sections.items()}
    places = {year: Places({}) for year in data.YEARS}
    for school_class in SchoolClass.objects.order_by("pk"):
        year = year_of[school_class.academic_year_id]
        code = section_of[school_class.section_id]
        school_class.academic_year = ctx.years[year]
        places[year].classes.setdefault((code, school_class.grade), []).append(school_class)
    for year_places in places.values():
        for classes in year_places.classes.values():
            classes.sort(key=lambda k: k.number)
    return places


class Cohorts:
    """Builds every year's year groups from the year before (see the module docstring)."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.maker = StudentMaker(ctx, ctx.rng)
        self.schools: list[School] = list(ctx.schools.values())
        self.order = {s.code: i for i, s in enumerate(self.schools)}
        self.special = {s.code for s in self.schools if s.school_type == SchoolType.SPECIAL}
        self.places = load_classes(ctx)
        self.groups: dict[int, dict[tuple[str, int], YearGroup]] = {}
        self.moves: list[Move] = []
        self.returners: dict[tuple[int, str, int], list[Pupil]] = {}

    # --- helpers ------------------------------------------------------------------------------------

    def codes_with(self, year: int, grade: int) -> list[str]:
        """Schools with classes of ``grade`` in ``year``, in school order."""
        places = self.places[year]
        return [s.code for s in self.schools if (s.code, grade) in places.classes]

    def previous(self, year: int, code: str, grade: int) -> list[Pupil]:
        group = self.groups.get(year - 1, {}).get((code, grade))
        if group is None:
            return []
        return [p for p in group.enrolled if p.away != year and p.placed != year]

    def record(
        self, kind: str, year: int, pupil: Pupil, school: str, other: str = "", grade: int = 0
    ) -> None:
        if GRADE_STAGE[grade] != Stage.PRESCHOOL:  # kindergartens keep no 学籍异动
            self.moves.append(Move(kind, year, pupil.row, school, other, grade))

    # --- the years ----------------------------------------------------------------------------------

    def run(self) -> None:
        for year in data.YEARS:
            self.groups[year] = {}
            if year > data.FIRST_YEAR:
                self.drop_out_and_suspend(year)
            for stage in (Stage.PRESCHOOL, Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR):
                for grade in grades_of(stage):
                    self.fill_grade(year, grade)
            if year == data.FIRST_YEAR:
                self.plant_missing_plans(year)

    def drop_out_and_suspend(self, year: int) -> None:
        """辍学 and 休学 during the 学年 before ``year``: chosen first, so the children are gone from the
        candidates of every grade."""
        rng, last = self.rng, year - 1
        junior = [
            p
            for code in self.codes_with(last, 21)
            if code not in self.special
            for grade in (21, 22)
            for p in self.previous(year, code, grade)
            if p.keep_until < year
        ]
        where = {
            id(p): (code, grade) for (code, grade), group in self.groups[last].items() for p in group.enrolled
        }
        dropouts = rng.sample(junior, DROPOUTS[last])
        for pupil in dropouts:
            code, grade = where[id(pupil)]
            pupil.away = year
            self.record("dropout", last, pupil, code, grade=grade)
        for pupil in rng.sample(dropouts, min(RETURNS[last], len(dropouts))):
            code, grade = where[id(pupil)]
            self.returners.setdefault((year, code, grade), []).append(pupil)
            self.record("return", year, pupil, code, grade=grade)
        compulsory = [
            p
            for (code, grade), group in self.groups[last].items()
            if code not in self.special and grade in (11, 12, 13, 14, 15, 21, 22)
            for p in group.enrolled
            if p.away != year and p.keep_until < year and (code, grade) in self.places[year].classes
        ]
        for pupil in rng.sample(compulsory, SUSPENSIONS[last]):
            code, grade = where[id(pupil)]
            pupil.away = year
            self.record("suspend", last, pupil, code, grade=grade)
            self.groups[year].setdefault((code, grade), YearGroup()).suspended.append(
                (pupil, pupil.class_number)
            )
            if year + 1 <= data.LAST_YEAR:
                self.returners.setdefault((year + 1, code, grade), []).append(pupil)
                self.record("return", year + 1, pupil, code, grade=grade)

    def fill_grade(self, year: int, grade: int) -> None:
        codes = self.codes_with(year, grade)
        places = self.places[year]
        if year == data.FIRST_YEAR:
            for code in codes:
                self.place(year, code, grade, [], places.size(code, grade))
            return
        if grade in FEEDER:
            self.fill_entry_grade(year, grade, codes)
        elif grade != 1:
            self.fill_moving_up(year, grade, codes)
        else:
            for code in codes:  # 小班: every child is new
                self.place(year, code, grade, [], places.size(code, grade))

    def fill_moving_up(self, year: int, grade: int, codes: list[str]) -> None:
        """Grade g from grade g-1 of the year before: most stay, a few leave; surplus children move to
        schools of the district short of children, the places left go to children from outside."""
        rng = self.rng
        stage = GRADE_STAGE[grade]
        before = grade - 1
        staying: dict[str, list[Pupil]] = {}
        pool: list[tuple[Pupil, str]] = []  # (child, school left) moving within the district
        sources = sorted(
            set(codes) | {code for code, g in self.groups[year - 1] if g == before},
            key=self.order.__getitem__,
        )
        for code in sources:
            stay = list(self.returners.get((year, code, grade), []))
            for pupil in self.previous(year, code, before):
                if pupil.keep_until >= year or pupil.special:
                    stay.append(pupil)
                elif rng.random() < LEAVE_RATE[stage]:
                    if rng.random() < TO_DISTRICT:
                        pool.append((pupil, code))
                    else:
                        self.record("transfer_out", year - 1, pupil, code, grade=before)
                else:
                    stay.append(pupil)
            size = self.places[year].size(code, grade)
            if len(stay) > size:
                movable = [p for p in stay if p.keep_until < year]
                extra = rng.sample(movable, len(stay) - size)
                chosen = {id(p) for p in extra}
                stay = [p for p in stay if id(p) not in chosen]
                for pupil in extra:
                    if pupil.special:
                        self.record("transfer_out", year - 1, pupil, code, grade=before)
                    else:
                        pool.append((pupil, code))
            staying[code] = stay
        rng.shuffle(pool)
        for code in codes:
            stay = staying.get(code, [])
            need = self.places[year].size(code, grade) - len(stay)
            if need > 0 and code not in self.special:
                taken = self.take_from_pool(pool, code, need)
                for pupil, left in taken:
                    self.record("transfer", year - 1, pupil, left, other=code, grade=before)
                stay += [p for p, _ in taken]
            joined = self.place(year, code, grade, stay, self.places[year].size(code, grade))
            for pupil in joined:
                self.record("transfer_in", year - 1, pupil, code, grade=grade)
        for pupil, left in pool:
            self.record("transfer_out", year - 1, pupil, left, grade=before)

    def take_from_pool(self, pool: list[tuple[Pupil, str]], code: str, need: int) -> list[tuple[Pupil, str]]:
        """Up to ``need`` children from the pool for school ``code``: same town first, never its own."""
        town = self.ctx.schools[code].town.name
        taken: list[tuple[Pupil, str]] = []
        for same_town in (True, False):
            keep: list[tuple[Pupil, str]] = []
            for item in pool:
                pupil, left = item
                if len(taken) < need and left != code and (pupil.town == town) == same_town:
                    taken.append(item)
                else:
                    keep.append(item)
            pool[:] = keep
        return taken

    def fill_entry_grade(self, year: int, grade: int, codes: list[str]) -> None:
        """一年级, 七年级 and 高一 from the stage below, the same school (九年一贯制) or town first."""
        rng = self.rng
        feeder = FEEDER[grade]
        by_town: dict[str, list[tuple[Pupil, str]]] = {}
        own: dict[str, list[Pupil]] = {}
        for code in self.codes_with(year - 1, feeder):
            if code in self.special:
                continue
            for pupil in self.previous(year, code, feeder):
                if pupil.stops_after and pupil.stops_after < year:
                    continue
                if rng.random() >= GOES_ON[grade]:
                    continue
                if grade == 21 and (code, 21) in self.places[year].classes:
                    own.setdefault(code, []).append(pupil)  # 九年一贯制: straight on
                else:
                    by_town.setdefault(pupil.town, []).append((pupil, code))
        for children in by_town.values():
            rng.shuffle(children)
        towns = list(by_town)
        order = list(codes)
        rng.shuffle(order)
        chosen: dict[str, list[Pupil]] = {}
        for code in order:
            if code in self.special:
                continue
            size = self.places[year].size(code, grade)
            picked = list(self.returners.get((year, code, grade), []))
            want = round(size * SENIOR_FROM_DISTRICT) if grade == 31 else size
            picked += own.pop(code, [])[: max(0, want - len(picked))]
            home = self.ctx.schools[code].town.name
            for town in [home] + [t for t in towns if t != home]:
                children = by_town.get(town, [])
                while children and len(picked) < want and (town == home or rng.random() < 0.9):
                    picked.append(children.pop()[0])
            chosen[code] = picked
        for code in codes:
            size = self.places[year].size(code, grade)
            if code in self.special:  # the 培智学校 keeps its own: 七年级 from its 六年级
                previous = self.previous(year, code, 16) if grade == 21 else []
                for pupil in previous[size:]:
                    self.record("transfer_out", year - 1, pupil, code, grade=16)
                for pupil in self.place(year, code, grade, previous[:size], size):
                    self.record("transfer_in", year - 1, pupil, code, grade=grade)
                continue
            self.place(year, code, grade, chosen.get(code, []), size)

    def place(self, year: int, code: str, grade: int, pupils: list[Pupil], size: int | None) -> list[Pupil]:
        """Put ``pupils`` (and new children for the places left) into the classes of (code, grade); the
        children who moved up keep together as far as the class sizes allow. Returns the new children
        who joined in a grade that is not an entry grade."""
        classes = self.places[year].classes.get((code, grade), [])
        total = sum(k.student_count for k in classes)
        if size is not None and size != total:
            raise DemoError(f"{code} {grade} {year}: {size} places but classes hold {total}")
        school = self.ctx.schools[code]
        special = code in self.special
        pupils = sorted(pupils, key=lambda p: p.class_number)  # stable: keeps classmates together
        new = [self.maker.make(school, grade, year, special=special) for _ in range(total - len(pupils))]
        if len(pupils) > total:
            raise DemoError(f"{code} {grade} {year}: {len(pupils)} children for {total} places")
        everyone = pupils + new
        group = self.groups[year].setdefault((code, grade), YearGroup())
        start = 0
        for school_class in classes:
            members = everyone[start : start + school_class.student_count]
            start += school_class.student_count
            for pupil in members:
                pupil.class_number = school_class.number
                pupil.placed = year
            group.enrolled.extend(members)
            group.numbers.extend([school_class.number] * len(members))
        if year == data.FIRST_YEAR or grade == 1 or (grade in FEEDER and not (special and grade == 21)):
            return []  # new children of an entry grade are admitted, not transferred
        return new

    def plant_missing_plans(self, year: int) -> None:
        """Three 八年级 pupils of 2021 at different 初中 are disabled and have no 一人一案: they stay
        in their class through 2022, finish 九年级 and leave the district's records."""
        rng = self.rng
        juniors = [
            code
            for code in self.codes_with(year, PLANS_MISSING_GRADE)
            if self.ctx.schools[code].school_type == SchoolType.JUNIOR
        ]
        for code in rng.sample(juniors, PLANS_MISSING):
            candidates = [
                p for p in self.groups[year][(code, PLANS_MISSING_GRADE)].enrolled if not p.row.disability
            ]
            pupil = rng.choice(candidates)
            pupil.row.disability = weighted(rng, DISABILITY_WEIGHTS)
            pupil.row.placement = c.Placement.INCLUSIVE
            pupil.row.individual_plan = ""
            pupil.keep_until = year + 1
            pupil.stops_after = year + 1


@step("students", order=61, title="学生与学籍")
def create_students(ctx: DemoContext) -> None:
    cohorts = Cohorts(ctx)
    cohorts.run()
    students = bulk_create_audited(Student, cohorts.maker.rows)

    disabled: Counter[tuple[int, str, str]] = Counter()
    residence: Counter[tuple[int, int, str]] = Counter()
    enrolments = 0
    for year in data.YEARS:
        rows: list[Enrolment] = []
        groups = cohorts.groups[year]
        year_row = ctx.years[year]
        for (code, grade), classes in cohorts.places[year].classes.items():
            group = groups[(code, grade)]
            by_number = {k.number: k for k in classes}
            for pupil, number in zip(group.enrolled, group.numbers, strict=True):
                rows.append(
                    Enrolment(academic_year=year_row, student=pupil.row, school_class=by_number[number])
                )
                residence[(year, grade, pupil.town)] += 1
                if pupil.row.disability:
                    disabled[(year, code, GRADE_STAGE[grade])] += 1
            for pupil, number in group.suspended:  # listed in their old class, or the last one if it is gone
                rows.append(
                    Enrolment(
                        academic_year=year_row,
                        student=pupil.row,
                        school_class=by_number.get(number, classes[-1]),
                        status=c.EnrolmentStatus.SUSPENDED,
                    )
                )
        bulk_create_audited(Enrolment, rows, batch_size=5000)
        enrolments += len(rows)
        if year == data.LAST_YEAR:
            ctx.counts[f"enrolments.{year}"] = len(rows)
            ctx.counts[f"students.{year}.disabled"] = sum(n for (y, _, _), n in disabled.items() if y == year)

    ctx.facts["students.moves"] = cohorts.moves
    ctx.facts["students.disabled"] = dict(disabled)  # (year, school code, stage) → disabled enrolled
    ctx.facts["students.residence"] = dict(residence)  # (year, grade, town name) → enrolled children
    ctx.counts["students"] = len(students)
    ctx.counts["enrolments"] = enrolments
