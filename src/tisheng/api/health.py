"""Read endpoints for the health facts: fitness tests (体测成绩), vision screenings (视力筛查) and the
五项管理 class records, scoped like the health pages.

- ``/fitness-tests`` and ``/vision-screenings``: a student's results are personal; they are read by the
  principal and clerks of the student's school only. Every other role — the district roles included —
  gets 403 ``forbidden`` on the list and 404 on a record; a record of another school is a 404 and
  absent from the list. Above the school only the indicators' aggregates (``/indicator-values``, small
  groups withheld) are served.
- ``/wuxiang-records``: class records carry no personal data: the district roles and department users
  read every school's, a principal or clerk the own school's.

Lists are filtered by the pages' filter sets (:mod:`tisheng.health.filters`); the 学籍号 is masked where
it embeds a 身份证 number (:mod:`tisheng.api.privacy`).

(No ``from __future__ import annotations`` here: ninja reads the endpoints' parameter types at runtime.)
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.pagination import paginate
from pydantic import computed_field

from tisheng.api.auth import auth_user
from tisheng.api.census import LIST_ERRORS, in_scope, readable
from tisheng.api.census_schemas import MASKED_HELP, InYear, blank_to_none, label_or_none
from tisheng.api.errors import OBJECT_ERRORS
from tisheng.api.filters import apply_filters, query_schema
from tisheng.api.organisation import get_visible
from tisheng.api.pagination import Pagination
from tisheng.api.privacy import mask_identifier
from tisheng.api.schemas import SchoolRef, display
from tisheng.census import choices as census_choices
from tisheng.core.choices import Grade
from tisheng.health import choices as c
from tisheng.health.filters import FitnessTestFilterSet, VisionScreeningFilterSet, WuxiangRecordFilterSet
from tisheng.health.models import FITNESS_GRADES, FitnessTest, VisionScreening, WuxiangRecord

router = Router()

STUDENT_RESULTS = (
    "\n\nRead by the principal and clerks of the student's school only. Every other role (the district "
    "roles and department users included) gets 403 `forbidden` on the list and 404 on a record: above the school only the "
    "aggregates of `/indicator-values` are served, with groups under 10 students withheld."
)
CLASS_RECORDS = (
    "\n\nRead by the district roles and department users (every school) and by the principal and "
    "clerks of the own school."
)
GRADE_LABELS = {value: label for value, label in FITNESS_GRADES}

FitnessTestParams = query_schema(FitnessTestFilterSet)
VisionScreeningParams = query_schema(VisionScreeningFilterSet)
WuxiangRecordParams = query_schema(WuxiangRecordFilterSet)


class StudentHealthOut(InYear):
    """What a per-student health record says about the student: school, 学籍号, 年级, 班级, 性别."""

    school: SchoolRef = Field(..., description="The school that tested the student")
    student: int | None = Field(..., description="The student in the 学籍 register (id), when known there")
    student_number: str = Field(..., description=f"学籍号 as in the file; {MASKED_HELP}")
    grade: int = Field(
        ..., description="年级编号 of the fitness standard (11–33 school grades, 41–44 university)"
    )
    class_code: str | None = Field(..., description="班级编号 as in the file")
    sex: census_choices.Sex = Field(..., description="Sex")

    @staticmethod
    def resolve_student(obj: Any) -> int | None:
        return obj.student_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_student_number(obj: Any) -> str:
        return mask_identifier(obj.student_number)

    @staticmethod
    def resolve_class_code(obj: Any) -> str | None:
        return blank_to_none(obj.class_code)

    @computed_field(description="Display label of grade")  # type: ignore[prop-decorator]
    @property
    def grade_label(self) -> str:
        return str(GRADE_LABELS.get(self.grade, self.grade))

    @computed_field(description="Display label of sex")  # type: ignore[prop-decorator]
    @property
    def sex_label(self) -> str:
        return display(self.sex)


class FitnessTestOut(StudentHealthOut):
    """A student's 《国家学生体质健康标准》 test in one 学年: the results in natural units and the scores
    computed at import."""

    height: Decimal | None = Field(..., description="Height (cm)")
    weight: Decimal | None = Field(..., description="Weight (kg)")
    vital_capacity: int | None = Field(..., description="肺活量 (ml)")
    run_50m: Decimal | None = Field(..., description="50米跑 (s)")
    sit_and_reach: Decimal | None = Field(..., description="坐位体前屈 (cm)")
    rope_skip_1min: int | None = Field(..., description="一分钟跳绳 (count)")
    sit_up_1min: int | None = Field(..., description="一分钟仰卧起坐 (count)")
    shuttle_50x8: Decimal | None = Field(..., description="50米×8往返跑 (s)")
    standing_long_jump: Decimal | None = Field(..., description="立定跳远 (cm)")
    pull_up: int | None = Field(..., description="引体向上 (count)")
    run_1000m: Decimal | None = Field(..., description="1000米跑 (s)")
    run_800m: Decimal | None = Field(..., description="800米跑 (s)")
    exempt: bool = Field(..., description="免测")
    flagged: list[str] = Field(..., description="Items not scored (待核): ambiguous or impossible results")
    bmi: Decimal | None = Field(..., description="BMI (kg/m²)")
    bmi_band: c.BmiBand | None = Field(..., description="BMI band (正常/低体重/超重/肥胖)")
    item_scores: dict[str, int | float] = Field(..., description="Item key → score, scored items only")
    standard_score: Decimal | None = Field(..., description="标准分")
    bonus: int | None = Field(..., description="附加分")
    total: Decimal | None = Field(..., description="学年总分")
    level: c.FitnessLevel | None = Field(..., description="等级, only for a complete test")
    status: c.FitnessStatus = Field(..., description="complete / incomplete / exempt")
    standard_version: str = Field(..., description="The version of the standard's tables that scored it")

    @staticmethod
    def resolve_bmi_band(obj: Any) -> str | None:
        return blank_to_none(obj.bmi_band)

    @staticmethod
    def resolve_level(obj: Any) -> str | None:
        return blank_to_none(obj.level)

    @computed_field(description="Display label of bmi_band")  # type: ignore[prop-decorator]
    @property
    def bmi_band_label(self) -> str | None:
        return label_or_none(self.bmi_band)

    @computed_field(description="Display label of level")  # type: ignore[prop-decorator]
    @property
    def level_label(self) -> str | None:
        return label_or_none(self.level)

    @computed_field(description="Display label of status")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return display(self.status)


class VisionScreeningOut(StudentHealthOut):
    """A student's vision screening in one 学年: uncorrected acuity (5-point scale) per eye and, where
    done, refraction or the 串镜 check."""

    screened_on: dt.date | None = Field(..., description="Screening date")
    acuity_left: Decimal = Field(..., description="Uncorrected acuity, left (5-point scale)")
    acuity_right: Decimal = Field(..., description="Uncorrected acuity, right (5-point scale)")
    sphere_left: Decimal | None = Field(..., description="Sphere, left (D)")
    cylinder_left: Decimal | None = Field(..., description="Cylinder, left (D)")
    axis_left: int | None = Field(..., description="Axis, left (°)")
    sphere_right: Decimal | None = Field(..., description="Sphere, right (D)")
    cylinder_right: Decimal | None = Field(..., description="Cylinder, right (D)")
    axis_right: int | None = Field(..., description="Axis, right (°)")
    correction: c.Correction = Field(..., description="Correction worn at the screening")
    trial_lens: c.TrialLens | None = Field(..., description="串镜 check (null: not done)")

    @staticmethod
    def resolve_trial_lens(obj: Any) -> str | None:
        return blank_to_none(obj.trial_lens)

    @computed_field(description="Display label of correction")  # type: ignore[prop-decorator]
    @property
    def correction_label(self) -> str:
        return display(self.correction)

    @computed_field(description="Display label of trial_lens")  # type: ignore[prop-decorator]
    @property
    def trial_lens_label(self) -> str | None:
        return label_or_none(self.trial_lens)


class WuxiangRecordOut(InYear):
    """五项管理 record of one class in one semester."""

    school: SchoolRef = Field(..., description="The school")
    grade: Grade = Field(..., description="Grade (年级), coded as the national 年级编号")
    class_number: int = Field(..., description="Class number within the grade")
    semester: c.Semester = Field(..., description="Semester (1 or 2)")
    respondents: int = Field(..., description="Students surveyed")
    homework_minutes: int = Field(..., description="Average daily written homework (min)")
    sleep_minutes: int = Field(..., description="Average daily sleep (min)")
    phones_managed: bool = Field(..., description="Phones managed (手机管理)")
    reading_reviewed: bool = Field(..., description="Reading materials reviewed (读物管理)")
    activity_minutes: int = Field(..., description="Average daily in-school physical activity (min)")

    @computed_field(description="Display label of grade")  # type: ignore[prop-decorator]
    @property
    def grade_label(self) -> str:
        return display(self.grade)

    @computed_field(description="Display label of semester")  # type: ignore[prop-decorator]
    @property
    def semester_label(self) -> str:
        return display(self.semester)


def with_refs(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.select_related("academic_year", "school")


# --- fitness tests ----------------------------------------------------------------------------------


@router.get(
    "/fitness-tests",
    response={200: list[FitnessTestOut], **LIST_ERRORS},
    tags=["health"],
    summary="List fitness tests",
    description="Students' fitness tests (体测成绩) by school year, with the computed scores."
    + STUDENT_RESULTS,
)
@paginate(Pagination)
def list_fitness_tests(request: HttpRequest, filters: Query[FitnessTestParams]) -> QuerySet[FitnessTest]:  # type: ignore[valid-type]
    queryset = apply_filters(FitnessTestFilterSet, filters, readable(request, FitnessTest), request)
    return with_refs(queryset)


@router.get(
    "/fitness-tests/{test_id}",
    response={200: FitnessTestOut, **OBJECT_ERRORS},
    tags=["health"],
    summary="A fitness test",
    description="One student's fitness test in one school year." + STUDENT_RESULTS,
)
def get_fitness_test(request: HttpRequest, test_id: int) -> FitnessTest:
    return get_visible(with_refs(in_scope(auth_user(request), FitnessTest)), test_id)


# --- vision screenings ------------------------------------------------------------------------------


@router.get(
    "/vision-screenings",
    response={200: list[VisionScreeningOut], **LIST_ERRORS},
    tags=["health"],
    summary="List vision screenings",
    description="Students' vision screenings (视力筛查) by school year." + STUDENT_RESULTS,
)
@paginate(Pagination)
def list_vision_screenings(
    request: HttpRequest,
    filters: Query[VisionScreeningParams],  # type: ignore[valid-type]
) -> QuerySet[VisionScreening]:
    queryset = apply_filters(VisionScreeningFilterSet, filters, readable(request, VisionScreening), request)
    return with_refs(queryset)


@router.get(
    "/vision-screenings/{screening_id}",
    response={200: VisionScreeningOut, **OBJECT_ERRORS},
    tags=["health"],
    summary="A vision screening",
    description="One student's vision screening in one school year." + STUDENT_RESULTS,
)
def get_vision_screening(request: HttpRequest, screening_id: int) -> VisionScreening:
    return get_visible(with_refs(in_scope(auth_user(request), VisionScreening)), screening_id)


# --- 五项管理 ----------------------------------------------------------------------------------------


@router.get(
    "/wuxiang-records",
    response={200: list[WuxiangRecordOut], **LIST_ERRORS},
    tags=["health"],
    summary="List 五项管理 records",
    description="五项管理 records of classes by school year and semester." + CLASS_RECORDS,
)
@paginate(Pagination)
def list_wuxiang_records(
    request: HttpRequest,
    filters: Query[WuxiangRecordParams],  # type: ignore[valid-type]
) -> QuerySet[WuxiangRecord]:
    queryset = apply_filters(WuxiangRecordFilterSet, filters, readable(request, WuxiangRecord), request)
    return with_refs(queryset)


@router.get(
    "/wuxiang-records/{record_id}",
    response={200: WuxiangRecordOut, **OBJECT_ERRORS},
    tags=["health"],
    summary="A 五项管理 record",
    description="One class's 五项管理 record in one semester." + CLASS_RECORDS,
)
def get_wuxiang_record(request: HttpRequest, record_id: int) -> WuxiangRecord:
    return get_visible(with_refs(in_scope(auth_user(request), WuxiangRecord)), record_id)
