"""The student-health pages (学生体质健康), mounted at /health/.

- ``/health/``: for the district roles (and department users) an overview built **only from the stored
  indicator values** — never from a student's row: the health indicators of the catalogue (those with
  small-group protection, ``min_group``) with this year's district value, the chosen indicator's trend
  against its threshold (体质健康优良率 against the plan's 50%), its values by grade and by sex, and by town
  and school with 达标/未达标. For a school's principal and clerks the same for their own school (with
  the district beside it), and links to their students' results.
- ``/health/fitness/``, ``/health/vision/``: a school's fitness tests (体测成绩) and vision screenings
  (视力筛查), declared lists with the shared filter sets; ``/health/fitness/<pk>/`` one student's test
  with every item, its score, the BMI band and the items not scored (待核).
- ``/health/wuxiang/``: the 五项管理 class records.

Permissions (STYLE §6): every read goes through ``restrict(user, "view")``. A student's results are read
by the users of the student's school only (``STUDENT_HEALTH_READ``): a district role gets 403 on the
student lists and 404 on a student's page (as in the API), another school's student is a 404. Values of
small groups are withheld by :func:`tisheng.indicators.present.is_suppressed` wherever they are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from tisheng.api.privacy import mask_identifier
from tisheng.census.choices import Sex
from tisheng.core.choices import SCHOOL_ROLES
from tisheng.core.models import AcademicYear, School
from tisheng.core.permissions import VIEW, can_any
from tisheng.health.filters import FitnessTestFilterSet, VisionScreeningFilterSet, WuxiangRecordFilterSet
from tisheng.health.models import FITNESS_GRADES, FitnessTest, VisionScreening, WuxiangRecord
from tisheng.health.tables import (
    FLAGGED_COLOUR,
    FitnessTestTable,
    VisionScreeningTable,
    WuxiangRecordTable,
    decimal_text,
    item_label,
    student_text,
)
from tisheng.indicators import present
from tisheng.indicators.catalogue import Definition, catalogue, parse_breakdown
from tisheng.indicators.choices import Level
from tisheng.indicators.models import IndicatorValue
from tisheng.indicators.tables import SchoolValueTable, TownValueTable, ValueRow, rows_of
from tisheng.indicators.views import (
    chosen_year,
    computed_years,
    current_run,
    district_values,
    indicator_url,
    listed_stages,
    name_of,
    overrides_of,
    trend_chart,
    unit_of,
    visible_values,
)
from tisheng.standards.fitness import BMI_ITEM, ITEM_ORDER
from tisheng.web.charts import Chart, Series
from tisheng.web.views import ObjectDetailView, ObjectListView

GRADE_LABELS: dict[int, Any] = dict(FITNESS_GRADES)
SEXES = (Sex.MALE, Sex.FEMALE)


def health_definitions() -> list[Definition]:
    """The student-health indicators: the catalogue's definitions protected against small groups
    (``min_group``), in catalogue order."""
    return [d for d in catalogue().values() if d.min_group]


def is_school_user(user: Any) -> bool:
    return user.role in SCHOOL_ROLES


def require_model(user: Any, model: type[Any]) -> None:
    """A role that may read no row of ``model`` at all gets 403 (as the API's lists)."""
    if not can_any(user, VIEW, model):
        raise PermissionDenied(_("Your role does not see students' health results."))


# --- the overview (from the stored indicator values only) ---------------------------------------------


@dataclass
class Tile:
    name: str
    row: ValueRow | None
    district: ValueRow | None
    chosen: bool
    choose_url: str


def start_of(year: AcademicYear | None) -> int:
    return year.start_year if year is not None else 0


def grade_of(key: str) -> int | None:
    value = parse_breakdown(key).get("grade")
    return int(value) if value and value.isdigit() else None


def breakdown_chart(
    definition: Definition, values: Sequence[IndicatorValue], viewer: Any, title: str
) -> tuple[Chart | None, Chart | None]:
    """The chosen year's values by grade (all, male, female per grade) and by sex, as ``viewer`` may see
    them: a withheld small group is a gap in the bars. ``values`` are one organisation's rows of one
    stage."""
    shown: dict[str, float | None] = {}
    for v in values:
        if not v.breakdown:
            continue
        hidden = present.is_suppressed(definition, v, viewer)
        rounded = present.rounded(definition, v.value)
        shown[v.breakdown] = None if hidden or rounded is None else float(rounded)
    grades = sorted({g for key in shown if (g := grade_of(key)) is not None})
    by_grade = None
    if grades:
        series = [Series(_("All students"), [shown.get(f"grade={g}") for g in grades])]
        for sex in SEXES:
            series.append(Series(sex.label, [shown.get(f"grade={g},sex={sex.value}") for g in grades]))
        by_grade = Chart(
            _("%(title)s by grade") % {"title": title},
            categories=[str(GRADE_LABELS.get(g, g)) for g in grades],
            series=series,
            unit=unit_of(definition),
        )
    by_sex = None
    if any(f"sex={sex.value}" in shown for sex in SEXES):
        by_sex = Chart(
            _("%(title)s by sex") % {"title": title},
            categories=[str(sex.label) for sex in SEXES],
            series=[Series(title, [shown.get(f"sex={sex.value}") for sex in SEXES])],
            unit=unit_of(definition),
            height=260,
        )
    return by_grade, by_sex


def own_school(user: Any) -> School | None:
    return School.objects.restrict(user, VIEW).filter(pk=user.school_id).first()


class HealthHomeView(LoginRequiredMixin, View):
    """学生体质健康: the overview from the indicator values (the own school's for a school's users)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not can_any(user, VIEW, IndicatorValue):
            raise PermissionDenied(_("Your role does not see the health indicators."))
        definitions = health_definitions()
        years = computed_years(user)
        year = chosen_year(request, years)
        run = current_run(year)
        overrides = overrides_of(run)
        start = start_of(year)
        school = own_school(user) if is_school_user(user) else None
        wanted = request.GET.get("indicator", "")
        chosen = next((d for d in definitions if d.id == wanted), definitions[0] if definitions else None)
        context: dict[str, Any] = {
            "years": list(reversed(years)),
            "year": year,
            "school": school,
            "chosen": chosen,
            "tiles": [],
        }
        if chosen is None:
            return render(request, "health/home.html", context)

        ids = [d.id for d in definitions]
        district = list(
            district_values().filter(indicator__in=ids).select_related("academic_year").order_by("pk")
        )
        own: list[IndicatorValue] = []
        if school is not None:
            own = list(
                visible_values(user)
                .filter(indicator__in=ids, level=Level.SCHOOL, school=school)
                .select_related("academic_year", "school")
                .order_by("pk")
            )

        def headline(values: list[IndicatorValue], definition: Definition) -> ValueRow | None:
            stage = listed_stages(definition)[0]
            found = next(
                (
                    v
                    for v in values
                    if v.indicator == definition.id
                    and v.academic_year.start_year == start
                    and v.stage == stage
                    and not v.breakdown
                ),
                None,
            )
            return ValueRow(found, definition, start, overrides, user) if found is not None else None

        for definition in definitions:
            context["tiles"].append(
                Tile(
                    name=name_of(definition),
                    row=headline(own, definition) if school is not None else None,
                    district=headline(district, definition),
                    chosen=definition is chosen,
                    choose_url=f"{reverse('health:home')}?indicator={definition.id}"
                    + (f"&year={start}" if year else ""),
                )
            )

        stage = listed_stages(chosen)[0]
        title = name_of(chosen)
        chosen_district = [v for v in district if v.indicator == chosen.id]
        lines: list[tuple[str, str, Any]] = [(_("Whole district"), stage, chosen_district)]
        if school is not None:
            lines.insert(0, (school.name, stage, [v for v in own if v.indicator == chosen.id]))
        context["trend"] = trend_chart(
            chosen,
            years,
            lines,
            overrides,
            _("%(title)s per school year") % {"title": title},
            user,
        )
        source = [v for v in own if v.indicator == chosen.id] if school is not None else chosen_district
        this_year = [v for v in source if v.academic_year.start_year == start and v.stage == stage]
        context["by_grade"], context["by_sex"] = breakdown_chart(chosen, this_year, user, title)
        context.update(
            chosen_name=title,
            chosen_url=indicator_url(chosen, year),
            threshold=present.threshold_text(chosen, stage, overrides),
            min_group=chosen.min_group,
        )
        if school is None:
            values = visible_values(user).filter(
                indicator=chosen.id, academic_year__start_year=start, stage=stage, breakdown=""
            )
            context["towns"] = TownValueTable(
                rows_of(
                    TownValueTable.prepare(values.filter(level=Level.TOWN), None),
                    chosen,
                    start,
                    overrides,
                    user,
                )
            )
            context["schools"] = SchoolValueTable(
                rows_of(
                    SchoolValueTable.prepare(values.filter(level=Level.SCHOOL), None),
                    chosen,
                    start,
                    overrides,
                    user,
                )
            )
        else:
            context.update(school_summary(user, school, year))
        return render(request, "health/home.html", context)


def school_summary(user: Any, school: School, year: AcademicYear | None) -> dict[str, Any]:
    """The own school's students' results of the year in counts (its users see the rows anyway)."""
    tests = FitnessTest.objects.restrict(user, VIEW).filter(school=school)
    screenings = VisionScreening.objects.restrict(user, VIEW).filter(school=school)
    records = WuxiangRecord.objects.restrict(user, VIEW).filter(school=school)
    if year is not None:
        tests = tests.filter(academic_year=year)
        screenings = screenings.filter(academic_year=year)
        records = records.filter(academic_year=year)
    levels = dict(tests.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    return {
        "test_count": tests.count(),
        "flagged_count": tests.exclude(flagged=[]).count(),
        "level_counts": [
            (label, levels.get(code, 0)) for code, label in FitnessTest._meta.get_field("level").choices
        ],
        "screening_count": screenings.count(),
        "record_count": records.count(),
        "year_query": f"?year={year.start_year}" if year is not None else "",
    }


# --- a school's lists --------------------------------------------------------------------------------


class HealthListView(ObjectListView):
    """A health list: 403 for a role that may read none of these rows, the own school's rows otherwise."""

    template_name = "health/object_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        require_model(request.user, self.model)
        return super().get(request)

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("school")


class FitnessTestListView(HealthListView):
    model = FitnessTest
    filterset_class = FitnessTestFilterSet
    table_class = FitnessTestTable
    title = "体测成绩"


class VisionScreeningListView(HealthListView):
    model = VisionScreening
    filterset_class = VisionScreeningFilterSet
    table_class = VisionScreeningTable
    title = "视力筛查"


class WuxiangRecordListView(HealthListView):
    model = WuxiangRecord
    filterset_class = WuxiangRecordFilterSet
    table_class = WuxiangRecordTable
    title = "五项管理记录"


# --- one student's test ------------------------------------------------------------------------------


@dataclass
class ItemRow:
    name: Any
    result: str
    score: Any
    flagged: bool


def result_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return decimal_text(value)
    return "—" if value is None else str(value)


def item_rows(test: FitnessTest, items: Sequence[str]) -> list[ItemRow]:
    """Every item of the standard the test has a result, a score or a flag for, in the standard's
    order (BMI's result is the BMI computed from height and weight)."""
    scores = test.item_scores or {}
    flagged = set(test.flagged or ())
    rows = []
    for item in items:
        value = test.bmi if item == BMI_ITEM else getattr(test, item, None)
        if value is None and item not in scores and item not in flagged:
            continue
        rows.append(
            ItemRow(
                name=item_label(item),
                result=result_text(value),
                score=scores.get(item, "—"),
                flagged=item in flagged,
            )
        )
    return rows


class FitnessTestDetailView(ObjectDetailView):
    """One student's fitness test: every item with its result and score, the BMI band, the 标准分, 附加分,
    学年总分 and 等级, the items not scored (待核); the same student's other years and vision screenings.
    Outside the student's school (every district role included) it is a 404."""

    model = FitnessTest
    template_name = "health/fitness_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        test: FitnessTest = context["object"]
        user = self.request.user
        history = (
            FitnessTest.objects.restrict(user, VIEW)
            .filter(student_number=test.student_number)
            .select_related("academic_year")
            .order_by("academic_year__start_year")
        )
        screenings = (
            VisionScreening.objects.restrict(user, VIEW)
            .filter(student_number=test.student_number)
            .select_related("academic_year")
            .order_by("academic_year__start_year")
        )
        context.update(
            student=student_text(test),
            student_number=mask_identifier(test.student_number),
            items=item_rows(test, ITEM_ORDER),
            flagged_names=[item_label(i) for i in test.flagged or ()],
            flagged_colour=FLAGGED_COLOUR,
            history=history,
            screenings=screenings,
            facts=[
                (FitnessTest._meta.get_field("academic_year").verbose_name, test.academic_year),
                (FitnessTest._meta.get_field("school").verbose_name, test.school.name),
                (FitnessTest._meta.get_field("grade").verbose_name, test.get_grade_display()),
                (FitnessTest._meta.get_field("class_code").verbose_name, test.class_code or "—"),
                (FitnessTest._meta.get_field("sex").verbose_name, test.get_sex_display()),
                (FitnessTest._meta.get_field("height").verbose_name, decimal_text(test.height)),
                (FitnessTest._meta.get_field("weight").verbose_name, decimal_text(test.weight)),
                (FitnessTest._meta.get_field("bmi").verbose_name, decimal_text(test.bmi)),
                (FitnessTest._meta.get_field("bmi_band").verbose_name, test.get_bmi_band_display() or "—"),
                (
                    FitnessTest._meta.get_field("standard_score").verbose_name,
                    decimal_text(test.standard_score),
                ),
                (
                    FitnessTest._meta.get_field("bonus").verbose_name,
                    test.bonus if test.bonus is not None else "—",
                ),
                (FitnessTest._meta.get_field("total").verbose_name, decimal_text(test.total)),
                (FitnessTest._meta.get_field("level").verbose_name, test.get_level_display() or "—"),
                (FitnessTest._meta.get_field("status").verbose_name, test.get_status_display()),
                (
                    FitnessTest._meta.get_field("exempt_reason").verbose_name,
                    test.exempt_reason or "—",
                ),
                (
                    FitnessTest._meta.get_field("standard_version").verbose_name,
                    test.standard_version or "—",
                ),
            ],
            list_url=reverse("health:fitness-list"),
        )
        return context
