"""Health facts per 学年: fitness test results (体测), vision screenings and 五项管理 class records.

Only the intake pipeline (and the admin) writes them. A student's results are personal: they are read by
the users of the student's school and by nobody else — above the school only the indicators' aggregates
are shown (with small groups suppressed), never a student's scores.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisheng.census import choices as census_choices
from tisheng.census.models import ImportedFact
from tisheng.core.choices import Grade, Role
from tisheng.core.models import DISTRICT_READ, AcademicYear, School
from tisheng.core.permissions import VIEW, Grant, own
from tisheng.health import choices as c

#: A student's health results: the own school only (no district role reads them row by row).
STUDENT_HEALTH_READ: dict[str, Grant] = {Role.PRINCIPAL: own(VIEW), Role.CLERK: own(VIEW)}
#: Class records of 五项管理 carry no personal data: district roles read them too.
CLASS_RECORD_READ: dict[str, Grant] = {**DISTRICT_READ, Role.PRINCIPAL: own(VIEW), Role.CLERK: own(VIEW)}

#: 年级编号 of the fitness standard: the school grades (11–33) and the four university years (41–44)
FITNESS_GRADES = [(g.value, g.label) for g in Grade if g.value >= 11] + [
    (41, _("University year 1")),
    (42, _("University year 2")),
    (43, _("University year 3")),
    (44, _("University year 4")),
]


def _decimal(name: str, digits: int, places: int, **kw: object) -> models.DecimalField:
    return models.DecimalField(name, max_digits=digits, decimal_places=places, null=True, blank=True, **kw)


class StudentHealthFact(ImportedFact):
    """What a per-student health record shares: the year, the school that tested the student, and the
    student as the file names them (学籍号, 年级编号, 班级编号, 性别); ``student`` links the 学籍 register
    where the 学籍号 is known there."""

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("academic year")
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    student = models.ForeignKey(
        "census.Student",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("student"),
    )
    student_number = models.CharField(_("student number (学籍号)"), max_length=30)
    grade = models.PositiveSmallIntegerField(_("grade (年级编号)"), choices=FITNESS_GRADES)
    class_code = models.CharField(_("class (班级编号)"), max_length=20, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=census_choices.Sex.choices)

    access: ClassVar[dict[str, Grant]] = STUDENT_HEALTH_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        abstract = True


class FitnessTest(StudentHealthFact):
    """One student's 《国家学生体质健康标准》 test in one 学年: the results in natural units as uploaded and
    the scores computed from them at import (by :mod:`tisheng.health.scoring`, recorded with the version
    of the standard's tables)."""

    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    height = _decimal(_("height (cm)"), 5, 2)
    weight = _decimal(_("weight (kg)"), 5, 2)
    vital_capacity = models.PositiveIntegerField(_("vital capacity (ml)"), null=True, blank=True)
    run_50m = _decimal(_("50 m run (s)"), 4, 2)
    sit_and_reach = _decimal(_("sit and reach (cm)"), 4, 1)
    rope_skip_1min = models.PositiveSmallIntegerField(_("1-minute rope skipping"), null=True, blank=True)
    sit_up_1min = models.PositiveSmallIntegerField(_("1-minute sit-ups"), null=True, blank=True)
    shuttle_50x8 = _decimal(_("50 m × 8 shuttle run (s)"), 5, 1)
    # two decimals: a result typed in metres (1.85) is kept as typed, flagged, never scored
    standing_long_jump = _decimal(_("standing long jump (cm)"), 5, 2)
    pull_up = models.PositiveSmallIntegerField(_("pull-ups"), null=True, blank=True)
    run_1000m = _decimal(_("1000 m run (s)"), 5, 1)
    run_800m = _decimal(_("800 m run (s)"), 5, 1)
    vision_left = _decimal(_("uncorrected visual acuity, left"), 2, 1)
    vision_right = _decimal(_("uncorrected visual acuity, right"), 2, 1)
    exempt = models.BooleanField(_("exempt (免测)"), default=False)
    exempt_reason = models.CharField(_("reason for exemption"), max_length=100, blank=True)
    #: items the reader refused to score (ambiguous time, impossible value): item keys
    flagged = models.JSONField(_("results not scored (待核)"), default=list, blank=True)

    # --- computed at import ---
    bmi = _decimal(_("BMI"), 4, 1)
    bmi_band = models.CharField(_("BMI band"), max_length=20, choices=c.BmiBand.choices, blank=True)
    item_scores = models.JSONField(_("item scores"), default=dict, blank=True)  # item key → score
    standard_score = _decimal(_("standard score (标准分)"), 5, 2)
    bonus = models.PositiveSmallIntegerField(_("bonus (附加分)"), null=True, blank=True)
    total = _decimal(_("year total (学年总分)"), 5, 2)
    level = models.CharField(_("level (等级)"), max_length=20, choices=c.FitnessLevel.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=c.FitnessStatus.choices)
    standard_version = models.CharField(_("standard tables version"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("fitness test")
        verbose_name_plural = _("fitness tests")
        ordering = ["academic_year", "school", "grade", "class_code", "student_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "student_number"],
                name="fitness_one_per_student_year",
                violation_error_message=_("This student already has a fitness test in this year."),
            ),
            models.CheckConstraint(
                condition=Q(status="complete") | Q(level=""),
                name="fitness_level_only_when_complete",
                violation_error_message=_("Only a complete test has a level."),
            ),
        ]
        indexes = [models.Index(fields=["academic_year", "school"], name="fitness_year_school")]

    def __str__(self) -> str:
        return f"{self.student_number}（{self.academic_year}）"


ACUITY = [MinValueValidator(3), MaxValueValidator(5.3)]


class VisionScreening(StudentHealthFact):
    """One student's vision screening in one 学年 (《儿童青少年近视防控适宜技术指南》): uncorrected distance
    acuity on the 5-point scale per eye and, where done, non-cycloplegic autorefraction (sphere, cylinder
    in dioptres, axis in degrees) or the 串镜 check."""

    screened_on = models.DateField(_("screening date"), null=True, blank=True)
    acuity_left = models.DecimalField(
        _("uncorrected acuity, left"), max_digits=2, decimal_places=1, validators=ACUITY
    )
    acuity_right = models.DecimalField(
        _("uncorrected acuity, right"), max_digits=2, decimal_places=1, validators=ACUITY
    )
    sphere_left = _decimal(_("sphere, left (D)"), 5, 2)
    cylinder_left = _decimal(_("cylinder, left (D)"), 5, 2)
    axis_left = models.PositiveSmallIntegerField(
        _("axis, left (°)"), null=True, blank=True, validators=[MaxValueValidator(180)]
    )
    sphere_right = _decimal(_("sphere, right (D)"), 5, 2)
    cylinder_right = _decimal(_("cylinder, right (D)"), 5, 2)
    axis_right = models.PositiveSmallIntegerField(
        _("axis, right (°)"), null=True, blank=True, validators=[MaxValueValidator(180)]
    )
    correction = models.CharField(
        _("correction worn"), max_length=20, choices=c.Correction.choices, default=c.Correction.NONE
    )
    trial_lens = models.CharField(
        _("trial-lens check (串镜)"), max_length=20, choices=c.TrialLens.choices, blank=True
    )

    class Meta:
        verbose_name = _("vision screening")
        verbose_name_plural = _("vision screenings")
        ordering = ["academic_year", "school", "grade", "class_code", "student_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "student_number"],
                name="vision_one_per_student_year",
                violation_error_message=_("This student already has a vision screening in this year."),
            ),
            models.CheckConstraint(
                condition=Q(
                    acuity_left__gte=3, acuity_left__lte=5.3, acuity_right__gte=3, acuity_right__lte=5.3
                ),
                name="vision_acuity_on_scale",
                violation_error_message=_("Visual acuity is between 3.0 and 5.3 on the 5-point scale."),
            ),
        ]
        indexes = [models.Index(fields=["academic_year", "school"], name="vision_year_school")]

    def __str__(self) -> str:
        return f"{self.student_number}（{self.academic_year}）"


class WuxiangRecord(ImportedFact):
    """五项管理 record of one class in one semester: the class's average daily written-homework time and
    sleep time (from the school's survey or class log), whether phones are managed (不带入课堂, kept by the
    school) and reading materials reviewed, and the average daily in-school physical activity."""

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("academic year")
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    class_number = models.PositiveSmallIntegerField(
        _("class number"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    semester = models.PositiveSmallIntegerField(_("semester"), choices=c.Semester.choices)
    respondents = models.PositiveSmallIntegerField(
        _("students surveyed"), validators=[MaxValueValidator(200)]
    )
    homework_minutes = models.PositiveSmallIntegerField(
        _("average daily written homework (min)"), validators=[MaxValueValidator(600)]
    )
    sleep_minutes = models.PositiveSmallIntegerField(
        _("average daily sleep (min)"), validators=[MaxValueValidator(24 * 60)]
    )
    phones_managed = models.BooleanField(_("phones managed (手机管理)"))
    reading_reviewed = models.BooleanField(_("reading materials reviewed (读物管理)"))
    activity_minutes = models.PositiveSmallIntegerField(
        _("average daily in-school physical activity (min)"), validators=[MaxValueValidator(24 * 60)]
    )

    access: ClassVar[dict[str, Grant]] = CLASS_RECORD_READ
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("五项管理 record")
        verbose_name_plural = _("五项管理 records")
        ordering = ["academic_year", "school", "semester", "grade", "class_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "school", "semester", "grade", "class_number"],
                name="wuxiang_one_per_class_semester",
                violation_error_message=_("This class already has a record for this semester."),
            ),
            models.CheckConstraint(
                condition=Q(sleep_minutes__lte=1440, activity_minutes__lte=1440, homework_minutes__lte=600),
                name="wuxiang_minutes_plausible",
                violation_error_message=_("A day has 1440 minutes."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.get_grade_display()} {self.class_number} ({self.get_semester_display()})"
