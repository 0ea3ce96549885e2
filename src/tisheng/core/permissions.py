"""Row-level permissions: every read and write goes through ``Model.objects.restrict(user, action)``.

Each restricted model declares, as data, who may do what (``access``) and how its rows reach a school or
a department (``scope_paths``):

    access = {Role.ADMIN: ALL, Role.PRINCIPAL: own(VIEW, CHANGE), Role.LEADER: every(VIEW)}
    scope_paths = {"school": "section__school", "department": None}

``every(...)`` grants the actions on every row; ``own(...)`` only on rows of the user's own school
(principal, clerk) or department (department users), found through ``scope_paths``. A role the model
does not name gets nothing. Views turn an empty result into 404 (out of scope) and a row the user may
see but not change into 403 (read-only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q

from tisheng.core.choices import SCHOOL_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tisheng.core.models import User

VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)


@dataclass(frozen=True)
class Grant:
    actions: frozenset[str]
    own_only: bool


def every(*actions: str) -> Grant:
    return Grant(frozenset(actions), own_only=False)


def own(*actions: str) -> Grant:
    return Grant(frozenset(actions), own_only=True)


ALL = every(*ACTIONS)
READ = every(VIEW)


def grant_for(model: type[models.Model], user: User | AnonymousUser | None, action: str) -> Grant | None:
    """The grant that lets ``user`` do ``action`` on ``model``, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    access: dict[str, Grant] = getattr(model, "access", {Role.ADMIN: ALL})
    grant = access.get(user.role)  # type: ignore[union-attr]
    if grant is None or action not in grant.actions:
        return None
    return grant


def scope_path(model: type[models.Model], user: User) -> tuple[str, int] | None:
    """The ORM path from ``model`` to ``user``'s own school, department or account, and its key."""
    paths: dict[str, str | None] = getattr(model, "scope_paths", {})
    if "self" in paths:
        path, target = paths["self"], user.pk
    elif user.role in SCHOOL_ROLES:
        path, target = paths.get("school"), user.school_id
    elif user.role == Role.DEPARTMENT:
        path, target = paths.get("department"), user.department_id
    else:
        return None
    if path is None or target is None:
        return None
    return (path or "pk", target)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: User | AnonymousUser | None, action: str = VIEW) -> Self:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        grant = grant_for(self.model, user, action)
        if grant is None:
            return self.none()
        if not grant.own_only:
            return self
        scope = scope_path(self.model, user)  # type: ignore[arg-type]
        if scope is None:
            return self.none()
        path, target = scope
        narrowed = self.filter(Q(**{path: target}))
        # A path through a to-many relation (a group's memberships) can repeat rows.
        return narrowed.distinct() if getattr(self.model, "scope_to_many", False) else narrowed


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    pass


def can(user: User | AnonymousUser | None, action: str, obj: models.Model) -> bool:
    """Whether ``user`` may do ``action`` on this row."""
    manager: Any = type(obj)._default_manager
    return manager.restrict(user, action).filter(pk=obj.pk).exists()


def can_any(user: User | AnonymousUser | None, action: str, model: type[models.Model]) -> bool:
    """Whether ``user`` may do ``action`` on some rows of ``model`` (used for buttons and navigation)."""
    return grant_for(model, user, action) is not None
