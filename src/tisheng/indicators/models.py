"""Stored indicator values (指标结果) and the computation runs that produced them.

A run freezes one 学年's facts into a snapshot, computes every indicator of the catalogue from it and
stores the values with their provenance: the snapshot (and so the import batches behind it), the
definition version of each indicator, the code version, the rows counted and when. Values are derived,
never edited: a new run replaces the year's current values, and the run itself is the record of who
asked for it and when.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tisheng.core.choices import Role
from tisheng.core.models import DISTRICT_READ, AcademicYear, School, Town
from tisheng.core.permissions import VIEW, Grant, RestrictedManager, RestrictedQuerySet, own

from .choices import Level, RunStatus, RunTrigger


class IndicatorRun(models.Model):
    """One computation of a 学年's indicators (指标计算批次) from one snapshot."""

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="indicator_runs", verbose_name=_("academic year")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    trigger = models.CharField(_("started by"), max_length=20, choices=RunTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicator_runs",
        verbose_name=_("requested by"),
    )
    backend = models.CharField(_("engine backend"), max_length=20)
    snapshot_id = models.CharField(_("snapshot"), max_length=40, blank=True)
    snapshot_path = models.CharField(_("snapshot folder"), max_length=500, blank=True)
    batches = models.JSONField(_("import batches"), default=list, blank=True)
    rows = models.JSONField(_("rows per table"), default=dict, blank=True)
    catalogue_version = models.PositiveIntegerField(_("catalogue version"), default=1)
    code_version = models.CharField(_("code version"), max_length=60)
    overrides = models.JSONField(_("threshold overrides"), default=dict, blank=True)
    value_count = models.PositiveIntegerField(_("values"), default=0)
    is_current = models.BooleanField(_("current"), default=False)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = RestrictedManager()
    access: ClassVar[dict[str, Grant]] = DISTRICT_READ

    class Meta:
        verbose_name = _("indicator computation")
        verbose_name_plural = _("indicator computations")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year"],
                condition=models.Q(is_current=True),
                name="indicator_run_one_current_per_year",
                violation_error_message=_("A school year has one current computation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.academic_year} #{self.pk}"


class IndicatorValueQuerySet(RestrictedQuerySet):
    def current(self) -> IndicatorValueQuerySet:
        return self.filter(run__is_current=True)


class IndicatorValue(models.Model):
    """One indicator's value (指标值) at one school, town or the district, for a stage and breakdown."""

    run = models.ForeignKey(
        IndicatorRun, on_delete=models.CASCADE, related_name="values", verbose_name=_("run")
    )
    academic_year = models.ForeignKey(
        AcademicYear,
        on_delete=models.PROTECT,
        related_name="indicator_values",
        verbose_name=_("academic year"),
    )
    indicator = models.CharField(_("indicator"), max_length=80)
    definition_version = models.PositiveIntegerField(_("definition version"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    org_code = models.CharField(_("organisation code"), max_length=20)
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("school"),
    )
    town = models.ForeignKey(
        Town,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("town"),
    )
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    breakdown = models.CharField(_("breakdown"), max_length=40, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=30, decimal_places=10)
    denominator = models.DecimalField(
        _("denominator"), max_digits=30, decimal_places=10, null=True, blank=True
    )
    value = models.DecimalField(_("value"), max_digits=30, decimal_places=10, null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows counted"))
    met = models.BooleanField(_("meets the threshold"), null=True, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    #: withheld outside its school although not a small group itself, because with it shown a withheld
    #: small group could be worked out by subtraction (:mod:`tisheng.indicators.engine.disclosure`)
    complementary = models.BooleanField(_("withheld to protect a small group"), default=False)

    objects = models.Manager.from_queryset(IndicatorValueQuerySet)()
    access: ClassVar[dict[str, Grant]] = {**DISTRICT_READ, Role.PRINCIPAL: own(VIEW), Role.CLERK: own(VIEW)}
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "level", "org_code", "stage", "breakdown"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "indicator", "level", "org_code", "stage", "breakdown"],
                name="indicator_value_unique",
                violation_error_message=_("This value was already stored for this run."),
            )
        ]
        indexes = [
            models.Index(fields=["academic_year", "indicator", "level"], name="indicator_value_lookup"),
            models.Index(fields=["school", "academic_year"], name="indicator_value_school"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.org_code} {self.value}"
