"""The dashboards' bodies, rendered once per scope and data version, then served from the cache.

A dashboard (the district overview, the indicator explorer, a school's profile) reads thousands of
stored values to draw a page that changes only when the data does. Its body — everything under the
page's title bar, the same for every user who sees the same scope — is rendered to HTML once and kept
in Django's cache under a key of:

- the page and its query string, and the language;
- the viewer's scope (role, school, department): two users who may see the same rows share the body;
  a school's clerk never receives a body rendered for the district;
- the data version: the newest audit record of the data (every change to the data writes one,
  tisheng.core.audit; the users' own records — a sign-in updates ``last_login`` — are left out, a
  user's role and scope being in the key already), the newest indicator computation, today's date
  (statuses and deadlines move with the calendar) and the code version. Any approved batch,
  recomputation, warning or report therefore makes a new key.

Two things can still leave a body older than the data, for at most the cache's lifetime (default
two minutes): on PostgreSQL a long transaction may commit audit records numbered below one already
committed by a quicker one, so the newest number does not move; and a few status changes are written
without an audit record (an import batch's progress). A body holding a CSRF token (a POST form)
belongs to one session and is never stored, nor is one rendered for an export request (its links
would carry the export parameter). ``TISHENG_PAGE_CACHE_SECONDS=0`` turns the cache off; the default
cache is the process's memory (``make demo`` serves from one process), a deployment with several
processes configures a shared one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from tisheng.core.models import ChangeRecord
from tisheng.indicators.models import IndicatorRun
from tisheng.indicators.services import code_version
from tisheng.web.export import PARAMETER as EXPORT_PARAMETER

CSRF_MARK = "csrfmiddlewaretoken"


def data_version() -> str:
    """Changes whenever data the dashboards read changes (two indexed queries)."""
    users = ContentType.objects.get_for_model(get_user_model())
    audit = (
        ChangeRecord.objects.exclude(content_type=users).order_by("-pk").values_list("pk", flat=True).first()
    )
    runs = IndicatorRun.objects.aggregate(last=Max("pk"), finished=Max("finished_at"))
    finished = runs["finished"].isoformat() if runs["finished"] else ""
    today = timezone.localdate().isoformat()
    return f"{audit}:{runs['last']}:{finished}:{today}:{code_version()}"


def scope_key(user: Any) -> str:
    """Who may see what: users with equal keys see exactly the same rows (tisheng.core.permissions)."""
    return f"{user.role}:{user.school_id or ''}:{user.department_id or ''}"


def cache_key(request: HttpRequest, name: str) -> str:
    query = sorted((k, v) for k, v in request.GET.lists() if k != EXPORT_PARAMETER)
    parts = [
        name,
        request.path,
        repr(query),
        translation.get_language() or "",
        scope_key(request.user),
        data_version(),
    ]
    return "tisheng:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_body(request: HttpRequest, name: str, render: Callable[[], str]) -> SafeString:
    """``render()``'s HTML, from the cache when this scope has seen this page at this data version."""
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return mark_safe(render())  # rendered by our own templates
    key = cache_key(request, name)
    body = cache.get(key)
    if body is None:
        body = render()
        if CSRF_MARK not in body and EXPORT_PARAMETER not in request.GET:
            cache.set(key, body, seconds)
    return mark_safe(body)  # rendered by our own templates


def render_dashboard(
    request: HttpRequest,
    name: str,
    template: str,
    context: dict[str, Any],
    body_template: str,
    build: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """The page ``template`` around a cached ``body_template``.

    ``context`` is what the page shell needs (cheap: the title, the object the permission check
    already fetched); ``build()`` computes the body's context, and runs only when the body is not
    cached. The shell shows the body as ``{{ body }}``.
    """

    def body() -> str:
        return render_to_string(body_template, context | build(), request=request)

    return render(request, template, context | {"body": cached_body(request, name, body)})
