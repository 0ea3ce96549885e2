"""Role-aware navigation: a menu item shows only when the user may see some rows of its model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tisheng.census.models import Activity, Recognition
from tisheng.core.choices import DISTRICT_WIDE_ROLES, Role
from tisheng.core.models import Department, School, SchoolGroup, Town
from tisheng.core.permissions import VIEW, can_any
from tisheng.indicators.models import IndicatorValue
from tisheng.intake.models import Submission
from tisheng.plan.models import Plan
from tisheng.supervision.models import Warning


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    model: Any = None
    roles: tuple[str, ...] = ()

    def visible_to(self, user: Any) -> bool:
        if self.roles and user.role not in self.roles:
            return False
        return self.model is None or can_any(user, VIEW, self.model)


NAVIGATION = (
    NavItem(_("Home"), "home"),
    NavItem(_("Schools"), "core:school-list", School),
    NavItem(
        _("Towns"), "core:town-list", Town, roles=(Role.ADMIN, Role.INSPECTOR, Role.LEADER, Role.DEPARTMENT)
    ),
    NavItem(_("School groups"), "core:group-list", SchoolGroup),
    NavItem(_("Departments"), "core:department-list", Department),
    NavItem(_("Recognitions"), "census:recognition-list", Recognition),
    NavItem(_("Activity records"), "census:activity-list", Activity),
    NavItem(_("Indicators"), "indicators:list"),
    NavItem(_("Map"), "map", School),
    NavItem(_("Student health"), "health:home", IndicatorValue),
    NavItem(_("Action plan"), "plan:list", Plan),
    NavItem(_("Plan board"), "plan:board", Plan),
    NavItem(_("Supervision"), "supervision:home", Warning),
    NavItem(_("Official documents"), "reports:index", roles=DISTRICT_WIDE_ROLES),
    NavItem(_("Data intake"), "intake:home", Submission),
    NavItem(_("Change log"), "audit-log", roles=(Role.ADMIN,)),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for item in NAVIGATION:
        if item.visible_to(user):
            url = reverse(item.url_name)
            active = request.path == url if url == reverse("home") else request.path.startswith(url)
            items.append({"label": item.label, "url": url, "active": active})
    return {"nav_items": items}
