"""What the census and intake endpoints return: the annual facts, the import batches and submissions.

As everywhere in the API, a coded value comes with its display label (``sex`` and ``sex_label``); a
blank code (no disability, no backbone level) is ``null`` with a ``null`` label. A 学年 is given by its
first year (``academic_year: 2025``) with the words next to it (``academic_year_label``).

Privacy: no full 身份证 number is ever returned, only ``id_number_masked``; a 学籍号 or staff number that
embeds one is masked the same way (:mod:`tisheng.api.privacy`). Who may see the people at all is
decided by the rows' ``restrict()``; a reference to a teacher inside a school-level fact (an honour) is
``null`` for a caller who may not read teachers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Choices
from ninja import Field, Schema
from pydantic import computed_field

from tisheng.api.privacy import mask_identifier, mask_values
from tisheng.api.schemas import SchoolRef, TownRef, UserRef, display
from tisheng.census import choices as c
from tisheng.census.models import Teacher
from tisheng.core.choices import Grade, Stage
from tisheng.core.models import AcademicYear
from tisheng.core.permissions import VIEW, grant_for
from tisheng.intake.choices import BatchStatus, Severity, SubmissionStatus
from tisheng.intake.tables import dataset_title, ordered_issues

YEAR_HELP = "School year (学年) by its first year: 2025 = 2025—2026学年"
MASKED_HELP = "masked: only the first 6 and last 4 characters of an embedded 身份证 number are shown"


def label_or_none(value: Choices | None) -> str | None:
    return display(value) if value is not None else None


def blank_to_none(value: str) -> str | None:
    return value or None


def year_label(start_year: int | None) -> str | None:
    return str(AcademicYear(start_year=start_year)) if start_year is not None else None


# --- building blocks --------------------------------------------------------------------------------


class Row(Schema):
    """A stored row: its id comes first."""

    id: int


class InYear(Row):
    """A fact of one 学年."""

    academic_year: int = Field(..., description=YEAR_HELP)

    @staticmethod
    def resolve_academic_year(obj: Any) -> int:
        return int(obj.academic_year.start_year)

    @computed_field(description="The school year in words")  # type: ignore[prop-decorator]
    @property
    def academic_year_label(self) -> str:
        return str(year_label(self.academic_year))


class InSection(Row):
    """A fact of one stage section (学段) of a school."""

    school: SchoolRef = Field(..., description="The school")
    stage: Stage = Field(..., description="Stage section (学段)")

    @staticmethod
    def resolve_school(obj: Any) -> Any:
        return obj.section.school

    @staticmethod
    def resolve_stage(obj: Any) -> str:
        return str(obj.section.stage)

    @computed_field(description="Display label of stage")  # type: ignore[prop-decorator]
    @property
    def stage_label(self) -> str:
        return display(self.stage)


class StudentRef(Schema):
    """A student, in brief."""

    id: int
    student_number: str = Field(..., description=f"学籍号; {MASKED_HELP}")
    name: str

    @staticmethod
    def resolve_student_number(obj: Any) -> str:
        return mask_identifier(obj.student_number)


class TeacherRef(Schema):
    """A member of staff (教职工), in brief."""

    id: int
    staff_number: str = Field(..., description=f"Staff number (教职工号); {MASKED_HELP}")
    name: str

    @staticmethod
    def resolve_staff_number(obj: Any) -> str:
        return mask_identifier(obj.staff_number)


class ClassRef(Schema):
    """A class (班级), in brief."""

    id: int
    grade: Grade = Field(..., description="Grade (年级), coded as the national 年级编号")
    number: int = Field(..., description="Class number within the grade")

    @computed_field(description="Display label of grade")  # type: ignore[prop-decorator]
    @property
    def grade_label(self) -> str:
        return display(self.grade)


# --- classes and students ---------------------------------------------------------------------------


class SchoolClassOut(InSection, InYear):
    """A class (班级) of a stage section in one 学年, with its enrolment at the census day (统计时点)."""

    grade: Grade = Field(..., description="Grade (年级), coded as the national 年级编号")
    number: int = Field(..., description="Class number within the grade")
    student_count: int = Field(..., description="Students at the census day (统计时点, 9月1日)")

    @computed_field(description="Display label of grade")  # type: ignore[prop-decorator]
    @property
    def grade_label(self) -> str:
        return display(self.grade)


class StudentEnrolmentOut(InYear):
    """One year of a student's enrolment (在校学籍): the school and the class."""

    school: SchoolRef
    stage: Stage = Field(..., description="Stage section (学段)")
    school_class: ClassRef = Field(..., description="The class")
    status: c.EnrolmentStatus = Field(..., description="Enrolled or suspended")

    @staticmethod
    def resolve_school(obj: Any) -> Any:
        return obj.school_class.section.school

    @staticmethod
    def resolve_stage(obj: Any) -> str:
        return str(obj.school_class.section.stage)

    @computed_field(description="Display label of stage")  # type: ignore[prop-decorator]
    @property
    def stage_label(self) -> str:
        return display(self.stage)

    @computed_field(description="Display label of status")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return display(self.status)


class EnrolmentOut(StudentEnrolmentOut):
    """A student's place in a class in one 学年 (在校学籍)."""

    student: StudentRef


class StudentOut(Schema):
    """A student (学生) with the enrolments the caller may see, the latest school year first."""

    id: int
    student_number: str = Field(..., description=f"National 学籍号; {MASKED_HELP}")
    name: str
    sex: c.Sex
    birth_date: dt.date
    id_number_masked: str = Field(..., description="身份证 number, masked (the full number is never stored)")
    hukou: c.Hukou = Field(..., description="Household registration (户籍) relative to the district")
    residence_town: TownRef | None = Field(..., description="Town of residence")
    residence_community: str = Field(..., description="Community (社区/村) of residence")
    disability: c.Disability | None = Field(..., description="Disability (残疾类别); null for none")
    placement: c.Placement | None = Field(..., description="Placement of a disabled student (安置方式)")
    enrolments: list[StudentEnrolmentOut] = Field(..., description="Enrolments by school year, latest first")

    @staticmethod
    def resolve_student_number(obj: Any) -> str:
        return mask_identifier(obj.student_number)

    @staticmethod
    def resolve_disability(obj: Any) -> str | None:
        return blank_to_none(obj.disability)

    @staticmethod
    def resolve_placement(obj: Any) -> str | None:
        return blank_to_none(obj.placement)

    @staticmethod
    def resolve_enrolments(obj: Any) -> list[Any]:
        return list(obj.visible_enrolments)

    @computed_field(description="Display label of sex")  # type: ignore[prop-decorator]
    @property
    def sex_label(self) -> str:
        return display(self.sex)

    @computed_field(description="Display label of hukou")  # type: ignore[prop-decorator]
    @property
    def hukou_label(self) -> str:
        return display(self.hukou)

    @computed_field(description="Display label of disability")  # type: ignore[prop-decorator]
    @property
    def disability_label(self) -> str | None:
        return label_or_none(self.disability)

    @computed_field(description="Display label of placement")  # type: ignore[prop-decorator]
    @property
    def placement_label(self) -> str | None:
        return label_or_none(self.placement)


class StudentChangeOut(Schema):
    """A 学籍异动 of the student."""

    id: int
    kind: c.StatusChangeKind
    date: dt.date
    school: SchoolRef = Field(..., description="The school that recorded the change")
    other_school: str = Field(..., description="The other school of a transfer, as written")
    reason: str

    @computed_field(description="Display label of kind")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return display(self.kind)


class StatusChangeOut(StudentChangeOut):
    """A 学籍异动: transfer, suspension, dropout, return or graduation."""

    student: StudentRef


class StudentDetailOut(StudentOut):
    """A student with the individual education plan and the status changes the caller may see."""

    individual_plan: str = Field(
        ..., description="Individual education plan (一人一案) of a disabled student"
    )
    changes: list[StudentChangeOut] = Field(..., description="Status changes (学籍异动), oldest first")

    @staticmethod
    def resolve_changes(obj: Any) -> list[Any]:
        return list(obj.visible_changes)


# --- teachers ---------------------------------------------------------------------------------------


class TeacherYearBriefOut(InSection, InYear):
    """A teacher's record in one 学年: post, qualifications, training, ethics file and salary."""

    post: c.Post = Field(..., description="Post (岗位类别)")
    subject: str
    education: c.Education = Field(..., description="Highest education (最高学历)")
    title: c.Title = Field(..., description="Professional title (职称)")
    backbone_level: c.BackboneLevel | None = Field(
        ..., description="Backbone teacher (骨干教师) level, or null"
    )
    training_hours: float = Field(..., description="Training hours in the year")
    info_literacy: c.LiteracyResult = Field(..., description="Information literacy assessment (信息素养测评)")
    ethics_file: bool = Field(..., description="Ethics file (师德档案) kept")
    commitment_signed: bool = Field(..., description="Ethics commitment (师德承诺书) signed")
    family_guidance_teacher: bool = Field(..., description="Family education guidance teacher")
    annual_salary: float | None = Field(..., description="Annual salary in yuan, if reported")

    @staticmethod
    def resolve_backbone_level(obj: Any) -> str | None:
        return blank_to_none(obj.backbone_level)

    @computed_field(description="Display label of post")  # type: ignore[prop-decorator]
    @property
    def post_label(self) -> str:
        return display(self.post)

    @computed_field(description="Display label of education")  # type: ignore[prop-decorator]
    @property
    def education_label(self) -> str:
        return display(self.education)

    @computed_field(description="Display label of title")  # type: ignore[prop-decorator]
    @property
    def title_label(self) -> str:
        return display(self.title)

    @computed_field(description="Display label of backbone_level")  # type: ignore[prop-decorator]
    @property
    def backbone_level_label(self) -> str | None:
        return label_or_none(self.backbone_level)

    @computed_field(description="Display label of info_literacy")  # type: ignore[prop-decorator]
    @property
    def info_literacy_label(self) -> str:
        return display(self.info_literacy)


class TeacherYearOut(TeacherYearBriefOut):
    """A teacher's record in one 学年."""

    teacher: TeacherRef


class CertificateBriefOut(Schema):
    """A teacher's 教师资格证."""

    id: int
    level: c.CertificateLevel = Field(..., description="Certificate level (教师资格种类)")
    number: str = Field(..., description="Certificate number")
    subject: str
    issued_on: dt.date
    valid_until: dt.date | None

    @computed_field(description="Display label of level")  # type: ignore[prop-decorator]
    @property
    def level_label(self) -> str:
        return display(self.level)


class CertificateOut(CertificateBriefOut):
    teacher: TeacherRef
    school: SchoolRef = Field(..., description="The teacher's school")

    @staticmethod
    def resolve_school(obj: Any) -> Any:
        return obj.teacher.school


class HonourBriefOut(Schema):
    """A named-teacher honour (名师, 名班主任, 名教研员, 名校(园)长) at a level, in a year."""

    id: int
    kind: c.HonourKind = Field(..., description="Honour")
    level: c.Level = Field(..., description="Level (国家/自治区/市/区)")
    year: int = Field(..., description="Calendar year of the honour")

    @computed_field(description="Display label of kind")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return display(self.kind)

    @computed_field(description="Display label of level")  # type: ignore[prop-decorator]
    @property
    def level_label(self) -> str:
        return display(self.level)


class HonourOut(HonourBriefOut):
    school: SchoolRef = Field(..., description="The honoured teacher's school")
    teacher: TeacherRef | None = Field(
        ..., description="The honoured teacher; null for a caller who may not read teachers (departments)"
    )

    @staticmethod
    def resolve_school(obj: Any) -> Any:
        return obj.teacher.school

    @staticmethod
    def resolve_teacher(obj: Any, context: Any) -> Any:
        user = context["request"].auth if context else None
        return obj.teacher if grant_for(Teacher, user, VIEW) is not None else None


class TeacherOut(Schema):
    """A member of staff (教职工) with the yearly records, certificates and honours the caller may see."""

    id: int
    staff_number: str = Field(..., description=f"Staff number (教职工号); {MASKED_HELP}")
    name: str
    sex: c.Sex
    birth_date: dt.date
    id_number_masked: str = Field(..., description="身份证 number, masked (the full number is never stored)")
    school: SchoolRef
    years: list[TeacherYearBriefOut] = Field(..., description="Records by school year, latest first")
    certificates: list[CertificateBriefOut] = Field(..., description="Teacher certificates (教师资格证)")
    honours: list[HonourBriefOut] = Field(..., description="Named-teacher honours")

    @staticmethod
    def resolve_staff_number(obj: Any) -> str:
        return mask_identifier(obj.staff_number)

    @staticmethod
    def resolve_years(obj: Any) -> list[Any]:
        return list(obj.visible_years)

    @staticmethod
    def resolve_certificates(obj: Any) -> list[Any]:
        return list(obj.visible_certificates)

    @staticmethod
    def resolve_honours(obj: Any) -> list[Any]:
        return list(obj.visible_honours)

    @computed_field(description="Display label of sex")  # type: ignore[prop-decorator]
    @property
    def sex_label(self) -> str:
        return display(self.sex)


class RotationOut(Schema):
    """A teacher's exchange rotation (交流轮岗) from one school to another."""

    id: int
    teacher: TeacherRef
    from_school: SchoolRef
    to_school: SchoolRef
    start: dt.date
    end: dt.date | None = Field(..., description="Last day; null while the rotation lasts")


class EthicsViolationOut(Schema):
    """A recorded violation of the teacher ethics rules (师德失范)."""

    id: int
    teacher: TeacherRef
    school: SchoolRef = Field(..., description="The teacher's school")
    date: dt.date
    description: str
    handling: str

    @staticmethod
    def resolve_school(obj: Any) -> Any:
        return obj.teacher.school


# --- school facts, population and births ------------------------------------------------------------


class FacilityReportOut(InSection, InYear):
    """A stage section's facilities and equipment in one 学年 (办学条件)."""

    teaching_area: float = Field(..., description="Teaching and auxiliary rooms (m²)")
    sports_area: float = Field(..., description="Sports grounds and halls (m²)")
    equipment_value: float = Field(..., description="Teaching equipment value (10k yuan)")
    networked_classrooms: int = Field(..., description="Networked multimedia classrooms")
    classrooms: int
    upgraded_multimedia_classrooms: int
    books: int = Field(..., description="Books (volumes)")
    wireless_covered: bool = Field(..., description="Wireless network covers the campus")
    dangerous_area: float = Field(..., description="D-grade dangerous buildings (m²)")
    resource_rooms: int = Field(..., description="Resource rooms (资源教室)")
    standard_exam_rooms: int = Field(..., description="Standardised examination rooms (标准化考场)")


class PopulationCountOut(Schema):
    """Resident population of one age and sex in a town (or one of its communities) in a calendar year."""

    id: int
    year: int = Field(..., description="Calendar year of the count")
    town: TownRef
    community: str = Field(..., description="Community; empty for the whole town")
    age: int
    sex: c.Sex
    count: int = Field(..., description="People")
    disabled_certified: int = Field(
        ...,
        description="Of them, disabled children certified by the 残联 or the education bureau (经认定残疾儿童少年)",
    )

    @computed_field(description="Display label of sex")  # type: ignore[prop-decorator]
    @property
    def sex_label(self) -> str:
        return display(self.sex)


class BirthOut(Schema):
    """Births registered in a town in a calendar year."""

    id: int
    year: int = Field(..., description="Calendar year")
    town: TownRef
    count: int = Field(..., description="Births")


class RecognitionOut(Schema):
    """A recognition (认定/荣誉) granted to a school or a course, at a level, in a year."""

    id: int
    kind: c.RecognitionKind
    level: c.Level
    year: int = Field(..., description="Calendar year of the recognition")
    school: SchoolRef
    title: str = Field(..., description="The course or base, if any")
    issuer: str = Field(..., description="Issued by")
    evidence_count: int = Field(..., description="Evidence files (证明材料) attached")

    @computed_field(description="Display label of kind")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return display(self.kind)

    @computed_field(description="Display label of level")  # type: ignore[prop-decorator]
    @property
    def level_label(self) -> str:
        return display(self.level)


class ActivityOut(Schema):
    """An activity record (家长会, 家访, 教研员 lectures …) behind a recurring duty."""

    id: int
    kind: c.ActivityKind
    date: dt.date
    school: SchoolRef | None = Field(..., description="The school; null for a researcher's own activity")
    person: str = Field(..., description="The researcher, for a researcher's activities")
    title: str
    participants: int | None
    evidence_count: int = Field(..., description="Evidence files (证明材料) attached")

    @computed_field(description="Display label of kind")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return display(self.kind)


# --- intake -----------------------------------------------------------------------------------------


class BatchOut(Schema):
    """An import batch (导入批次): the files uploaded together for one data set, and what came of them."""

    id: int
    dataset: str = Field(..., description="Data set (数据集) code")
    academic_year: int | None = Field(..., description=f"{YEAR_HELP}; null for a data set without one")
    school: SchoolRef | None = Field(..., description="The school; null for a district-wide batch")
    uploaded_by: UserRef
    status: BatchStatus
    dry_run: bool = Field(..., description="Validated only, never to be committed")
    rows_read: int
    added: int
    changed: int
    removed: int
    unchanged: int
    issue_count: int = Field(..., description="Errors found")
    warning_count: int = Field(..., description="Warnings found")
    progress: int = Field(..., description="Progress of validation or commit (%)")
    created_at: dt.datetime = Field(..., description="Uploaded at")
    committed_at: dt.datetime | None
    rolled_back_at: dt.datetime | None

    @staticmethod
    def resolve_academic_year(obj: Any) -> int | None:
        return obj.academic_year.start_year if obj.academic_year is not None else None

    @computed_field(description="Display label of dataset")  # type: ignore[prop-decorator]
    @property
    def dataset_label(self) -> str:
        return dataset_title(self.dataset)

    @computed_field(description="The school year in words")  # type: ignore[prop-decorator]
    @property
    def academic_year_label(self) -> str | None:
        return year_label(self.academic_year)

    @computed_field(description="Display label of status")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return display(self.status)


class IssueOut(Schema):
    """A finding of validation: where, what, and what to do (身份证 numbers in it are masked)."""

    severity: Severity
    where: str = Field("", description="The place in words: file, sheet, row, column")
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str | None = None
    header: str | None = None
    value: str = Field("", description="The cell as read")
    message: str = Field(..., description="What is wrong, in Chinese")
    hint: str = Field("", description="What to do")

    @computed_field(description="Display label of severity")  # type: ignore[prop-decorator]
    @property
    def severity_label(self) -> str:
        return display(self.severity)


class BatchFileOut(Schema):
    """One uploaded file of a batch."""

    name: str
    size: int = Field(..., description="Size in bytes")
    sha256: str


class BatchDetailOut(BatchOut):
    """A batch with its files and findings, errors first (at most the first 1000 are kept)."""

    progress_message: str
    files: list[BatchFileOut]
    issues: list[IssueOut] = Field(..., description="Errors, then warnings, in the order found")
    issues_not_shown: int = Field(..., description="Findings counted but not kept")

    @staticmethod
    def resolve_files(obj: Any) -> list[Any]:
        return list(obj.files.all())

    @staticmethod
    def resolve_issues(obj: Any) -> list[Any]:
        return [mask_values(issue) for issue in ordered_issues(obj.issues) if isinstance(issue, dict)]

    @staticmethod
    def resolve_issues_not_shown(obj: Any) -> int:
        return max(obj.issue_count + obj.warning_count - len(obj.issues), 0)


class SubmissionOut(InYear):
    """A school's data set for one 学年 (填报) and where it is in review."""

    dataset: str = Field(..., description="Data set (数据集) code")
    school: SchoolRef
    status: SubmissionStatus
    comment: str = Field(..., description="The reviewer's or the reopener's words")
    submitted_by: UserRef | None
    submitted_at: dt.datetime | None
    reviewed_by: UserRef | None
    reviewed_at: dt.datetime | None
    is_locked: bool = Field(..., description="Submitted or approved: the school cannot change the data")

    @computed_field(description="Display label of dataset")  # type: ignore[prop-decorator]
    @property
    def dataset_label(self) -> str:
        return dataset_title(self.dataset)

    @computed_field(description="Display label of status")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return display(self.status)
