"""A deterministic synthetic province for the indicator benchmark: every snapshot table at real scale.

1.5 million students in 3,000 schools across 100 towns (kindergartens, primary, junior, nine-year, complete
secondary and senior schools, a few special schools; public, private and 普惠 private kindergartens),
classes of mostly 35–60 with some above 56 and 66, 120,000 staff with posts, subjects, education, titles,
backbone levels and certificates, facilities per stage section, population by town, age and sex, activities,
recognitions, honours, rotations, status changes and the cohort history of dropouts.

Vectorised with numpy (one seeded generator), so the same seed gives the same tables byte for byte. The
tables are cached as Arrow IPC files under ``bench/.cache/`` (generation is not what the benchmark times).

    tables = province.load(province.Scale())        # generate once, then read from the cache
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from tisheng.indicators.engine.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(ROOT))

from bench import cache  # noqa: E402
from bench.cache import CACHE  # noqa: E402

GENERATOR_VERSION = 1
YEAR = 2025
CENSUS_DATE, YEAR_END = dt.date(YEAR, 9, 1), dt.date(YEAR + 1, 8, 31)
PROVINCE_CODE, PROVINCE_NAME = "640000", "模拟省（基准测试）"


@dataclass(frozen=True)
class Scale:
    students: int = 1_500_000
    schools: int = 3_000
    towns: int = 100
    teachers: int = 120_000
    seed: int = 2025


# school types: share of schools, stage sections, and (per section) grades and classes per grade
SCHOOL_MIX = {
    "kindergarten": 0.36,
    "primary": 0.37,
    "junior": 0.11,
    "nine_year": 0.06,
    "complete_secondary": 0.03,
    "senior": 0.063,
    "special": 0.007,
}
SECTIONS = {
    "kindergarten": ("preschool",),
    "primary": ("primary",),
    "junior": ("junior",),
    "nine_year": ("primary", "junior"),
    "complete_secondary": ("junior", "senior"),
    "senior": ("senior",),
    "special": ("primary", "junior"),
}
GRADES = {
    "preschool": (1, 2, 3),
    "primary": (11, 12, 13, 14, 15, 16),
    "junior": (21, 22, 23),
    "senior": (31, 32, 33),
}
# mean classes per grade of a section (before scaling to the target number of students)
CLASSES_PER_GRADE = {"preschool": 3.0, "primary": 3.0, "junior": 4.0, "senior": 5.0}
# class size: mean, spread; kindergartens by grade (小班/中班/大班)
CLASS_SIZE = {"primary": (44, 7), "junior": (48, 7), "senior": (50, 7)}
KG_CLASS_SIZE = {1: (25, 4), 2: (30, 4), 3: (34, 4)}
SPECIAL_CLASS_SIZE = (10, 2)

SUBJECTS = np.array(
    [
        *("语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治", "科学", "信息技术"),
        *("体育", "体育与健康", "音乐", "美术", "艺术", "劳动", "心理健康", "学前教育"),
    ]
)
SUBJECT_P = np.array([16, 15, 10, 4, 3, 3, 3, 3, 4, 3, 2, 6, 2, 4, 4, 1, 1, 1, 3], dtype=float)
POSTS = np.array(["teacher", "management", "support", "worker", "researcher"])
POST_P = np.array([0.86, 0.05, 0.05, 0.035, 0.005])
EDUCATION = np.array(["doctorate", "master", "bachelor", "college", "secondary", "below"])
EDUCATION_P = {
    "preschool": [0.0, 0.01, 0.45, 0.45, 0.09, 0.0],
    "primary": [0.0, 0.03, 0.72, 0.22, 0.03, 0.0],
    "junior": [0.0, 0.06, 0.86, 0.08, 0.0, 0.0],
    "senior": [0.005, 0.15, 0.84, 0.005, 0.0, 0.0],
    "": [0.0, 0.03, 0.6, 0.3, 0.06, 0.01],
}
TITLES = np.array(["senior_professor", "senior", "first", "second", "third", "none"])
TITLE_P = [0.005, 0.12, 0.38, 0.33, 0.05, 0.115]
BACKBONE = np.array(["", "district", "city", "region"])
BACKBONE_P = [0.84, 0.11, 0.04, 0.01]
CERT_LEVELS = np.array(["kindergarten", "primary", "junior", "senior"])
STAGE_RANK = {"preschool": 0, "primary": 1, "junior": 2, "senior": 3, "": 1}
DISABILITIES = np.array(["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"])
LEVELS = np.array(["national", "region", "city", "district"])


def _arr(values: object, type_: pa.DataType, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, type=type_, mask=mask)


def _table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    schema = TABLES[name]
    return pa.table({f.name: columns[f.name] for f in schema}, schema=schema)


def _days(start: dt.date, n: int, span: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` dates from ``start`` up to ``span`` days later, as date32 (days since the epoch)."""
    base = (start - dt.date(1970, 1, 1)).days
    return (base + rng.integers(0, span, n)).astype(np.int32)


def generate(scale: Scale) -> dict[str, pa.Table]:
    rng = np.random.default_rng(scale.seed)
    tables: dict[str, pa.Table] = {}

    # --- towns ----------------------------------------------------------------------------------------
    town_codes = np.array(
        [f"64{1 + t // 25:02d}{1 + (t // 5) % 5:02d}{1 + t % 5:03d}" for t in range(scale.towns)]
    )
    town_ur = rng.choice(np.array(["urban", "township", "rural"]), scale.towns, p=[0.35, 0.3, 0.35])
    tables["towns"] = _table(
        "towns",
        {
            "town_code": _arr(town_codes, pa.string()),
            "town_name": _arr([f"第{t + 1}镇（街道）" for t in range(scale.towns)], pa.string()),
            "urban_rural": _arr(town_ur, pa.string()),
        },
    )

    # --- schools ---------------------------------------------------------------------------------------
    types = np.array(list(SCHOOL_MIX))
    counts = np.floor(np.array(list(SCHOOL_MIX.values())) * scale.schools).astype(int)
    counts[1] += scale.schools - counts.sum()  # the remainder are primary schools
    school_type = rng.permutation(np.repeat(types, counts))
    n_schools = scale.schools
    school_id = np.arange(1, n_schools + 1, dtype=np.int64)
    # towns differ in size: a few big urban towns, many small rural ones
    town_weight = rng.pareto(1.5, scale.towns) + 1
    school_town = rng.choice(scale.towns, n_schools, p=town_weight / town_weight.sum())
    is_kg = school_type == "kindergarten"
    private = np.where(is_kg, rng.random(n_schools) < 0.45, rng.random(n_schools) < 0.08)
    private &= school_type != "special"
    ownership = np.where(private, "private", "public")
    is_puhui = is_kg & private & (rng.random(n_schools) < 0.6)
    affiliation = rng.choice(np.array(["district", "city", "region"]), n_schools, p=[0.9, 0.08, 0.02])
    school_code = np.array([f"3{town_codes[t][2:6]}{i:05d}" for i, t in enumerate(school_town)])
    names = {
        "kindergarten": "幼儿园",
        "primary": "小学",
        "junior": "初级中学",
        "nine_year": "九年一贯制学校",
        "complete_secondary": "中学",
        "senior": "高级中学",
        "special": "特殊教育学校",
    }
    tables["schools"] = _table(
        "schools",
        {
            "school_id": _arr(school_id, pa.int64()),
            "school_code": _arr(school_code, pa.string()),
            "school_name": _arr(
                [
                    f"第{t + 1}镇第{i + 1}{names[k]}"
                    for i, (t, k) in enumerate(zip(school_town, school_type, strict=True))
                ],
                pa.string(),
            ),
            "town_code": _arr(town_codes[school_town], pa.string()),
            "school_type": _arr(school_type, pa.string()),
            "ownership": _arr(ownership, pa.string()),
            "is_puhui": _arr(is_puhui, pa.bool_()),
            "affiliation": _arr(affiliation, pa.string()),
            "urban_rural": _arr(town_ur[school_town], pa.string()),
        },
    )

    # --- sections and classes --------------------------------------------------------------------------
    sec_school, sec_stage = [], []
    for i, kind in enumerate(school_type):
        for stage in SECTIONS[kind]:
            sec_school.append(i)
            sec_stage.append(stage)
    sec_school_a = np.array(sec_school)
    sec_stage_a = np.array(sec_stage)
    # a school's size factor (lognormal; urban schools bigger)
    size_factor = rng.lognormal(0.0, 0.45, n_schools) * np.where(town_ur[school_town] == "urban", 1.4, 0.85)
    special = school_type == "special"
    rural_school = town_ur[school_town] == "rural"

    def mean_size(stage: str, grade: int, school: int) -> tuple[float, float]:
        if special[school]:
            return SPECIAL_CLASS_SIZE
        mu, sigma = KG_CLASS_SIZE[grade] if stage == "preschool" else CLASS_SIZE[stage]
        return (mu - 5 if rural_school[school] and stage != "preschool" else mu), sigma

    # classes per grade: drawn, then scaled so that the expected students meet the target
    plan = []  # (school, stage, grade, classes (float), mean size, spread)
    for school, stage in zip(sec_school_a, sec_stage_a, strict=True):
        for grade in GRADES[stage]:
            mu, sigma = mean_size(stage, grade, school)
            k = (
                1.0
                if special[school]
                else CLASSES_PER_GRADE[stage] * size_factor[school] * rng.uniform(0.8, 1.2)
            )
            plan.append((school, stage, grade, k, mu, sigma))
    expected = sum(k * mu for _, _, _, k, mu, _ in plan)
    ratio = scale.students / expected
    cls_school, cls_stage, cls_grade, mean_l, sd_l = [], [], [], [], []
    for school, stage, grade, k, mu, sigma in plan:
        count = 1 if special[school] else max(1, round(k * ratio))
        cls_school += [school] * count
        cls_stage += [stage] * count
        cls_grade += [grade] * count
        mean_l += [mu] * count
        sd_l += [sigma] * count
    cls_school_a = np.array(cls_school)
    cls_stage_a = np.array(cls_stage)
    cls_grade_a = np.array(cls_grade, dtype=np.int32)
    n_classes = len(cls_school_a)
    spec = special[cls_school_a]
    sizes = rng.normal(np.array(mean_l), np.array(sd_l))
    # a tail of big classes (56+, a few 66+) in crowded schools
    crowded = (rng.random(n_classes) < 0.05) & ~spec & (cls_stage_a != "preschool")
    sizes[crowded] += rng.uniform(8, 24, crowded.sum())
    sizes = np.clip(np.round(sizes), 5, 90).astype(np.int64)
    # the exact number of students: ±1 on random classes
    diff = scale.students - int(sizes.sum())
    while diff:
        step = 1 if diff > 0 else -1
        pick = rng.choice(n_classes, min(abs(diff), n_classes), replace=False)
        pick = pick[sizes[pick] + step >= 5]
        sizes[pick] += step
        diff -= step * len(pick)
    order = np.lexsort((cls_grade_a, cls_school_a))
    cls_school_a, cls_stage_a, cls_grade_a, sizes = (
        cls_school_a[order],
        cls_stage_a[order],
        cls_grade_a[order],
        sizes[order],
    )
    class_id = np.arange(1, n_classes + 1, dtype=np.int64)
    tables["classes"] = _table(
        "classes",
        {
            "class_id": _arr(class_id, pa.int64()),
            "school_id": _arr(school_id[cls_school_a], pa.int64()),
            "stage": _arr(cls_stage_a, pa.string()),
            "grade": _arr(cls_grade_a, pa.int32()),
            "student_count": _arr(sizes.astype(np.int32), pa.int32()),
        },
    )

    # --- enrolments --------------------------------------------------------------------------------------
    n = int(sizes.sum())
    e_class = np.repeat(np.arange(n_classes), sizes)
    e_school = cls_school_a[e_class]
    e_stage = cls_stage_a[e_class]
    student_id = np.arange(1, n + 1, dtype=np.int64) + 10_000_000
    sex = np.where(rng.random(n) < 0.52, "M", "F")
    status = np.where(rng.random(n) < 0.006, "suspended", "enrolled")
    in_special = special[e_school]
    disabled = in_special | (rng.random(n) < 0.004)
    disability = np.where(disabled, rng.choice(DISABILITIES, n), "")
    placement = np.where(
        in_special, "special_school", np.where(rng.random(n) < 0.1, "home_delivery", "inclusive")
    )
    placement = np.where(disabled, placement, "")
    tables["enrolments"] = _table(
        "enrolments",
        {
            "student_id": _arr(student_id, pa.int64()),
            "class_id": _arr(class_id[e_class], pa.int64()),
            "school_id": _arr(school_id[e_school], pa.int64()),
            "stage": _arr(e_stage, pa.string()).dictionary_encode().cast(pa.string()),
            "grade": _arr(cls_grade_a[e_class], pa.int32()),
            "sex": _arr(sex, pa.string()),
            "status": _arr(status, pa.string()),
            "disability": _arr(disability, pa.string()),
            "placement": _arr(placement, pa.string()),
        },
    )

    # --- teachers (staff) in proportion to students per section, ~1:12.5 --------------------------------
    sec_key = np.array([f"{a}|{b}" for a, b in zip(sec_school_a, sec_stage_a, strict=True)])
    cls_key = np.char.add(np.char.add(cls_school_a.astype(str), "|"), cls_stage_a.astype(str))
    students_per_section = np.array([0] * len(sec_key), dtype=np.int64)
    index = {k: i for i, k in enumerate(sec_key)}
    np.add.at(students_per_section, np.array([index[k] for k in cls_key]), sizes)
    weight = students_per_section * np.where(sec_stage_a == "preschool", 1.3, 1.0) + 8
    weight = weight * np.where(special[sec_school_a], 3.0, 1.0)
    staff = np.floor(weight / weight.sum() * scale.teachers).astype(np.int64)
    extra = scale.teachers - staff.sum()
    staff[rng.choice(len(staff), extra, replace=False, p=weight / weight.sum())] += 1
    t_section = np.repeat(np.arange(len(sec_key)), staff)
    t_school = sec_school_a[t_section]
    t_stage = sec_stage_a[t_section].astype(object)
    nt = scale.teachers
    unattached = rng.random(nt) < 0.015
    t_stage[unattached] = ""
    t_stage = t_stage.astype(str)
    teacher_id = np.arange(1, nt + 1, dtype=np.int64) + 500_000
    post = rng.choice(POSTS, nt, p=POST_P)
    subject = np.where(post == "teacher", rng.choice(SUBJECTS, nt, p=SUBJECT_P / SUBJECT_P.sum()), "")
    subject = np.where((t_stage == "preschool") & (post == "teacher"), "学前教育", subject)
    education = np.empty(nt, dtype=object)
    for stage, p in EDUCATION_P.items():
        m = t_stage == stage
        education[m] = rng.choice(EDUCATION, m.sum(), p=p)
    title = rng.choice(TITLES, nt, p=TITLE_P)
    backbone = rng.choice(BACKBONE, nt, p=BACKBONE_P)
    info = rng.choice(np.array(["pass", "fail", "not_taken"]), nt, p=[0.82, 0.05, 0.13])
    salary = rng.normal(105_000, 18_000, nt).round(-2).astype(np.int64)
    salary_missing = rng.random(nt) < 0.08
    tables["teachers"] = _table(
        "teachers",
        {
            "teacher_id": _arr(teacher_id, pa.int64()),
            "school_id": _arr(school_id[t_school], pa.int64()),
            "stage": _arr(t_stage, pa.string()),
            "post": _arr(post, pa.string()),
            "subject": _arr(subject, pa.string()),
            "education": _arr(education.astype(str), pa.string()),
            "title": _arr(title, pa.string()),
            "backbone_level": _arr(backbone, pa.string()),
            "info_literacy": _arr(info, pa.string()),
            "ethics_file": _arr(rng.random(nt) < 0.96, pa.bool_()),
            "commitment_signed": _arr(rng.random(nt) < 0.94, pa.bool_()),
            "family_guidance_teacher": _arr(rng.random(nt) < 0.04, pa.bool_()),
            "annual_salary_yuan": _arr(salary, pa.int64(), mask=salary_missing),
        },
    )

    # --- certificates: most at the teacher's stage, some higher, some lower (not 持证), some two -------
    required = np.array([STAGE_RANK[s] for s in t_stage])
    holds = np.where(post == "teacher", rng.random(nt) < 0.97, rng.random(nt) < 0.6)
    shift = rng.choice(np.array([-1, 0, 1]), nt, p=[0.04, 0.86, 0.10])
    rank1 = np.clip(required + shift, 0, 3)
    second = holds & (rng.random(nt) < 0.08)
    rank2 = np.clip(rank1 + rng.choice(np.array([-1, 1]), nt), 0, 3)
    c_teacher = np.concatenate([teacher_id[holds], teacher_id[second]])
    c_rank = np.concatenate([rank1[holds], rank2[second]]).astype(np.int32)
    order = np.argsort(c_teacher, kind="stable")
    tables["certificates"] = _table(
        "certificates",
        {
            "teacher_id": _arr(c_teacher[order], pa.int64()),
            "level": _arr(CERT_LEVELS[c_rank[order]], pa.string()),
            "rank": _arr(c_rank[order], pa.int32()),
        },
    )

    # --- honours (cumulative), rotations --------------------------------------------------------------
    nh = nt // 40
    h_teacher = rng.choice(nt, nh, replace=False)
    h_kind = rng.choice(
        np.array(["famous_teacher", "famous_headteacher", "famous_researcher", "famous_principal"]),
        nh,
        p=[0.6, 0.2, 0.1, 0.1],
    )
    h_level = rng.choice(LEVELS, nh, p=[0.02, 0.13, 0.35, 0.5])
    # a fifth were honoured again, one level up, in a later year
    again = rng.random(nh) < 0.2
    up = {"district": "city", "city": "region", "region": "national", "national": "national"}
    h_teacher = np.concatenate([h_teacher, h_teacher[again]])
    h_kind = np.concatenate([h_kind, h_kind[again]])
    h_level = np.concatenate([h_level, np.array([up[x] for x in h_level[again]])])
    h_year = np.concatenate([rng.integers(2015, YEAR, nh), np.full(again.sum(), YEAR)]).astype(np.int32)
    tables["honours"] = _table(
        "honours",
        {
            "teacher_id": _arr(teacher_id[h_teacher], pa.int64()),
            "school_id": _arr(school_id[t_school[h_teacher]], pa.int64()),
            "kind": _arr(h_kind, pa.string()),
            "level": _arr(h_level, pa.string()),
            "year": _arr(h_year, pa.int32()),
        },
    )
    nr = int(nt * 0.05)
    r_teacher = rng.choice(np.flatnonzero(post == "teacher"), nr, replace=False)
    to_school = rng.integers(0, n_schools, nr)
    to_school = np.where(to_school == t_school[r_teacher], (to_school + 1) % n_schools, to_school)
    tables["rotations"] = _table(
        "rotations",
        {
            "teacher_id": _arr(teacher_id[r_teacher], pa.int64()),
            "from_school_id": _arr(school_id[t_school[r_teacher]], pa.int64()),
            "to_school_id": _arr(school_id[to_school], pa.int64()),
            "start": _arr(_days(CENSUS_DATE, nr, 200, rng), pa.date32()),
        },
    )

    # --- facilities per section --------------------------------------------------------------------------
    ns = len(sec_key)
    st = students_per_section
    classes_per_section = np.zeros(ns, dtype=np.int64)
    np.add.at(classes_per_section, np.array([index[k] for k in cls_key]), 1)
    area_per = {"preschool": 9.0, "primary": 4.6, "junior": 5.6, "senior": 7.0}
    sports_per = {"preschool": 6.0, "primary": 7.5, "junior": 9.5, "senior": 11.0}
    equip_per = {"preschool": 1200, "primary": 2300, "junior": 2900, "senior": 4200}
    a = np.array([area_per[s] for s in sec_stage_a]) * rng.lognormal(0, 0.25, ns)
    sp = np.array([sports_per[s] for s in sec_stage_a]) * rng.lognormal(0, 0.3, ns)
    eq = np.array([equip_per[s] for s in sec_stage_a]) * rng.lognormal(0, 0.35, ns)
    classrooms = classes_per_section + rng.integers(0, 6, ns)
    networked = np.minimum(classrooms, np.round(classrooms * rng.uniform(0.6, 1.0, ns))).astype(np.int64)
    upgraded = np.minimum(classrooms, np.round(classrooms * rng.uniform(0.0, 0.7, ns))).astype(np.int64)
    dangerous = np.where(rng.random(ns) < 0.03, rng.integers(500, 20_000, ns), 0)
    secondary = np.isin(sec_stage_a, ["junior", "senior"])
    tables["facilities"] = _table(
        "facilities",
        {
            "school_id": _arr(school_id[sec_school_a], pa.int64()),
            "stage": _arr(sec_stage_a, pa.string()),
            "teaching_area_dm": _arr(np.round(st * a * 10).astype(np.int64) + 1000, pa.int64()),
            "sports_area_dm": _arr(np.round(st * sp * 10).astype(np.int64) + 2000, pa.int64()),
            "equipment_yuan": _arr(np.round(st * eq).astype(np.int64), pa.int64()),
            "networked_classrooms": _arr(networked, pa.int64()),
            "classrooms": _arr(classrooms.astype(np.int64), pa.int64()),
            "upgraded_multimedia_classrooms": _arr(upgraded, pa.int64()),
            "books": _arr((st * rng.uniform(15, 45, ns)).astype(np.int64), pa.int64()),
            "wireless_covered": _arr(rng.random(ns) < 0.85, pa.bool_()),
            "dangerous_area_dm": _arr(dangerous.astype(np.int64), pa.int64()),
            "resource_rooms": _arr(
                np.where(sec_stage_a == "preschool", 0, rng.choice(3, ns, p=[0.55, 0.4, 0.05])), pa.int64()
            ),
            "standard_exam_rooms": _arr(np.where(secondary, rng.integers(0, 40, ns), 0), pa.int64()),
        },
    )

    # --- population by town, single year of age (0–22) and sex -----------------------------------------
    by_town_stage = {}
    e_town = school_town[cls_school_a]
    for stage, grades in GRADES.items():
        m = cls_stage_a == stage
        counts_ = np.bincount(e_town[m], weights=sizes[m], minlength=scale.towns)
        by_town_stage[stage] = counts_ / len(grades)
    ages = np.arange(0, 23)
    stage_of_age = {
        a_: "preschool" if a_ <= 5 else "primary" if a_ <= 11 else "junior" if a_ <= 14 else "senior"
        for a_ in ages
    }
    p_town, p_age, p_sex, p_count, p_dis = [], [], [], [], []
    coverage = {"preschool": 0.95, "primary": 1.0, "junior": 0.98, "senior": 0.9}
    for t in range(scale.towns):
        for a_ in ages:
            base = by_town_stage[stage_of_age[a_]][t] / coverage[stage_of_age[a_]]
            for sx, share in (("M", 0.515), ("F", 0.485)):
                c = int(max(0, base * share * rng.uniform(0.9, 1.12)))
                p_town.append(town_codes[t])
                p_age.append(a_)
                p_sex.append(sx)
                p_count.append(c)
                p_dis.append(int(rng.binomial(c, 0.0028)) if 6 <= a_ <= 15 else 0)
    tables["population"] = _table(
        "population",
        {
            "town_code": _arr(p_town, pa.string()),
            "age": _arr(p_age, pa.int32()),
            "sex": _arr(p_sex, pa.string()),
            "count": _arr(p_count, pa.int64()),
            "disabled_certified": _arr(p_dis, pa.int64()),
        },
    )

    # --- recognitions of the year (a tenth are district-wide: no school) --------------------------------
    nrec = n_schools // 2
    rec_kind = rng.choice(
        np.array(
            [
                "moral_education_school",
                "labour_school",
                "labour_base",
                "labour_course",
                "civilised_campus",
                "school_emblem",
                "other",
            ]
        ),
        nrec,
    )
    rec_school = school_id[rng.integers(0, n_schools, nrec)]
    rec_none = rng.random(nrec) < 0.1
    tables["recognitions"] = _table(
        "recognitions",
        {
            "school_id": _arr(rec_school, pa.int64(), mask=rec_none),
            "kind": _arr(rec_kind, pa.string()),
            "level": _arr(rng.choice(LEVELS, nrec, p=[0.03, 0.12, 0.3, 0.55]), pa.string()),
            "year": _arr(np.full(nrec, YEAR), pa.int32()),
        },
    )

    # --- activities of the year ---------------------------------------------------------------------------
    kinds = {  # kind: (mean per school, share of schools with none)
        "parent_school": (2.5, 0.08),
        "parent_meeting": (4.0, 0.03),
        "family_guidance": (3.0, 0.2),
        "family_practice": (2.0, 0.3),
        "parent_committee": (3.0, 0.15),
        "home_visit": (6.0, 0.1),
        "ethics_week": (1.0, 0.2),
    }
    a_kind, a_school = [], []
    for kind, (lam, none) in kinds.items():
        k = rng.poisson(lam, n_schools) * (rng.random(n_schools) >= none)
        k = np.where((k == 0) & (rng.random(n_schools) >= none), 1, k)
        a_kind.append(np.full(k.sum(), kind))
        a_school.append(np.repeat(school_id, k))
    a_kind_a = np.concatenate(a_kind)
    a_school_a = np.concatenate(a_school).astype(np.int64)
    na = len(a_kind_a)
    researchers = 8 * scale.towns
    lectures = rng.poisson(6.5, researchers)
    observations = rng.poisson(85, researchers)
    person = np.concatenate(
        [np.repeat(np.arange(researchers), lectures), np.repeat(np.arange(researchers), observations)]
    )
    r_kind = np.concatenate(
        [np.full(lectures.sum(), "researcher_lecture"), np.full(observations.sum(), "class_observation")]
    )
    nra = len(person)
    hearings = 12
    kind_all = np.concatenate([a_kind_a, r_kind, np.full(hearings, "government_hearing")])
    school_all = np.concatenate(
        [a_school_a, school_id[rng.integers(0, n_schools, nra)], np.zeros(hearings, np.int64)]
    )
    no_school = np.concatenate([np.zeros(na, bool), rng.random(nra) < 0.7, np.ones(hearings, bool)])
    person_all = np.concatenate(
        [np.full(na, ""), np.char.add("教研员", np.char.zfill(person.astype(str), 4)), np.full(hearings, "")]
    )
    total_a = len(kind_all)
    participants = rng.integers(5, 400, total_a)
    tables["activities"] = _table(
        "activities",
        {
            "kind": _arr(kind_all, pa.string()),
            "school_id": _arr(school_all, pa.int64(), mask=no_school),
            "person": _arr(person_all, pa.string()),
            "semester": _arr(rng.choice(np.array([1, 2]), total_a), pa.int32()),
            "participants": _arr(participants, pa.int64(), mask=rng.random(total_a) < 0.3),
        },
    )

    # --- status changes of the year ------------------------------------------------------------------------
    nsc = n // 50
    sc_student = rng.choice(n, nsc, replace=False)
    sc_kind = rng.choice(
        np.array(["transfer_in", "transfer_out", "suspend", "dropout", "return", "graduate"]),
        nsc,
        p=[0.4, 0.4, 0.08, 0.02, 0.03, 0.07],
    )
    tables["status_changes"] = _table(
        "status_changes",
        {
            "student_id": _arr(student_id[sc_student], pa.int64()),
            "school_id": _arr(school_id[e_school[sc_student]], pa.int64()),
            "kind": _arr(sc_kind, pa.string()),
            "date": _arr(_days(CENSUS_DATE, nsc, 365, rng), pa.date32()),
        },
    )

    # --- dropouts up to the end of the year, with the cohort history ----------------------------------
    compulsory_grades = np.array([11, 12, 13, 14, 15, 16, 21, 22, 23], dtype=np.int32)
    nd = n // 600
    d_last_year = rng.integers(YEAR - 8, YEAR + 1, nd).astype(np.int32)
    d_grade = rng.choice(compulsory_grades, nd, p=np.array([1, 1, 1, 1, 1, 2, 3, 4, 5]) / 19)
    d_school = rng.integers(0, n_schools, nd)
    # dropped out during the year after the last enrolment (a few after the end of this 学年 are excluded)
    d_date = np.array(
        [(dt.date(int(y), 9, 1) - dt.date(1970, 1, 1)).days for y in d_last_year], dtype=np.int32
    ) + rng.integers(20, 330, nd).astype(np.int32)
    returned = rng.random(nd) < 0.35
    d_return = d_date + rng.integers(30, 500, nd).astype(np.int32)
    tables["dropouts"] = _table(
        "dropouts",
        {
            "student_id": _arr(np.arange(nd, dtype=np.int64) + 90_000_000, pa.int64()),
            "school_id": _arr(school_id[d_school], pa.int64()),
            "date": _arr(d_date, pa.date32()),
            "last_grade": _arr(d_grade, pa.int32()),
            "last_year": _arr(d_last_year, pa.int32()),
            "returned_on": _arr(d_return, pa.date32(), mask=~returned),
        },
    )

    tables["reference"] = _table(
        "reference",
        {"name": _arr(["civil_servant_salary"], pa.string()), "value": _arr([112_000], pa.int64())},
    )
    return tables


def cache_dir(scale: Scale) -> Path:
    return (
        CACHE
        / f"province-v{GENERATOR_VERSION}-s{scale.seed}-{scale.students}-{scale.schools}-{scale.teachers}"
    )


def ensure(scale: Scale) -> tuple[Path, float | None]:
    """The cache folder of ``scale`` (generated now if missing) and the generation seconds if it was."""
    return cache.ensure(cache_dir(scale), scale, lambda: generate(scale))


def load(scale: Scale) -> dict[str, pa.Table]:
    """The province's tables, fully in memory (read from the cache, generated first if needed). Tables
    the province does not generate (the health facts: the indicator benchmark measures the census
    indicators; bench/health.py the health ones) are empty."""
    folder, _ = ensure(scale)
    return {name: cache.read(folder, name) or TABLES[name].empty_table() for name in TABLES}


def describe(tables: dict[str, pa.Table]) -> dict[str, object]:
    """Headline figures of the generated province (to check it looks like one)."""
    schools = tables["schools"].to_pandas()
    classes = tables["classes"].to_pandas()
    size = classes[classes.stage.isin(["primary", "junior", "senior"])].student_count
    return {
        "rows": {name: t.num_rows for name, t in tables.items()},
        "school_types": schools.school_type.value_counts().sort_index().to_dict(),
        "private_schools": int((schools.ownership == "private").sum()),
        "puhui_private_kindergartens": int(schools.is_puhui.sum()),
        "towns": int(schools.town_code.nunique()),
        "class_size_mean": round(float(size.mean()), 1),
        "class_size_p5_p95": [int(size.quantile(0.05)), int(size.quantile(0.95))],
        "classes_56_plus": int((size >= 56).sum()),
        "classes_66_plus": int((size >= 66).sum()),
    }
