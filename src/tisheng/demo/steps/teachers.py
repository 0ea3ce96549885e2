"""Demo step for teachers: the staff of every school (教职工) with a record for each 学年 they served,
their 教师资格证, the named-teacher honours, 交流轮岗 and the recorded 师德失范.

How the staff come about:

1. Every stage section has 专任教师 at a realistic ratio to its students (小学 1:17, 初中 1:13, 幼儿园
   1:12 plus one 保育员 per class, 高中 1:12.5, the 培智学校 1:3.5; rural schools have more teachers per
   pupil), with 管理人员, 教辅 and 工勤 on top. The first 管理人员 of a school is its principal.
   The district's 20 教研员 are on the books of 西夏区实验小学 (the 区教研室 sits there).
2. Year by year they age; women retire at 55 and men at 60, a few leave, schools that lost pupils send
   teachers to those that grew (调动), and new graduates are hired for the places left.
3. The plan's targets are approached year by year: 骨干教师 rise to 100, 本科/硕士 grow, the
   信息素养测评 pass rate rises to 98%, every teacher gets an ethics file and signs the 承诺书, every
   school names a 家庭教育指导教师 by 2024; 名师/名班主任/名教研员 reach 100 and 名校(园)长 20 by 2025.
4. Planted problems: about 2% of 专任教师 hold no 教师资格证 in 2021 (0.3% in 2025), three teachers
   hold a certificate for the wrong stage until they qualify in 2024, some schools have no 家庭教育
   指导教师 before 2024, three schools pay below the civil-servant level (and in 2021 the district's
   义务教育 teachers as a whole, just: see ``data.CIVIL_SERVANT_SALARY``), two 师德失范 are on record.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from tisheng.census import choices as c
from tisheng.census.models import (
    Certificate,
    EthicsViolation,
    Honour,
    Rotation,
    SchoolClass,
    Teacher,
    TeacherYear,
)
from tisheng.core.audit import bulk_create_audited
from tisheng.core.choices import (
    COMPULSORY_STAGES,
    GRADE_STAGE,
    Affiliation,
    Ownership,
    SchoolType,
    Stage,
    UrbanRural,
)
from tisheng.core.models import School, census_day
from tisheng.demo import data
from tisheng.demo.registry import DemoContext, step
from tisheng.demo.steps.identity import IdNumbers, birth_for_age, day_between, masked, person_name, weighted

#: Students per 专任教师 by stage (the 培智学校 separately), and the spread between schools.
RATIO: dict[str, float] = {Stage.PRESCHOOL: 12.0, Stage.PRIMARY: 17.0, Stage.JUNIOR: 13.0, Stage.SENIOR: 12.5}
SPECIAL_RATIO = 3.5
PRIVATE_KINDERGARTEN_RATIO = 14.0
#: Share of women among 专任教师 by stage.
WOMEN: dict[str, float] = {Stage.PRESCHOOL: 0.97, Stage.PRIMARY: 0.78, Stage.JUNIOR: 0.63, Stage.SENIOR: 0.55}
RETIREMENT_AGE: dict[str, int] = {c.Sex.FEMALE: 55, c.Sex.MALE: 60}
LEAVE_RATE = 0.012
SUBJECTS: dict[str, tuple[tuple[str, int], ...]] = {
    Stage.PRIMARY: (
        ("语文", 32), ("数学", 26), ("英语", 9), ("科学", 5), ("道德与法治", 4), ("体育", 7), ("音乐", 5),
        ("美术", 5), ("信息科技", 3), ("心理健康", 1), ("综合实践", 2), ("劳动", 1),
    ),
    Stage.JUNIOR: (
        ("语文", 15), ("数学", 15), ("英语", 14), ("物理", 7), ("化学", 5), ("生物", 5), ("历史", 6),
        ("地理", 5), ("道德与法治", 7), ("体育", 7), ("音乐", 3), ("美术", 3), ("信息科技", 3), ("心理健康", 1),
    ),
    Stage.SENIOR: (
        ("语文", 13), ("数学", 13), ("英语", 12), ("物理", 9), ("化学", 8), ("生物", 7), ("历史", 7),
        ("地理", 6), ("思想政治", 7), ("体育", 6), ("音乐", 2), ("美术", 2), ("信息技术", 3), ("通用技术", 2),
    ),
    Stage.PRESCHOOL: (("学前教育", 1),),
    "special": (("特殊教育", 60), ("康复训练", 15), ("体育", 8), ("音乐", 7), ("美术", 5), ("信息科技", 5)),
}  # fmt: skip
RESEARCHER_SUBJECTS = (
    "语文", "数学", "英语", "科学", "道德与法治", "物理", "化学", "生物", "历史", "地理",
    "体育", "音乐", "美术", "信息科技", "心理健康", "综合实践", "学前教育", "特殊教育", "语文", "数学",
)  # fmt: skip
RESEARCHER_SCHOOL = "西夏区实验小学"
#: 骨干教师 in service each year (the plan: 100 by 2025).
BACKBONE_TARGET = {2021: 46, 2022: 58, 2023: 71, 2024: 86, 2025: 102}
#: 信息素养测评 pass rate, ethics file and 承诺书 coverage of the staff each year.
LITERACY_PASS = {2021: 0.72, 2022: 0.81, 2023: 0.89, 2024: 0.95, 2025: 0.98}
ETHICS_FILE = {2021: 0.86, 2022: 0.93, 2023: 0.97, 2024: 0.995, 2025: 1.0}
COMMITMENT = {2021: 0.80, 2022: 0.89, 2023: 0.95, 2024: 0.99, 2025: 0.9995}
#: Schools naming a 家庭教育指导教师 from each year (share of schools); all by 2024.
FAMILY_GUIDANCE_FROM = ((2021, 78), (2022, 12), (2023, 6), (2024, 4))
#: Average annual pay of the local civil servants (元), the yardstick of 义务教育教师工资: a parameter of
#: each academic year (set by the academic-years step).
CIVIL_SERVANT_SALARY = data.CIVIL_SERVANT_SALARY
#: Pay by title in 2021 (元), rising 3.5% a year.
PAY: dict[str, int] = {
    c.Title.NONE: 70_000,
    c.Title.THIRD: 72_000,
    c.Title.SECOND: 82_000,
    c.Title.FIRST: 99_000,
    c.Title.SENIOR: 116_000,
    c.Title.SENIOR_PROFESSOR: 134_000,
}
#: Pay relative to a 专任教师 of the same title, by post.
POST_PAY: dict[str, float] = {
    c.Post.MANAGEMENT: 1.08,
    c.Post.RESEARCHER: 1.05,
    c.Post.SUPPORT: 0.9,
    c.Post.WORKER: 0.75,
}
UNDERPAYING_SCHOOLS = 3
#: Share of 2021's 专任教师 without a certificate, and the 统计时点 by which each got one (None: not yet).
UNCERTIFIED_2021 = 0.02
CERTIFIED_BY: tuple[tuple[int | None, int], ...] = (
    (2022, 30),
    (2023, 24),
    (2024, 18),
    (2025, 8),
    (None, 20),
)
#: Planted: certificates for the wrong stage until the holder qualifies in 2024 (stage, certificate).
WRONG_STAGE: tuple[tuple[str, str], ...] = (
    (Stage.JUNIOR, c.CertificateLevel.PRIMARY),
    (Stage.PRIMARY, c.CertificateLevel.KINDERGARTEN),
    (Stage.SENIOR, c.CertificateLevel.JUNIOR),
)
WRONG_STAGE_FIXED = 2024
STAGE_CERTIFICATE: dict[str, str] = {
    Stage.PRESCHOOL: c.CertificateLevel.KINDERGARTEN,
    Stage.PRIMARY: c.CertificateLevel.PRIMARY,
    Stage.JUNIOR: c.CertificateLevel.JUNIOR,
    Stage.SENIOR: c.CertificateLevel.SENIOR,
}
CERTIFICATE_DIGIT: dict[str, str] = {
    c.CertificateLevel.KINDERGARTEN: "1",
    c.CertificateLevel.PRIMARY: "2",
    c.CertificateLevel.JUNIOR: "3",
    c.CertificateLevel.SENIOR: "4",
}
#: Named-teacher honours on record by the end of each year (名师/名班主任/名教研员, and 名校(园)长).
NAMED_TEACHERS = {2021: 16, 2022: 35, 2023: 56, 2024: 78, 2025: 100}
HONOUR_KINDS: tuple[str, str] = (c.HonourKind.FAMOUS_HEADTEACHER, c.HonourKind.FAMOUS_TEACHER)
NAMED_PRINCIPALS = {2021: 4, 2022: 8, 2023: 12, 2024: 16, 2025: 20}
#: 交流轮岗 starting each 学年 (3-year terms, mostly from city to rural schools).
ROTATIONS = {2021: 10, 2022: 14, 2023: 18, 2024: 20, 2025: 22}
ROTATION_YEARS = 3
ETHICS_VIOLATIONS = (
    (
        dt.date(2022, 11, 17),
        "违规组织学生参加有偿补课，收取补课费用。",
        "给予警告处分，责令退还全部补课费用，当年师德考核不合格，取消评优评先资格。",
    ),
    (
        dt.date(2024, 4, 9),
        "课堂上对学生使用侮辱性语言，造成不良影响。",
        "批评教育并诫勉谈话，向学生及家长道歉，当年师德考核定为基本合格。",
    ),
)
#: Area codes of teachers' 身份证 (most from Ningxia).
AREAS = (
    ("640105", 20), ("640104", 10), ("640106", 8), ("640121", 5), ("640122", 5), ("640181", 4),
    ("640302", 6), ("640402", 7), ("640502", 5), ("640202", 4), ("620102", 3), ("610113", 2), ("150121", 1),
)  # fmt: skip


@dataclass(eq=False)
class Staff:
    """A member of staff while the years are generated."""

    row: Teacher
    code: str
    stage: str
    post: str
    subject: str
    hired: int
    education: str
    upgrade_year: int  # the year a 专科 (or lower) holder finishes a degree; 0: never
    first_after: int
    senior_after: int  # 0: never reaches 高级
    professor: bool
    private: bool
    readiness: float  # 信息素养: passes once the year's pass rate exceeds it
    ethics: float  # ethics file: kept once the year's coverage exceeds it
    fixed_until: int = 0  # stays at the school (no leaving, no move) through this year
    left: int = 0  # first year no longer on staff
    principal: bool = False
    backbone: str = ""
    family_guidance: bool = False
    certified_by: int | None = 0  # 统计时点 year from which certified (0: always; None: not yet)
    at: dict[int, str] = field(default_factory=dict)  # school code in each year on staff

    def age(self, year: int) -> int:
        census = census_day(year)
        birth = self.row.birth_date
        return census.year - birth.year - ((census.month, census.day) < (birth.month, birth.day))

    def retires(self, year: int) -> bool:
        return self.age(year) >= RETIREMENT_AGE[self.row.sex]

    def title(self, year: int) -> str:
        service = year - self.hired
        if self.private:
            return c.Title.SECOND if service >= 8 and self.readiness < 0.3 else c.Title.NONE
        if service < 1:
            return c.Title.NONE
        if self.senior_after and service >= self.senior_after:
            return (
                c.Title.SENIOR_PROFESSOR
                if self.professor and service >= self.senior_after + 8
                else c.Title.SENIOR
            )
        if service >= self.first_after:
            return c.Title.FIRST
        return c.Title.SECOND

    def education_in(self, year: int) -> str:
        if self.upgrade_year and year >= self.upgrade_year:
            return c.Education.BACHELOR
        return self.education


class Staffing:
    """Builds the staff of every year (see the module docstring)."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.schools: list[School] = list(ctx.schools.values())
        self.ids = {area: IdNumbers(area) for area, _ in AREAS}
        self.staff: list[Staff] = []
        self.wrong_stage: list[Staff] = []
        self.serial = 0
        counts: dict[tuple[int, str, int], int] = ctx.facts["enrolment"]
        self.students: Counter[tuple[int, str, str]] = Counter()
        for (year, code, grade), n in counts.items():
            self.students[(year, code, GRADE_STAGE[grade])] += n
        self.classes: Counter[tuple[int, str, str]] = Counter()
        year_of = {y.pk: start for start, y in ctx.years.items()}
        section_of = {s.pk: key for key, s in ctx.sections.items()}
        for year_id, section_id in SchoolClass.objects.order_by("pk").values_list(
            "academic_year_id", "section_id"
        ):
            code, stage = section_of[section_id]
            self.classes[(year_of[year_id], code, stage)] += 1
        rng = self.rng
        self.spread = {
            key: rng.uniform(0.97, 1.10)
            if ctx.schools[key[0]].urban_rural == UrbanRural.URBAN
            else rng.uniform(0.72, 0.88)
            for key in ctx.sections
        }
        compulsory = [
            s.code
            for s in self.schools
            if s.school_type in (SchoolType.PRIMARY, SchoolType.JUNIOR)
            and s.affiliation == Affiliation.DISTRICT
        ]
        self.special = {s.code for s in self.schools if s.school_type == SchoolType.SPECIAL}
        self.underpaying = set(rng.sample(compulsory, UNDERPAYING_SCHOOLS))
        self.pay_factor = {
            s.code: rng.uniform(0.90, 0.94) if s.code in self.underpaying else rng.uniform(0.99, 1.06)
            for s in self.schools
        }
        self.guidance_from = {
            s.code: int(weighted(rng, tuple((str(y), w) for y, w in FAMILY_GUIDANCE_FROM)))
            for s in self.schools
        }

    # --- people ------------------------------------------------------------------------------------

    def is_private(self, code: str) -> bool:
        return self.ctx.schools[code].ownership == Ownership.PRIVATE

    def make(
        self, code: str, stage: str, post: str, year: int, *, age: int | None = None, new: bool = False
    ) -> Staff:
        rng = self.rng
        school = self.ctx.schools[code]
        special = school.school_type == SchoolType.SPECIAL
        if post == c.Post.TEACHER:
            women = 0.75 if special else WOMEN[stage]
        elif post == c.Post.WORKER:
            women = 0.3
        elif post == c.Post.SUPPORT and stage == Stage.PRESCHOOL:
            women = 0.98
        else:
            women = 0.5
        sex = c.Sex.FEMALE if rng.random() < women else c.Sex.MALE
        if age is None:
            if new:
                age = rng.randint(22, 27)
            else:
                top = RETIREMENT_AGE[sex] - 1
                age = min(top, int(rng.triangular(23, top + 1, 38)))
        birth = birth_for_age(rng, age, census_day(year))
        area = weighted(rng, AREAS)
        full_id = self.ids[area].make(rng, birth, sex)
        start = max(year - age + rng.randint(21, 24), year - 40) if not new else year
        start = min(start, year)
        self.serial += 1
        row = Teacher(
            staff_number=f"T{start}{self.serial:05d}",
            name=person_name(rng, sex),
            sex=sex,
            birth_date=birth,
            id_number_masked=masked(full_id),
            school=school,
        )
        private = self.is_private(code)
        subject = weighted(rng, SUBJECTS["special" if special else stage]) if post == c.Post.TEACHER else ""
        education, upgrade = self.education(rng, age, stage, private, new, year)
        professor = rng.random() < 0.02
        staff = Staff(
            row=row,
            code=code,
            stage=stage,
            post=post,
            subject=subject,
            hired=start,
            education=education,
            upgrade_year=upgrade,
            first_after=rng.randint(6, 11),
            senior_after=rng.randint(14, 24) if rng.random() < 0.5 else 0,
            professor=professor,
            private=private,
            readiness=rng.random(),
            ethics=rng.random(),
        )
        self.staff.append(staff)
        return staff

    @staticmethod
    def education(
        rng: random.Random, age: int, stage: str, private: bool, new: bool, year: int
    ) -> tuple[str, int]:
        """Highest education at ``year`` and the year a 专科 holder gets a 本科 degree (0: never)."""
        table: tuple[tuple[str, int], ...]
        if new:
            table = (
                (("college", 35), ("bachelor", 60), ("master", 5))
                if stage == Stage.PRESCHOOL
                else (("college", 5), ("bachelor", 80), ("master", 15))
            )
        elif age >= 50:
            table = (("secondary", 10), ("college", 40), ("bachelor", 50))
        elif age >= 40:
            table = (("college", 25), ("bachelor", 70), ("master", 5))
        elif age >= 30:
            table = (("college", 12), ("bachelor", 78), ("master", 10))
        else:
            table = (("college", 9), ("bachelor", 77), ("master", 14))
        if stage == Stage.SENIOR:
            table = (*tuple((e, w) for e, w in table if e not in ("secondary", "college")), ("master", 20))
        elif stage == Stage.PRESCHOOL or private:
            table = (*table, ("college", 30))
        education = weighted(rng, table)
        upgrade = 0
        if education in ("college", "secondary") and rng.random() < 0.3 and age < 50:
            upgrade = year + rng.randint(1, 5)
        return education, upgrade

    # --- the years ---------------------------------------------------------------------------------

    def targets(self, year: int, code: str, stage: str) -> dict[str, int]:
        students = self.students[(year, code, stage)]
        if not students:
            return {}
        school = self.ctx.schools[code]
        if school.school_type == SchoolType.SPECIAL:
            ratio = SPECIAL_RATIO
        elif stage == Stage.PRESCHOOL and school.ownership == Ownership.PRIVATE:
            ratio = PRIVATE_KINDERGARTEN_RATIO
        else:
            ratio = RATIO[stage]
        teachers = math.ceil(students / (ratio * self.spread[(code, stage)]))
        result: dict[str, int] = {
            c.Post.TEACHER: teachers,
            c.Post.MANAGEMENT: max(2 if stage != Stage.PRESCHOOL else 1, round(teachers * 0.07)),
            c.Post.SUPPORT: round(teachers * 0.04),
            c.Post.WORKER: round(teachers * 0.03),
        }
        if stage == Stage.PRESCHOOL:
            result[c.Post.SUPPORT] += self.classes[(year, code, stage)]  # one 保育员 per class
        return result

    def active(self, year: int) -> list[Staff]:
        """While the years are generated: the staff not gone by ``year``."""
        return [s for s in self.staff if s.left == 0 or s.left > year]

    def on_staff(self, year: int) -> list[Staff]:
        """Once generated: the staff with a record in ``year``."""
        return [s for s in self.staff if year in s.at]

    def run(self) -> None:
        for year in data.YEARS:
            if year == data.FIRST_YEAR:
                self.first_year(year)
            else:
                self.next_year(year)
            self.appoint_principals(year)
            for member in self.active(year):
                member.at[year] = member.code

    def first_year(self, year: int) -> None:
        rng = self.rng
        researchers = self.ctx.school(RESEARCHER_SCHOOL).code
        for code, stage in self.ctx.sections:
            wanted = self.targets(year, code, stage)
            if not wanted:
                continue
            for post, n in wanted.items():
                for _ in range(n):
                    self.make(code, stage, post, year)
        for subject in RESEARCHER_SUBJECTS:
            member = self.make(researchers, Stage.PRIMARY, c.Post.RESEARCHER, year, age=rng.randint(38, 49))
            member.subject = subject
            member.hired = year - rng.randint(15, 25)
            member.fixed_until = data.LAST_YEAR
            if member.education in ("college", "secondary"):
                member.education = "bachelor"
        self.plant_certificates(year)

    def appoint_principals(self, year: int) -> None:
        """A school's principal is its first 管理人员 (of its lowest stage), named as the school says, in
        post through 2025."""
        rng = self.rng
        appointed = {s.code for s in self.staff if s.principal}
        for school in self.schools:
            if school.code in appointed:
                continue
            staff = next(
                (s for s in self.active(year) if s.code == school.code and s.post == c.Post.MANAGEMENT), None
            )
            if staff is None:
                continue  # not open yet
            staff.principal = True
            staff.row.name = school.principal_name
            sex = staff.row.sex
            staff.row.birth_date = birth_for_age(
                rng, rng.randint(40, RETIREMENT_AGE[sex] - 6), census_day(year)
            )
            staff.row.id_number_masked = masked(self.ids["640105"].make(rng, staff.row.birth_date, sex))
            staff.fixed_until = data.LAST_YEAR
            staff.hired = min(staff.hired, year - 15)

    def plant_certificates(self, year: int) -> None:
        rng = self.rng
        teachers = [s for s in self.staff if s.post == c.Post.TEACHER]
        for stage, _level in WRONG_STAGE:
            candidates = [
                s
                for s in teachers
                if s.stage == stage
                and not s.private
                and s.age(year) < 45
                and self.ctx.schools[s.code].school_type != SchoolType.SPECIAL
                and not s.fixed_until
            ]
            chosen = rng.choice(candidates)
            chosen.fixed_until = WRONG_STAGE_FIXED
            self.wrong_stage.append(chosen)
        plain = [s for s in teachers if not s.fixed_until]
        for member in rng.sample(plain, round(len(teachers) * UNCERTIFIED_2021)):
            by = weighted(rng, tuple((str(y), w) for y, w in CERTIFIED_BY))
            member.certified_by = None if by == "None" else int(by)

    def next_year(self, year: int) -> None:
        rng = self.rng
        for member in self.active(year - 1):
            if member.fixed_until >= year:
                continue
            if member.retires(year) or rng.random() < LEAVE_RATE:
                member.left = year
        active = self.active(year)
        by_section: dict[tuple[str, str], dict[str, list[Staff]]] = {}
        for member in active:
            by_section.setdefault((member.code, member.stage), {}).setdefault(member.post, []).append(member)
        # 调动: teachers of sections with too many go to sections of the same stage with too few
        surplus: dict[str, list[Staff]] = {}
        deficit: list[tuple[str, str, int]] = []
        for code, stage in self.ctx.sections:
            wanted = self.targets(year, code, stage).get(c.Post.TEACHER, 0)
            have = by_section.get((code, stage), {}).get(c.Post.TEACHER, [])
            if len(have) > wanted * 1.08 + 1:
                movable = [
                    s for s in have if s.fixed_until < year and not s.private and code not in self.special
                ]
                extra = rng.sample(movable, min(len(movable), len(have) - round(wanted * 1.03)))
                surplus.setdefault(stage, []).extend(extra)
            elif len(have) < wanted:
                deficit.append((code, stage, wanted - len(have)))
        rng.shuffle(deficit)
        for code, stage, missing in deficit:
            pool = surplus.get(stage, [])
            if self.is_private(code) or code in self.special:
                continue
            while pool and missing:
                member = pool.pop()
                self.move(member, code, by_section)
                missing -= 1
        # hiring for the places left, every post
        for code, stage in self.ctx.sections:
            for post, wanted in self.targets(year, code, stage).items():
                staffed = len(by_section.get((code, stage), {}).get(post, []))
                for _ in range(wanted - staffed):
                    member = self.make(code, stage, post, year, new=True)
                    by_section.setdefault((code, stage), {}).setdefault(post, []).append(member)
                    if post == c.Post.TEACHER and rng.random() < 0.004:
                        member.certified_by = year + 1

    def move(
        self, member: Staff, code: str, by_section: dict[tuple[str, str], dict[str, list[Staff]]]
    ) -> None:
        by_section[(member.code, member.stage)][member.post].remove(member)
        member.code = code
        member.row.school = self.ctx.schools[code]
        by_section.setdefault((code, member.stage), {}).setdefault(member.post, []).append(member)

    # --- the yearly record -------------------------------------------------------------------------

    def plan_backbones(self) -> dict[int, dict[int, str]]:
        """Backbone level of each member (by id) for each year."""
        rng = self.rng
        levels: dict[int, dict[int, str]] = {}
        current: dict[int, str] = {}
        for year in data.YEARS:
            active = [s for s in self.on_staff(year) if s.post == c.Post.TEACHER and not s.private]
            active_ids = {id(s) for s in active}
            current = {k: v for k, v in current.items() if k in active_ids}
            for key, level in list(current.items()):
                if level == c.BackboneLevel.DISTRICT and rng.random() < 0.08:
                    current[key] = c.BackboneLevel.CITY
            eligible = [
                s
                for s in active
                if id(s) not in current
                and year - s.hired >= 8
                and s.age(year) < 52
                and s.title(year) in (c.Title.FIRST, c.Title.SENIOR, c.Title.SENIOR_PROFESSOR)
            ]
            for member in rng.sample(eligible, max(0, BACKBONE_TARGET[year] - len(current))):
                current[id(member)] = weighted(
                    rng,
                    ((c.BackboneLevel.DISTRICT, 65), (c.BackboneLevel.CITY, 27), (c.BackboneLevel.REGION, 8)),
                )
            levels[year] = dict(current)
        return levels

    def plan_family_guidance(self) -> dict[int, set[int]]:
        """The 家庭教育指导教师 (by id) of each year: 1–3 per school once the school names them."""
        rng = self.rng
        chosen: dict[str, list[Staff]] = {}
        result: dict[int, set[int]] = {}
        for year in data.YEARS:
            ids: set[int] = set()
            teachers: dict[str, list[Staff]] = {}
            for member in self.on_staff(year):
                if member.post == c.Post.TEACHER:
                    teachers.setdefault(member.at[year], []).append(member)
            for school in self.schools:
                code = school.code
                if self.guidance_from[code] > year or code not in teachers:
                    continue
                here = [s for s in chosen.get(code, []) if s.at.get(year) == code]
                wanted = 1 if len(teachers[code]) < 30 else 2 if len(teachers[code]) < 80 else 3
                others = [s for s in teachers[code] if s not in here]
                here += rng.sample(others, max(0, min(len(others), wanted - len(here))))
                chosen[code] = here
                ids |= {id(s) for s in here}
            result[year] = ids
        return result

    def records(self) -> list[TeacherYear]:
        rng = self.rng
        backbones = self.plan_backbones()
        guidance = self.plan_family_guidance()
        rows: list[TeacherYear] = []
        for year in data.YEARS:
            year_row = self.ctx.years[year]
            growth = 1.035 ** (year - data.FIRST_YEAR)
            for member in self.staff:
                if year not in member.at:
                    continue
                key = id(member)
                teaching = member.post in (c.Post.TEACHER, c.Post.RESEARCHER, c.Post.MANAGEMENT)
                offset = 0.0 if teaching else 0.15
                if member.readiness < LITERACY_PASS[year] - offset:
                    literacy = c.LiteracyResult.PASS
                elif member.readiness < LITERACY_PASS[year] + 0.06 and teaching:
                    literacy = c.LiteracyResult.FAIL
                else:
                    literacy = c.LiteracyResult.NOT_TAKEN
                if member.post == c.Post.TEACHER:
                    hours = rng.uniform(56, 130) if rng.random() > 0.1 else rng.uniform(24, 56)
                elif member.post == c.Post.RESEARCHER:
                    hours = rng.uniform(90, 160)
                elif member.post == c.Post.MANAGEMENT:
                    hours = rng.uniform(40, 90)
                else:
                    hours = rng.uniform(16, 48)
                hours += 3 * (year - data.FIRST_YEAR)
                title = member.title(year)
                code = member.at[year]
                pay = PAY[title] * growth * self.pay_factor[code] * rng.uniform(0.97, 1.03)
                pay *= POST_PAY.get(member.post, 1.0)
                if member.private:
                    pay *= 0.6
                rows.append(
                    TeacherYear(
                        academic_year=year_row,
                        teacher=member.row,
                        section=self.ctx.sections[(code, member.stage)],
                        post=member.post,
                        subject=member.subject,
                        education=member.education_in(year),
                        title=title,
                        backbone_level=backbones[year].get(key, ""),
                        training_hours=Decimal(f"{hours:.1f}"),
                        info_literacy=literacy,
                        ethics_file=member.ethics < ETHICS_FILE[year],
                        commitment_signed=rng.random() < COMMITMENT[year],
                        family_guidance_teacher=key in guidance[year],
                        annual_salary=Decimal(round(pay, -1)).quantize(Decimal("0.01")),
                    )
                )
        return rows

    def certificates(self) -> list[Certificate]:
        rng = self.rng
        rows: list[Certificate] = []
        serial = 0

        def add(member: Staff, level: str, issued: dt.date) -> None:
            nonlocal serial
            serial += 1
            sex_digit = "1" if member.row.sex == c.Sex.MALE else "2"
            rows.append(
                Certificate(
                    teacher=member.row,
                    level=level,
                    number=f"{issued.year}64{CERTIFICATE_DIGIT[level]}{sex_digit}{serial:08d}",
                    subject=member.subject,
                    issued_on=issued,
                )
            )

        for member in self.staff:
            if member.post not in (c.Post.TEACHER, c.Post.RESEARCHER, c.Post.MANAGEMENT):
                continue
            if member.post == c.Post.MANAGEMENT and (member.private or rng.random() < 0.1):
                continue
            stage = member.stage
            level = STAGE_CERTIFICATE[stage]
            if stage in (Stage.PRIMARY, Stage.JUNIOR) and rng.random() < 0.15:
                level = STAGE_CERTIFICATE[Stage.JUNIOR if stage == Stage.PRIMARY else Stage.SENIOR]
            if member in self.wrong_stage:
                wrong = dict(WRONG_STAGE)[member.stage]
                add(
                    member,
                    wrong,
                    day_between(rng, dt.date(member.hired - 1, 3, 1), dt.date(member.hired, 8, 20)),
                )
                add(
                    member,
                    level,
                    day_between(
                        rng, dt.date(WRONG_STAGE_FIXED - 1, 11, 1), dt.date(WRONG_STAGE_FIXED, 8, 20)
                    ),
                )
                continue
            if member.certified_by is None:
                continue
            if member.certified_by:
                by = member.certified_by
                issued = day_between(rng, dt.date(by - 1, 10, 1), dt.date(by, 8, 20))
                if by > data.LAST_YEAR:
                    continue  # qualifies after the last 统计时点
            else:
                hired = min(member.hired, min(member.at))
                issued = day_between(
                    rng, dt.date(max(hired - 1, 1996), 3, 1), dt.date(max(hired, 1996), 8, 20)
                )
            add(member, level, issued)
        return rows

    def honours(self) -> list[Honour]:
        rng = self.rng
        rows: list[Honour] = []
        honoured: set[int] = set()
        levels = ((c.Level.DISTRICT, 60), (c.Level.CITY, 30), (c.Level.REGION, 10))
        done_named = done_principals = 0
        for year in data.YEARS:
            active = [s for s in self.on_staff(year) if not s.private]
            researchers = [s for s in active if s.post == c.Post.RESEARCHER and id(s) not in honoured]
            teachers = [
                s
                for s in active
                if s.post == c.Post.TEACHER
                and id(s) not in honoured
                and year - s.hired >= 10
                and s.title(year) != c.Title.SECOND
            ]
            principals = [s for s in active if s.principal and id(s) not in honoured]
            picks: list[tuple[Staff, str]] = []
            named = NAMED_TEACHERS[year] - done_named
            for member in rng.sample(researchers, min(2, len(researchers))):
                picks.append((member, c.HonourKind.FAMOUS_RESEARCHER))
            for member in rng.sample(teachers, named - len(picks)):
                picks.append((member, rng.choices(HONOUR_KINDS, weights=(35, 65))[0]))
            for member in rng.sample(principals, NAMED_PRINCIPALS[year] - done_principals):
                picks.append((member, c.HonourKind.FAMOUS_PRINCIPAL))
            for member, kind in picks:
                honoured.add(id(member))
                rows.append(Honour(teacher=member.row, kind=kind, level=weighted(rng, levels), year=year))
            done_named = NAMED_TEACHERS[year]
            done_principals = NAMED_PRINCIPALS[year]
        return rows

    def rotations(self) -> list[Rotation]:
        rng = self.rng
        rows: list[Rotation] = []
        rotated: set[int] = set()
        schools = self.ctx.schools
        for year in data.YEARS:
            by_stage: dict[tuple[str, bool], list[str]] = {}
            for school in self.schools:
                if school.school_type not in (SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR):
                    continue
                if school.affiliation != Affiliation.DISTRICT:
                    continue
                for stage in COMPULSORY_STAGES:
                    if self.students[(year, school.code, stage)]:
                        urban = school.urban_rural == UrbanRural.URBAN
                        by_stage.setdefault((stage, urban), []).append(school.code)
            sending = {code for codes in by_stage.values() for code in codes}
            last = year + ROTATION_YEARS - 1  # on staff through the term (or to the last demo year)
            candidates = [
                s
                for s in self.on_staff(year)
                if s.post == c.Post.TEACHER
                and s.stage in COMPULSORY_STAGES
                and id(s) not in rotated
                and s.at[year] in sending
                and all(s.at.get(y) == s.at[year] for y in range(year, min(last, data.LAST_YEAR) + 1))
                and s.age(year) + ROTATION_YEARS < RETIREMENT_AGE[s.row.sex]
                and s not in self.wrong_stage
                and year - s.hired >= 3
            ]
            rng.shuffle(candidates)
            wanted = ROTATIONS[year]
            for member in candidates:
                if wanted == 0:
                    break
                home = member.at[year]
                urban = schools[home].urban_rural == UrbanRural.URBAN
                if not urban and rng.random() < 0.75:
                    continue  # most rotations send city teachers out
                targets = by_stage.get((member.stage, not urban), [])
                if not targets:
                    continue
                rotated.add(id(member))
                rows.append(
                    Rotation(
                        teacher=member.row,
                        from_school=schools[home],
                        to_school=schools[rng.choice(targets)],
                        start=dt.date(year, 9, 1),
                        end=dt.date(year + ROTATION_YEARS, 8, 31),
                    )
                )
                wanted -= 1
        return rows

    def violations(self) -> list[EthicsViolation]:
        rng = self.rng
        rows = []
        for day, description, handling in ETHICS_VIOLATIONS:
            year = day.year if day.month >= 9 else day.year - 1
            candidates = [s for s in self.on_staff(year) if s.post == c.Post.TEACHER and not s.private]
            member = rng.choice(candidates)
            rows.append(
                EthicsViolation(teacher=member.row, date=day, description=description, handling=handling)
            )
        return rows


@step("teachers", order=63, title="教职工与教师队伍")
def create_teachers(ctx: DemoContext) -> None:
    staffing = Staffing(ctx)
    staffing.run()
    teachers = bulk_create_audited(Teacher, [s.row for s in staffing.staff])  # before rows pointing at them
    records = bulk_create_audited(TeacherYear, staffing.records(), batch_size=5000)
    certificates = bulk_create_audited(Certificate, staffing.certificates())
    honours = bulk_create_audited(Honour, staffing.honours())
    rotations = bulk_create_audited(Rotation, staffing.rotations())  # on the books of the home school
    violations = bulk_create_audited(EthicsViolation, staffing.violations())

    last = [r for r in records if r.academic_year.start_year == data.LAST_YEAR]
    ctx.counts["teachers"] = len(teachers)
    ctx.counts["teacher_years"] = len(records)
    ctx.counts[f"teachers.{data.LAST_YEAR}"] = len(last)
    ctx.counts[f"teachers.{data.LAST_YEAR}.full_time"] = sum(r.post == c.Post.TEACHER for r in last)
    ctx.counts[f"teachers.{data.LAST_YEAR}.backbone"] = sum(bool(r.backbone_level) for r in last)
    ctx.counts["certificates"] = len(certificates)
    ctx.counts["honours"] = len(honours)
    ctx.counts["rotations"] = len(rotations)
    ctx.counts["ethics_violations"] = len(violations)
    ctx.facts["teachers.researchers"] = [
        (s.row.name, s.subject) for s in staffing.staff if s.post == c.Post.RESEARCHER
    ]
    ctx.facts["teachers.principals"] = {s.code: s.row.name for s in staffing.staff if s.principal}
    ctx.facts["teachers.civil_servant_salary"] = dict(CIVIL_SERVANT_SALARY)
    ctx.facts["teachers.underpaying"] = sorted(staffing.underpaying)
