"""Coded values of the census facts, as the national education statistics and the 学籍 system code them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisheng.core.choices import Stage


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Hukou(models.TextChoices):
    """户籍所在地 relative to the district (随迁子女 are those from outside)."""

    DISTRICT = "district", _("This district")
    CITY = "city", _("Elsewhere in the city")
    PROVINCE = "province", _("Elsewhere in the region")
    OUTSIDE = "outside", _("Outside the region")


class Disability(models.TextChoices):
    """残疾类别 (GB/T 26341)."""

    VISUAL = "visual", _("Visual")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    PHYSICAL = "physical", _("Physical")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class Placement(models.TextChoices):
    """安置方式 of a disabled child: 特教学校就读, 随班就读 or 送教上门."""

    SPECIAL_SCHOOL = "special_school", _("Special school")
    INCLUSIVE = "inclusive", _("Inclusive class")
    HOME_DELIVERY = "home_delivery", _("Home-delivered teaching")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    SUSPENDED = "suspended", _("Suspended")


class StatusChangeKind(models.TextChoices):
    """学籍异动."""

    TRANSFER_IN = "transfer_in", _("Transfer in")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    SUSPEND = "suspend", _("Suspension")
    DROPOUT = "dropout", _("Dropout")
    RETURN = "return", _("Return")
    GRADUATE = "graduate", _("Graduation")

    @property
    def colour(self) -> str:
        return {"dropout": "red", "return": "green"}.get(self.value, "blue")


class Post(models.TextChoices):
    """岗位类别 of a staff member."""

    TEACHER = "teacher", _("Full-time teacher")
    RESEARCHER = "researcher", _("Teaching researcher")
    MANAGEMENT = "management", _("Management")
    SUPPORT = "support", _("Teaching support")
    WORKER = "worker", _("Service worker")


class Education(models.TextChoices):
    """最高学历."""

    DOCTORATE = "doctorate", _("Doctorate")
    MASTER = "master", _("Master's degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    COLLEGE = "college", _("Junior college")
    SECONDARY = "secondary", pgettext_lazy("education level", "Senior secondary")
    BELOW = "below", _("Below senior secondary")


class Title(models.TextChoices):
    """职称 of a teacher."""

    SENIOR_PROFESSOR = "senior_professor", _("Professor-level senior")
    SENIOR = "senior", _("Senior")
    FIRST = "first", _("First grade")
    SECOND = "second", _("Second grade")
    THIRD = "third", _("Third grade")
    NONE = "none", _("Not graded")


class BackboneLevel(models.TextChoices):
    """骨干教师 level."""

    DISTRICT = "district", _("District")
    CITY = "city", _("City")
    REGION = "region", _("Region")


class CertificateLevel(models.TextChoices):
    """教师资格 type. 《教师资格条例》第五条: a certificate qualifies for its own level and every level
    below it (the order below, lowest first)."""

    KINDERGARTEN = "kindergarten", pgettext_lazy("teacher certificate", "Kindergarten")
    PRIMARY = "primary", pgettext_lazy("teacher certificate", "Primary school")
    JUNIOR = "junior", pgettext_lazy("teacher certificate", "Junior secondary school")
    SENIOR = "senior", pgettext_lazy("teacher certificate", "Senior secondary school")


CERTIFICATE_RANK = {level: rank for rank, level in enumerate(CertificateLevel.values)}
STAGE_RANK = {
    Stage.PRESCHOOL: CERTIFICATE_RANK[CertificateLevel.KINDERGARTEN],
    Stage.PRIMARY: CERTIFICATE_RANK[CertificateLevel.PRIMARY],
    Stage.JUNIOR: CERTIFICATE_RANK[CertificateLevel.JUNIOR],
    Stage.SENIOR: CERTIFICATE_RANK[CertificateLevel.SENIOR],
}


def certificate_covers(level: str, stage: str) -> bool:
    """Whether a certificate of ``level`` qualifies its holder to teach in ``stage``."""
    return CERTIFICATE_RANK[level] >= STAGE_RANK[stage]


class HonourKind(models.TextChoices):
    """Named-teacher honours counted by the plan (100 名师/名班主任/名教研员, 20 名校(园)长)."""

    FAMOUS_TEACHER = "famous_teacher", _("Famous teacher")
    FAMOUS_HEADTEACHER = "famous_headteacher", _("Famous head teacher")
    FAMOUS_RESEARCHER = "famous_researcher", _("Famous teaching researcher")
    FAMOUS_PRINCIPAL = "famous_principal", _("Famous principal")


class Level(models.TextChoices):
    """Level of a recognition or honour."""

    NATIONAL = "national", _("National")
    REGION = "region", _("Region")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


class LiteracyResult(models.TextChoices):
    """信息素养测评 result."""

    PASS = "pass", _("Passed")
    FAIL = "fail", pgettext_lazy("assessment result", "Failed")
    NOT_TAKEN = "not_taken", _("Not taken")


class RecognitionKind(models.TextChoices):
    """认定/荣誉 the plan counts."""

    MORAL_EDUCATION_SCHOOL = "moral_education_school", _("Moral education model school")
    LABOUR_SCHOOL = "labour_school", _("Labour education model school")
    LABOUR_BASE = "labour_base", _("Labour education practice base")
    LABOUR_COURSE = "labour_course", _("Labour education quality course")
    CIVILISED_CAMPUS = "civilised_campus", _("Civilised campus")
    SCHOOL_EMBLEM = "school_emblem", _("Outstanding motto, song or emblem")
    OTHER = "other", _("Other recognition")


class ActivityKind(models.TextChoices):
    """Activity records behind the plan's recurring duties."""

    PARENT_MEETING = "parent_meeting", _("Parent meeting")
    FAMILY_GUIDANCE = "family_guidance", _("Family education guidance")
    FAMILY_PRACTICE = "family_practice", _("Family education practice")
    PARENT_SCHOOL = "parent_school", _("Parent school session")
    PARENT_COMMITTEE = "parent_committee", _("Parent committee meeting")
    HOME_VISIT = "home_visit", _("Home visit")
    RESEARCHER_LECTURE = "researcher_lecture", _("Researcher lecture or demonstration class")
    CLASS_OBSERVATION = "class_observation", _("Class observation")
    ETHICS_WEEK = "ethics_week", _("Teacher ethics theme week")
    GOVERNMENT_HEARING = "government_hearing", _("Government hearing on education")
