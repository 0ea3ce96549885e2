"""Demo step for the registers behind the plan's count targets and recurring duties.

Recognitions (2021–2025) grow toward the plan's counts by 2025: 德育示范校 at 自治区/市/区 level 5/10/20,
劳动教育示范学校 15, 实践示范基地 5, 精品课 10, and a few 文明校园 and 优秀校训校歌校徽.

Activities, per school and 学年 (9月1日 to 8月31日): 家长会 every semester, 家庭教育指导 and 实践活动 twice
each, 家长学校 sessions, 家长委员会 meetings, 家访 in the winter and summer holidays, and the 师德师风
主题教育周 in the first week of September, November, March and June; each 教研员 gives at least 6
lectures or demonstration classes and observes at least 80 classes a year; the 区政府 or 区委 hears a
report on education once a year. Planted problems: a few schools hold only one 家长会 in a 学年 of
2021–2022, some hold too few family-education activities in 2021–2022, two 教研员 give too few lectures
and three observe too few classes in 2021 (one in 2022), two schools hold the November theme week late
in 2021, and no hearing on education is on record for 2021.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from tisheng.census import choices as c
from tisheng.census.models import Activity, Recognition
from tisheng.core.audit import bulk_create_audited
from tisheng.core.choices import GRADE_STAGE, SchoolType, Stage, UrbanRural
from tisheng.core.models import School
from tisheng.demo import data
from tisheng.demo.registry import DemoContext, step
from tisheng.demo.steps.identity import day_between

A = c.ActivityKind
R = c.RecognitionKind
L = c.Level

#: Recognitions on record by the end of each year, by kind and level (the plan's counts by 2025).
RECOGNITION_TARGETS: dict[tuple[str, str], dict[int, int]] = {
    (R.MORAL_EDUCATION_SCHOOL, L.REGION): {2021: 1, 2022: 2, 2023: 3, 2024: 4, 2025: 5},
    (R.MORAL_EDUCATION_SCHOOL, L.CITY): {2021: 2, 2022: 4, 2023: 6, 2024: 8, 2025: 10},
    (R.MORAL_EDUCATION_SCHOOL, L.DISTRICT): {2021: 4, 2022: 8, 2023: 12, 2024: 16, 2025: 20},
    (R.LABOUR_SCHOOL, L.DISTRICT): {2021: 2, 2022: 4, 2023: 6, 2024: 8, 2025: 10},
    (R.LABOUR_SCHOOL, L.CITY): {2021: 1, 2022: 2, 2023: 3, 2024: 4, 2025: 5},
    (R.LABOUR_BASE, L.DISTRICT): {2021: 1, 2022: 2, 2023: 2, 2024: 3, 2025: 4},
    (R.LABOUR_BASE, L.CITY): {2021: 0, 2022: 0, 2023: 1, 2024: 1, 2025: 1},
    (R.LABOUR_COURSE, L.DISTRICT): {2021: 2, 2022: 4, 2023: 6, 2024: 7, 2025: 8},
    (R.LABOUR_COURSE, L.CITY): {2021: 0, 2022: 0, 2023: 1, 2024: 2, 2025: 2},
    (R.CIVILISED_CAMPUS, L.CITY): {2021: 1, 2022: 3, 2023: 3, 2024: 5, 2025: 6},
    (R.CIVILISED_CAMPUS, L.REGION): {2021: 1, 2022: 1, 2023: 2, 2024: 2, 2025: 3},
    (R.CIVILISED_CAMPUS, L.NATIONAL): {2021: 0, 2022: 0, 2023: 0, 2024: 1, 2025: 1},
    (R.SCHOOL_EMBLEM, L.DISTRICT): {2021: 0, 2022: 2, 2023: 2, 2024: 5, 2025: 5},
}
ISSUER: dict[str, str] = {
    L.NATIONAL: "中央精神文明建设指导委员会",
    L.REGION: "宁夏回族自治区教育厅",
    L.CITY: "银川市教育局",
    L.DISTRICT: "西夏区教育局",
}
BASES = ("田园", "葡萄种植", "非遗剪纸", "农耕文化", "枸杞种植", "木工坊", "滩羊养殖", "贺兰石雕刻")
COURSES = (
    "整理与收纳", "家常菜烹饪", "校园种植", "传统手工编织", "农具的演变", "清洁与卫生", "简单木工",
    "葡萄园劳作", "回族刺绣", "节气与农事", "校园绿化养护", "小小志愿者",
)  # fmt: skip
#: Planted: schools that held one 家长会 only, and family-education activities short, per 学年.
ONE_PARENT_MEETING = {2021: 5, 2022: 3}
FAMILY_SHORT = {2021: 0.15, 2022: 0.07}
#: Planted: 教研员 short of 6 lectures or 80 observations, per year.
LECTURES_SHORT = {2021: 2}
OBSERVATIONS_SHORT = {2021: 3, 2022: 1}
LATE_THEME_WEEK = 2  # schools holding the November 2021 theme week a week late
HEARING_FROM = 2022
GUIDANCE_TOPICS = (
    "家庭教育讲座：如何陪伴孩子度过青春期",
    "家庭教育指导：科学做好幼小衔接",
    "家庭教育指导：合理安排孩子的作业与睡眠",
    "家庭教育讲座：手机使用与网络安全",
    "家庭教育指导：培养孩子的阅读习惯",
    "家庭教育讲座：心理健康从家庭开始",
    "家庭教育指导：劳动教育在家庭",
    "家庭教育讲座：做孩子成长的引路人",
)
PRACTICE_TOPICS = (
    "亲子阅读分享会",
    "亲子劳动实践日",
    "亲子运动会",
    "家校共建植树活动",
    "亲子研学：走进贺兰山岩画",
    "家庭厨艺展示",
    "亲子志愿服务进社区",
    "传统节日亲子手工",
)
PARENT_SCHOOL_TOPICS = (
    "家长学校：家庭教育促进法解读",
    "家长学校：读懂孩子的情绪",
    "家长学校：好习惯成就好未来",
    "家长学校：家校协同育人",
    "家长学校：预防校园欺凌",
)
LECTURE_TOPICS = (
    "大单元教学设计", "作业设计与实施", "新课标解读", "课堂提问的艺术", "跨学科主题学习",
    "学业质量评价", "情境教学", "分层作业设计", "教学评一致性", "核心素养导向的课堂",
)  # fmt: skip
GRADE_NAMES = {
    Stage.PRESCHOOL: ("小班", "中班", "大班"),
    Stage.PRIMARY: ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级"),
    Stage.JUNIOR: ("七年级", "八年级", "九年级"),
    Stage.SENIOR: ("高一", "高二", "高三"),
}
JUNIOR_SUBJECTS = ("物理", "化学", "生物", "历史", "地理")


def school_day(rng: random.Random, year: int) -> dt.date:
    """A weekday of term in the 学年 starting in ``year`` (not in the winter or summer holidays)."""
    while True:
        if rng.random() < 0.5:
            day = day_between(rng, dt.date(year, 9, 8), dt.date(year + 1, 1, 12))
        else:
            day = day_between(rng, dt.date(year + 1, 2, 26), dt.date(year + 1, 6, 28))
        if day.weekday() < 5:
            return day


def first_monday(year: int, month: int, week: int = 0) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 + 7 * week)


def recognitions(ctx: DemoContext, rng: random.Random) -> list[Recognition]:
    schools = list(ctx.schools.values())
    compulsory = [
        s for s in schools if s.school_type in (SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR)
    ]
    moral = compulsory + [s for s in schools if s.school_type == SchoolType.SENIOR]
    rural = [s for s in compulsory if s.urban_rural != UrbanRural.URBAN]
    pools: dict[str, list[School]] = {
        R.MORAL_EDUCATION_SCHOOL: moral,
        R.LABOUR_SCHOOL: compulsory,
        R.LABOUR_BASE: rural + [s for s in compulsory if s not in rural][:6],
        R.LABOUR_COURSE: compulsory,
        R.CIVILISED_CAMPUS: moral,
        R.SCHOOL_EMBLEM: compulsory,
    }
    rows: list[Recognition] = []
    for (kind, level), targets in RECOGNITION_TARGETS.items():
        done: list[School] = []
        for year in data.YEARS:
            candidates = [s for s in pools[kind] if s not in done and _open(s, year)]
            for school in rng.sample(candidates, targets[year] - len(done)):
                done.append(school)
                title = ""
                if kind == R.LABOUR_BASE:
                    title = f"{school.short_name}“{rng.choice(BASES)}”劳动教育实践基地"
                elif kind == R.LABOUR_COURSE:
                    title = f"《{rng.choice(COURSES)}》"
                rows.append(
                    Recognition(
                        kind=kind, level=level, year=year, school=school, title=title, issuer=ISSUER[level]
                    )
                )
    rows.sort(key=lambda r: (r.year, r.kind, r.school.code, r.level))
    return rows


def _open(school: School, year: int) -> bool:
    return school.opened_on is None or school.opened_on.year <= year


class Activities:
    """The activity records of every school and researcher (see the module docstring)."""

    def __init__(self, ctx: DemoContext, rng: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.rows: list[Activity] = []
        self.seen: set[tuple[str, str, dt.date, str]] = set()
        counts: dict[tuple[int, str, int], int] = ctx.facts["enrolment"]
        self.students: Counter[tuple[int, str]] = Counter()
        self.stages: dict[str, set[str]] = {}
        for (year, code, grade), n in counts.items():
            if n > 0:
                self.students[(year, code)] += n
                self.stages.setdefault(code, set()).add(GRADE_STAGE[grade])

    def add(
        self,
        kind: str,
        day: dt.date,
        title: str,
        school: School | None,
        person: str = "",
        n: int | None = None,
    ) -> bool:
        key = (school.code if school else "", kind, day, title)
        if key in self.seen:
            return False
        self.seen.add(key)
        self.rows.append(
            Activity(kind=kind, date=day, school=school, person=person, title=title, participants=n)
        )
        return True

    def schools(self, year: int) -> list[School]:
        return [s for s in self.ctx.schools.values() if self.students[(year, s.code)]]

    def run(self) -> None:
        rng = self.rng
        principals: dict[str, str] = self.ctx.facts.get("teachers.principals", {})
        for year in data.YEARS:
            schools = self.schools(year)
            one_meeting = {s.code for s in rng.sample(schools, ONE_PARENT_MEETING.get(year, 0))}
            late_week = (
                {s.code for s in rng.sample(schools, LATE_THEME_WEEK)} if year == data.FIRST_YEAR else set()
            )
            short = FAMILY_SHORT.get(year, 0.0)
            for school in schools:
                n = self.students[(year, school.code)]
                head = principals.get(school.code, "")
                self.parent_meetings(school, year, n, school.code in one_meeting, head)
                for kind, topics, participants in (
                    (A.FAMILY_GUIDANCE, GUIDANCE_TOPICS, (0.2, 0.5)),
                    (A.FAMILY_PRACTICE, PRACTICE_TOPICS, (0.1, 0.3)),
                    (A.PARENT_SCHOOL, PARENT_SCHOOL_TOPICS, (0.2, 0.6)),
                ):
                    times = 1 if kind != A.PARENT_SCHOOL and rng.random() < short else 2
                    for topic in rng.sample(topics, times):
                        self.add(
                            kind,
                            school_day(rng, year),
                            topic,
                            school,
                            head,
                            round(n * rng.uniform(*participants)),
                        )
                for _ in range(rng.randint(1, 3)):
                    self.add(
                        A.PARENT_COMMITTEE,
                        school_day(rng, year),
                        "家长委员会会议",
                        school,
                        head,
                        rng.randint(9, 15),
                    )
                visits = round(n * rng.uniform(0.2, 0.4))
                self.add(
                    A.HOME_VISIT,
                    day_between(rng, dt.date(year + 1, 1, 15), dt.date(year + 1, 2, 10)),
                    "寒假“万名教师进万家”家访",
                    school,
                    head,
                    visits,
                )
                self.add(
                    A.HOME_VISIT,
                    day_between(rng, dt.date(year + 1, 7, 10), dt.date(year + 1, 8, 20)),
                    "暑期家访",
                    school,
                    head,
                    round(visits * rng.uniform(0.5, 0.9)),
                )
                self.theme_weeks(school, year, late=school.code in late_week, head=head)
            self.researchers(year)
            if year >= HEARING_FROM:
                self.hearing(year)

    def parent_meetings(self, school: School, year: int, n: int, only_one: bool, head: str) -> None:
        rng = self.rng
        semesters = [
            ("第一学期", dt.date(year, 9, 12), dt.date(year, 12, 20)),
            ("第二学期", dt.date(year + 1, 3, 5), dt.date(year + 1, 6, 20)),
        ]
        if only_one:
            semesters.pop(rng.randrange(2))
        for name, first, last in semesters:
            for occasion in ("期中家长会", "期末家长会")[: 2 if rng.random() < 0.3 else 1]:
                title = f"{year}—{year + 1}学年{name}{occasion}"
                self.add(
                    A.PARENT_MEETING,
                    day_between(rng, first, last),
                    title,
                    school,
                    head,
                    round(n * rng.uniform(0.75, 0.95)),
                )

    def theme_weeks(self, school: School, year: int, *, late: bool, head: str) -> None:
        rng = self.rng
        staff = max(8, round(self.students[(year, school.code)] / 12))
        for month_year, month in ((year, 9), (year, 11), (year + 1, 3), (year + 1, 6)):
            week = 1 if late and month == 11 else 0
            title = f"{month_year}年{month}月师德师风主题教育周"
            self.add(
                A.ETHICS_WEEK,
                first_monday(month_year, month, week),
                title,
                school,
                head,
                round(staff * rng.uniform(0.9, 1.0)),
            )

    def researchers(self, year: int) -> None:
        rng = self.rng
        researchers: list[tuple[str, str]] = self.ctx.facts.get("teachers.researchers", [])
        if not researchers:
            return
        schools = self.schools(year)
        by_stage = {
            stage: [s for s in schools if stage in self.stages.get(s.code, set())]
            for stage in (Stage.PRESCHOOL, Stage.PRIMARY, Stage.JUNIOR)
        }
        short_lectures = set(rng.sample(range(len(researchers)), LECTURES_SHORT.get(year, 0)))
        short_observations = set(rng.sample(range(len(researchers)), OBSERVATIONS_SHORT.get(year, 0)))
        for index, (name, subject) in enumerate(researchers):
            if subject == "学前教育":
                stages = [Stage.PRESCHOOL]
            elif subject in JUNIOR_SUBJECTS:
                stages = [Stage.JUNIOR]
            elif subject == "科学":
                stages = [Stage.PRIMARY]
            else:
                stages = [Stage.PRIMARY, Stage.JUNIOR]
            places = [s for stage in stages for s in by_stage[stage]]
            if subject == "特殊教育":
                places = [s for s in schools if s.school_type == SchoolType.SPECIAL] * 6 + by_stage[
                    Stage.PRIMARY
                ]
            lectures = rng.randint(4, 5) if index in short_lectures else rng.randint(6, 10)
            observations = rng.randint(62, 76) if index in short_observations else rng.randint(80, 96)
            made = 0
            while made < lectures:
                school = rng.choice(places)
                kind_word = rng.choice(("专题讲座", "示范课"))
                title = f"{subject}{kind_word}：{rng.choice(LECTURE_TOPICS)}"
                if self.add(
                    A.RESEARCHER_LECTURE, school_day(rng, year), title, school, name, rng.randint(20, 80)
                ):
                    made += 1
            made = 0
            while made < observations:
                school = rng.choice(places)
                stage = rng.choice([s for s in stages if s in self.stages.get(school.code, set())] or stages)
                grade = rng.choice(GRADE_NAMES[stage])
                title = f"听评课：{grade}{rng.randint(1, 8)}班{subject}"
                if self.add(
                    A.CLASS_OBSERVATION, school_day(rng, year), title, school, name, rng.randint(5, 15)
                ):
                    made += 1

    def hearing(self, year: int) -> None:
        rng = self.rng
        body, title = rng.choice(
            (
                ("区人民政府", "区政府常务会议听取全区教育工作情况汇报"),
                ("区委常委会", "区委常委会听取基础教育质量提升行动进展汇报"),
            )
        )
        self.add(
            A.GOVERNMENT_HEARING,
            day_between(rng, dt.date(year, 11, 3), dt.date(year, 12, 18)),
            title,
            None,
            body,
        )


@step("registers", order=66, title="认定与活动记录")
def create_registers(ctx: DemoContext) -> None:
    rng = ctx.rng
    recognition_rows = bulk_create_audited(Recognition, recognitions(ctx, rng))
    activities = Activities(ctx, rng)
    activities.run()
    activities.rows.sort(key=lambda a: (a.date, a.kind, a.school.code if a.school else "", a.title, a.person))
    bulk_create_audited(Activity, activities.rows)
    ctx.counts["recognitions"] = len(recognition_rows)
    ctx.counts["activities"] = len(activities.rows)
