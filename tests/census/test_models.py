"""Rules the census models keep themselves: named constraints with a message a user can act on."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.conftest import World
from tisheng.census import choices as c
from tisheng.census.models import PopulationCount


def cell(world: World, count: int, disabled: int) -> PopulationCount:
    return PopulationCount(
        year=2025, town=world.urban, age=8, sex=c.Sex.MALE, count=count, disabled_certified=disabled
    )


def test_certified_disabled_children_default_to_none(world: World) -> None:
    row = PopulationCount.objects.create(year=2025, town=world.urban, age=8, sex=c.Sex.FEMALE, count=400)
    assert row.disabled_certified == 0


@pytest.mark.parametrize("disabled", [0, 3, 400])
def test_certified_disabled_children_up_to_the_people_counted(world: World, disabled: int) -> None:
    row = cell(world, 400, disabled)
    row.full_clean()
    row.save()
    assert PopulationCount.objects.get().disabled_certified == disabled


def test_more_certified_disabled_children_than_people_is_refused_by_the_database(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        cell(world, 400, 401).save()
    assert not PopulationCount.objects.exists()


def test_more_certified_disabled_children_than_people_is_explained_in_chinese(world: World) -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        cell(world, 5, 6).full_clean()
    messages = caught.value.messages
    assert "经认定的残疾儿童少年数不能多于该行人数，请核对。" in messages
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        cell(world, 5, 6).full_clean()
    assert "The certified disabled children cannot exceed the people counted." in caught.value.messages


def test_the_constraint_is_named() -> None:
    names = {constraint.name for constraint in PopulationCount._meta.constraints}
    assert "population_disabled_within_count" in names
