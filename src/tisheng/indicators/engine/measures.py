"""Measures: the integer counts and sums every indicator is a formula of, as Ibis expressions.

A measure is counted at the finest grain its facts allow — a school's stage section (``school``), a town
(``town``, e.g. population) or the district (``district``, e.g. activities not tied to a school) — and
optionally broken down: recognitions by level (key ``"city"``), the student health facts by their finest
cell ``"grade=11,sex=M"`` (the rollup sums a cell into every breakdown key it falls under). The catalogue's formulas name measures; the rollup
(:mod:`.compute`) sums them to school, town and district with the indicator's filters.

Only the portable subset is used: equality joins, CASE, group-by and integer arithmetic, so DuckDB and
Spark give the same integers. Each query yields the grain keys, a ``breakdown`` key, ``_rows`` (source rows
in the group) and one integer column per measure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import ibis
import ibis.expr.types as ir

SCHOOL, TOWN, DISTRICT = "school", "town", "district"

#: 标准班额 of compulsory classes (国发〔2016〕40号; 优质均衡 政府保障 第5项)
STANDARD_CLASS_SIZE = {"primary": 45, "junior": 50}
#: 幼儿园 class-size norms by grade (小班 25 / 中班 30 / 大班 35, 《幼儿园工作规程》; unverified)
KINDERGARTEN_CLASS_SIZE = {1: 25, 2: 30, 3: 35}
LARGE_CLASS, SUPER_LARGE_CLASS = 56, 66
#: 高于规定学历: 小学 专科及以上, 初中 本科及以上 (《教师法》第十一条 规定学历 + one level; unverified)
ABOVE_QUALIFICATION = {
    "primary": ("college", "bachelor", "master", "doctorate"),
    "junior": ("bachelor", "master", "doctorate"),
}
PE_ARTS_SUBJECTS = ("体育", "体育与健康", "音乐", "美术", "艺术")
CERTIFICATE_STAGE_RANK = {"preschool": 0, "primary": 1, "junior": 2, "senior": 3}
RESEARCHER_LECTURES, RESEARCHER_OBSERVATIONS = 6, 80


@dataclass(frozen=True)
class Measure:
    name: str
    label: str  # Chinese, as shown in formulas
    table: str
    grain: str
    scale: Fraction = Fraction(1)  # stored integer × scale = value in the unit shown


@dataclass(frozen=True)
class Context:
    """What a query needs besides the tables: the 学年 and its dates."""

    year: int
    census_date: dt.date
    year_end: dt.date
    #: 筛查性近视 at SE exactly −0.50 D: True (≤ −0.50 D, 适宜技术指南) or False (< −0.50 D)
    myopia_se_inclusive: bool = True


Tables = dict[str, ir.Table]
Query = Callable[[Tables, Context], ir.Table]

MEASURES: dict[str, Measure] = {}
QUERIES: list[tuple[str, str, Query, tuple[str, ...]]] = []  # (table, grain, query, measure names)


def measures(table: str, grain: str, **labels: str | tuple[str, Fraction]) -> Callable[[Query], Query]:
    """Register a query and the measures (columns) it yields."""

    def register(query: Query) -> Query:
        for name, label in labels.items():
            text, scale = label if isinstance(label, tuple) else (label, Fraction(1))
            if name in MEASURES:
                raise ValueError(f"measure {name} defined twice")
            MEASURES[name] = Measure(name, text, table, grain, scale)
        QUERIES.append((table, grain, query, tuple(labels)))
        return query

    return register


def _n(condition: ir.BooleanValue) -> ir.IntegerScalar:
    """How many rows of the group satisfy ``condition`` (0, not null, for none)."""
    return condition.ifelse(1, 0).sum().cast("int64")


def _total(column: ir.NumericColumn) -> ir.IntegerScalar:
    return column.fill_null(0).sum().cast("int64")


def _rows(table: ir.Table) -> ir.IntegerScalar:
    return table.count().cast("int64")


def _with_school_keys(table: ir.Table, stage_column: str | None = None) -> ir.Table:
    """``table`` with the ``stage`` and ``breakdown`` keys (stage from ``stage_column``, else '')."""
    stage = table[stage_column].fill_null("") if stage_column else ibis.literal("")
    return table.mutate(stage=stage, breakdown=ibis.literal(""))


# --- classes -------------------------------------------------------------------------------------------


@measures(
    "classes",
    SCHOOL,
    classes="班级数",
    class_students="班级学生数",
    classes_over_standard="超过标准班额的班级数（小学45人、初中50人）",
    classes_56_plus="56人及以上班级数（大班额口径）",
    classes_66_plus="66人及以上班级数（超大班额）",
    kindergarten_classes_at_standard="达到标准班额的幼儿园班级数（小班25、中班30、大班35）",
)
def _classes(t: Tables, ctx: Context) -> ir.Table:
    c = _with_school_keys(t["classes"], "stage")
    size = c.student_count
    over = ibis.cases(
        (c.stage == "primary", size > STANDARD_CLASS_SIZE["primary"]),
        (c.stage == "junior", size > STANDARD_CLASS_SIZE["junior"]),
        else_=False,
    )
    kg_ok = ibis.cases(
        *((c.grade == grade, size <= limit) for grade, limit in KINDERGARTEN_CLASS_SIZE.items()),
        else_=False,
    )
    return c.group_by(["school_id", "stage", "breakdown"]).aggregate(
        _rows=_rows(c),
        classes=_rows(c),
        class_students=_total(size),
        classes_over_standard=_n(over),
        classes_56_plus=_n(size >= LARGE_CLASS),
        classes_66_plus=_n(size >= SUPER_LARGE_CLASS),
        kindergarten_classes_at_standard=_n((c.stage == "preschool") & kg_ok),
    )


# --- students ------------------------------------------------------------------------------------------


@measures(
    "enrolments",
    SCHOOL,
    students="在校生数",
    grade9_students="九年级（初三）在校生数",
    disabled_students_compulsory="义务教育阶段在校（含送教上门）残疾学生数",
    disabled_inclusive="随班就读残疾学生数",
)
def _enrolments(t: Tables, ctx: Context) -> ir.Table:
    e = _with_school_keys(t["enrolments"], "stage")
    disabled = e.disability != ""
    return e.group_by(["school_id", "stage", "breakdown"]).aggregate(
        _rows=_rows(e),
        students=_rows(e),
        grade9_students=_n(e.grade == 23),
        disabled_students_compulsory=_n(disabled & e.stage.isin(["primary", "junior"])),
        disabled_inclusive=_n(disabled & (e.placement == "inclusive")),
    )


def _compulsory_ordinal(grade: ir.IntegerValue) -> ir.IntegerValue:
    """1–9 for 小学一年级 … 初三 (grade codes 11–16, 21–23); other grades are never cohort members."""
    return ibis.cases(
        ((grade >= 11) & (grade <= 16), grade - 10),
        ((grade >= 21) & (grade <= 23), grade - 14),
        else_=ibis.null("int32"),
    )


@measures(
    "dropouts",
    SCHOOL,
    cohort9_dropouts="本届（当年初三）学生在义务教育阶段辍学且至统计时点未复学的人数",
    cohort_junior_dropouts="本届（当年初三）学生在初中阶段辍学且至统计时点未复学的人数",
    dropouts_unreturned="本学年辍学且至学年末未复学的人数（控辍保学）",
    dropouts_in_year="本学年辍学人数",
)
def _dropouts(t: Tables, ctx: Context) -> ir.Table:
    raw = t["dropouts"]
    grade = raw.last_grade
    stage = ibis.cases(
        ((grade >= 11) & (grade <= 16), "primary"),
        ((grade >= 21) & (grade <= 23), "junior"),
        ((grade >= 31) & (grade <= 33), "senior"),
        else_="preschool",
    )
    d = raw.mutate(stage=stage, breakdown=ibis.literal(""))
    ordinal = _compulsory_ordinal(d.last_grade)
    # the 学年 in which this student's cohort sits in 初三: its last year plus the grades still to go
    final_year = d.last_year + 9 - ordinal
    before_census = d.date < ctx.census_date
    # 至统计时点尚未复学: a student who returned on the 统计时点 itself is back on roll (and in the numerator)
    out_at_census = d.returned_on.isnull() | (d.returned_on > ctx.census_date)
    in_cohort = ordinal.notnull() & (final_year == ctx.year) & before_census & out_at_census
    in_year = (d.date >= ctx.census_date) & (d.date <= ctx.year_end)
    return d.group_by(["school_id", "stage", "breakdown"]).aggregate(
        _rows=_rows(d),
        cohort9_dropouts=_n(in_cohort),
        cohort_junior_dropouts=_n(in_cohort & (d.last_grade >= 21)),
        dropouts_unreturned=_n(in_year & (d.returned_on.isnull() | (d.returned_on > ctx.year_end))),
        dropouts_in_year=_n(in_year),
    )


# --- teachers ------------------------------------------------------------------------------------------


@measures(
    "teachers",
    SCHOOL,
    staff="教职工数",
    fulltime_teachers="专任教师数",
    teachers_above_qualification="高于规定学历的专任教师数（小学专科及以上、初中本科及以上）",
    backbone_teachers="县（区）级及以上骨干教师数",
    pe_arts_teachers="体育、音乐、美术专任教师数",
    certified_teachers="持有相应学段（或更高学段）教师资格证的专任教师数",
    info_literacy_passed="信息素养测评合格的专任教师数",
    ethics_files="建立师德档案的教职工数",
    commitments_signed="签订师德承诺书的教职工数",
    family_guidance_teachers="家庭教育指导教师数",
    salaried_teachers="填报年收入的专任教师数",
    teacher_salary_sum="专任教师年收入合计（元）",
)
def _teachers(t: Tables, ctx: Context) -> ir.Table:
    tt = t["teachers"]
    cert = t["certificates"].group_by("teacher_id").aggregate(best_rank=lambda c: c["rank"].max())
    joined = tt.left_join(cert, tt.teacher_id == cert.teacher_id).select(tt, cert.best_rank)
    j = _with_school_keys(joined, "stage")
    teacher = j.post == "teacher"
    above = ibis.cases(
        *(
            (j.stage == stage, j.education.isin(list(levels)))
            for stage, levels in ABOVE_QUALIFICATION.items()
        ),
        else_=False,
    )
    required_rank = ibis.cases(
        *((j.stage == stage, rank) for stage, rank in CERTIFICATE_STAGE_RANK.items()), else_=99
    )
    certified = j.best_rank.notnull() & (j.best_rank >= required_rank)
    salaried = teacher & j.annual_salary_yuan.notnull()
    return j.group_by(["school_id", "stage", "breakdown"]).aggregate(
        _rows=_rows(j),
        staff=_rows(j),
        fulltime_teachers=_n(teacher),
        teachers_above_qualification=_n(teacher & above),
        backbone_teachers=_n(j.backbone_level != ""),
        pe_arts_teachers=_n(teacher & j.subject.isin(list(PE_ARTS_SUBJECTS))),
        certified_teachers=_n(teacher & certified),
        info_literacy_passed=_n(teacher & (j.info_literacy == "pass")),
        ethics_files=_n(j.ethics_file),
        commitments_signed=_n(j.commitment_signed),
        family_guidance_teachers=_n(j.family_guidance_teacher),
        salaried_teachers=_n(salaried),
        teacher_salary_sum=_total(salaried.ifelse(j.annual_salary_yuan, 0)),
    )


@measures(
    "rotations",
    SCHOOL,
    rotated_teachers="本学年交流轮岗的教师数（按派出学校）",
    rotated_backbone_teachers="本学年交流轮岗的骨干教师数（按派出学校）",
)
def _rotations(t: Tables, ctx: Context) -> ir.Table:
    r = t["rotations"]
    tt = t["teachers"].select("teacher_id", "stage", "backbone_level")
    j = r.left_join(tt, r.teacher_id == tt.teacher_id).select(
        r.teacher_id,
        school_id=r.from_school_id,
        stage=tt.stage.fill_null(""),
        backbone=tt.backbone_level.fill_null(""),
    )
    per_teacher = j.group_by(["school_id", "stage", "teacher_id"]).aggregate(backbone=j.backbone.max())
    p = _with_school_keys(per_teacher, "stage")
    return p.group_by(["school_id", "stage", "breakdown"]).aggregate(
        _rows=_rows(p),
        rotated_teachers=_rows(p),
        rotated_backbone_teachers=_n(p.backbone != ""),
    )


@measures(
    "honours",
    SCHOOL,
    famous_teachers="获评名师、名班主任、名教研员的教师数（累计，按级别）",
    famous_principals="获评名校（园）长的人数（累计，按级别）",
)
def _honours(t: Tables, ctx: Context) -> ir.Table:
    h = t["honours"]
    teacher_kinds = ["famous_teacher", "famous_headteacher", "famous_researcher"]
    # a person counts once, at the highest level reached
    rank = ibis.cases((h.level == "national", 4), (h.level == "region", 3), (h.level == "city", 2), else_=1)
    people = h.mutate(principal=h.kind == "famous_principal", rank=rank)
    people = people.filter(people.kind.isin([*teacher_kinds, "famous_principal"]))
    best = people.group_by(["school_id", "teacher_id", "principal"]).aggregate(rank=people["rank"].max())
    level = ibis.cases(
        (best["rank"] == 4, "national"),
        (best["rank"] == 3, "region"),
        (best["rank"] == 2, "city"),
        else_="district",
    )
    b = best.mutate(stage=ibis.literal(""), breakdown=level)
    return b.group_by(["school_id", "stage", "breakdown"]).aggregate(
        _rows=_rows(b), famous_teachers=_n(~b.principal), famous_principals=_n(b.principal)
    )


# --- facilities ----------------------------------------------------------------------------------------

_DM = Fraction(1, 10)


@measures(
    "facilities",
    SCHOOL,
    facility_sections="填报办学条件的学段数",
    teaching_area=("教学及辅助用房面积（平方米）", _DM),
    sports_area=("体育运动场（馆）面积（平方米）", _DM),
    equipment_value="教学仪器设备资产值（元）",
    networked_classrooms="网络多媒体教室数（间）",
    classrooms="教室数（间）",
    upgraded_multimedia_classrooms="已升级的多媒体教室数（间）",
    wireless_sections="无线网络覆盖校园的学段数",
    dangerous_area=("D级危房面积（平方米）", _DM),
    sections_with_dangerous_buildings="有D级危房的学段数",
    resource_rooms="资源教室数（间）",
    standard_exam_rooms="标准化考场数（个）",
)
def _facilities(t: Tables, ctx: Context) -> ir.Table:
    f = _with_school_keys(t["facilities"], "stage")
    return f.group_by(["school_id", "stage", "breakdown"]).aggregate(
        _rows=_rows(f),
        facility_sections=_rows(f),
        teaching_area=_total(f.teaching_area_dm),
        sports_area=_total(f.sports_area_dm),
        equipment_value=_total(f.equipment_yuan),
        networked_classrooms=_total(f.networked_classrooms),
        classrooms=_total(f.classrooms),
        upgraded_multimedia_classrooms=_total(f.upgraded_multimedia_classrooms),
        wireless_sections=_n(f.wireless_covered),
        dangerous_area=_total(f.dangerous_area_dm),
        sections_with_dangerous_buildings=_n(f.dangerous_area_dm > 0),
        resource_rooms=_total(f.resource_rooms),
        standard_exam_rooms=_total(f.standard_exam_rooms),
    )


# --- population ----------------------------------------------------------------------------------------


@measures(
    "population",
    TOWN,
    population_3_5="3–5周岁常住人口数",
    population_15_17="15–17周岁常住人口数",
    disabled_certified_6_15="经认定的6–15周岁残疾儿童少年数",
)
def _population(t: Tables, ctx: Context) -> ir.Table:
    p = t["population"].mutate(stage=ibis.literal(""), breakdown=ibis.literal(""))
    age = p.age
    return p.group_by(["town_code", "stage", "breakdown"]).aggregate(
        _rows=_rows(p),
        population_3_5=_total(((age >= 3) & (age <= 5)).ifelse(p["count"], 0)),
        population_15_17=_total(((age >= 15) & (age <= 17)).ifelse(p["count"], 0)),
        disabled_certified_6_15=_total(((age >= 6) & (age <= 15)).ifelse(p.disabled_certified, 0)),
    )


# --- registers -----------------------------------------------------------------------------------------

RECOGNITION_KINDS = (
    "moral_education_school",
    "labour_school",
    "labour_base",
    "labour_course",
    "civilised_campus",
    "school_emblem",
    "other",
)


def _recognitions(t: Tables, ctx: Context) -> ir.Table:
    r = t["recognitions"]
    keyed = r.mutate(stage=ibis.literal(""), breakdown=r.level)
    return keyed.group_by(["school_id", "stage", "breakdown"]).aggregate(
        _rows=_rows(keyed), **{f"recognitions_{kind}": _n(keyed.kind == kind) for kind in RECOGNITION_KINDS}
    )


_RECOGNITION_LABELS = {
    "moral_education_school": "德育示范校",
    "labour_school": "劳动教育示范学校",
    "labour_base": "劳动教育实践示范基地",
    "labour_course": "劳动教育精品课",
    "civilised_campus": "文明校园",
    "school_emblem": "优秀校训校歌校徽",
    "other": "其他认定",
}
# a recognition without a school (none today: the register requires one) would count at district level
measures(
    "recognitions",
    SCHOOL,
    **{f"recognitions_{k}": f"{label}认定数（本学年，按级别）" for k, label in _RECOGNITION_LABELS.items()},
)(_recognitions)

_ACTIVITY_MEASURES = {
    "parent_school_sessions": ("parent_school", None, "家长学校活动次数"),
    "parent_meetings_autumn": ("parent_meeting", 1, "秋季学期家长会次数"),
    "parent_meetings_spring": ("parent_meeting", 2, "春季学期家长会次数"),
    "family_guidance_activities": ("family_guidance", None, "家庭教育指导活动次数"),
    "family_practice_activities": ("family_practice", None, "家庭教育实践活动次数"),
    "parent_committee_meetings": ("parent_committee", None, "家长委员会会议次数"),
    "ethics_week_activities": ("ethics_week", None, "师德主题周活动次数"),
    "government_hearings": ("government_hearing", None, "区委、区政府听取教育工作汇报次数"),
}


@measures("activities", SCHOOL, **{name: label for name, (_, _, label) in _ACTIVITY_MEASURES.items()})
def _activities(t: Tables, ctx: Context) -> ir.Table:
    a = t["activities"]
    keyed = a.mutate(stage=ibis.literal(""), breakdown=ibis.literal(""))
    columns = {}
    for name, (kind, semester, _) in _ACTIVITY_MEASURES.items():
        condition = keyed.kind == kind
        if semester is not None:
            condition = condition & (keyed.semester == semester)
        columns[name] = _n(condition)
    return keyed.group_by(["school_id", "stage", "breakdown"]).aggregate(_rows=_rows(keyed), **columns)


@measures(
    "activities",
    DISTRICT,
    researchers="开展讲座或听评课的教研员人数",
    researchers_lectures_met=f"讲座、示范课、公开课不少于{RESEARCHER_LECTURES}节的教研员人数",
    researchers_observations_met=f"听评课说课不少于{RESEARCHER_OBSERVATIONS}节次的教研员人数",
)
def _researchers(t: Tables, ctx: Context) -> ir.Table:
    a = t["activities"].filter(
        lambda a: a.kind.isin(["researcher_lecture", "class_observation"]) & (a.person != "")
    )
    people = a.group_by("person").aggregate(
        lectures=_n(a.kind == "researcher_lecture"), observations=_n(a.kind == "class_observation")
    )
    keyed = people.mutate(stage=ibis.literal(""), breakdown=ibis.literal(""))
    return keyed.group_by(["stage", "breakdown"]).aggregate(
        _rows=_total(keyed.lectures + keyed.observations),
        researchers=_rows(keyed),
        researchers_lectures_met=_n(keyed.lectures >= RESEARCHER_LECTURES),
        researchers_observations_met=_n(keyed.observations >= RESEARCHER_OBSERVATIONS),
    )


@measures("reference", DISTRICT, civil_servant_salary="当地公务员年平均工资收入（元）")
def _reference(t: Tables, ctx: Context) -> ir.Table:
    r = t["reference"]
    keyed = r.mutate(stage=ibis.literal(""), breakdown=ibis.literal(""))
    return keyed.group_by(["stage", "breakdown"]).aggregate(
        _rows=_n(keyed.name == "civil_servant_salary"),
        civil_servant_salary=_total((keyed.name == "civil_servant_salary").ifelse(keyed.value, 0)),
    )


# --- student health --------------------------------------------------------------------------------------

#: 优良 / 及格 levels of a 学年总分 (《国家学生体质健康标准（2014年修订）》)
EXCELLENT_GOOD = ("excellent", "good")
PASSED = ("excellent", "good", "pass")
#: 视力不良: uncorrected acuity below 5.0 (× 10) in either eye (defs.poor_vision)
POOR_ACUITY = 50
#: 筛查性近视: SE at or below −0.50 D (in 0.001 D), or below it when the setting says so (defs.myopia_screening)
MYOPIA_SE_MILLI = -500
#: 五项管理 limits (wuxiang.*): written homework per day (一二年级 none; 三至六年级 ≤ 60; 初中 ≤ 90 min; 高中
#: not assessed), sleep per day (小学 ≥ 10 h, 初中 ≥ 9 h, 高中 ≥ 8 h), in-school activity ≥ 1 h
HOMEWORK_LIMITS = {"grades_1_2": 0, "primary": 60, "junior": 90}
SLEEP_MINIMUM = {"primary": 600, "junior": 540, "senior": 480}
ACTIVITY_MINIMUM = 60
#: the tables whose measure rows are kept even when 0: a group of students counted is never "no data"
KEEP_ZERO_TABLES = frozenset({"fitness", "vision", "wuxiang"})


def _grade_sex_keys(table: ir.Table) -> ir.Table:
    """``table`` with the finest breakdown key ``grade=…,sex=…`` (see the catalogue's breakdown keys)."""
    key = "grade=" + table.grade.cast("string") + ",sex=" + table.sex
    return table.mutate(breakdown=key)


@measures(
    "fitness",
    SCHOOL,
    fitness_assessed="有学年总分（已评定）的学生数",
    fitness_excellent_good="学年总分优秀或良好的学生数",
    fitness_excellent="学年总分优秀的学生数",
    fitness_passed="学年总分及格及以上的学生数",
    fitness_total=("学年总分合计（分）", Fraction(1, 100)),
    fitness_exempt="免测学生数",
    fitness_incomplete="测试项目不全（无学年总分）的学生数",
    fitness_bmi="有体重指数（BMI）评定的学生数",
    fitness_overweight="体重指数超重的学生数",
    fitness_obese="体重指数肥胖的学生数",
)
def _fitness(t: Tables, ctx: Context) -> ir.Table:
    """Plain group-by over the fitness table (it may hold millions of rows): by grade and sex, the
    breakdown key ``grade=…,sex=…`` made once per group after it, not once per student."""
    f = t["fitness"]
    assessed = (f.status == "complete") & f.total_centi.notnull()
    grouped = f.group_by(["school_id", "stage", "grade", "sex"]).aggregate(
        _rows=_rows(f),
        fitness_assessed=_n(assessed),
        fitness_excellent_good=_n(assessed & f.level.isin(list(EXCELLENT_GOOD))),
        fitness_excellent=_n(assessed & (f.level == "excellent")),
        fitness_passed=_n(assessed & f.level.isin(list(PASSED))),
        fitness_total=_total(assessed.ifelse(f.total_centi, 0)),
        fitness_exempt=_n(f.status == "exempt"),
        fitness_incomplete=_n(~assessed & (f.status != "exempt")),
        fitness_bmi=_n(f.bmi_band != ""),
        fitness_overweight=_n(f.bmi_band == "overweight"),
        fitness_obese=_n(f.bmi_band == "obese"),
    )
    return _grade_sex_keys(grouped).drop("grade", "sex")


def _vision_flags(v: ir.Table, ctx: Context) -> tuple[ir.BooleanValue, ir.BooleanValue, ir.BooleanValue]:
    """(视力不良, 筛查性近视, 视力不良但未能判定) per screening row."""

    def at_cutoff(se: ir.IntegerValue) -> ir.BooleanValue:
        return se <= MYOPIA_SE_MILLI if ctx.myopia_se_inclusive else se < MYOPIA_SE_MILLI

    poor_left, poor_right = v.acuity_left < POOR_ACUITY, v.acuity_right < POOR_ACUITY
    poor = poor_left | poor_right
    by_refraction = (poor_left & v.se_left_milli.notnull() & at_cutoff(v.se_left_milli).fill_null(False)) | (
        poor_right & v.se_right_milli.notnull() & at_cutoff(v.se_right_milli).fill_null(False)
    )
    # a poor eye without refraction is judged by the 串镜 check (done per student)
    unrefracted = (poor_left & v.se_left_milli.isnull()) | (poor_right & v.se_right_milli.isnull())
    by_trial_lens = unrefracted & (v.trial_lens == "myopic")
    myopic = (v.correction == "ortho_k") | by_refraction | by_trial_lens
    undetermined = ~myopic & unrefracted & (v.trial_lens == "")
    return poor, myopic, undetermined


@measures(
    "vision",
    SCHOOL,
    vision_screened="本学年接受视力筛查的学生数",
    vision_poor="本学年裸眼视力低于5.0（任一眼）的学生数",
    myopia="本学年筛查性近视学生数（含角膜塑形镜配戴者）",
    vision_undetermined="本学年视力不良但无验光、未做串镜而未能判定是否近视的学生数",
)
def _vision(t: Tables, ctx: Context) -> ir.Table:
    raw = t["vision"]
    v = _grade_sex_keys(raw.filter(raw.year == ctx.year))
    poor, myopic, undetermined = _vision_flags(v, ctx)
    return v.group_by(["school_id", "stage", "breakdown"]).aggregate(
        _rows=_rows(v),
        vision_screened=_rows(v),
        vision_poor=_n(poor),
        myopia=_n(myopic),
        vision_undetermined=_n(undetermined),
    )


@measures(
    "vision",
    SCHOOL,
    vision_screened_previous="上一学年接受视力筛查的学生数（按上一学年的学校、年级）",
    myopia_previous="上一学年筛查性近视学生数（同一判定口径）",
)
def _vision_previous(t: Tables, ctx: Context) -> ir.Table:
    raw = t["vision"]
    v = _grade_sex_keys(raw.filter(raw.year == ctx.year - 1))
    _, myopic, _ = _vision_flags(v, ctx)
    return v.group_by(["school_id", "stage", "breakdown"]).aggregate(
        _rows=_rows(v), vision_screened_previous=_rows(v), myopia_previous=_n(myopic)
    )


@measures(
    "wuxiang",
    SCHOOL,
    wuxiang_records="五项管理班级记录数（班级×学期）",
    wuxiang_homework_assessed="作业时间纳入评价的班级记录数（小学、初中）",
    wuxiang_homework_ok="书面作业时间达标的班级记录数",
    wuxiang_sleep_ok="睡眠时间达标的班级记录数",
    wuxiang_phones_ok="手机管理到位的班级记录数",
    wuxiang_reading_ok="课外读物经审核的班级记录数",
    wuxiang_activity_ok="校内体育活动不少于1小时的班级记录数",
    wuxiang_all_ok="五项（高中为作业以外四项）全部达标的班级记录数",
)
def _wuxiang(t: Tables, ctx: Context) -> ir.Table:
    raw = t["wuxiang"]
    w = raw.mutate(breakdown="grade=" + raw.grade.cast("string"))
    assessed = w.stage.isin(["primary", "junior"])
    homework_ok = ibis.cases(
        ((w.grade == 11) | (w.grade == 12), w.homework_minutes <= HOMEWORK_LIMITS["grades_1_2"]),
        (w.stage == "primary", w.homework_minutes <= HOMEWORK_LIMITS["primary"]),
        (w.stage == "junior", w.homework_minutes <= HOMEWORK_LIMITS["junior"]),
        else_=False,
    )
    sleep_ok = ibis.cases(
        *((w.stage == stage, w.sleep_minutes >= least) for stage, least in SLEEP_MINIMUM.items()),
        else_=False,
    )
    activity_ok = w.activity_minutes >= ACTIVITY_MINIMUM
    all_ok = (homework_ok | ~assessed) & sleep_ok & w.phones_managed & w.reading_reviewed & activity_ok
    return w.group_by(["school_id", "stage", "breakdown"]).aggregate(
        _rows=_rows(w),
        wuxiang_records=_rows(w),
        wuxiang_homework_assessed=_n(assessed),
        wuxiang_homework_ok=_n(assessed & homework_ok),
        wuxiang_sleep_ok=_n(sleep_ok),
        wuxiang_phones_ok=_n(w.phones_managed),
        wuxiang_reading_ok=_n(w.reading_reviewed),
        wuxiang_activity_ok=_n(activity_ok),
        wuxiang_all_ok=_n(all_ok),
    )
