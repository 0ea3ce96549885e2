"""The declared tables of the health pages (STYLE §5): a school's fitness tests (体测成绩), vision
screenings (视力筛查) and 五项管理 class records. Only the own school's users ever get these rows
(``restrict``), so the tables show students by 学籍号 (masked where it embeds a 身份证 number) and name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tisheng.api.privacy import mask_identifier
from tisheng.census.filters import label
from tisheng.health.models import FitnessTest, VisionScreening, WuxiangRecord
from tisheng.standards.fitness import BMI_ITEM, ITEM_ORDER
from tisheng.web.tables import Column, Table

NOTHING = "—"
#: The 待核 badge of an item the reader refused to score; its colour lives here, in one place.
FLAGGED_COLOUR = "orange"


def item_label(item: str) -> Any:
    """An item key of the standard (``run_50m``) as its name (50米跑): the FitnessTest field's."""
    if item == BMI_ITEM:
        return "BMI"
    return label(FitnessTest, item)


def student_text(row: FitnessTest | VisionScreening) -> str:
    """学籍号 (masked where it embeds a 身份证 number) and, when the register knows the student, the name."""
    number = mask_identifier(row.student_number)
    name = row.student.name if row.student_id and row.student is not None else ""
    return f"{name}（{number}）" if name else number


def fitness_link(row: FitnessTest) -> SafeString:
    return format_html('<a href="{}">{}</a>', reverse("health:fitness", args=[row.pk]), student_text(row))


def decimal_text(value: Decimal | None) -> str:
    if value is None:
        return NOTHING
    return format(value.normalize(), "f")


def items_text(row: FitnessTest) -> str:
    """The scored items with their scores, in the standard's order; flagged items as 待核."""
    parts = []
    flagged = set(row.flagged or ())
    for item in ITEM_ORDER:
        if item in (row.item_scores or {}):
            parts.append(f"{item_label(item)} {row.item_scores[item]}")
        elif item in flagged:
            parts.append(f"{item_label(item)} 待核")
    return "；".join(parts) or NOTHING


def flagged_cell(row: FitnessTest) -> SafeString | str:
    if not row.flagged:
        return ""
    return format_html('<span class="badge {}">{}</span>', FLAGGED_COLOUR, f"待核 {len(row.flagged)} 项")


class FitnessTestTable(Table):
    columns = (
        Column("academic_year", label(FitnessTest, "academic_year"), order_by="academic_year__start_year"),
        Column("student", _("Student"), render=fitness_link, order_by="student_number"),
        Column("grade", label(FitnessTest, "grade"), order_by="grade"),
        Column("class_code", label(FitnessTest, "class_code"), order_by="class_code"),
        Column("sex", label(FitnessTest, "sex"), order_by="sex"),
        Column(
            "total",
            label(FitnessTest, "total"),
            render=lambda r: decimal_text(r.total),
            numeric=True,
            order_by="total",
        ),
        Column("level", label(FitnessTest, "level"), order_by="level"),
        Column("status", label(FitnessTest, "status"), order_by="status"),
        Column("bmi_band", label(FitnessTest, "bmi_band"), order_by="bmi_band"),
        Column("items", label(FitnessTest, "item_scores"), render=items_text),
        Column("flagged", label(FitnessTest, "flagged"), render=flagged_cell),
    )
    default_order = "-academic_year__start_year"
    select_related = ("academic_year", "student")


def acuity_text(row: VisionScreening) -> str:
    return f"{decimal_text(row.acuity_left)} / {decimal_text(row.acuity_right)}"


def sphere_text(row: VisionScreening) -> str:
    if row.sphere_left is None and row.sphere_right is None:
        return NOTHING
    return f"{decimal_text(row.sphere_left)} / {decimal_text(row.sphere_right)}"


class VisionScreeningTable(Table):
    columns = (
        Column(
            "academic_year", label(VisionScreening, "academic_year"), order_by="academic_year__start_year"
        ),
        Column("student", _("Student"), render=student_text, order_by="student_number"),
        Column("grade", label(VisionScreening, "grade"), order_by="grade"),
        Column("class_code", label(VisionScreening, "class_code"), order_by="class_code"),
        Column("sex", label(VisionScreening, "sex"), order_by="sex"),
        Column("screened_on", label(VisionScreening, "screened_on"), order_by="screened_on"),
        Column("acuity", _("Uncorrected acuity (left / right)"), render=acuity_text),
        Column("sphere", _("Sphere (left / right, D)"), render=sphere_text),
        Column("correction", label(VisionScreening, "correction"), order_by="correction"),
        Column("trial_lens", label(VisionScreening, "trial_lens")),
    )
    default_order = "-academic_year__start_year"
    select_related = ("academic_year", "student")


def yes_no(value: bool) -> Any:
    return _("Yes") if value else _("No")


class WuxiangRecordTable(Table):
    columns = (
        Column("academic_year", label(WuxiangRecord, "academic_year"), order_by="academic_year__start_year"),
        Column("semester", label(WuxiangRecord, "semester"), order_by="semester"),
        Column("grade", label(WuxiangRecord, "grade"), order_by="grade"),
        Column("class_number", label(WuxiangRecord, "class_number"), numeric=True, order_by="class_number"),
        Column("respondents", label(WuxiangRecord, "respondents"), numeric=True),
        Column(
            "homework_minutes",
            label(WuxiangRecord, "homework_minutes"),
            numeric=True,
            order_by="homework_minutes",
        ),
        Column(
            "sleep_minutes", label(WuxiangRecord, "sleep_minutes"), numeric=True, order_by="sleep_minutes"
        ),
        Column(
            "phones_managed",
            label(WuxiangRecord, "phones_managed"),
            render=lambda r: yes_no(r.phones_managed),
        ),
        Column(
            "reading_reviewed",
            label(WuxiangRecord, "reading_reviewed"),
            render=lambda r: yes_no(r.reading_reviewed),
        ),
        Column(
            "activity_minutes",
            label(WuxiangRecord, "activity_minutes"),
            numeric=True,
            order_by="activity_minutes",
        ),
    )
    default_order = "-academic_year__start_year"
    select_related = ("academic_year",)
