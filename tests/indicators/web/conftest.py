"""Set-up of the indicator page tests: the World's small facts (``tests.indicators.db_facts``), a
recognition of school A and one class of school A in the earlier 学年 2024, computed for 2024 and 2025.

What the pages then show, worked out by hand:
- ``class_size.over_standard_share`` (超标准班额班级占比, ≤ 0): school A (小学) has classes of 46 and 40
  against the 小学 standard of 45, so 1 of 2 → 50.0%, not met; school B (初中) has one class of 50 against
  50 → 0.0%, met; the district's 小学 and 初中 classes together: 1 of 3 → 33.3%. In 2024 school A had one
  class of 40 → 0.0%.
- ``recognition.civilised_campus``: one 自治区级 文明校园 of school A in 2025 (a breakdown by level).
- ``yzjh.resource.l1`` rests on an unverified source (a “未核实” indicator), per stage only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import World
from tests.indicators.db_facts import make_facts
from tisheng.census.choices import Level, RecognitionKind
from tisheng.census.models import Recognition, SchoolClass
from tisheng.core.choices import Stage
from tisheng.core.models import AcademicYear
from tisheng.indicators import services
from tisheng.indicators.choices import RunTrigger
from tisheng.indicators.models import IndicatorRun

VERIFIED = "class_size.over_standard_share"
UNVERIFIED = "yzjh.resource.l1"
BY_LEVEL = "recognition.civilised_campus"
DISTRICT_ONLY = "enrolment.senior_gross_rate"


@dataclass
class Computed:
    run: IndicatorRun  # 2025, current
    recognition: Recognition


@dataclass
class TwoYears(Computed):
    earlier: IndicatorRun  # 2024
    earlier_year: AcademicYear


@pytest.fixture(autouse=True)
def _inline_tasks(settings: Any) -> None:
    settings.TASKS_INLINE = True
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def computed(world: World) -> Computed:
    """The facts of 2025, computed."""
    make_facts(world)
    recognition = Recognition.objects.create(
        kind=RecognitionKind.CIVILISED_CAMPUS, level=Level.REGION, year=2025, school=world.school_a
    )
    run = services.compute_year(world.year, trigger=RunTrigger.COMMAND, user=world.users["admin"])
    return Computed(run, recognition)


@pytest.fixture
def two_years(world: World, computed: Computed) -> TwoYears:
    """And the earlier 学年 2024 (one class of school A), computed too: a trend of two points."""
    earlier_year = AcademicYear.objects.create(start_year=2024)
    SchoolClass.objects.create(
        academic_year=earlier_year,
        section=world.school_a.sections.get(stage=Stage.PRIMARY),
        grade=11,
        number=1,
        student_count=40,
    )
    earlier = services.compute_year(earlier_year, trigger=RunTrigger.COMMAND)
    return TwoYears(computed.run, computed.recognition, earlier, earlier_year)
