"""The interactive API documentation (Swagger UI) at /api/docs, served without a CDN.

Deployments are often offline. django-ninja ships Swagger UI in its package (``ninja/static/ninja``) but
falls back to a CDN page unless ``ninja`` is an installed app; rather than add an app for a few files,
the page here is rendered from our own template and the files are served by the API itself from the
installed ninja package (so they always match its version), with a day of browser caching.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

#: Where django-ninja keeps its copy of Swagger UI.
ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
#: The files the page needs, by role in the template; nothing else is served.
ASSETS: dict[str, str] = {
    "css": "swagger-ui.css",
    "bundle": "swagger-ui-bundle.js",
    "init": "swagger-ui-init.js",
    "icon": "favicon.svg",
}
ASSET_URL_NAME = "docs-asset"


class OfflineSwagger(DocsBase):
    """Swagger UI from local files. "Try it out" uses the browser session and sends the CSRF token."""

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        # validatorUrl None: Swagger UI would otherwise fetch a badge from validator.swagger.io.
        self.settings: dict[str, Any] = {
            "layout": "BaseLayout",
            "deepLinking": True,
            "validatorUrl": None,
            **(settings or {}),
        }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        assets = {
            key: reverse(f"{api.urls_namespace}:{ASSET_URL_NAME}", kwargs={**kwargs, "name": name})
            for key, name in ASSETS.items()
        }
        context = {
            "title": api.title,
            "assets": assets,
            # "<" escaped so that no value can close the surrounding <script> element.
            "swagger_settings": json.dumps(settings).replace("<", "\\u003c"),
            "csrf_token": get_token(request),
        }
        return HttpResponse(render_to_string("api/swagger.html", context))


def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One of the Swagger UI files of :data:`ASSETS`."""
    if name not in ASSETS.values():
        raise Http404(name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
