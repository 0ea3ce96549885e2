"""School groups keep their history: regrouping ends the old membership instead of overwriting it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import World
from tisheng.core.choices import GroupKind, MembershipRole
from tisheng.core.models import GroupMembership, SchoolGroup
from tisheng.core.services import regroup


def test_regrouping_keeps_the_earlier_membership(world: World) -> None:
    other = SchoolGroup.objects.create(
        district=world.district, name="兴泾大学区", kind=GroupKind.LARGE_DISTRICT
    )
    moved_on = dt.date(2023, 9, 1)
    regroup(world.school_b, other, on=moved_on)

    history = list(
        GroupMembership.objects.filter(school=world.school_b, group__kind=GroupKind.LARGE_DISTRICT)
    )
    assert [
        (m.group.name, m.valid_from, m.valid_to) for m in sorted(history, key=lambda m: m.valid_from)
    ] == [
        ("宁华大学区", dt.date(2021, 9, 1), moved_on),
        ("兴泾大学区", moved_on, None),
    ]
    assert [m.group for m in world.school_b.current_groups(dt.date(2022, 9, 1))] == [world.group]
    current = [m.group for m in world.school_b.current_groups(dt.date(2024, 9, 1))]
    assert current == [other]
    assert world.school_b not in [m.school for m in world.group.members_on(dt.date(2024, 9, 1))]
    assert world.school_b in [m.school for m in world.group.members_on(dt.date(2022, 9, 1))]


def test_a_school_cannot_be_in_two_groups_of_a_kind_at_once(world: World) -> None:
    other = SchoolGroup.objects.create(
        district=world.district, name="另一大学区", kind=GroupKind.LARGE_DISTRICT
    )
    with pytest.raises(ValidationError, match=r"已属于|already belongs"):
        GroupMembership.objects.create(group=other, school=world.school_a, valid_from=dt.date(2024, 9, 1))


def test_a_school_may_be_in_groups_of_different_kinds(world: World) -> None:
    GroupMembership.objects.create(
        group=world.edu_group, school=world.school_a, valid_from=dt.date(2024, 9, 1)
    )
    kinds = {m.group.kind for m in world.school_a.current_groups(dt.date(2025, 1, 1))}
    assert kinds == {GroupKind.LARGE_DISTRICT, GroupKind.EDUCATION_GROUP}


def test_a_group_has_one_lead_school_at_a_time(world: World) -> None:
    with pytest.raises(ValidationError):
        GroupMembership.objects.create(
            group=world.group, school=world.school_c, role=MembershipRole.LEAD, valid_from=dt.date(2024, 9, 1)
        )
    assert world.group.lead_school(dt.date(2025, 1, 1)) == world.school_a


def test_a_membership_must_end_after_it_starts(world: World) -> None:
    membership = GroupMembership.objects.get(group=world.group, school=world.school_b)
    membership.valid_to = membership.valid_from
    with pytest.raises(ValidationError):
        membership.save()


def test_regroup_refuses_a_date_before_the_current_membership(world: World) -> None:
    other = SchoolGroup.objects.create(
        district=world.district, name="兴泾大学区", kind=GroupKind.LARGE_DISTRICT
    )
    with pytest.raises(ValidationError):
        regroup(world.school_b, other, on=dt.date(2020, 9, 1))
    assert GroupMembership.objects.get(group=world.group, school=world.school_b).valid_to is None
