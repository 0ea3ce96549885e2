"""The warning rules on the indicator values (预警规则): downstream of the indicators, they read only
the CURRENT stored values (:class:`~tisheng.indicators.models.IndicatorValue` of the year's current
run), never the raw facts (ARCHITECTURE.md).

For one 学年, each open school is checked by four rules, each raising (or updating, by its source key)
one warning addressed to the school:

- 超大班额 (``oversized_classes``): the school's ``class_size.super_large_share`` (all stages) is
  above 0 — it has classes of 66 or more.
- 优质均衡 (``yzjh_failed``): the school's ``yzjh.school_verdict`` for a stage does not meet the rule
  (at least 6 of the 7 resource indicators met, the rest at least 85% of the standard); the reason
  names the resource indicators (``yzjh.resource.l1``–``l7``) the section misses.
- 优良率下降 (``fitness_falling``): the school's ``health.fitness_excellent_good_rate`` (all stages)
  is lower than in the previous 学年. When either value is withheld by small-group suppression
  (:func:`tisheng.indicators.present.is_suppressed`, as for any viewer outside the school), the reason
  does not print the values.
- 数据缺报 (``missing_data``): a school teaching primary, junior or senior students has no fitness
  test value with students behind it.

Nothing is raised for a year without a current computation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tisheng.core.choices import SchoolType, Stage
from tisheng.core.models import AcademicYear, School
from tisheng.indicators.catalogue import catalogue
from tisheng.indicators.models import IndicatorRun, IndicatorValue
from tisheng.indicators.present import display, is_suppressed, plain, suppression_text

from . import choices as c
from .models import Warning
from .services import raise_warning

SUPER_LARGE = "class_size.super_large_share"
YZJH_VERDICT = "yzjh.school_verdict"
YZJH_RESOURCES = tuple(f"yzjh.resource.l{n}" for n in range(1, 8))
FITNESS = "health.fitness_excellent_good_rate"
FITNESS_STAGES = (Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR)


@dataclass
class RuleSummary:
    """What one run of the rules did: warnings created and updated, by kind."""

    year: int
    has_run: bool = True
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def school_values(year: AcademicYear, indicator: str, stage: str = "") -> dict[int, IndicatorValue]:
    """The current school-level values of ``indicator`` for ``year`` (no breakdown), by school id."""
    rows = IndicatorValue.objects.current().filter(
        academic_year=year,
        indicator=indicator,
        level="school",
        stage=stage,
        breakdown="",
        school__isnull=False,
    )
    return {row.school_id: row for row in rows}  # type: ignore[misc]


def _raise(summary: RuleSummary, kind: str, source_key: str, **values: Any) -> None:
    existed = Warning.objects.filter(source_key=source_key).exists()
    raise_warning(kind, source_key=source_key, **values)
    (summary.updated if existed else summary.created)[kind] += 1


def raise_indicator_warnings(start_year: int) -> RuleSummary:
    """Run every rule for the 学年 starting in ``start_year``, in one transaction."""
    summary = RuleSummary(start_year)
    year = AcademicYear.objects.filter(start_year=start_year).first()
    if year is None or not IndicatorRun.objects.filter(academic_year=year, is_current=True).exists():
        summary.has_run = False
        return summary
    schools = {s.pk: s for s in School.objects.open_on(year.census_date).prefetch_related("sections")}
    definitions = catalogue()
    with transaction.atomic():
        oversized(summary, year, schools, definitions)
        yzjh_failed(summary, year, schools, definitions)
        fitness_falling(summary, year, schools, definitions)
        missing_fitness(summary, year, schools)
    return summary


def oversized(
    summary: RuleSummary, year: AcademicYear, schools: dict[int, School], definitions: dict[str, Any]
) -> None:
    definition = definitions[SUPER_LARGE]
    for school_id, value in school_values(year, SUPER_LARGE).items():
        school = schools.get(school_id)
        if school is None or value.value is None or value.value <= 0:
            continue
        count = plain(value.numerator)
        _raise(
            summary,
            c.WarningKind.OVERSIZED_CLASSES,
            f"oversized_classes:{year.start_year}:{school.code}",
            school=school,
            academic_year=year,
            severity=c.Severity.HIGH,
            subject=f"{school.name}有超大班额",
            detail=(
                f"{year.start_year}学年{school.name}有 {count} 个66人及以上的超大班额，占班级总数的 {display(definition, value.value)}"
                "（国发〔2016〕40号要求消除66人以上超大班额）。"
            ),
            indicator_id=SUPER_LARGE,
            indicator_value_id=value.pk,
        )


def yzjh_failed(
    summary: RuleSummary, year: AcademicYear, schools: dict[int, School], definitions: dict[str, Any]
) -> None:
    for stage in (Stage.PRIMARY, Stage.JUNIOR):
        resources = {indicator: school_values(year, indicator, stage) for indicator in YZJH_RESOURCES}
        for school_id, verdict in school_values(year, YZJH_VERDICT, stage).items():
            school = schools.get(school_id)
            if school is None or verdict.met is not False:
                continue
            missed = []
            for indicator, by_school in resources.items():
                value = by_school.get(school_id)
                if value is not None and value.met is False:
                    definition = definitions[indicator]
                    missed.append(
                        f"{definition.name_zh} {display(definition, value.value)}{'' if definition.unit_zh == '%' else definition.unit_zh}"
                    )
            listed = f"未达标的指标：{'；'.join(missed)}。" if missed else ""
            _raise(
                summary,
                c.WarningKind.YZJH_FAILED,
                f"yzjh_failed:{year.start_year}:{school.code}:{stage}",
                school=school,
                academic_year=year,
                severity=c.Severity.HIGH,
                subject=f"{school.name}（{Stage(stage).label}）未达到优质均衡资源配置要求",
                detail=(
                    f"{year.start_year}学年{school.name}{Stage(stage).label}学段未达到义务教育优质均衡资源配置要求"
                    f"（7项指标中至少6项达标，其余不低于标准的85%）。{listed}"
                ),
                indicator_id=YZJH_VERDICT,
                indicator_value_id=verdict.pk,
            )


def fitness_falling(
    summary: RuleSummary, year: AcademicYear, schools: dict[int, School], definitions: dict[str, Any]
) -> None:
    previous_year = AcademicYear.objects.filter(start_year=year.start_year - 1).first()
    if previous_year is None:
        return
    definition = definitions[FITNESS]
    before = school_values(previous_year, FITNESS)
    for school_id, now in school_values(year, FITNESS).items():
        school = schools.get(school_id)
        then = before.get(school_id)
        if (
            school is None
            or then is None
            or now.value is None
            or then.value is None
            or now.value >= then.value
        ):
            continue
        withheld = is_suppressed(definition, now, None) or is_suppressed(definition, then, None)
        if withheld:
            shown_value = now if is_suppressed(definition, now, None) else then
            figures = f"（{suppression_text(definition, shown_value)}）"
        else:
            figures = f"：{previous_year.start_year}学年 {display(definition, then.value)}，{year.start_year}学年 {display(definition, now.value)}"
        _raise(
            summary,
            c.WarningKind.FITNESS_FALLING,
            f"fitness_falling:{year.start_year}:{school.code}",
            school=school,
            academic_year=year,
            severity=c.Severity.MEDIUM,
            subject=f"{school.name}学生体质健康优良率下降",
            detail=f"{year.start_year}学年{school.name}学生体质健康优良率比上一学年下降{figures}。方案目标为优良率达到50%以上。",
            indicator_id=FITNESS,
            indicator_value_id=now.pk,
        )


def missing_fitness(summary: RuleSummary, year: AcademicYear, schools: dict[int, School]) -> None:
    reported = {school_id for school_id, value in school_values(year, FITNESS).items() if value.rows > 0}
    for school in schools.values():
        stages = {section.stage for section in school.sections.all()}
        if (
            school.school_type == SchoolType.SPECIAL
            or not stages & set(FITNESS_STAGES)
            or school.pk in reported
        ):
            continue
        _raise(
            summary,
            c.WarningKind.MISSING_DATA,
            f"missing_data:{year.start_year}:{school.code}:fitness",
            school=school,
            academic_year=year,
            severity=c.Severity.MEDIUM,
            subject=f"{school.name}未上报体质健康测试数据",
            detail=f"{year.start_year}学年{school.name}没有已入库的学生体质健康测试成绩，无法计算体质健康优良率，请尽快上报。",
            indicator_id=FITNESS,
        )
