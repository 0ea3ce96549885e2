"""The annual school evaluation pages (办学质量评价), mounted at /supervision/evaluation/.

- The results of a year (district roles and inspectors: every school with dimension scores, total and
  band, and a chart of the number of schools per band per year; a school's principal and clerks: their
  own school's dimension scores and band; department users: 403). Rows are in school-code order, never
  by score.
- One result with its dimensions and indicators (out of scope → 404), with small-group suppression
  applied outside the school (:func:`tisheng.supervision.evaluation.result_view`).
- The public notice (公示) of a year, for anybody: each school's band only, in school-code order.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from tisheng.core.choices import SCHOOL_ROLES
from tisheng.core.models import AcademicYear
from tisheng.core.permissions import VIEW, grant_for
from tisheng.indicators.models import IndicatorValue
from tisheng.web.charts import Chart, Series
from tisheng.web.views import ObjectDetailView

from .evaluation import result_view, systems
from .models import EvaluationResult

BAND_COLOURS = ("green", "blue", "orange", "red")


def band_colour(system_code: str, band: str) -> str:
    system = systems().get(system_code)
    codes = [b.code for b in system.bands] if system else []
    return BAND_COLOURS[min(codes.index(band), len(BAND_COLOURS) - 1)] if band in codes else "grey"


def is_school_user(user: Any) -> bool:
    return getattr(user, "role", None) in SCHOOL_ROLES


def band_chart(results: QuerySet[EvaluationResult]) -> Chart:
    """The number of schools per band per year (and those without a band), every system together."""
    counts = (
        results.order_by()
        .values_list("academic_year__start_year", "band", "band_label")
        .annotate(n=Count("pk"))
    )
    years = sorted({year for year, _b, _l, _n in counts})
    bands: dict[str, str] = {}
    for _year, band, label, _n in sorted(counts, key=lambda row: row[1] or "~"):
        bands.setdefault(band, f"{band} {label}" if band else str(_("No band (too little data)")))
    table = {(year, band): n for year, band, _l, n in counts}
    return Chart(
        _("Schools per band per year"),
        categories=[str(year) for year in years],
        series=[
            Series(name, [table.get((year, band), 0) for year in years], stack="bands")
            for band, name in bands.items()
        ],
        unit=_("schools"),
        height=280,
    )


class EvaluationListView(LoginRequiredMixin, TemplateView):
    template_name = "supervision/evaluation_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if grant_for(EvaluationResult, user, VIEW) is None:
            raise PermissionDenied(_("Your role does not read evaluation results; see the public notice."))
        results = EvaluationResult.objects.restrict(user, VIEW)
        years = sorted(set(results.values_list("academic_year__start_year", flat=True)), reverse=True)
        try:
            year = int(self.request.GET.get("year") or (years[0] if years else 0))
        except ValueError:
            year = years[0] if years else 0
        system = self.request.GET.get("system") or ""
        rows = results.filter(academic_year__start_year=year).select_related("school")
        if system:
            rows = rows.filter(system=system)
        rows = rows.order_by("system", "school__code")
        school_user = is_school_user(user)
        context.update(
            years=years,
            year=year,
            system=system,
            systems=systems().values(),
            rows=[(r, band_colour(r.system, r.band)) for r in rows],
            show_total=not school_user,
            chart=None if school_user else band_chart(results),
        )
        return context


class EvaluationDetailView(ObjectDetailView):
    model = EvaluationResult
    template_name = "supervision/evaluation_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        result: EvaluationResult = context["object"]
        ids = [leaf["value_id"] for dim in result.dimensions for leaf in dim["leaves"] if leaf["value_id"]]
        values = IndicatorValue.objects.in_bulk(ids)
        view = result_view(result, self.request.user, values)
        system = systems().get(result.system)
        context.update(
            view=view,
            system=system,
            band_colour=band_colour(result.system, result.band),
            show_total=not is_school_user(self.request.user) and view.total is not None,
        )
        return context


class PublicEvaluationView(TemplateView):
    """The 公示 of one year: each school's band, in school-code order. No score, no rank, no order by
    score — for anybody, signed in or not."""

    template_name = "supervision/evaluation_public.html"
    title = gettext_lazy("Public notice of the school evaluation")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year = AcademicYear.objects.filter(start_year=kwargs["year"]).first()
        if year is None:
            raise Http404(_("No such school year."))
        context.update(year=year, groups=public_bands(year))
        return context


def public_bands(year: AcademicYear) -> list[dict[str, Any]]:
    """What the public reads of a year's evaluation: per system (``code``, ``title``), each school's
    band as ``rows`` of (school code, school name, band, band label, badge colour) in school-code order —
    no score, no rank, no order by score. Shared by this notice and the district's 公示 page
    (:mod:`tisheng.reports.public`), so that both publish the same thing."""
    rows = (
        EvaluationResult.objects.filter(academic_year=year)
        .order_by("system", "school__code")
        .values_list("system", "system_title", "school__code", "school__name", "band", "band_label")
    )
    grouped: dict[str, dict[str, Any]] = {}
    for code, title, school_code, school_name, band, label in rows:
        group = grouped.setdefault(code, {"code": code, "title": title, "rows": []})
        group["rows"].append((school_code, school_name, band, label, band_colour(code, band)))
    return list(grouped.values())
