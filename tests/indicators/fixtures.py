"""A small, explicit, hand-checked snapshot for the indicator engine tests (学年 2025, 统计时点 2025-09-01).

Every figure the tests assert is written out here; the few bulk rows (the pupils of a class, the ordinary
teachers of a large school) are expanded from one explicit line each.

District 西夏区 (640105); towns T1 宁华路街道 (urban) and T2 兴泾镇 (rural).

=====  ====  ===========  ====================  ===========================================================
id     code  town         type                  what it is there for
=====  ====  ===========  ====================  ===========================================================
1      P1    T1           primary, public       100 pupils + a 小学附设幼儿班 of 20; all 7 resource indicators
                                                met, four of them exactly at the bound (L2 1.0, L4 4.5 = 450.0
                                                m² ÷ 100, L5 7.5, L6 2000)
2      P2    T1           primary, public       2100 pupils: over the 2000 limit; a primary class of 66
3      P3    T2           primary, public       300 pupils; 6 of 7 met, L6 at 84.9998% of the bound → fails;
                                                5 随班就读 pupils and a resource room
4      P4    T2           primary, 民办         100 pupils; 6 of 7 met, L6 at exactly 85% → passes
5      J1    T1           junior, public        200 pupils; 5 of 7 met (the two others ≥ 85%) → fails;
                                                certificates of every kind; two cohort dropouts
6      N1    T2           nine_year, public     primary 1400 + junior 1000 = 2400 (not over its 2500 limit);
                                                a junior class of 70; 6 随班就读 pupils, no resource room
7      SP    T1           special, public       12 + 8 pupils: out of 优质均衡, in the disability rate
8      K1    T1           kindergarten, public  60 children
9      K2    T2           kindergarten, 民办普惠 50 children
10     K3    T2           kindergarten, 民办     45 children (not 普惠)
11     H1    T1           senior, public        130 students in classes of 60 and 70
12     P5    T1           primary, public       new this year: 40 pupils, no 办学条件 report filed (its
                                                L4–L7 are unknown, not zero, and it is left out of those CVs)
=====  ====  ===========  ====================  ===========================================================

Classes of 45/46/50/51/55/56/65/66/70: P1 45 and 55, P4 46, J1 50 and 51, P3 56 and 65, P2 66, N1 70 (junior)
and H1 70 (senior). Pupils are one enrolment row per seat of each class (student id = class id × 100 + seat).

Expired certificates are never in a snapshot: the snapshot holds the certificates valid at the 统计时点
(``tisheng.indicators.snapshots.collect`` drops the others), so teacher 1005, whose 小学 certificate expired
on 2025-06-30, simply has no certificate row and counts as uncertified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa

from tisheng.indicators.engine.schema import TABLES
from tisheng.indicators.engine.snapshot import Snapshot, write_snapshot

YEAR = 2025
CENSUS_DATE = dt.date(2025, 9, 1)
YEAR_END = dt.date(2026, 8, 31)
DISTRICT = "640105"
SNAPSHOT_META: dict[str, Any] = {
    "district_code": DISTRICT,
    "district_name": "西夏区",
    "year": YEAR,
    "census_date": CENSUS_DATE,
    "year_end": YEAR_END,
}
CIVIL_SERVANT_SALARY = 100_000

P1, P2, P3, P4, J1, N1, SP, K1, K2, K3, H1, P5 = range(1, 13)

TOWNS = [
    {"town_code": "T1", "town_name": "宁华路街道", "urban_rural": "urban"},
    {"town_code": "T2", "town_name": "兴泾镇", "urban_rural": "rural"},
]

# school_id, code, name, town, type, ownership, 普惠
_SCHOOLS = [
    (P1, "P1", "宁华路第一小学", "T1", "primary", "public", False),
    (P2, "P2", "宁华路第二小学", "T1", "primary", "public", False),
    (P3, "P3", "兴泾镇第三小学", "T2", "primary", "public", False),
    (P4, "P4", "兴泾镇育才民办小学", "T2", "primary", "private", False),
    (J1, "J1", "宁华路第一中学", "T1", "junior", "public", False),
    (N1, "N1", "兴泾镇九年一贯制学校", "T2", "nine_year", "public", False),
    (SP, "SP", "西夏区特殊教育学校", "T1", "special", "public", False),
    (K1, "K1", "宁华路幼儿园", "T1", "kindergarten", "public", False),
    (K2, "K2", "兴泾镇启明幼儿园", "T2", "kindergarten", "private", True),
    (K3, "K3", "兴泾镇贝贝幼儿园", "T2", "kindergarten", "private", False),
    (H1, "H1", "西夏区高级中学", "T1", "senior", "public", False),
    (P5, "P5", "宁华路第五小学", "T1", "primary", "public", False),
]
SCHOOLS = [
    {
        "school_id": sid,
        "school_code": code,
        "school_name": name,
        "town_code": town,
        "school_type": kind,
        "ownership": ownership,
        "is_puhui": puhui,
        "affiliation": "district",
        "urban_rural": "urban" if town == "T1" else "rural",
    }
    for sid, code, name, town, kind, ownership, puhui in _SCHOOLS
]

# class_id, school_id, stage, grade, size — with the disabled pupils of the class (count, disability, placement)
_CLASSES: list[tuple[int, int, str, int, int, tuple[int, str, str] | None]] = [
    (101, P1, "primary", 11, 45, None),
    (102, P1, "primary", 12, 55, None),
    (103, P1, "preschool", 3, 20, None),  # 小学附设幼儿班
    (201, P2, "primary", 11, 66, None),
    # P2 classes 202–245: 44 classes of 45 (grades 11–16 in turn), then one of 54 → 66 + 1980 + 54 = 2100
    *(
        (c, P2, "primary", 11 + (c - 202) % 6, 45, (4, "physical", "inclusive") if c == 202 else None)
        for c in range(202, 246)
    ),
    (246, P2, "primary", 16, 54, None),
    (301, P3, "primary", 11, 56, None),
    (302, P3, "primary", 12, 65, None),
    (303, P3, "primary", 13, 45, (5, "hearing", "inclusive")),
    (304, P3, "primary", 14, 45, None),
    (305, P3, "primary", 15, 45, None),
    (306, P3, "primary", 16, 44, None),  # 56 + 65 + 45 + 45 + 45 + 44 = 300
    (401, P4, "primary", 11, 46, None),
    (402, P4, "primary", 16, 54, None),
    (501, J1, "junior", 21, 50, None),
    (502, J1, "junior", 22, 51, None),
    (503, J1, "junior", 23, 49, None),
    (504, J1, "junior", 23, 50, None),  # 初三: 49 + 50 = 99
    (601, N1, "primary", 11, 50, None),
    (602, N1, "primary", 12, 45, (5, "visual", "inclusive")),
    (603, N1, "primary", 13, 45, (1, "multiple", "home_delivery")),  # 送教上门
    # N1 primary 604–631: 28 more classes of 45 → 50 + 30 × 45 = 1400
    *((c, N1, "primary", 11 + (c - 601) % 6, 45, None) for c in range(604, 632)),
    (651, N1, "junior", 21, 50, (1, "speech", "inclusive")),
    (652, N1, "junior", 22, 51, None),
    (653, N1, "junior", 23, 70, None),
    # N1 junior 654–663: 10 classes of 45 in 初一, 664–671: 8 classes of 45 in 初二
    *((c, N1, "junior", 21 if c <= 663 else 22, 45, None) for c in range(654, 672)),
    (672, N1, "junior", 23, 19, None),  # 50 + 51 + 70 + 18 × 45 + 19 = 1000; 初三 70 + 19 = 89
    (701, SP, "primary", 13, 12, (12, "intellectual", "special_school")),
    (702, SP, "junior", 22, 8, (8, "hearing", "special_school")),
    (801, K1, "preschool", 1, 25, (1, "speech", "inclusive")),  # 小班 25: at standard
    (802, K1, "preschool", 2, 35, None),  # 中班 35: over 30
    (901, K2, "preschool", 3, 35, None),  # 大班 35: at standard
    (902, K2, "preschool", 1, 15, None),
    (1001, K3, "preschool", 2, 30, None),  # 中班 30: at standard
    (1002, K3, "preschool", 3, 15, None),
    (1101, H1, "senior", 31, 60, None),
    (1102, H1, "senior", 32, 70, None),
    (1201, P5, "primary", 11, 40, None),
]
CLASSES = [
    {"class_id": c, "school_id": s, "stage": stage, "grade": g, "student_count": n}
    for c, s, stage, g, n, _ in _CLASSES
]


def _enrolments() -> list[dict[str, Any]]:
    rows = []
    for class_id, school, stage, grade, size, disabled in _CLASSES:
        for seat in range(size):
            disability, placement = ("", "")
            if disabled and seat < disabled[0]:
                disability, placement = disabled[1], disabled[2]
            rows.append(
                {
                    "student_id": class_id * 100 + seat,
                    "class_id": class_id,
                    "school_id": school,
                    "stage": stage,
                    "grade": grade,
                    "sex": "M" if seat % 2 == 0 else "F",
                    "status": "enrolled",
                    "disability": disability,
                    "placement": placement,
                }
            )
    return rows


def _teacher(
    teacher_id: int,
    school: int,
    stage: str,
    subject: str = "语文",
    education: str = "bachelor",
    *,
    post: str = "teacher",
    backbone: str = "",
    literacy: str = "pass",
    ethics: bool = True,
    commitment: bool = True,
    guidance: bool = False,
    salary: int | None = None,
) -> dict[str, Any]:
    return {
        "teacher_id": teacher_id,
        "school_id": school,
        "stage": stage,
        "post": post,
        "subject": subject,
        "education": education,
        "title": "second",
        "backbone_level": backbone,
        "info_literacy": literacy,
        "ethics_file": ethics,
        "commitment_signed": commitment,
        "family_guidance_teacher": guidance,
        "annual_salary_yuan": salary,
    }


_t = _teacher
TEACHERS = [
    # P1 primary: 6 full-time teachers, 5 above the required 学历 (专科+), 1 backbone, 1 PE
    _t(1001, P1, "primary", backbone="district", guidance=True, salary=96_000),
    _t(1002, P1, "primary", "数学", "college", salary=90_000),
    _t(1003, P1, "primary", "体育", "college"),
    _t(1004, P1, "primary", "英语", "master"),
    _t(1005, P1, "primary", "科学", "college", literacy="not_taken"),  # certificate expired 2025-06-30
    _t(1006, P1, "primary", "语文", "secondary", literacy="fail", ethics=False),  # 中专: not above
    _t(1007, P1, "preschool", "学前", "college", salary=60_000),  # the 附设幼儿班
    _t(1008, P1, "", "", "bachelor", post="management", commitment=False, salary=150_000),  # 校长
    _t(1009, P1, "", "", "below", post="worker", ethics=False, commitment=False),
    # P2 primary: 20 teachers for 2100 pupils
    *(_t(t, P2, "primary", "体育" if t == 2001 else "语文") for t in range(2001, 2021)),
    # P3 primary: 13 above the required 学历, 3 backbone (district, city, region), 3 PE/arts, 1 中专
    _t(3001, P3, "primary", backbone="district"),
    _t(3002, P3, "primary", "数学", backbone="city"),
    _t(3003, P3, "primary", "英语", backbone="region"),
    _t(3004, P3, "primary", "体育"),
    _t(3005, P3, "primary", "音乐"),
    _t(3006, P3, "primary", "美术"),
    *(_t(t, P3, "primary") for t in range(3007, 3014)),
    _t(3014, P3, "primary", "语文", "secondary"),
    # P4 primary (民办): 5 above, 1 backbone, 1 music
    _t(4001, P4, "primary", backbone="district"),
    _t(4002, P4, "primary", "数学"),
    _t(4003, P4, "primary", "音乐", "college"),
    _t(4004, P4, "primary", "英语"),
    _t(4005, P4, "primary", "科学", "college"),
    # J1 junior: 10 本科 (above for 初中), 3 专科 (not above for 初中), 2 backbone, PE + art
    _t(5001, J1, "junior", backbone="district", salary=120_000),
    _t(5002, J1, "junior", "数学", backbone="city", guidance=True, salary=114_000),
    _t(5003, J1, "junior", "体育"),
    _t(5004, J1, "junior", "美术"),
    *(_t(t, J1, "junior") for t in range(5005, 5011)),
    _t(5011, J1, "junior", "英语", "college"),
    _t(5012, J1, "junior", "英语", "college"),
    _t(5013, J1, "junior", "历史", "college"),
    _t(5014, J1, "", "语文", "master", salary=80_000),  # full-time teacher not attached to a section
    _t(5015, J1, "", "", "master", post="management", backbone="region"),  # 校长, a backbone teacher
    # N1: 30 primary teachers (专科), 40 junior (20 本科, 20 专科)
    *(
        _t(t, N1, "primary", "语文", "college", backbone="district" if t == 6001 else "")
        for t in range(6001, 6031)
    ),
    *(
        _t(
            t,
            N1,
            "junior",
            "语文",
            "bachelor" if t <= 6120 else "college",
            backbone="city" if t == 6101 else "",
        )
        for t in range(6101, 6141)
    ),
    # SP
    _t(7001, SP, "primary", "特殊教育", salary=100_000),
    _t(7002, SP, "junior", "特殊教育", salary=100_000),
    _t(7003, SP, "junior", "特殊教育"),
    # kindergartens
    _t(8001, K1, "preschool", "学前", "college", guidance=True),
    _t(8002, K1, "preschool", "学前", "college"),
    _t(8003, K1, "preschool", "学前", "college"),
    _t(8004, K1, "preschool", "学前", "college"),
    _t(9001, K2, "preschool", "学前", "college"),
    _t(9002, K2, "preschool", "学前", "college"),
    _t(10001, K3, "preschool", "学前", "college"),
    _t(10002, K3, "preschool", "学前", "college"),
    # H1 senior
    _t(11001, H1, "senior"),
    _t(11002, H1, "senior", "数学"),
    _t(11003, H1, "senior", "英语"),
    # P5 primary: two teachers
    _t(12001, P5, "primary", "语文", "college"),
    _t(12002, P5, "primary", "数学", "college"),
]

# certificates valid at the 统计时点 (level; rank 0 幼儿园 … 3 高中, as the snapshot stores it)
RANK = {"kindergarten": 0, "primary": 1, "junior": 2, "senior": 3}
_CERTIFICATES: list[tuple[int, str]] = [
    (1001, "primary"),
    (1002, "senior"),  # a 高中 certificate covers 小学
    (1003, "primary"),
    (1004, "junior"),
    (1006, "primary"),
    (1007, "kindergarten"),
    (1008, "senior"),  # the principal: not a full-time teacher, so not counted either way
    *((t, "primary") for t in range(2001, 2021)),
    *((t, "primary") for t in range(3001, 3014)),  # 3014 has none
    *((t, "primary") for t in range(4001, 4006)),
    (5001, "junior"),
    (5002, "senior"),  # covers 初中
    (5003, "primary"),  # does not cover 初中
    *((t, "junior") for t in range(5004, 5011)),
    # 5011: none
    (5012, "primary"),
    (5012, "junior"),  # two certificates: the higher one counts
    (5013, "kindergarten"),
    (5014, "senior"),  # not attached to a section: counted as uncertified all the same
    *((t, "primary") for t in range(6001, 6031)),
    *((t, "junior") for t in range(6101, 6131)),
    *((t, "senior") for t in range(6131, 6136)),
    *((t, "primary") for t in range(6136, 6141)),  # 小学 certificates in 初中: not covered
    (7001, "primary"),
    (7002, "junior"),
    (8001, "kindergarten"),
    (8002, "kindergarten"),
    (8003, "primary"),  # covers 幼儿园
    (9001, "kindergarten"),
    (9002, "kindergarten"),
    (10001, "kindergarten"),
    (11001, "senior"),
    (11002, "junior"),  # does not cover 高中
    (11003, "senior"),
    (12001, "primary"),
    (12002, "primary"),
]
CERTIFICATES = [{"teacher_id": t, "level": level, "rank": RANK[level]} for t, level in _CERTIFICATES]

HONOURS = [
    {"teacher_id": 1001, "school_id": P1, "kind": "famous_teacher", "level": "city", "year": 2023},
    {"teacher_id": 1001, "school_id": P1, "kind": "famous_headteacher", "level": "region", "year": 2024},
    {"teacher_id": 5001, "school_id": J1, "kind": "famous_teacher", "level": "national", "year": 2025},
    {"teacher_id": 5002, "school_id": J1, "kind": "famous_researcher", "level": "district", "year": 2021},
    {"teacher_id": 1008, "school_id": P1, "kind": "famous_principal", "level": "district", "year": 2022},
    {"teacher_id": 1008, "school_id": P1, "kind": "famous_principal", "level": "city", "year": 2025},
    {"teacher_id": 5015, "school_id": J1, "kind": "famous_principal", "level": "region", "year": 2024},
    {"teacher_id": 5015, "school_id": J1, "kind": "famous_teacher", "level": "district", "year": 2019},
]

ROTATIONS = [
    {"teacher_id": 1001, "from_school_id": P1, "to_school_id": P3, "start": dt.date(2025, 9, 1)},
    {
        "teacher_id": 1001,
        "from_school_id": P1,
        "to_school_id": P2,
        "start": dt.date(2026, 2, 20),
    },  # same teacher
    {"teacher_id": 3007, "from_school_id": P3, "to_school_id": N1, "start": dt.date(2025, 9, 1)},
    {"teacher_id": 4001, "from_school_id": P4, "to_school_id": P1, "start": dt.date(2025, 9, 1)},  # 民办
    {"teacher_id": 6101, "from_school_id": N1, "to_school_id": J1, "start": dt.date(2025, 10, 8)},
    {"teacher_id": 8002, "from_school_id": K1, "to_school_id": K2, "start": dt.date(2025, 9, 1)},  # 学前
]

_FACILITY_COLUMNS = TABLES["facilities"].names  # school_id, stage, teaching_area_dm, … in order
_FACILITIES = [
    # teaching and sports areas in 0.1 m²
    (P1, "primary", 4500, 7500, 200_000, 3, 4, 4, 3000, True, 0, 0, 0),
    (P1, "preschool", 600, 900, 30_000, 0, 1, 0, 200, True, 0, 0, 0),
    (P2, "primary", 94500, 10000, 0, 10, 50, 20, 40000, False, 155, 0, 0),
    (P3, "primary", 18000, 24000, 509_999, 7, 8, 8, 9000, True, 0, 1, 0),
    (P4, "primary", 8800, 8000, 170_000, 3, 3, 3, 2500, True, 0, 0, 0),
    (J1, "junior", 12000, 19000, 600_000, 5, 6, 6, 8000, True, 0, 0, 24),
    (N1, "primary", 74200, 42000, 28_000_000, 20, 32, 10, 30000, False, 0, 0, 0),
    (N1, "junior", 60000, 90000, 2_500_000, 30, 22, 22, 20000, True, 20, 0, 0),
    (SP, "primary", 2000, 1000, 500_000, 2, 3, 3, 500, True, 0, 2, 0),
    (SP, "junior", 1000, 1000, 200_000, 1, 2, 2, 300, True, 0, 1, 0),
    (K1, "preschool", 3000, 2400, 150_000, 2, 3, 3, 1000, True, 0, 0, 0),
    (K2, "preschool", 2500, 2000, 100_000, 1, 2, 1, 800, False, 0, 0, 0),
    (K3, "preschool", 2000, 1800, 80_000, 0, 2, 0, 600, False, 0, 0, 0),
    (H1, "senior", 15000, 20000, 900_000, 4, 3, 3, 12000, True, 0, 0, 36),
]
FACILITIES = [dict(zip(_FACILITY_COLUMNS, row, strict=True)) for row in _FACILITIES]

# resident population by town, age and sex; every other (town, age, sex) cell holds 15 people
_POPULATION = {
    **{("T1", age, sex): 12 for age in (3, 4, 5) for sex in "MF"},  # T1 aged 3–5: 72
    **{("T2", age, sex): n for age, n in ((3, 20), (4, 22), (5, 22)) for sex in "MF"},  # T2 aged 3–5: 128
    **{("T1", age, sex): 10 for age in (15, 16, 17) for sex in "MF"},  # T1 aged 15–17: 60
    **{("T2", age, sex): n for age, n in ((15, 14), (16, 13), (17, 13)) for sex in "MF"},  # T2 aged 15–17: 80
}
_DISABLED = {
    ("T1", 5, "M"): 3,  # too young: not counted
    ("T1", 6, "M"): 2,
    ("T1", 10, "F"): 10,
    ("T1", 15, "M"): 10,  # T1 aged 6–15: 22
    ("T1", 16, "F"): 1,  # too old
    ("T2", 6, "F"): 3,
    ("T2", 12, "M"): 10,
    ("T2", 15, "F"): 5,  # T2 aged 6–15: 18
    ("T2", 16, "M"): 2,
}
POPULATION = [
    {
        "town_code": town,
        "age": age,
        "sex": sex,
        "count": _POPULATION.get((town, age, sex), 15),
        "disabled_certified": _DISABLED.get((town, age, sex), 0),
    }
    for town in ("T1", "T2")
    for age in range(18)
    for sex in "MF"
]

RECOGNITIONS = [
    {"school_id": P1, "kind": "moral_education_school", "level": "district", "year": 2025},
    {"school_id": P1, "kind": "moral_education_school", "level": "city", "year": 2025},
    {"school_id": J1, "kind": "moral_education_school", "level": "region", "year": 2025},
    {"school_id": P3, "kind": "labour_school", "level": "district", "year": 2025},
    {"school_id": None, "kind": "labour_base", "level": "city", "year": 2025},  # no school: district only
    {"school_id": None, "kind": "labour_course", "level": "district", "year": 2025},
    {"school_id": K1, "kind": "civilised_campus", "level": "region", "year": 2025},
    {"school_id": N1, "kind": "school_emblem", "level": "district", "year": 2025},
    {"school_id": P2, "kind": "other", "level": "district", "year": 2025},
]


def _activities() -> list[dict[str, Any]]:
    def act(
        kind: str, school: int | None, times: int = 1, semester: int = 1, person: str = ""
    ) -> list[dict[str, Any]]:
        return [
            {"kind": kind, "school_id": school, "person": person, "semester": semester, "participants": 30}
            for _ in range(times)
        ]

    return [
        *act("parent_school", P1),
        *act("parent_school", J1, 2),
        *act("parent_school", K1, semester=2),
        *act("parent_school", N1),
        *act("parent_school", None),  # district-wide: no school gets it
        *act("parent_meeting", P1, semester=1),
        *act("parent_meeting", P1, semester=2),
        *act("parent_meeting", J1, semester=1),
        *act("parent_meeting", J1, semester=2),
        *act("parent_meeting", P3, 2, semester=1),  # twice in autumn, never in spring
        *act("parent_meeting", K1, semester=2),
        *act("parent_meeting", N1, semester=1),
        *act("parent_meeting", N1, semester=2),
        *act("family_guidance", P1, 2),
        *act("family_practice", P1, 2),
        *act("family_guidance", J1, 2),
        *act("family_practice", J1, 1),
        *act("family_guidance", N1, 1),
        *act("family_practice", N1, 2),
        *act("ethics_week", None),
        # researchers: 张 6 lectures and 80 observations (both met), 李 5 and 81, 王 observations only
        *act("researcher_lecture", None, 6, person="张老师"),
        *act("class_observation", P1, 80, person="张老师"),
        *act("researcher_lecture", None, 5, person="李老师"),
        *act("class_observation", J1, 81, semester=2, person="李老师"),
        *act("class_observation", None, 10, person="王老师"),
        *act("researcher_lecture", None, 3),  # no 主讲人 recorded: nobody's
    ]


STATUS_CHANGES = [
    {"student_id": 10140, "school_id": P1, "kind": "transfer_out", "date": dt.date(2025, 10, 9)},
    {"student_id": 50300, "school_id": J1, "kind": "dropout", "date": dt.date(2025, 11, 3)},
]

# every 辍学 up to the end of the 学年: student, school, date, last grade and 学年 on roll, date of 复学
_d = dt.date
_DROPOUTS = [
    # the current 初三 cohort (reaches 初三 in 2025)
    (900001, J1, _d(2025, 3, 10), 22, 2024, None),  # out at the 统计时点 → counts (9-year and junior)
    (900002, J1, _d(2024, 5, 20), 21, 2023, _d(2025, 6, 1)),  # returned before the 统计时点
    (900003, N1, _d(2025, 4, 1), 22, 2024, _d(2025, 10, 15)),  # returned after it → counts
    (900004, N1, _d(2023, 3, 1), 16, 2022, None),  # dropped out in 六年级 → 9-year only
    (900005, P3, _d(2020, 1, 10), 13, 2019, None),  # dropped out in 三年级 → 9-year only
    (900006, J1, _d(2025, 6, 30), 22, 2024, _d(2025, 9, 1)),  # returned on the 统计时点 itself
    # other cohorts
    (900007, J1, _d(2025, 1, 10), 21, 2024, None),  # reaches 初三 in 2026
    (900008, P1, _d(2024, 11, 11), 15, 2024, None),  # reaches 初三 in 2028
    # this 学年 (控辍保学)
    (50300, J1, _d(2025, 11, 3), 23, 2025, None),  # not returned → counts
    (50301, J1, _d(2026, 3, 1), 23, 2025, _d(2026, 4, 1)),  # returned
    (50302, J1, _d(2025, 12, 1), 23, 2025, _d(2026, 8, 31)),  # returned on the last day of the 学年
    (60100, N1, _d(2025, 9, 1), 11, 2025, None),  # on the 统计时点: this 学年's → counts
    (65300, N1, _d(2026, 8, 31), 23, 2025, None),  # on the last day → counts
    (110101, H1, _d(2025, 10, 8), 31, 2025, None),  # a 高中 dropout: not 控辍保学 (义务教育 only)
]
DROPOUTS = [
    {"student_id": s, "school_id": school, "date": day, "last_grade": g, "last_year": y, "returned_on": back}
    for s, school, day, g, y, back in _DROPOUTS
]

REFERENCE = [{"name": "civil_servant_salary", "value": CIVIL_SERVANT_SALARY}]

# --- student health ------------------------------------------------------------------------------------------
#
# Fitness (体测): P1 三年级 (grade 13) is the edge case class — 10 students with a 学年总分 of whom exactly 5 are
# 优良 (50.0%, the plan's bound, met); 80.00 is 良好, 79.90 及格; one 免测 with and one without a BMI, two
# 项目不全 with a BMI. District: 34 优良 of 52 assessed; 4 incomplete (P1 2, H1 1 … see the rows).


def _stage(grade: int) -> str:
    return {1: "primary", 2: "junior", 3: "senior"}[grade // 10]


# school, grade, sex, status, level, 学年总分 × 100, BMI band, how many
_FITNESS = [
    (P1, 13, "M", "complete", "excellent", 9150, "normal", 3),
    (P1, 13, "M", "complete", "good", 8000, "overweight", 2),
    (P1, 13, "F", "complete", "pass", 7990, "normal", 4),
    (P1, 13, "F", "complete", "fail", 5500, "obese", 1),
    (P1, 13, "F", "exempt", "", None, "", 1),
    (P1, 13, "M", "exempt", "", None, "normal", 1),
    (P1, 13, "F", "incomplete", "", None, "underweight", 2),
    (P1, 11, "M", "complete", "good", 8500, "normal", 5),
    (P1, 11, "F", "complete", "excellent", 9000, "overweight", 5),
    (J1, 21, "M", "complete", "pass", 6000, "normal", 10),
    (J1, 21, "F", "complete", "excellent", 11000, "normal", 2),  # 100 + 10 附加分
    (J1, 22, "F", "complete", "fail", 5999, "obese", 3),
    (H1, 31, "M", "complete", "good", 8999, "normal", 4),
    (H1, 31, "F", "incomplete", "", None, "", 1),
    (N1, 16, "F", "complete", "good", 8200, "normal", 6),
    (N1, 23, "M", "complete", "excellent", 9500, "overweight", 7),
]
FITNESS = [
    {
        "school_id": school,
        "stage": _stage(grade),
        "grade": grade,
        "sex": sex,
        "status": status,
        "level": level,
        "total_centi": total,
        "bmi_band": bmi,
    }
    for school, grade, sex, status, level, total, bmi, n in _FITNESS
    for _ in range(n)
]

# Vision: P1 三年级 this year holds every edge of 筛查性近视 (16 screened):
#   a 5 normal; b SE exactly −0.50 D in the poor eye (myopic only when the cut-off is ≤); c 2 myopic by
#   refraction; d ortho-k with acuity 5.2 (myopic, not poor); e 串镜 myopic; f 串镜 not myopic (poor, decided);
#   g poor, no refraction, no 串镜 (undetermined); h right eye −0.60 D; i poor left at −0.25 D (not myopic);
#   j −0.51 D (myopic either way); k left refracted at −0.40 D, right poor and unrefracted (undetermined)
# → ≤: 7 myopic of 16 (43.75%), <: 6; 10 poor; 2 undetermined. Last year P1 三年级: 3 of 10 (30%).
# year, school, grade, sex, acuity L, R (× 10), SE L, R (0.001 D), correction, 串镜, how many
_VISION = [
    (2025, P1, 13, "M", 50, 50, None, None, "none", "", 5),
    (2025, P1, 13, "M", 48, 50, -500, 0, "none", "", 1),
    (2025, P1, 13, "F", 49, 49, -750, -1000, "glasses", "", 2),
    (2025, P1, 13, "F", 52, 52, None, None, "ortho_k", "", 1),
    (2025, P1, 13, "F", 47, 50, None, None, "none", "myopic", 1),
    (2025, P1, 13, "M", 46, 50, None, None, "none", "not_myopic", 1),
    (2025, P1, 13, "F", 45, 49, None, None, "none", "", 1),
    (2025, P1, 13, "M", 50, 48, None, -600, "none", "", 1),
    (2025, P1, 13, "M", 48, 50, -250, None, "none", "", 1),
    (2025, P1, 13, "F", 49, 50, -510, None, "none", "", 1),
    (2025, P1, 13, "F", 48, 49, -400, None, "none", "", 1),
    (2024, P1, 13, "M", 48, 48, -1000, -1000, "none", "", 3),
    (2024, P1, 13, "F", 50, 50, None, None, "none", "", 7),
    # J1 初一: 4 of 12 this year; last year 2 at exactly −0.50 D of 10 (20% with ≤, 0% with <)
    (2025, J1, 21, "M", 50, 50, None, None, "none", "", 8),
    (2025, J1, 21, "F", 45, 45, -2000, -2000, "glasses", "", 4),
    (2024, J1, 21, "M", 49, 49, -500, -500, "none", "", 2),
    (2024, J1, 21, "F", 50, 50, None, None, "none", "", 8),
    # H1: screened this year only (no change can be computed)
    (2025, H1, 31, "M", 44, 44, -3000, -3000, "glasses", "", 3),
    # T2: N1 screened this year (none myopic); P3 only last year (2 of 2): T2 falls by 100 points
    (2025, N1, 16, "M", 50, 50, None, None, "none", "", 5),
    (2024, P3, 14, "F", 47, 47, -800, -800, "none", "", 2),
    # a screening of two years ago is never read
    (2023, P1, 13, "F", 40, 40, -5000, -5000, "none", "", 4),
]
VISION = [
    {
        "year": year,
        "school_id": school,
        "stage": _stage(grade),
        "grade": grade,
        "sex": sex,
        "acuity_left": left,
        "acuity_right": right,
        "se_left_milli": se_left,
        "se_right_milli": se_right,
        "correction": correction,
        "trial_lens": trial,
    }
    for year, school, grade, sex, left, right, se_left, se_right, correction, trial, n in _VISION
    for _ in range(n)
]

# 五项管理 class records: school, grade, class, semester, homework, sleep, phones, reading, activity (minutes)
_WUXIANG = [
    (P1, 11, 1, 1, 0, 600, True, True, 60),  # 一年级: no homework, exactly 600 min sleep, 60 min: all five
    (P1, 11, 1, 2, 10, 600, True, True, 60),  # 一年级 with 10 min of homework: not met
    (P1, 13, 1, 1, 60, 599, True, True, 70),  # homework exactly 60 (met); sleep 599 (not)
    (P1, 13, 2, 1, 61, 620, True, False, 59),  # homework 61, reading not reviewed, 59 min activity: not met
    (J1, 21, 1, 1, 90, 540, True, True, 60),  # 初中 at 90 and 540 exactly: all five
    (J1, 21, 2, 1, 91, 539, False, True, 60),  # 91 min, 539 min, phones not managed
    (H1, 31, 1, 1, 200, 480, True, True, 60),  # 高中: homework not assessed, sleep 480: all (four) met
    (H1, 31, 2, 1, 0, 479, True, True, 60),  # 高中 sleep 479
]
WUXIANG = [
    {
        "school_id": school,
        "stage": _stage(grade),
        "grade": grade,
        "class_number": number,
        "semester": semester,
        "homework_minutes": homework,
        "sleep_minutes": sleep,
        "phones_managed": phones,
        "reading_reviewed": reading,
        "activity_minutes": activity,
    }
    for school, grade, number, semester, homework, sleep, phones, reading, activity in _WUXIANG
]


def table(name: str, rows: Iterable[dict[str, Any]]) -> pa.Table:
    """``rows`` as an Arrow table with the snapshot schema of ``name``."""
    return pa.Table.from_pylist(list(rows), schema=TABLES[name])


def world_rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "towns": TOWNS,
        "schools": SCHOOLS,
        "classes": CLASSES,
        "enrolments": _enrolments(),
        "teachers": TEACHERS,
        "certificates": CERTIFICATES,
        "honours": HONOURS,
        "rotations": ROTATIONS,
        "facilities": FACILITIES,
        "population": POPULATION,
        "recognitions": RECOGNITIONS,
        "activities": _activities(),
        "status_changes": STATUS_CHANGES,
        "dropouts": DROPOUTS,
        "reference": REFERENCE,
        "fitness": FITNESS,
        "vision": VISION,
        "wuxiang": WUXIANG,
    }


def world_tables() -> dict[str, pa.Table]:
    return {name: table(name, rows) for name, rows in world_rows().items()}


def build_world(root: Path) -> Snapshot:
    """Write the snapshot of this world under ``root`` (e.g. pytest's ``tmp_path``)."""
    return write_snapshot(root, world_tables(), **SNAPSHOT_META)


def snapshot_rows(snapshot: Snapshot) -> dict[str, list[dict[str, Any]]]:
    """Every table of ``snapshot`` read back as plain rows (what the oracle takes)."""
    return {name: snapshot.read(name).to_pylist() for name in TABLES}
