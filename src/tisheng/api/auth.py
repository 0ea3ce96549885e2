"""Who is calling: an API token (``Authorization: Bearer <key>``) first, then the signed-in session.

A request that presents a token is judged by the token alone: an invalid or expired key is a 401 even
when the browser also carries a session. A session request must pass Django's CSRF check on unsafe
methods (POST, PUT, PATCH, DELETE); a token request needs none, since a browser never adds the header
on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware
from ninja.security import APIKeyCookie, HttpBearer

from tisheng.api.errors import CSRF_FAILED, INVALID_TOKEN, ApiError
from tisheng.core.audit import acting_as
from tisheng.core.choices import ChangeSource
from tisheng.core.models import ApiToken, User

logger = logging.getLogger("django.security.csrf")


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check without its failure page: the API answers in JSON itself."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        logger.warning("Forbidden (%s): %s", reason, request.path)
        return HttpResponseForbidden(reason)


def csrf_rejected(request: HttpRequest) -> bool:
    """Whether Django's CSRF check rejects the request (it passes safe methods)."""

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    check = _CsrfCheck(view)
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    check.process_request(request)
    return check.process_view(request, view, (), {}) is not None


class TokenAuth(HttpBearer):
    """An :class:`~tisheng.core.models.ApiToken` key sent as ``Authorization: Bearer <key>``."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = ApiToken.authenticate(token.strip())
        if user is None:
            raise ApiError(401, "invalid_token", INVALID_TOKEN)
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The Django session of a signed-in user, with the CSRF check on unsafe methods.

    Unlike ninja's ``SessionAuth``, an anonymous request is a plain 401, not a CSRF failure.
    """

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and csrf_rejected(request):
            raise ApiError(403, "csrf_failed", CSRF_FAILED)
        return cast(User, user)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return self(request)


def auth_user(request: HttpRequest) -> User:
    """The user the request was authenticated as (set by ninja from the auth classes above)."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


@contextmanager
def api_actor(request: HttpRequest) -> Iterator[User]:
    """Attribute every change made in the block to the calling user, with source ``api``.

    Token requests are authenticated after the audit middleware has run, so writes set the actor here.
    """
    user = auth_user(request)
    with acting_as(user, ChangeSource.API):
        yield user
