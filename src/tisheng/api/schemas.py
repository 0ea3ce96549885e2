"""What the API returns and accepts.

Every coded value comes with its display label (``school_type`` and ``school_type_label``): the code is
stable for scripts, the label is what people read, in the language of the request (Chinese by default).
Labels are computed from the code by the choices class (one place, STYLE §3), so a schema gives the same
answer whether it is filled from a model instance or from plain data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.db.models import Choices
from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict, computed_field

from tisheng.census.queries import Enrolment
from tisheng.core.choices import (
    Affiliation,
    DepartmentKind,
    GroupKind,
    MembershipRole,
    Ownership,
    Role,
    SchoolType,
    Stage,
    TownKind,
    UrbanRural,
)
from tisheng.core.models import AcademicYear, Department, GroupMembership, School, SchoolGroup, Town, User


def display(value: Choices) -> str:
    """The display label of a coded value, translated into the active language."""
    return str(value.label)


# --- references (a related object in brief) --------------------------------------------------------


class TownRef(Schema):
    """A town or sub-district (镇/街道), in brief."""

    id: int
    code: str = Field(..., description="Town code (9 or 12 digits)")
    name: str


class SchoolRef(Schema):
    """A school (学校/幼儿园), in brief."""

    id: int
    code: str = Field(..., description="National school identification code (学校标识码, 10 digits)")
    name: str
    school_type: SchoolType = Field(..., description="School type (学校类型)")

    @computed_field(description="Display label of school_type")  # type: ignore[prop-decorator]
    @property
    def school_type_label(self) -> str:
        return display(self.school_type)


class GroupRef(Schema):
    """A school group (学区/教育集团/大学区), in brief."""

    id: int
    name: str
    kind: GroupKind = Field(..., description="Kind of group")

    @computed_field(description="Display label of kind")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return display(self.kind)


class DepartmentRef(Schema):
    """A department (部门), in brief."""

    id: int
    code: str
    short_name: str


class UserRef(Schema):
    """A user account, in brief."""

    id: int
    username: str
    full_name: str


# --- schools ----------------------------------------------------------------------------------------


class SectionOut(Schema):
    """A stage section (学段/学部) of a school."""

    id: int
    stage: Stage = Field(..., description="Stage (学段)")

    @computed_field(description="Display label of stage")  # type: ignore[prop-decorator]
    @property
    def stage_label(self) -> str:
        return display(self.stage)


class SchoolOut(Schema):
    """A school or kindergarten (学校/幼儿园) as kept in the district's register."""

    id: int
    code: str = Field(..., description="National school identification code (学校标识码, 10 digits)")
    name: str = Field(..., description="Full name")
    short_name: str = Field(..., description="Short name (简称); may be empty")
    school_type: SchoolType = Field(..., description="School type (学校类型)")
    ownership: Ownership = Field(..., description="Public or private (办学性质)")
    is_puhui: bool | None = Field(
        ..., description="Kindergartens only: recognised as inclusive (普惠性); null for other schools"
    )
    affiliation: Affiliation = Field(..., description="Who runs the school (隶属关系)")
    urban_rural: UrbanRural = Field(..., description="Urban or rural classification (城乡分类)")
    town: TownRef = Field(..., description="Town or sub-district the school is in")
    address: str
    phone: str
    principal_name: str = Field(..., description="Name of the principal (校长/园长)")
    longitude: float | None = Field(..., description="Longitude in degrees, as registered")
    latitude: float | None = Field(..., description="Latitude in degrees, as registered")
    opened_on: dt.date | None
    closed_on: dt.date | None = Field(..., description="Day the school closed; null while open")
    sections: list[SectionOut] = Field(..., description="Stage sections (学段) of the school")

    @computed_field(description="Display label of school_type")  # type: ignore[prop-decorator]
    @property
    def school_type_label(self) -> str:
        return display(self.school_type)

    @computed_field(description="Display label of ownership")  # type: ignore[prop-decorator]
    @property
    def ownership_label(self) -> str:
        return display(self.ownership)

    @computed_field(description="Display label of affiliation")  # type: ignore[prop-decorator]
    @property
    def affiliation_label(self) -> str:
        return display(self.affiliation)

    @computed_field(description="Display label of urban_rural")  # type: ignore[prop-decorator]
    @property
    def urban_rural_label(self) -> str:
        return display(self.urban_rural)

    @computed_field(description="Whether the school is open today")  # type: ignore[prop-decorator]
    @property
    def is_open(self) -> bool:
        today = timezone.localdate()
        return (self.opened_on is None or self.opened_on <= today) and (
            self.closed_on is None or self.closed_on > today
        )


class SchoolMembershipOut(Schema):
    """The school's membership of a group."""

    group: GroupRef
    role: MembershipRole = Field(..., description="Lead school (学区长学校/牵头校) or member")
    valid_from: dt.date = Field(..., description="First day of the membership")
    valid_to: dt.date | None = Field(
        ..., description="Day the membership ended (exclusive); null while current"
    )

    @computed_field(description="Display label of role")  # type: ignore[prop-decorator]
    @property
    def role_label(self) -> str:
        return display(self.role)


class EnrolmentOut(Schema):
    """Students and classes of one stage section in one school year, summed from the classes."""

    academic_year: int = Field(..., description="First year of the school year (2025 = 2025—2026学年)")
    stage: Stage
    students: int = Field(..., description="Students at the census day (统计时点, 9月1日)")
    classes: int = Field(..., description="Number of classes")

    @computed_field(description="Display label of stage")  # type: ignore[prop-decorator]
    @property
    def stage_label(self) -> str:
        return display(self.stage)

    @classmethod
    def of(cls, row: Enrolment) -> EnrolmentOut:
        return cls(academic_year=row.year, stage=Stage(row.stage), students=row.students, classes=row.classes)


class SchoolDetailOut(SchoolOut):
    """A school with its current group memberships and its enrolment over the years."""

    groups: list[SchoolMembershipOut] = Field(..., description="Groups the school belongs to today")
    enrolment: list[EnrolmentOut] = Field(..., description="Per school year and stage section, oldest first")

    @classmethod
    def of(
        cls, school: School, memberships: list[GroupMembership], enrolment: list[Enrolment]
    ) -> SchoolDetailOut:
        return cls(
            **SchoolOut.from_orm(school).model_dump(),
            groups=[SchoolMembershipOut.from_orm(m) for m in memberships],
            enrolment=[EnrolmentOut.of(row) for row in enrolment],
        )


class SchoolPatch(Schema):
    """Fields of the register an API client may change; send only the fields to change.

    A principal may change ``short_name``, ``address``, ``phone`` and ``principal_name`` of the own
    school; a district administrator also the others listed here. The name, code, type and dates are
    changed in the web register only. Lengths and ranges are checked by the model (Chinese messages).
    """

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    short_name: str | None = Field(None, description="Short name (简称), at most 30 characters")
    address: str | None = Field(None, description="Address, at most 200 characters")
    phone: str | None = Field(None, description="Phone, at most 30 characters")
    principal_name: str | None = Field(None, description="Name of the principal, at most 30 characters")
    longitude: Decimal | None = Field(None, description="Longitude 73–136 (give latitude too, or both null)")
    latitude: Decimal | None = Field(None, description="Latitude 3–54 (give longitude too, or both null)")
    ownership: Ownership | None = Field(None, description="Public or private (办学性质)")
    affiliation: Affiliation | None = Field(None, description="Who runs the school (隶属关系)")
    urban_rural: UrbanRural | None = Field(None, description="Urban or rural classification (城乡分类)")
    is_puhui: bool | None = Field(None, description="Kindergartens only: inclusive (普惠性)")
    town: int | None = Field(None, description="Id of the town or sub-district")


# --- towns ------------------------------------------------------------------------------------------


class TownOut(Schema):
    """A town or sub-district (镇/街道) of the district."""

    id: int
    code: str = Field(..., description="Town code (9 or 12 digits)")
    name: str
    kind: TownKind = Field(..., description="Sub-district, town or township (街道/镇/乡)")
    urban_rural: UrbanRural = Field(..., description="Urban or rural classification (城乡分类)")

    @computed_field(description="Display label of kind")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return display(self.kind)

    @computed_field(description="Display label of urban_rural")  # type: ignore[prop-decorator]
    @property
    def urban_rural_label(self) -> str:
        return display(self.urban_rural)


class SchoolTypeCount(Schema):
    school_type: SchoolType
    count: int

    @computed_field(description="Display label of school_type")  # type: ignore[prop-decorator]
    @property
    def school_type_label(self) -> str:
        return display(self.school_type)


class TownDetailOut(TownOut):
    """A town with the number of its open schools by type (among the schools the caller may see)."""

    school_count: int = Field(..., description="Schools open today in the town that the caller may see")
    school_counts: list[SchoolTypeCount] = Field(..., description="The same by school type")

    @classmethod
    def of(cls, town: Town, counts: dict[str, int]) -> TownDetailOut:
        rows = [
            SchoolTypeCount(school_type=SchoolType(t), count=counts[t]) for t in SchoolType if counts.get(t)
        ]
        return cls(
            **TownOut.from_orm(town).model_dump(), school_count=sum(counts.values()), school_counts=rows
        )


# --- groups -----------------------------------------------------------------------------------------


class GroupMembershipOut(Schema):
    """A school's membership of a group, from ``valid_from`` up to (not including) ``valid_to``."""

    id: int
    school: SchoolRef
    role: MembershipRole = Field(..., description="Lead school (学区长学校/牵头校) or member")
    valid_from: dt.date = Field(..., description="First day of the membership")
    valid_to: dt.date | None = Field(
        ..., description="Day the membership ended (exclusive); null while current"
    )

    @computed_field(description="Display label of role")  # type: ignore[prop-decorator]
    @property
    def role_label(self) -> str:
        return display(self.role)


class GroupOut(Schema):
    """A school group: a 学区, an 教育集团 or a 大学区 led by its lead school (学区长学校)."""

    id: int
    name: str
    kind: GroupKind = Field(..., description="Kind of group")
    founded_on: dt.date | None
    description: str
    current_members: list[GroupMembershipOut] = Field(
        ..., description="Memberships active today (those the caller may see)"
    )

    @computed_field(description="Display label of kind")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return display(self.kind)

    @computed_field(description="The lead school today, if the caller may see it")  # type: ignore[prop-decorator]
    @property
    def lead_school(self) -> SchoolRef | None:
        return next((m.school for m in self.current_members if m.role == MembershipRole.LEAD), None)

    @computed_field(description="Number of member schools today")  # type: ignore[prop-decorator]
    @property
    def member_count(self) -> int:
        return len(self.current_members)


class GroupDetailOut(GroupOut):
    """A group with its memberships: the whole history, or those active on the day asked for."""

    on: dt.date | None = Field(..., description="The day the members were filtered to (?on=), if given")
    members: list[GroupMembershipOut] = Field(..., description="Memberships, the lead school first")

    @classmethod
    def of(cls, group: SchoolGroup, members: list[GroupMembership], on: dt.date | None) -> GroupDetailOut:
        return cls(
            **GroupOut.from_orm(group).model_dump(),
            on=on,
            members=[GroupMembershipOut.from_orm(m) for m in members],
        )


# --- departments ------------------------------------------------------------------------------------


class DepartmentOut(Schema):
    """A department (部门) the plan names as lead (牵头单位) or responsible unit (责任单位)."""

    id: int
    code: str
    name: str
    short_name: str
    kind: DepartmentKind = Field(..., description="Kind of body")
    sort_order: int = Field(..., description="Position in lists")

    @computed_field(description="Display label of kind")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return display(self.kind)


class DepartmentDetailOut(DepartmentOut):
    """A department with its user accounts (those the caller may see)."""

    users: list[UserRef] = Field(..., description="Accounts of the department that the caller may see")

    @classmethod
    def of(cls, department: Department, users: list[User]) -> DepartmentDetailOut:
        return cls(
            **DepartmentOut.from_orm(department).model_dump(), users=[UserRef.from_orm(u) for u in users]
        )


# --- the caller and the calendar --------------------------------------------------------------------


class ScopeOut(Schema):
    """Over which rows the caller's role applies."""

    level: Literal["district", "school", "department"] = Field(
        ..., description="The whole district, the own school, or the own department"
    )
    label: str = Field(..., description="The scope in words")
    school: SchoolRef | None = Field(..., description="The own school (principals and clerks)")
    department: DepartmentRef | None = Field(..., description="The own department (department users)")


class MeOut(Schema):
    """The calling user: who, in which role, over what scope."""

    id: int
    username: str
    full_name: str
    role: Role
    is_read_only: bool = Field(..., description="Read-only roles (leader, inspector) never write")
    scope: ScopeOut

    @computed_field(description="Display label of role")  # type: ignore[prop-decorator]
    @property
    def role_label(self) -> str:
        return display(self.role)

    @classmethod
    def of(cls, user: User) -> MeOut:
        """``user`` with its school and department loaded (``select_related``)."""
        level: Literal["district", "school", "department"] = "district"
        if user.school is not None:
            level = "school"
        elif user.department is not None:
            level = "department"
        return cls(
            id=user.pk,
            username=user.username,
            full_name=user.full_name,
            role=Role(user.role),
            is_read_only=user.is_read_only,
            scope=ScopeOut(
                level=level,
                label=str(user.scope_label),
                school=SchoolRef.from_orm(user.school) if user.school else None,
                department=DepartmentRef.from_orm(user.department) if user.department else None,
            ),
        )


class YearOut(Schema):
    """A school year (学年), counted at its census day (统计时点, 9月1日)."""

    id: int
    start_year: int = Field(..., description="First year (2025 = 2025—2026学年)")
    census_date: dt.date = Field(..., description="Census day (统计时点)")
    is_current: bool = Field(..., description="Whether this is the current school year")
    civil_servant_salary: float | None = Field(
        ...,
        description="Local civil servants' average annual pay in yuan (当地公务员年平均工资收入), the yardstick "
        "of the compulsory-school teachers' average pay; null if not entered",
    )

    @computed_field(description="The school year in words")  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        return str(AcademicYear(start_year=self.start_year))
