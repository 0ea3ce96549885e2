"""The organisation endpoints: schools, towns, groups, departments, school years and the caller.

Every read starts from ``Model.objects.restrict(user, "view")`` (STYLE §6): an object outside the caller's
scope is a 404, exactly as if it did not exist; a write the caller's role may not make on an object it
can see is a 403. Lists are filtered by the same filter sets as the list pages and paginated with
``limit``/``offset``; their query count does not grow with the number of rows.

(No ``from __future__ import annotations`` here: ninja reads the endpoints' parameter types at runtime.)
"""

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Field, Model, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from tisheng.api.auth import api_actor, auth_user
from tisheng.api.errors import (
    COMMON_ERRORS,
    OBJECT_ERRORS,
    ApiError,
    ErrorOut,
    ForbiddenFieldsOut,
    forbidden,
    invalid,
    invalid_from_django,
    not_found,
)
from tisheng.api.filters import apply_filters, query_schema
from tisheng.api.pagination import Pagination
from tisheng.api.schemas import (
    DepartmentDetailOut,
    DepartmentOut,
    GroupDetailOut,
    GroupOut,
    MeOut,
    SchoolDetailOut,
    SchoolOut,
    SchoolPatch,
    TownDetailOut,
    TownOut,
    YearOut,
)
from tisheng.census.models import SchoolClass
from tisheng.census.queries import enrolment_by_stage
from tisheng.core.choices import Role, Stage
from tisheng.core.filters import DepartmentFilterSet, SchoolFilterSet, SchoolGroupFilterSet, TownFilterSet
from tisheng.core.models import AcademicYear, Department, GroupMembership, School, SchoolGroup, Town, User
from tisheng.core.permissions import CHANGE, VIEW, can

M = TypeVar("M", bound=Model)

router = Router()

SchoolFilterParams = query_schema(SchoolFilterSet)
TownFilterParams = query_schema(TownFilterSet)
GroupFilterParams = query_schema(SchoolGroupFilterSet)
DepartmentFilterParams = query_schema(DepartmentFilterSet)

#: School fields each role may change through the API. A principal edits the own school's contact
#: details; the administrator also the register's classification. Name, code, type and opening dates
#: are changed in the web register only.
SCHOOL_API_EDITABLE: dict[str, tuple[str, ...]] = {
    Role.ADMIN: (
        *School.PRINCIPAL_EDITABLE,
        "longitude",
        "latitude",
        "ownership",
        "affiliation",
        "urban_rural",
        "is_puhui",
        "town",
    ),
    Role.PRINCIPAL: School.PRINCIPAL_EDITABLE,
}
#: Patch fields that name a related object by id.
FOREIGN_KEYS = {"town": "town_id"}

STAGE_ORDER = list(Stage.values)


def get_visible(queryset: QuerySet[M], pk: int) -> M:
    """The object ``pk`` of a restricted queryset; 404 when it does not exist or is out of scope."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise not_found()
    return obj


# --- schools ----------------------------------------------------------------------------------------


def school_field(name: str) -> "Field[Any, Any]":
    field = School._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def null_message(name: str) -> str:
    """Django's own (translated) message for a null in a field that takes none."""
    return str(school_field(name).error_messages["null"])


def school_detail(school: School, user: User) -> SchoolDetailOut:
    memberships = (
        GroupMembership.objects.restrict(user, VIEW)
        .filter(school=school)
        .active_on(timezone.localdate())
        .select_related("group")
        .order_by("group__kind", "group__name")
    )
    classes = SchoolClass.objects.restrict(user, VIEW).filter(section__school=school)
    enrolment = sorted(enrolment_by_stage(classes), key=lambda row: (row.year, STAGE_ORDER.index(row.stage)))
    return SchoolDetailOut.of(school, list(memberships), enrolment)


@router.get(
    "/schools",
    response={200: list[SchoolOut], **COMMON_ERRORS},
    tags=["schools"],
    summary="List schools",
)
@paginate(Pagination)
def list_schools(request: HttpRequest, filters: Query[SchoolFilterParams]) -> QuerySet[School]:  # type: ignore[valid-type]
    """Schools and kindergartens the caller may see, filtered like the school list page."""
    schools = School.objects.restrict(auth_user(request), VIEW)
    schools = apply_filters(SchoolFilterSet, filters, schools, request)
    return schools.select_related("town").prefetch_related("sections")


@router.get(
    "/schools/{school_id}",
    response={200: SchoolDetailOut, **OBJECT_ERRORS},
    tags=["schools"],
    summary="A school",
)
def get_school(request: HttpRequest, school_id: int) -> SchoolDetailOut:
    """A school with its stage sections, current group memberships and enrolment by school year."""
    user = auth_user(request)
    school = get_visible(School.objects.restrict(user, VIEW).select_related("town"), school_id)
    return school_detail(school, user)


@router.patch(
    "/schools/{school_id}",
    response={200: SchoolDetailOut, 403: ForbiddenFieldsOut, **OBJECT_ERRORS},
    tags=["schools"],
    summary="Change a school's register entry",
)
def update_school(request: HttpRequest, school_id: int, payload: SchoolPatch) -> SchoolDetailOut:
    """Change some fields of a school. Send only the fields to change.

    A principal may change ``short_name``, ``address``, ``phone`` and ``principal_name`` of the own
    school; sending any other field is refused as a whole with 403 ``forbidden_fields``. Fields no
    role may change through the API (name, code, type, dates) are a 422. The change is recorded in the
    audit trail with the caller as actor and source ``api``.
    """
    user = auth_user(request)
    school = get_visible(School.objects.restrict(user, VIEW).select_related("town"), school_id)
    if not can(user, CHANGE, school):
        raise forbidden()
    sent = sorted(payload.model_fields_set)
    denied = [name for name in sent if name not in SCHOOL_API_EDITABLE.get(user.role, ())]
    if denied:
        raise ApiError(
            403, "forbidden_fields", f"您的角色无权修改以下字段：{'、'.join(denied)}", fields=denied
        )
    # A blank-able text field skips the model's null check in full_clean(), so null is refused here.
    nulls = [name for name in sent if getattr(payload, name) is None and not school_field(name).null]
    if nulls:
        raise invalid(
            [
                {"loc": ["body", "payload", name], "msg": null_message(name), "type": "invalid"}
                for name in nulls
            ]
        )
    for name in sent:
        setattr(school, FOREIGN_KEYS.get(name, name), getattr(payload, name))
    try:
        school.full_clean()
    except ValidationError as exc:
        raise invalid_from_django(exc, ("body", "payload")) from exc
    with transaction.atomic(), api_actor(request):
        school.save()
    school = School.objects.select_related("town").get(pk=school.pk)
    return school_detail(school, user)


# --- towns ------------------------------------------------------------------------------------------


@router.get("/towns", response={200: list[TownOut], **COMMON_ERRORS}, tags=["towns"], summary="List towns")
@paginate(Pagination)
def list_towns(request: HttpRequest, filters: Query[TownFilterParams]) -> QuerySet[Town]:  # type: ignore[valid-type]
    """Towns and sub-districts (镇/街道) of the district."""
    towns = Town.objects.restrict(auth_user(request), VIEW)
    return apply_filters(TownFilterSet, filters, towns, request)


@router.get(
    "/towns/{town_id}", response={200: TownDetailOut, **OBJECT_ERRORS}, tags=["towns"], summary="A town"
)
def get_town(request: HttpRequest, town_id: int) -> TownDetailOut:
    """A town with the number of its open schools by type (among the schools the caller may see)."""
    user = auth_user(request)
    town = get_visible(Town.objects.restrict(user, VIEW), town_id)
    counts = (
        School.objects.restrict(user, VIEW)
        .open_on(timezone.localdate())
        .filter(town=town)
        .order_by()
        .values("school_type")
        .annotate(n=Count("id"))
        .values_list("school_type", "n")
    )
    return TownDetailOut.of(town, dict(counts))


# --- groups -----------------------------------------------------------------------------------------


def with_current_members(groups: QuerySet[SchoolGroup], user: User) -> QuerySet[SchoolGroup]:
    current = (
        GroupMembership.objects.restrict(user, VIEW)
        .active_on(timezone.localdate())
        .select_related("school")
        .order_by("role", "school__code")
    )
    return groups.prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_members"))


@router.get(
    "/groups", response={200: list[GroupOut], **COMMON_ERRORS}, tags=["groups"], summary="List school groups"
)
@paginate(Pagination)
def list_groups(request: HttpRequest, filters: Query[GroupFilterParams]) -> QuerySet[SchoolGroup]:  # type: ignore[valid-type]
    """School groups (学区, 教育集团, 大学区) the caller may see, with their members today."""
    user = auth_user(request)
    groups = apply_filters(SchoolGroupFilterSet, filters, SchoolGroup.objects.restrict(user, VIEW), request)
    return with_current_members(groups, user)


@router.get(
    "/groups/{group_id}", response={200: GroupDetailOut, **OBJECT_ERRORS}, tags=["groups"], summary="A group"
)
def get_group(request: HttpRequest, group_id: int, on: dt.date | None = None) -> GroupDetailOut:
    """A school group with the whole history of its memberships, or with ``?on=YYYY-MM-DD`` only the
    memberships active on that day (from ``valid_from`` up to, not including, ``valid_to``)."""
    user = auth_user(request)
    group = get_visible(with_current_members(SchoolGroup.objects.restrict(user, VIEW), user), group_id)
    members = GroupMembership.objects.restrict(user, VIEW).filter(group=group).select_related("school")
    if on is not None:
        members = members.active_on(on)
    return GroupDetailOut.of(group, list(members.order_by("valid_from", "role", "school__code")), on)


# --- departments ------------------------------------------------------------------------------------


@router.get(
    "/departments",
    response={200: list[DepartmentOut], **COMMON_ERRORS},
    tags=["departments"],
    summary="List departments",
)
@paginate(Pagination)
def list_departments(
    request: HttpRequest,
    filters: Query[DepartmentFilterParams],  # type: ignore[valid-type]
) -> QuerySet[Department]:
    """Departments (部门) named by the plan as lead or responsible units, as far as the caller may see."""
    departments = Department.objects.restrict(auth_user(request), VIEW)
    return apply_filters(DepartmentFilterSet, filters, departments, request)


@router.get(
    "/departments/{department_id}",
    response={200: DepartmentDetailOut, **OBJECT_ERRORS},
    tags=["departments"],
    summary="A department",
)
def get_department(request: HttpRequest, department_id: int) -> DepartmentDetailOut:
    """A department with its user accounts (those the caller may see)."""
    user = auth_user(request)
    department = get_visible(Department.objects.restrict(user, VIEW), department_id)
    users = User.objects.restrict(user, VIEW).filter(department=department).order_by("username")
    return DepartmentDetailOut.of(department, list(users))


# --- the caller and the calendar --------------------------------------------------------------------


@router.get("/me", response={200: MeOut, 401: ErrorOut}, tags=["account"], summary="The caller")
def get_me(request: HttpRequest) -> MeOut:
    """The calling user, the role and the scope (whole district, own school or own department)."""
    user = auth_user(request)
    return MeOut.of(
        get_visible(User.objects.restrict(user, VIEW).select_related("school", "department"), user.pk)
    )


@router.get(
    "/years", response={200: list[YearOut], **COMMON_ERRORS}, tags=["calendar"], summary="List school years"
)
@paginate(Pagination)
def list_years(request: HttpRequest) -> QuerySet[AcademicYear]:
    """School years (学年), the latest first."""
    return AcademicYear.objects.restrict(auth_user(request), VIEW)
