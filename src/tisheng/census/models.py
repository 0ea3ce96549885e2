"""Annual facts per 学年 and stage section. Only the intake pipeline (and the admin) writes them."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisheng.census import choices as c
from tisheng.core.choices import GRADE_STAGE, Grade, Role
from tisheng.core.models import DISTRICT_READ, AcademicYear, AuditedModel, School, SchoolSection, Town
from tisheng.core.permissions import VIEW, Grant, own

#: Facts about people (students, teachers) are read by district roles and by the own school only;
#: department users see aggregates through the indicators, never these rows.
PEOPLE_READ: dict[str, Grant] = {
    Role.ADMIN: DISTRICT_READ[Role.ADMIN],
    Role.INSPECTOR: DISTRICT_READ[Role.INSPECTOR],
    Role.LEADER: DISTRICT_READ[Role.LEADER],
    Role.PRINCIPAL: own(VIEW),
    Role.CLERK: own(VIEW),
}
#: School-level facts (facilities, registers) are also visible to department users.
SCHOOL_FACTS_READ: dict[str, Grant] = {**DISTRICT_READ, Role.PRINCIPAL: own(VIEW), Role.CLERK: own(VIEW)}


class ImportedFact(AuditedModel):
    """Base of every fact row: which intake batch wrote it last (provenance, rollback)."""

    batch = models.ForeignKey(
        "intake.ImportBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import batch"),
    )

    class Meta:
        abstract = True


class SchoolClass(ImportedFact):
    """A class (班级) of a stage section in one 学年, with its enrolment at the 统计时点."""

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="classes", verbose_name=_("academic year")
    )
    section = models.ForeignKey(
        SchoolSection, on_delete=models.CASCADE, related_name="classes", verbose_name=_("stage section")
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    number = models.PositiveSmallIntegerField(
        _("class number"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    student_count = models.PositiveSmallIntegerField(_("students"), validators=[MaxValueValidator(200)])

    access: ClassVar[dict[str, Grant]] = {**DISTRICT_READ, Role.PRINCIPAL: own(VIEW), Role.CLERK: own(VIEW)}
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "section__school"}

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["academic_year", "section", "grade", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "section", "grade", "number"],
                name="class_unique_number",
                violation_error_message=_("This class number already exists in this grade and year."),
            ),
            models.CheckConstraint(
                condition=Q(student_count__lte=200),
                name="class_size_plausible",
                violation_error_message=_("A class cannot have more than 200 students."),
            ),
        ]
        indexes = [models.Index(fields=["academic_year", "grade"], name="class_year_grade")]

    def __str__(self) -> str:
        # Grade(...).label, not get_grade_display(): the latter rebuilds every choice label per call
        return _("%(grade)s class %(number)s") % {"grade": Grade(self.grade).label, "number": self.number}

    def clean(self) -> None:
        if self.section_id and GRADE_STAGE.get(self.grade) != self.section.stage:
            raise ValidationError(
                {
                    "grade": _("Grade %(grade)s does not belong to the %(stage)s section.")
                    % {"grade": self.get_grade_display(), "stage": self.section.get_stage_display()}
                }
            )


def _id_masked_validator() -> RegexValidator:
    return RegexValidator(r"^\d{6}\*{8}\d{3}[\dX]$", _("A masked ID number looks like 640105********123X."))


class Student(ImportedFact):
    """A student (学生), identified across the district by the national 学籍号. The 身份证 number is
    stored only masked (first 6 and last 4 characters)."""

    student_number = models.CharField(_("student number (学籍号)"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=c.Sex.choices)
    birth_date = models.DateField(_("birth date"))
    id_number_masked = models.CharField(
        _("ID number (masked)"), max_length=18, blank=True, validators=[_id_masked_validator()]
    )
    hukou = models.CharField(_("household registration"), max_length=20, choices=c.Hukou.choices)
    residence_town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("residence town"),
    )
    residence_community = models.CharField(_("residence community"), max_length=100, blank=True)
    disability = models.CharField(_("disability"), max_length=20, choices=c.Disability.choices, blank=True)
    placement = models.CharField(_("placement"), max_length=20, choices=c.Placement.choices, blank=True)
    individual_plan = models.TextField(
        _("individual education plan (一人一案)"),
        blank=True,
        help_text=_("Required for every disabled student."),
    )

    access: ClassVar[dict[str, Grant]] = PEOPLE_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "enrolments__school_class__section__school"}
    scope_to_many: ClassVar[bool] = True

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["student_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability="") | ~Q(placement=""),
                name="student_disabled_has_placement",
                violation_error_message=_("A disabled student needs a placement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.student_number}）"


class Enrolment(ImportedFact):
    """A student's place in a class in one 学年 (在校学籍), counted at the 统计时点."""

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("academic year")
    )
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("student")
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("class")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=c.EnrolmentStatus.choices, default=c.EnrolmentStatus.ENROLLED
    )

    access: ClassVar[dict[str, Grant]] = PEOPLE_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school_class__section__school"}

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["academic_year", "school_class", "student"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "student"],
                name="enrolment_one_per_year",
                violation_error_message=_("A student is enrolled in one class per school year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} @ {self.school_class}"


class StatusChange(ImportedFact):
    """A 学籍异动: transfer, suspension, dropout, return or graduation, with its date."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="changes", verbose_name=_("student")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=c.StatusChangeKind.choices)
    date = models.DateField(_("date"))
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="student_changes", verbose_name=_("school")
    )
    other_school = models.CharField(_("other school"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    access: ClassVar[dict[str, Grant]] = PEOPLE_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["date", "student"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "kind", "date"],
                name="status_change_unique",
                violation_error_message=_("This status change is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.get_kind_display()} {self.date}"


class Teacher(ImportedFact):
    """A member of staff (教职工), identified by the district staff number; the 身份证 number is masked."""

    staff_number = models.CharField(_("staff number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=c.Sex.choices)
    birth_date = models.DateField(_("birth date"))
    id_number_masked = models.CharField(
        _("ID number (masked)"), max_length=18, blank=True, validators=[_id_masked_validator()]
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="teachers", verbose_name=_("school")
    )

    access: ClassVar[dict[str, Grant]] = PEOPLE_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")
        ordering = ["staff_number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_number}）"


class TeacherYear(ImportedFact):
    """A teacher's record in one 学年: post, subject, qualifications, backbone level, training, 信息素养,
    the ethics file and 承诺书, and the annual salary for the salary-parity indicator."""

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="teacher_years", verbose_name=_("academic year")
    )
    teacher = models.ForeignKey(
        Teacher, on_delete=models.CASCADE, related_name="years", verbose_name=_("teacher")
    )
    section = models.ForeignKey(
        SchoolSection, on_delete=models.PROTECT, related_name="teacher_years", verbose_name=_("stage section")
    )
    post = models.CharField(_("post"), max_length=20, choices=c.Post.choices)
    subject = models.CharField(_("subject"), max_length=30, blank=True)
    education = models.CharField(_("highest education"), max_length=20, choices=c.Education.choices)
    title = models.CharField(_("professional title"), max_length=20, choices=c.Title.choices)
    backbone_level = models.CharField(
        _("backbone level"), max_length=20, choices=c.BackboneLevel.choices, blank=True
    )
    training_hours = models.DecimalField(
        _("training hours"), max_digits=6, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    info_literacy = models.CharField(
        _("information literacy assessment"),
        max_length=20,
        choices=c.LiteracyResult.choices,
        default=c.LiteracyResult.NOT_TAKEN,
    )
    ethics_file = models.BooleanField(_("ethics file kept"), default=False)
    commitment_signed = models.BooleanField(_("ethics commitment signed"), default=False)
    family_guidance_teacher = models.BooleanField(_("family education guidance teacher"), default=False)
    annual_salary = models.DecimalField(
        _("annual salary (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    access: ClassVar[dict[str, Grant]] = PEOPLE_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "section__school"}

    class Meta:
        verbose_name = _("teacher year record")
        verbose_name_plural = _("teacher year records")
        ordering = ["academic_year", "teacher"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "teacher"],
                name="teacher_year_unique",
                violation_error_message=_("This teacher already has a record for this school year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.academic_year}"


class Certificate(ImportedFact):
    """A teacher's 教师资格证."""

    teacher = models.ForeignKey(
        Teacher, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("teacher")
    )
    level = models.CharField(_("certificate level"), max_length=20, choices=c.CertificateLevel.choices)
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    subject = models.CharField(_("subject"), max_length=30, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    access: ClassVar[dict[str, Grant]] = PEOPLE_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "teacher__school"}

    class Meta:
        verbose_name = _("teacher certificate")
        verbose_name_plural = _("teacher certificates")
        ordering = ["teacher", "issued_on"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.number}"


class Honour(ImportedFact):
    """A named-teacher honour (名师, 名班主任, 名教研员, 名校(园)长) at a level, in a year."""

    teacher = models.ForeignKey(
        Teacher, on_delete=models.CASCADE, related_name="honours", verbose_name=_("teacher")
    )
    kind = models.CharField(_("honour"), max_length=30, choices=c.HonourKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=c.Level.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )

    access: ClassVar[dict[str, Grant]] = SCHOOL_FACTS_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "teacher__school"}

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["year", "teacher"]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "kind", "level", "year"],
                name="honour_unique",
                violation_error_message=_("This honour is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.get_level_display()}{self.get_kind_display()} {self.year}"


class Rotation(ImportedFact):
    """A teacher's exchange rotation (交流轮岗) from one school to another."""

    teacher = models.ForeignKey(
        Teacher, on_delete=models.CASCADE, related_name="rotations", verbose_name=_("teacher")
    )
    from_school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="rotations_out", verbose_name=_("from school")
    )
    to_school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="rotations_in", verbose_name=_("to school")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    access: ClassVar[dict[str, Grant]] = PEOPLE_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "from_school"}

    class Meta:
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        ordering = ["start", "teacher"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_school=models.F("to_school")),
                name="rotation_between_two_schools",
                violation_error_message=_("A rotation goes to another school."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="rotation_ends_after_start",
                violation_error_message=_("A rotation must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher}: {self.from_school} → {self.to_school}"


class EthicsViolation(ImportedFact):
    """A recorded violation of the teacher ethics rules (师德失范 on the 负面清单)."""

    teacher = models.ForeignKey(
        Teacher, on_delete=models.CASCADE, related_name="violations", verbose_name=_("teacher")
    )
    date = models.DateField(_("date"))
    description = models.TextField(_("description"))
    handling = models.TextField(_("handling"), blank=True)

    access: ClassVar[dict[str, Grant]] = PEOPLE_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "teacher__school"}

    class Meta:
        verbose_name = _("ethics violation")
        verbose_name_plural = _("ethics violations")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.teacher} {self.date}"


class FacilityReport(ImportedFact):
    """A stage section's facilities and equipment in one 学年 (办学条件), the inputs of the 优质均衡
    resource indicators and of the plan's 互联网+教育, 危房 and 标准化考场 commitments."""

    academic_year = models.ForeignKey(
        AcademicYear,
        on_delete=models.PROTECT,
        related_name="facility_reports",
        verbose_name=_("academic year"),
    )
    section = models.ForeignKey(
        SchoolSection,
        on_delete=models.CASCADE,
        related_name="facility_reports",
        verbose_name=_("stage section"),
    )
    teaching_area = models.DecimalField(
        _("teaching and auxiliary rooms (m²)"),
        max_digits=10,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )
    sports_area = models.DecimalField(
        _("sports grounds and halls (m²)"), max_digits=10, decimal_places=1, validators=[MinValueValidator(0)]
    )
    equipment_value = models.DecimalField(
        _("teaching equipment value (10k yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    networked_classrooms = models.PositiveIntegerField(_("networked multimedia classrooms"))
    classrooms = models.PositiveIntegerField(_("classrooms"))
    upgraded_multimedia_classrooms = models.PositiveIntegerField(
        _("multimedia classrooms upgraded"), default=0
    )
    books = models.PositiveIntegerField(_("books (volumes)"))
    wireless_covered = models.BooleanField(_("wireless network covers the campus"), default=False)
    dangerous_area = models.DecimalField(
        _("D-grade dangerous buildings (m²)"),
        max_digits=10,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    resource_rooms = models.PositiveSmallIntegerField(_("resource rooms"), default=0)
    standard_exam_rooms = models.PositiveSmallIntegerField(_("standardised examination rooms"), default=0)

    access: ClassVar[dict[str, Grant]] = SCHOOL_FACTS_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "section__school"}

    class Meta:
        verbose_name = _("facility report")
        verbose_name_plural = _("facility reports")
        ordering = ["academic_year", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "section"],
                name="facility_report_one_per_year",
                violation_error_message=_("This section already has a facility report for this school year."),
            ),
            models.CheckConstraint(
                condition=Q(networked_classrooms__lte=models.F("classrooms"))
                & Q(upgraded_multimedia_classrooms__lte=models.F("classrooms")),
                name="facility_classroom_counts_consistent",
                violation_error_message=_("Networked or upgraded classrooms cannot exceed the classrooms."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.academic_year}"


class PopulationCount(ImportedFact):
    """Resident population of one single year of age and sex in a town (or one of its communities), the
    denominator of 毛入园率 and 毛入学率. ``year`` is the calendar year of the count. ``disabled_certified``
    is how many of these people are disabled children certified by the 残联 or the education bureau
    (经认定的残疾儿童少年数), the denominator of 残疾儿童少年入学率 (ages 6–15)."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, related_name="population", verbose_name=_("town")
    )
    community = models.CharField(_("community"), max_length=100, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), validators=[MaxValueValidator(30)])
    sex = models.CharField(_("sex"), max_length=1, choices=c.Sex.choices)
    count = models.PositiveIntegerField(_("people"))
    disabled_certified = models.PositiveIntegerField(
        _("certified disabled children"),
        default=0,
        help_text=_(
            "Of these people, the disabled children certified by the disabled persons' federation or the "
            "education bureau (ages 6–15 for the enrolment rate of disabled children)."
        ),
    )

    access: ClassVar[dict[str, Grant]] = {**DISTRICT_READ, Role.PRINCIPAL: DISTRICT_READ[Role.LEADER]}

    class Meta:
        verbose_name = _("population count")
        verbose_name_plural = _("population counts")
        ordering = ["year", "town", "community", "age", "sex"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "town", "community", "age", "sex"],
                name="population_unique",
                violation_error_message=_("This population cell is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(disabled_certified__lte=models.F("count")),
                name="population_disabled_within_count",
                violation_error_message=_(
                    "The certified disabled children cannot exceed the people counted."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.town} {self.age}岁 {self.get_sex_display()}: {self.count}"


class Birth(ImportedFact):
    """Births registered in a town in a calendar year (for forecasting school places)."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="births", verbose_name=_("town"))
    count = models.PositiveIntegerField(_("births"))

    access: ClassVar[dict[str, Grant]] = {**DISTRICT_READ, Role.PRINCIPAL: DISTRICT_READ[Role.LEADER]}

    class Meta:
        verbose_name = _("births")
        verbose_name_plural = _("births")
        ordering = ["year", "town"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "town"],
                name="birth_unique",
                violation_error_message=_("Births for this town and year are already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.town}: {self.count}"


class Recognition(ImportedFact):
    """A recognition (认定/荣誉) granted to a school or a course: 德育示范校, 劳动教育示范学校/基地/精品课,
    文明校园 … at 国家/自治区/市/区 level in a year."""

    kind = models.CharField(_("kind"), max_length=40, choices=c.RecognitionKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=c.Level.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("school")
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("The course or base, if any.")
    )
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)

    access: ClassVar[dict[str, Grant]] = SCHOOL_FACTS_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["year", "kind", "school"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "level", "year", "school", "title"],
                name="recognition_unique",
                violation_error_message=_("This recognition is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.get_level_display()}{self.get_kind_display()} {self.year}"


class Activity(ImportedFact):
    """An activity record behind a recurring duty: 家长会, 家庭教育指导/实践活动, 家访, 教研员 lectures and
    class observations, 师德 theme weeks, government hearings on education."""

    kind = models.CharField(_("kind"), max_length=30, choices=c.ActivityKind.choices)
    date = models.DateField(_("date"))
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("school"),
    )
    person = models.CharField(
        _("person"), max_length=50, blank=True, help_text=_("For a researcher's activities.")
    )
    title = models.CharField(_("title"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)

    access: ClassVar[dict[str, Grant]] = SCHOOL_FACTS_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("activity record")
        verbose_name_plural = _("activity records")
        ordering = ["date", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False) | ~Q(person=""),
                name="activity_has_school_or_person",
                violation_error_message=_("An activity belongs to a school or a person."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.title}"
