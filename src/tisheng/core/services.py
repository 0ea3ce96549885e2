"""Operations on the organisation that change several rows together, each in one transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tisheng.core.choices import MembershipRole
from tisheng.core.models import GroupMembership, School, SchoolGroup


@transaction.atomic
def regroup(
    school: School, group: SchoolGroup, *, on: dt.date, role: str = MembershipRole.MEMBER
) -> GroupMembership:
    """Move ``school`` into ``group`` from ``on``: its current membership of a group of the same kind
    ends that day (kept as history) and the new one starts. All or nothing."""
    current = (
        GroupMembership.objects.select_for_update()
        .filter(school=school, group__kind=group.kind)
        .active_on(on)
        .first()
    )
    if current is not None:
        if current.group_id == group.pk:
            raise ValidationError(
                _("%(school)s is already a member of %(group)s.") % {"school": school, "group": group}
            )
        if on <= current.valid_from:
            raise ValidationError(
                _("The move date must be after %(start)s, when the current membership began.")
                % {"start": current.valid_from}
            )
        current.valid_to = on
        current.save()
    later = GroupMembership.objects.filter(school=school, group__kind=group.kind, valid_from__gt=on)
    if later.exists():
        raise ValidationError(
            _("%(school)s already has a later membership; change that one instead.") % {"school": school}
        )
    if (
        current is None
        and GroupMembership.objects.filter(school=school, group__kind=group.kind, valid_from__gte=on).exists()
    ):
        raise ValidationError(_("The move date must be after the current membership began."))
    return GroupMembership.objects.create(group=group, school=school, role=role, valid_from=on)
