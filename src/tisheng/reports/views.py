"""官方文书: the page that lists the official documents of each computed 学年 and their downloads (the
annual monitoring report .docx, the 优质均衡 self-assessment .xlsx, each plan's progress bulletin).

The documents are the district's: its administrators, inspectors and leaders may make them; schools and
departments get 403, the public is sent to sign in. A document is built in the request (about a second on
the demo district); the time is sent back in a ``Server-Timing`` header so that it can be watched.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from tisheng.core.choices import DISTRICT_WIDE_ROLES
from tisheng.core.permissions import VIEW
from tisheng.plan.models import Plan

from .annual import annual_title, build_annual_report
from .figures import ReportError, computed_years, the_district
from .selfassess import build_selfassessment, selfassess_title

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_make_documents(user: Any) -> bool:
    """The official documents are the district's: its administrators, inspectors and leaders."""
    return bool(user.is_authenticated and user.role in DISTRICT_WIDE_ROLES)


def require_district_role(user: Any) -> None:
    if not may_make_documents(user):
        raise PermissionDenied(
            _("The official documents are for the district's administrators, inspectors and leaders.")
        )


class DocumentListView(LoginRequiredMixin, TemplateView):
    """官方文书: a row per computed 学年 with its two downloads, and the plans' bulletins."""

    template_name = "reports/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        require_district_role(self.request.user)
        context = super().get_context_data(**kwargs)
        years = list(reversed(computed_years()))
        try:
            district = the_district()
        except ReportError:
            district = None
        context.update(
            years=[
                {
                    "year": year,
                    "annual": annual_title(district, year.start_year) if district else "",
                    "selfassess": selfassess_title(year.start_year),
                }
                for year in years
            ],
            plans=Plan.objects.restrict(self.request.user, VIEW).order_by("code"),
        )
        return context


def _download(content: bytes, content_type: str, filename: str, started: float) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Server-Timing"] = f"build;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response


class AnnualReportView(LoginRequiredMixin, View):
    """The annual monitoring report of a 学年 as a .docx (404 for a year without a computation)."""

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        require_district_role(request.user)
        started = time.perf_counter()
        try:
            content = build_annual_report(year)
            filename = f"{annual_title(the_district(), year)}.docx"
        except ReportError as exc:
            raise Http404(str(exc)) from None
        return _download(content, DOCX, filename, started)


class SelfAssessmentView(LoginRequiredMixin, View):
    """The 优质均衡 self-assessment of a 学年 as an .xlsx (404 for a year without a computation)."""

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        require_district_role(request.user)
        started = time.perf_counter()
        try:
            content = build_selfassessment(year)
        except ReportError as exc:
            raise Http404(str(exc)) from None
        return _download(content, XLSX, f"{selfassess_title(year)}.xlsx", started)
