"""Every coded value of the organisation model, in one place (labels translated; badge colours here too)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SchoolType(models.TextChoices):
    """学校类型 as in the national education statistics."""

    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    COMPLETE_SECONDARY = "complete_secondary", _("Complete secondary school")
    SENIOR = "senior", _("Senior secondary school")
    SPECIAL = "special", _("Special education school")


class Stage(models.TextChoices):
    """学段: a school has one section per stage it teaches (a 九年一贯制 school has 小学 and 初中)."""

    PRESCHOOL = "preschool", _("Pre-school")
    PRIMARY = "primary", _("Primary")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")


#: The stage sections a school of each type has when it is created.
DEFAULT_STAGES: dict[str, tuple[str, ...]] = {
    SchoolType.KINDERGARTEN: (Stage.PRESCHOOL,),
    SchoolType.PRIMARY: (Stage.PRIMARY,),
    SchoolType.JUNIOR: (Stage.JUNIOR,),
    SchoolType.NINE_YEAR: (Stage.PRIMARY, Stage.JUNIOR),
    SchoolType.COMPLETE_SECONDARY: (Stage.JUNIOR, Stage.SENIOR),
    SchoolType.SENIOR: (Stage.SENIOR,),
    SchoolType.SPECIAL: (Stage.PRIMARY, Stage.JUNIOR),
}

#: 义务教育 stages and the school types counted as 义务教育学校.
COMPULSORY_STAGES = (Stage.PRIMARY, Stage.JUNIOR)
COMPULSORY_TYPES = (
    SchoolType.PRIMARY,
    SchoolType.JUNIOR,
    SchoolType.NINE_YEAR,
    SchoolType.SPECIAL,
)


class Grade(models.IntegerChoices):
    """年级, coded as the national data-reporting 年级编号 (11–16 小学, 21–23 初中, 31–33 高中); the
    three kindergarten years are 1–3. ``grade // 10`` gives the stage digit."""

    K1 = 1, _("Kindergarten, junior class")
    K2 = 2, _("Kindergarten, middle class")
    K3 = 3, _("Kindergarten, senior class")
    P1 = 11, _("Grade 1")
    P2 = 12, _("Grade 2")
    P3 = 13, _("Grade 3")
    P4 = 14, _("Grade 4")
    P5 = 15, _("Grade 5")
    P6 = 16, _("Grade 6")
    J1 = 21, _("Grade 7")
    J2 = 22, _("Grade 8")
    J3 = 23, _("Grade 9")
    S1 = 31, _("Grade 10")
    S2 = 32, _("Grade 11")
    S3 = 33, _("Grade 12")


GRADE_STAGE: dict[int, str] = {
    **{g: Stage.PRESCHOOL for g in (1, 2, 3)},
    **{g: Stage.PRIMARY for g in range(11, 17)},
    **{g: Stage.JUNIOR for g in range(21, 24)},
    **{g: Stage.SENIOR for g in range(31, 34)},
}


def grades_of(stage: str) -> list[int]:
    return [g for g, s in GRADE_STAGE.items() if s == stage]


class Ownership(models.TextChoices):
    """办学性质."""

    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class Affiliation(models.TextChoices):
    """隶属关系: who runs the school. 区市属 schools sit in the district but belong to the city or region."""

    DISTRICT = "district", _("District-run")
    CITY = "city", _("City-run")
    REGION = "region", _("Region-run")


class UrbanRural(models.TextChoices):
    """城乡分类 used in the education statistics."""

    URBAN = "urban", _("Urban")
    TOWNSHIP = "township", pgettext_lazy("urban-rural class", "Town")
    RURAL = "rural", _("Rural")


class TownKind(models.TextChoices):
    """乡镇级区划."""

    SUBDISTRICT = "subdistrict", _("Sub-district")
    TOWN = "town", pgettext_lazy("kind of town", "Town")
    TOWNSHIP = "township", _("Township")


class GroupKind(models.TextChoices):
    """学校组织: 学区, 教育集团 and 大学区 (led by a 学区长学校)."""

    SCHOOL_DISTRICT = "school_district", _("School district")
    EDUCATION_GROUP = "education_group", _("Education group")
    LARGE_DISTRICT = "large_district", _("Large school district")


class MembershipRole(models.TextChoices):
    LEAD = "lead", _("Lead school")
    MEMBER = "member", _("Member school")


class DepartmentKind(models.TextChoices):
    """The kind of body a 牵头/责任单位 is."""

    PARTY = "party", _("Party committee body")
    GOVERNMENT = "government", _("Government department")
    EDUCATION = "education", _("Education bureau")
    MASS = "mass", _("Mass organisation")
    COMMITTEE = "committee", _("Coordinating committee")


class Role(models.TextChoices):
    """What a user may do, and over what scope. The public has no account."""

    ADMIN = "admin", _("District administrator")
    INSPECTOR = "inspector", _("Inspector")
    LEADER = "leader", _("District leader")
    DEPARTMENT = "department", _("Department user")
    PRINCIPAL = "principal", _("School principal")
    CLERK = "clerk", _("School data clerk")


SCHOOL_ROLES = (Role.PRINCIPAL, Role.CLERK)
DISTRICT_WIDE_ROLES = (Role.ADMIN, Role.INSPECTOR, Role.LEADER)


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")

    @property
    def colour(self) -> str:
        return {"create": "green", "update": "blue", "delete": "red"}[self.value]


class ChangeSource(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    CLI = "cli", _("Command line")
    SYSTEM = "system", _("System")
