"""Read-side summaries of the census facts shared by pages and the API."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum

from tisheng.census.models import SchoolClass


@dataclass(frozen=True)
class Enrolment:
    year: int
    stage: str
    students: int
    classes: int


def enrolment(classes: QuerySet[SchoolClass], by: tuple[str, ...] = ("section__stage",)) -> list[dict]:
    """Students and classes summed from ``classes`` grouped by academic year and ``by``."""
    rows = (
        classes.values("academic_year__start_year", *by)
        .annotate(students=Sum("student_count"), classes=Count("id"))
        .order_by("academic_year__start_year", *by)
    )
    return list(rows)


def enrolment_by_stage(classes: QuerySet[SchoolClass]) -> list[Enrolment]:
    return [
        Enrolment(r["academic_year__start_year"], r["section__stage"], r["students"] or 0, r["classes"])
        for r in enrolment(classes)
    ]


def pivot(rows: list[Enrolment]) -> tuple[list[int], dict[str, dict[int, Enrolment]]]:
    """Years in order, and per stage a year → figures map (for a trend chart or a year-by-stage table)."""
    years = sorted({r.year for r in rows})
    table: dict[str, dict[int, Enrolment]] = defaultdict(dict)
    for r in rows:
        table[r.stage][r.year] = r
    return years, dict(table)
