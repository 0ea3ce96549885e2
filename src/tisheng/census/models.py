"""Annual facts per 学年 and stage section. Only the intake pipeline (and the admin) writes them."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisheng.core.choices import GRADE_STAGE, Grade, Role
from tisheng.core.models import DISTRICT_READ, AcademicYear, AuditedModel, SchoolSection
from tisheng.core.permissions import VIEW, Grant, own


class SchoolClass(AuditedModel):
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
        return _("%(grade)s class %(number)s") % {"grade": self.get_grade_display(), "number": self.number}

    def clean(self) -> None:
        if self.section_id and GRADE_STAGE.get(self.grade) != self.section.stage:
            raise ValidationError(
                {
                    "grade": _("Grade %(grade)s does not belong to the %(stage)s section.")
                    % {"grade": self.get_grade_display(), "stage": self.section.get_stage_display()}
                }
            )
