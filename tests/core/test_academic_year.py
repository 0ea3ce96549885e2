"""The school year (学年) and its parameters: the local civil servants' average annual pay, the yardstick
of the compulsory-school teachers' pay (plan task 23)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.conftest import World
from tisheng.core.models import AcademicYear


def test_civil_servant_salary_is_optional(world: World) -> None:
    assert world.year.civil_servant_salary is None
    world.year.full_clean()


def test_civil_servant_salary_is_kept_exactly(world: World) -> None:
    world.year.civil_servant_salary = Decimal("113600.50")
    world.year.full_clean()
    world.year.save()
    assert AcademicYear.objects.get(pk=world.year.pk).civil_servant_salary == Decimal("113600.50")


@pytest.mark.parametrize("salary", [Decimal("0"), Decimal("-1")])
def test_civil_servant_salary_must_be_positive(world: World, salary: Decimal) -> None:
    year = AcademicYear(start_year=2024, civil_servant_salary=salary)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        year.full_clean()
    assert "当地公务员年平均工资收入必须大于 0，未掌握时请留空。" in caught.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        year.save()


def test_the_field_and_constraint_are_named_in_chinese() -> None:
    field = AcademicYear._meta.get_field("civil_servant_salary")
    with translation.override("zh-hans"):
        assert str(field.verbose_name) == "当地公务员年平均工资收入（元）"
        assert str(field.help_text)
    names = {constraint.name for constraint in AcademicYear._meta.constraints}
    assert "academic_year_civil_servant_salary_positive" in names
