"""The frozen snapshot of one 学年's facts: the tables, their columns and types.

A snapshot is a folder of Parquet files, one per table below, and ``manifest.json`` (学年, 统计时点, the
import batches behind it, a content hash). It is written once from the database at the 统计时点 and never
changes: every official number is computed from it, and the same files can sit on a data lake for a
cluster.

Conventions that keep the engines agreeing exactly: everything compared with a cut-off is an integer
(areas in 0.1 m², money in 元 or 分, 学年总分 in 0.01 分, visual acuity × 10, refraction in 0.001 D), codes are strings, missing text is ``""`` (never null), and dates are
``date32``. Stock facts are those on roll at the 统计时点 (9月1日); flow facts (activities, status changes,
rotations, recognitions, honours) are those of the 学年 that starts then.
"""

from __future__ import annotations

import pyarrow as pa

SNAPSHOT_FORMAT = 2  # 2: the health tables (fitness, vision, wuxiang)

_str = pa.string()
_i64 = pa.int64()
_i32 = pa.int32()
_bool = pa.bool_()
_date = pa.date32()

TABLES: dict[str, pa.Schema] = {
    # the district and its towns (镇/街道)
    "towns": pa.schema([("town_code", _str), ("town_name", _str), ("urban_rural", _str)]),
    "schools": pa.schema(
        [
            ("school_id", _i64),
            ("school_code", _str),
            ("school_name", _str),
            ("town_code", _str),
            ("school_type", _str),
            ("ownership", _str),
            ("is_puhui", _bool),
            ("affiliation", _str),
            ("urban_rural", _str),
        ]
    ),
    # classes at the 统计时点 with their declared size
    "classes": pa.schema(
        [
            ("class_id", _i64),
            ("school_id", _i64),
            ("stage", _str),
            ("grade", _i32),
            ("student_count", _i32),
        ]
    ),
    # one row per student on roll at the 统计时点
    "enrolments": pa.schema(
        [
            ("student_id", _i64),
            ("class_id", _i64),
            ("school_id", _i64),
            ("stage", _str),
            ("grade", _i32),
            ("sex", _str),
            ("status", _str),
            ("disability", _str),
            ("placement", _str),
        ]
    ),
    # one row per teacher and 学年 (stage "" when not attached to a section)
    "teachers": pa.schema(
        [
            ("teacher_id", _i64),
            ("school_id", _i64),
            ("stage", _str),
            ("post", _str),
            ("subject", _str),
            ("education", _str),
            ("title", _str),
            ("backbone_level", _str),
            ("info_literacy", _str),
            ("ethics_file", _bool),
            ("commitment_signed", _bool),
            ("family_guidance_teacher", _bool),
            ("annual_salary_yuan", _i64),  # null when not reported
        ]
    ),
    # certificates held at the 统计时点 (issued on or before it, not expired); rank: 0 幼儿园 … 3 高中
    "certificates": pa.schema([("teacher_id", _i64), ("level", _str), ("rank", _i32)]),
    # honours granted up to the end of the 学年 (the plan's counts are cumulative)
    "honours": pa.schema(
        [("teacher_id", _i64), ("school_id", _i64), ("kind", _str), ("level", _str), ("year", _i32)]
    ),
    # rotations that start in the 学年
    "rotations": pa.schema(
        [("teacher_id", _i64), ("from_school_id", _i64), ("to_school_id", _i64), ("start", _date)]
    ),
    # one row per stage section
    "facilities": pa.schema(
        [
            ("school_id", _i64),
            ("stage", _str),
            ("teaching_area_dm", _i64),  # 0.1 m²
            ("sports_area_dm", _i64),  # 0.1 m²
            ("equipment_yuan", _i64),
            ("networked_classrooms", _i64),
            ("classrooms", _i64),
            ("upgraded_multimedia_classrooms", _i64),
            ("books", _i64),
            ("wireless_covered", _bool),
            ("dangerous_area_dm", _i64),  # 0.1 m²
            ("resource_rooms", _i64),
            ("standard_exam_rooms", _i64),
        ]
    ),
    # resident population by town, single year of age and sex, for the calendar year of the 统计时点
    "population": pa.schema(
        [("town_code", _str), ("age", _i32), ("sex", _str), ("count", _i64), ("disabled_certified", _i64)]
    ),
    "recognitions": pa.schema([("school_id", _i64), ("kind", _str), ("level", _str), ("year", _i32)]),
    # activities of the 学年; school_id null for district-wide ones; semester 1 = 秋季, 2 = 春季
    "activities": pa.schema(
        [("kind", _str), ("school_id", _i64), ("person", _str), ("semester", _i32), ("participants", _i64)]
    ),
    # status changes of the 学年 (transfers, dropouts, returns, suspensions, graduations)
    "status_changes": pa.schema([("student_id", _i64), ("school_id", _i64), ("kind", _str), ("date", _date)]),
    # every 辍学 up to the end of the 学年 with the grade and 学年 of the student's last enrolment before it,
    # and the date the student returned (复学), if any: the cohort history behind 巩固率
    "dropouts": pa.schema(
        [
            ("student_id", _i64),
            ("school_id", _i64),
            ("date", _date),
            ("last_grade", _i32),
            ("last_year", _i32),
            ("returned_on", _date),  # null while the student has not returned (复学)
        ]
    ),
    # figures supplied for the year rather than collected from schools (e.g. 公务员平均工资)
    "reference": pa.schema([("name", _str), ("value", _i64)]),
    # one row per student fitness test (体测) of the 学年, school grades only; no name, no 学籍号
    "fitness": pa.schema(
        [
            ("school_id", _i64),
            ("stage", _str),
            ("grade", _i32),
            ("sex", _str),
            ("status", _str),  # complete (已评定) | incomplete (项目不全) | exempt (免测)
            ("level", _str),  # excellent | good | pass | fail; "" unless complete
            ("total_centi", _i64),  # 学年总分 × 100; null without one
            ("bmi_band", _str),  # normal | underweight | overweight | obese; "" without a BMI
        ]
    ),
    # one row per student vision screening of the 学年 AND of the 学年 before it (``year``: its start year),
    # so the change from last year comes from one snapshot; no name, no 学籍号
    "vision": pa.schema(
        [
            ("year", _i32),
            ("school_id", _i64),
            ("stage", _str),
            ("grade", _i32),
            ("sex", _str),
            ("acuity_left", _i32),  # uncorrected distance acuity (5-point scale) × 10: 5.0 → 50
            ("acuity_right", _i32),
            (
                "se_left_milli",
                _i64,
            ),  # spherical equivalent (sphere + cylinder ÷ 2) in 0.001 D; null: no refraction
            ("se_right_milli", _i64),
            ("correction", _str),  # none | glasses | contact | ortho_k
            ("trial_lens", _str),  # 串镜: myopic | not_myopic | "" not done
        ]
    ),
    # 五项管理: one row per class and semester of the 学年
    "wuxiang": pa.schema(
        [
            ("school_id", _i64),
            ("stage", _str),
            ("grade", _i32),
            ("class_number", _i32),
            ("semester", _i32),  # 1 = 第一学期, 2 = 第二学期
            ("homework_minutes", _i32),
            ("sleep_minutes", _i32),
            ("phones_managed", _bool),
            ("reading_reviewed", _bool),
            ("activity_minutes", _i32),
        ]
    ),
}

#: the Chinese name of each table, for messages and the documentation
TABLE_LABELS: dict[str, str] = {
    "towns": "镇（街道）",
    "schools": "学校",
    "classes": "班级",
    "enrolments": "在校生",
    "teachers": "教职工学年记录",
    "certificates": "教师资格证",
    "honours": "教师荣誉",
    "rotations": "交流轮岗",
    "facilities": "办学条件",
    "population": "常住人口",
    "recognitions": "认定与荣誉",
    "activities": "活动记录",
    "status_changes": "学籍变动",
    "dropouts": "辍学记录（含历年）",
    "reference": "年度参考数",
    "fitness": "学生体质健康测试",
    "vision": "视力筛查（含上一学年）",
    "wuxiang": "五项管理班级记录",
}
