"""Read endpoints for every data set: the census facts (classes, students, teachers, facilities …) and
the intake's import batches and submissions, scoped like the pages.

Every read starts from ``Model.objects.restrict(user, "view")`` (STYLE §6), so each data set is read by
the roles its model grants:

- people (students, enrolments, status changes, teachers, teacher records, certificates, rotations,
  ethics violations): the district roles, and the principal and clerks of the own school;
- school-level facts (classes, facility reports, honours, recognitions, activities): also department
  users, over every school;
- population and births: the district roles, department users and principals (the whole district);
- import batches and submissions: the district roles, and the principal and clerks of the own school.

A role the model grants nothing at all gets 403 (``forbidden``) on the list, so a script learns that the
data set is not for it, and 404 on a single record, as for any record outside its scope. A record of
another school is a 404 and absent from the list. Lists are filtered by one filter set per model
(:mod:`tisheng.api.census_filters` and the pages' filter sets) and their query count does not grow with
the number of rows.

(No ``from __future__ import annotations`` here: ninja reads the endpoints' parameter types at runtime.)
"""

from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from tisheng.api.auth import auth_user
from tisheng.api.census_filters import (
    BirthFilterSet,
    CertificateFilterSet,
    EnrolmentFilterSet,
    EthicsViolationFilterSet,
    FacilityReportFilterSet,
    HonourFilterSet,
    PopulationCountFilterSet,
    RotationFilterSet,
    SchoolClassFilterSet,
    StatusChangeFilterSet,
    StudentFilterSet,
    TeacherFilterSet,
    TeacherYearFilterSet,
)
from tisheng.api.census_schemas import (
    ActivityOut,
    BatchDetailOut,
    BatchOut,
    BirthOut,
    CertificateOut,
    EnrolmentOut,
    EthicsViolationOut,
    FacilityReportOut,
    HonourOut,
    PopulationCountOut,
    RecognitionOut,
    RotationOut,
    SchoolClassOut,
    StatusChangeOut,
    StudentDetailOut,
    StudentOut,
    SubmissionOut,
    TeacherOut,
    TeacherYearOut,
)
from tisheng.api.errors import COMMON_ERRORS, OBJECT_ERRORS, ErrorOut, forbidden
from tisheng.api.filters import apply_filters, query_schema
from tisheng.api.organisation import get_visible
from tisheng.api.pagination import Pagination
from tisheng.census.filters import ActivityFilterSet, RecognitionFilterSet
from tisheng.census.models import (
    Activity,
    Birth,
    Certificate,
    Enrolment,
    EthicsViolation,
    FacilityReport,
    Honour,
    PopulationCount,
    Recognition,
    Rotation,
    SchoolClass,
    StatusChange,
    Student,
    Teacher,
    TeacherYear,
)
from tisheng.core.evidence import evidence_count
from tisheng.core.models import User
from tisheng.core.permissions import VIEW, grant_for
from tisheng.intake.filters import BatchFilterSet, SubmissionFilterSet
from tisheng.intake.models import ImportBatch, Submission
from tisheng.intake.services import rows_withheld

M = TypeVar("M", bound=Model)

router = Router()

#: Who reads what, for the endpoints' descriptions.
PEOPLE = (
    "\n\nRead by the district roles (administrator, inspector, leader) and by the principal and clerks "
    "of the own school. Department users get 403 `forbidden` on the list and 404 on a record."
)
SCHOOL_FACTS = (
    "\n\nRead by the district roles and department users (every school) and by the principal and "
    "clerks of the own school."
)
DISTRICT_FIGURES = (
    "\n\nRead by the district roles, department users and principals (the whole district). Clerks get "
    "403 `forbidden` on the list and 404 on a record."
)
INTAKE = (
    "\n\nRead by the district roles and by the principal and clerks of the own school (a district-wide "
    "batch only by the district roles). Department users get 403 `forbidden` on the list and 404 on a "
    "record."
)

LIST_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 403: ErrorOut}


def readable(request: HttpRequest, model: type[M]) -> QuerySet[M]:
    """``model``'s rows the caller may see, in a stable order; 403 when the role may read none at all."""
    user = auth_user(request)
    if grant_for(model, user, VIEW) is None:
        raise forbidden()
    ordering = [str(field) for field in model._meta.ordering or ()]
    return in_scope(user, model).order_by(*ordering, "pk")


def in_scope(user: User, model: type[M]) -> QuerySet[M]:
    """``model``'s rows ``user`` may see (for a single record: none at all is a 404 there)."""
    return model.objects.restrict(user, VIEW)  # type: ignore[attr-defined, no-any-return]


ClassParams = query_schema(SchoolClassFilterSet)
StudentParams = query_schema(StudentFilterSet)
EnrolmentParams = query_schema(EnrolmentFilterSet)
StatusChangeParams = query_schema(StatusChangeFilterSet)
TeacherParams = query_schema(TeacherFilterSet)
TeacherYearParams = query_schema(TeacherYearFilterSet)
CertificateParams = query_schema(CertificateFilterSet)
HonourParams = query_schema(HonourFilterSet)
RotationParams = query_schema(RotationFilterSet)
EthicsViolationParams = query_schema(EthicsViolationFilterSet)
FacilityReportParams = query_schema(FacilityReportFilterSet)
PopulationParams = query_schema(PopulationCountFilterSet)
BirthParams = query_schema(BirthFilterSet)
RecognitionParams = query_schema(RecognitionFilterSet)
ActivityParams = query_schema(ActivityFilterSet)
BatchParams = query_schema(BatchFilterSet)
SubmissionParams = query_schema(SubmissionFilterSet)


# --- what each data set loads with its rows (one query per relation, whatever the number of rows) ----


def classes(queryset: QuerySet[SchoolClass]) -> QuerySet[SchoolClass]:
    return queryset.select_related("academic_year", "section__school")


def students(queryset: QuerySet[Student], user: User, *, detail: bool = False) -> QuerySet[Student]:
    """Students with the enrolments (and, for ``detail``, the status changes) ``user`` may see."""
    enrolments = (
        in_scope(user, Enrolment)
        .select_related("academic_year", "school_class__section__school")
        .order_by("-academic_year__start_year", "pk")
    )
    queryset = queryset.select_related("residence_town").prefetch_related(
        Prefetch("enrolments", queryset=enrolments, to_attr="visible_enrolments")
    )
    if detail:
        changes = in_scope(user, StatusChange).select_related("school").order_by("date", "pk")
        queryset = queryset.prefetch_related(Prefetch("changes", queryset=changes, to_attr="visible_changes"))
    return queryset


def enrolments(queryset: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return queryset.select_related("academic_year", "student", "school_class__section__school")


def status_changes(queryset: QuerySet[StatusChange]) -> QuerySet[StatusChange]:
    return queryset.select_related("student", "school")


def teachers(queryset: QuerySet[Teacher], user: User) -> QuerySet[Teacher]:
    """Teachers with the yearly records, certificates and honours ``user`` may see."""
    years = (
        in_scope(user, TeacherYear)
        .select_related("academic_year", "section__school")
        .order_by("-academic_year__start_year", "pk")
    )
    certificates = in_scope(user, Certificate).order_by("issued_on", "pk")
    honours = in_scope(user, Honour).order_by("year", "pk")
    return queryset.select_related("school").prefetch_related(
        Prefetch("years", queryset=years, to_attr="visible_years"),
        Prefetch("certificates", queryset=certificates, to_attr="visible_certificates"),
        Prefetch("honours", queryset=honours, to_attr="visible_honours"),
    )


def teacher_years(queryset: QuerySet[TeacherYear]) -> QuerySet[TeacherYear]:
    return queryset.select_related("academic_year", "teacher", "section__school")


def certificates(queryset: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return queryset.select_related("teacher__school")


def honours(queryset: QuerySet[Honour]) -> QuerySet[Honour]:
    return queryset.select_related("teacher__school")


def rotations(queryset: QuerySet[Rotation]) -> QuerySet[Rotation]:
    return queryset.select_related("teacher", "from_school", "to_school")


def violations(queryset: QuerySet[EthicsViolation]) -> QuerySet[EthicsViolation]:
    return queryset.select_related("teacher__school")


def facility_reports(queryset: QuerySet[FacilityReport]) -> QuerySet[FacilityReport]:
    return queryset.select_related("academic_year", "section__school")


def recognitions(queryset: QuerySet[Recognition]) -> QuerySet[Recognition]:
    return queryset.select_related("school").annotate(evidence_count=evidence_count(Recognition))


def activities(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    return queryset.select_related("school").annotate(evidence_count=evidence_count(Activity))


def batches(queryset: QuerySet[ImportBatch]) -> QuerySet[ImportBatch]:
    return queryset.select_related("academic_year", "school", "uploaded_by")


def submissions(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    return queryset.select_related("academic_year", "school", "submitted_by", "reviewed_by")


# --- classes ----------------------------------------------------------------------------------------


@router.get(
    "/classes",
    response={200: list[SchoolClassOut], **LIST_ERRORS},
    tags=["classes"],
    summary="List classes",
    description="Classes (班级) by school year, stage section and grade, with their enrolment."
    + SCHOOL_FACTS,
)
@paginate(Pagination)
def list_classes(request: HttpRequest, filters: Query[ClassParams]) -> QuerySet[SchoolClass]:  # type: ignore[valid-type]
    queryset = apply_filters(SchoolClassFilterSet, filters, readable(request, SchoolClass), request)
    return classes(queryset)


@router.get(
    "/classes/{class_id}",
    response={200: SchoolClassOut, **OBJECT_ERRORS},
    tags=["classes"],
    summary="A class",
    description="A class (班级) with its enrolment at the census day." + SCHOOL_FACTS,
)
def get_class(request: HttpRequest, class_id: int) -> SchoolClass:
    return get_visible(classes(in_scope(auth_user(request), SchoolClass)), class_id)


# --- students ---------------------------------------------------------------------------------------


@router.get(
    "/students",
    response={200: list[StudentOut], **LIST_ERRORS},
    tags=["students"],
    summary="List students",
    description=(
        "Students (学生) with their enrolments by school year. `year`, `school`, `school_code`, `stage` "
        "and `grade` select students by one enrolment (enrolled in 2025 at school A). The 学籍号 and "
        "the 身份证 number are returned masked." + PEOPLE
    ),
)
@paginate(Pagination)
def list_students(request: HttpRequest, filters: Query[StudentParams]) -> QuerySet[Student]:  # type: ignore[valid-type]
    queryset = apply_filters(StudentFilterSet, filters, readable(request, Student), request)
    return students(queryset, auth_user(request))


@router.get(
    "/students/{student_id}",
    response={200: StudentDetailOut, **OBJECT_ERRORS},
    tags=["students"],
    summary="A student",
    description=(
        "A student with the enrolments by school year, the status changes (学籍异动) and the individual "
        "education plan (一人一案). A principal or clerk sees the enrolments and changes at the own "
        "school only." + PEOPLE
    ),
)
def get_student(request: HttpRequest, student_id: int) -> Student:
    user = auth_user(request)
    return get_visible(students(in_scope(user, Student), user, detail=True), student_id)


@router.get(
    "/enrolments",
    response={200: list[EnrolmentOut], **LIST_ERRORS},
    tags=["students"],
    summary="List enrolments",
    description="Enrolments (在校学籍): a student's class in a school year." + PEOPLE,
)
@paginate(Pagination)
def list_enrolments(request: HttpRequest, filters: Query[EnrolmentParams]) -> QuerySet[Enrolment]:  # type: ignore[valid-type]
    return enrolments(apply_filters(EnrolmentFilterSet, filters, readable(request, Enrolment), request))


@router.get(
    "/enrolments/{enrolment_id}",
    response={200: EnrolmentOut, **OBJECT_ERRORS},
    tags=["students"],
    summary="An enrolment",
    description="A student's enrolment in one school year." + PEOPLE,
)
def get_enrolment(request: HttpRequest, enrolment_id: int) -> Enrolment:
    return get_visible(enrolments(in_scope(auth_user(request), Enrolment)), enrolment_id)


@router.get(
    "/status-changes",
    response={200: list[StatusChangeOut], **LIST_ERRORS},
    tags=["students"],
    summary="List status changes",
    description=(
        "Status changes (学籍异动): transfers, suspensions, dropouts, returns and graduations. `year` "
        "selects the changes dated in that school year (9月1日 to 8月31日)." + PEOPLE
    ),
)
@paginate(Pagination)
def list_status_changes(
    request: HttpRequest,
    filters: Query[StatusChangeParams],  # type: ignore[valid-type]
) -> QuerySet[StatusChange]:
    queryset = apply_filters(StatusChangeFilterSet, filters, readable(request, StatusChange), request)
    return status_changes(queryset)


@router.get(
    "/status-changes/{change_id}",
    response={200: StatusChangeOut, **OBJECT_ERRORS},
    tags=["students"],
    summary="A status change",
    description="A status change (学籍异动) of a student." + PEOPLE,
)
def get_status_change(request: HttpRequest, change_id: int) -> StatusChange:
    return get_visible(status_changes(in_scope(auth_user(request), StatusChange)), change_id)


# --- teachers ---------------------------------------------------------------------------------------


@router.get(
    "/teachers",
    response={200: list[TeacherOut], **LIST_ERRORS},
    tags=["teachers"],
    summary="List teachers",
    description=(
        "Staff (教职工) with their yearly records, teacher certificates and named-teacher honours. "
        "`year` selects the staff with a record in that school year." + PEOPLE
    ),
)
@paginate(Pagination)
def list_teachers(request: HttpRequest, filters: Query[TeacherParams]) -> QuerySet[Teacher]:  # type: ignore[valid-type]
    queryset = apply_filters(TeacherFilterSet, filters, readable(request, Teacher), request)
    return teachers(queryset, auth_user(request))


@router.get(
    "/teachers/{teacher_id}",
    response={200: TeacherOut, **OBJECT_ERRORS},
    tags=["teachers"],
    summary="A teacher",
    description="A member of staff with the yearly records, certificates and honours." + PEOPLE,
)
def get_teacher(request: HttpRequest, teacher_id: int) -> Teacher:
    user = auth_user(request)
    return get_visible(teachers(in_scope(user, Teacher), user), teacher_id)


@router.get(
    "/teacher-years",
    response={200: list[TeacherYearOut], **LIST_ERRORS},
    tags=["teachers"],
    summary="List teacher year records",
    description=(
        "Teachers' records by school year: post, subject, education, title, backbone level, training, "
        "information literacy, ethics file and commitment, annual salary." + PEOPLE
    ),
)
@paginate(Pagination)
def list_teacher_years(
    request: HttpRequest,
    filters: Query[TeacherYearParams],  # type: ignore[valid-type]
) -> QuerySet[TeacherYear]:
    return teacher_years(
        apply_filters(TeacherYearFilterSet, filters, readable(request, TeacherYear), request)
    )


@router.get(
    "/teacher-years/{record_id}",
    response={200: TeacherYearOut, **OBJECT_ERRORS},
    tags=["teachers"],
    summary="A teacher year record",
    description="A teacher's record in one school year." + PEOPLE,
)
def get_teacher_year(request: HttpRequest, record_id: int) -> TeacherYear:
    return get_visible(teacher_years(in_scope(auth_user(request), TeacherYear)), record_id)


@router.get(
    "/certificates",
    response={200: list[CertificateOut], **LIST_ERRORS},
    tags=["teachers"],
    summary="List teacher certificates",
    description="Teacher certificates (教师资格证)." + PEOPLE,
)
@paginate(Pagination)
def list_certificates(
    request: HttpRequest,
    filters: Query[CertificateParams],  # type: ignore[valid-type]
) -> QuerySet[Certificate]:
    return certificates(apply_filters(CertificateFilterSet, filters, readable(request, Certificate), request))


@router.get(
    "/certificates/{certificate_id}",
    response={200: CertificateOut, **OBJECT_ERRORS},
    tags=["teachers"],
    summary="A teacher certificate",
    description="A teacher certificate (教师资格证)." + PEOPLE,
)
def get_certificate(request: HttpRequest, certificate_id: int) -> Certificate:
    return get_visible(certificates(in_scope(auth_user(request), Certificate)), certificate_id)


@router.get(
    "/honours",
    response={200: list[HonourOut], **LIST_ERRORS},
    tags=["teachers"],
    summary="List named-teacher honours",
    description=(
        "Named-teacher honours (名师, 名班主任, 名教研员, 名校(园)长) by level and year. `year` is the "
        "calendar year. A department user sees the honour and the school, not the teacher "
        "(`teacher` is null)." + SCHOOL_FACTS
    ),
)
@paginate(Pagination)
def list_honours(request: HttpRequest, filters: Query[HonourParams]) -> QuerySet[Honour]:  # type: ignore[valid-type]
    return honours(apply_filters(HonourFilterSet, filters, readable(request, Honour), request))


@router.get(
    "/honours/{honour_id}",
    response={200: HonourOut, **OBJECT_ERRORS},
    tags=["teachers"],
    summary="A named-teacher honour",
    description="A named-teacher honour; `teacher` is null for a department user." + SCHOOL_FACTS,
)
def get_honour(request: HttpRequest, honour_id: int) -> Honour:
    return get_visible(honours(in_scope(auth_user(request), Honour)), honour_id)


@router.get(
    "/rotations",
    response={200: list[RotationOut], **LIST_ERRORS},
    tags=["teachers"],
    summary="List teacher rotations",
    description=(
        "Teacher exchange rotations (交流轮岗), in the scope of the school the teacher leaves. `school` "
        "selects the rotations from or to the school; `year` those under way in the school year." + PEOPLE
    ),
)
@paginate(Pagination)
def list_rotations(request: HttpRequest, filters: Query[RotationParams]) -> QuerySet[Rotation]:  # type: ignore[valid-type]
    return rotations(apply_filters(RotationFilterSet, filters, readable(request, Rotation), request))


@router.get(
    "/rotations/{rotation_id}",
    response={200: RotationOut, **OBJECT_ERRORS},
    tags=["teachers"],
    summary="A teacher rotation",
    description="A teacher's exchange rotation (交流轮岗)." + PEOPLE,
)
def get_rotation(request: HttpRequest, rotation_id: int) -> Rotation:
    return get_visible(rotations(in_scope(auth_user(request), Rotation)), rotation_id)


@router.get(
    "/ethics-violations",
    response={200: list[EthicsViolationOut], **LIST_ERRORS},
    tags=["teachers"],
    summary="List ethics violations",
    description=(
        "Recorded violations of the teacher ethics rules (师德失范). `year` selects those dated in the "
        "school year." + PEOPLE
    ),
)
@paginate(Pagination)
def list_ethics_violations(
    request: HttpRequest,
    filters: Query[EthicsViolationParams],  # type: ignore[valid-type]
) -> QuerySet[EthicsViolation]:
    queryset = apply_filters(EthicsViolationFilterSet, filters, readable(request, EthicsViolation), request)
    return violations(queryset)


@router.get(
    "/ethics-violations/{violation_id}",
    response={200: EthicsViolationOut, **OBJECT_ERRORS},
    tags=["teachers"],
    summary="An ethics violation",
    description="A recorded violation of the teacher ethics rules (师德失范)." + PEOPLE,
)
def get_ethics_violation(request: HttpRequest, violation_id: int) -> EthicsViolation:
    return get_visible(violations(in_scope(auth_user(request), EthicsViolation)), violation_id)


# --- school facts -----------------------------------------------------------------------------------


@router.get(
    "/facility-reports",
    response={200: list[FacilityReportOut], **LIST_ERRORS},
    tags=["facilities"],
    summary="List facility reports",
    description="Facilities and equipment (办学条件) of each stage section by school year." + SCHOOL_FACTS,
)
@paginate(Pagination)
def list_facility_reports(
    request: HttpRequest,
    filters: Query[FacilityReportParams],  # type: ignore[valid-type]
) -> QuerySet[FacilityReport]:
    queryset = apply_filters(FacilityReportFilterSet, filters, readable(request, FacilityReport), request)
    return facility_reports(queryset)


@router.get(
    "/facility-reports/{report_id}",
    response={200: FacilityReportOut, **OBJECT_ERRORS},
    tags=["facilities"],
    summary="A facility report",
    description="A stage section's facilities and equipment in one school year." + SCHOOL_FACTS,
)
def get_facility_report(request: HttpRequest, report_id: int) -> FacilityReport:
    return get_visible(facility_reports(in_scope(auth_user(request), FacilityReport)), report_id)


@router.get(
    "/recognitions",
    response={200: list[RecognitionOut], **LIST_ERRORS},
    tags=["recognitions"],
    summary="List recognitions",
    description=(
        "Recognitions (认定/荣誉) of schools and courses, filtered like the 认定与荣誉 list page "
        "(`year_min`/`year_max`: calendar years)." + SCHOOL_FACTS
    ),
)
@paginate(Pagination)
def list_recognitions(
    request: HttpRequest,
    filters: Query[RecognitionParams],  # type: ignore[valid-type]
) -> QuerySet[Recognition]:
    queryset = recognitions(readable(request, Recognition))  # the evidence filter reads the annotation
    return apply_filters(RecognitionFilterSet, filters, queryset, request)


@router.get(
    "/recognitions/{recognition_id}",
    response={200: RecognitionOut, **OBJECT_ERRORS},
    tags=["recognitions"],
    summary="A recognition",
    description="A recognition (认定/荣誉) with the number of its evidence files." + SCHOOL_FACTS,
)
def get_recognition(request: HttpRequest, recognition_id: int) -> Recognition:
    return get_visible(recognitions(in_scope(auth_user(request), Recognition)), recognition_id)


@router.get(
    "/activities",
    response={200: list[ActivityOut], **LIST_ERRORS},
    tags=["activities"],
    summary="List activity records",
    description=(
        "Activity records (家长会, 家访, 教研员 lectures …), filtered like the 活动记录 list page "
        "(`academic_year` is the id of a school year; `date_after`/`date_before`)." + SCHOOL_FACTS
    ),
)
@paginate(Pagination)
def list_activities(request: HttpRequest, filters: Query[ActivityParams]) -> QuerySet[Activity]:  # type: ignore[valid-type]
    queryset = activities(readable(request, Activity))  # the evidence filter reads the annotation
    return apply_filters(ActivityFilterSet, filters, queryset, request)


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityOut, **OBJECT_ERRORS},
    tags=["activities"],
    summary="An activity record",
    description="An activity record with the number of its evidence files." + SCHOOL_FACTS,
)
def get_activity(request: HttpRequest, activity_id: int) -> Activity:
    return get_visible(activities(in_scope(auth_user(request), Activity)), activity_id)


# --- population and births --------------------------------------------------------------------------


@router.get(
    "/population",
    response={200: list[PopulationCountOut], **LIST_ERRORS},
    tags=["population"],
    summary="List population counts",
    description=(
        "Resident population by calendar year, town (or community), single year of age and sex: the "
        "denominators of the enrolment rates." + DISTRICT_FIGURES
    ),
)
@paginate(Pagination)
def list_population(
    request: HttpRequest,
    filters: Query[PopulationParams],  # type: ignore[valid-type]
) -> QuerySet[PopulationCount]:
    queryset = apply_filters(PopulationCountFilterSet, filters, readable(request, PopulationCount), request)
    return queryset.select_related("town")


@router.get(
    "/population/{count_id}",
    response={200: PopulationCountOut, **OBJECT_ERRORS},
    tags=["population"],
    summary="A population count",
    description="One cell of the resident population." + DISTRICT_FIGURES,
)
def get_population_count(request: HttpRequest, count_id: int) -> PopulationCount:
    return get_visible(in_scope(auth_user(request), PopulationCount).select_related("town"), count_id)


@router.get(
    "/births",
    response={200: list[BirthOut], **LIST_ERRORS},
    tags=["population"],
    summary="List births",
    description="Births registered by town and calendar year." + DISTRICT_FIGURES,
)
@paginate(Pagination)
def list_births(request: HttpRequest, filters: Query[BirthParams]) -> QuerySet[Birth]:  # type: ignore[valid-type]
    return apply_filters(BirthFilterSet, filters, readable(request, Birth), request).select_related("town")


@router.get(
    "/births/{birth_id}",
    response={200: BirthOut, **OBJECT_ERRORS},
    tags=["population"],
    summary="Births of a town in a year",
    description="Births registered in a town in a calendar year." + DISTRICT_FIGURES,
)
def get_birth(request: HttpRequest, birth_id: int) -> Birth:
    return get_visible(in_scope(auth_user(request), Birth).select_related("town"), birth_id)


# --- intake -----------------------------------------------------------------------------------------


@router.get(
    "/batches",
    response={200: list[BatchOut], **LIST_ERRORS},
    tags=["intake"],
    summary="List import batches",
    description=(
        "Import batches (导入批次), the latest first, with their status and counts; the findings are "
        "in a batch's detail." + INTAKE
    ),
)
@paginate(Pagination)
def list_batches(request: HttpRequest, filters: Query[BatchParams]) -> QuerySet[ImportBatch]:  # type: ignore[valid-type]
    return batches(apply_filters(BatchFilterSet, filters, readable(request, ImportBatch), request))


@router.get(
    "/batches/{batch_id}",
    response={200: BatchDetailOut, **OBJECT_ERRORS},
    tags=["intake"],
    summary="An import batch",
    description=(
        "An import batch with its files and its findings (errors first; 身份证 numbers quoted in them "
        "are masked)." + INTAKE
    ),
)
def get_batch(request: HttpRequest, batch_id: int) -> ImportBatch:
    user = auth_user(request)
    batch = get_visible(batches(in_scope(user, ImportBatch)).prefetch_related("files"), batch_id)
    if rows_withheld(user, batch):  # students' health values: counts only, as on the batch page
        batch.issues = []
    return batch


@router.get(
    "/submissions",
    response={200: list[SubmissionOut], **LIST_ERRORS},
    tags=["intake"],
    summary="List submissions",
    description="Schools' submissions (填报) of each data set and school year, and their review." + INTAKE,
)
@paginate(Pagination)
def list_submissions(
    request: HttpRequest,
    filters: Query[SubmissionParams],  # type: ignore[valid-type]
) -> QuerySet[Submission]:
    return submissions(apply_filters(SubmissionFilterSet, filters, readable(request, Submission), request))


@router.get(
    "/submissions/{submission_id}",
    response={200: SubmissionOut, **OBJECT_ERRORS},
    tags=["intake"],
    summary="A submission",
    description="A school's submission of a data set for a school year, and its review." + INTAKE,
)
def get_submission(request: HttpRequest, submission_id: int) -> Submission:
    return get_visible(submissions(in_scope(auth_user(request), Submission)), submission_id)
