"""The API instance, mounted by the project's URL map as ``path("api/", api.urls)``.

Schema at /api/openapi.json, interactive documentation at /api/docs (served without a CDN).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ninja import NinjaAPI
from ninja.operation import Operation
from ninja.renderers import JSONRenderer

from tisheng.api import census, health, indicators, organisation, plan, plan_reports, supervision
from tisheng.api.auth import SessionAuth, TokenAuth
from tisheng.api.docs import ASSET_URL_NAME, OfflineSwagger, docs_asset
from tisheng.api.errors import install_handlers

DESCRIPTION = """\
The REST API of tisheng 提升, the district's platform for its basic-education quality plan.

**Authentication**: an API token as `Authorization: Bearer <key>`, or the signed-in browser session
(unsafe methods then need the CSRF token in `X-CSRFToken`). Every answer is limited to what the caller's
role may see: an object outside that scope is answered 404, a change the role may not make 403.

**Errors** are `{"code": ..., "detail": ...}`: a stable machine code and a message in Chinese.
Invalid input (422, code `invalid`) lists each problem with its location.

**Lists** are paginated with `limit` (default 50, at most 500) and `offset`, and answer
`{"items": [...], "count": <total>}`.
"""


class Utf8JSONRenderer(JSONRenderer):
    """JSON with Chinese text as it is (UTF-8), not as ``\\uXXXX`` escapes: readable with curl."""

    json_dumps_params: Mapping[str, Any] = {"ensure_ascii": False}


class TishengAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Operation ids are the endpoint functions' names (``list_schools``): short and stable."""
        return operation.view_func.__name__


api = TishengAPI(
    title="tisheng 提升 API",
    version="1",
    description=DESCRIPTION,
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=OfflineSwagger(),
    auth=[TokenAuth(), SessionAuth()],
    renderer=Utf8JSONRenderer(),
    urls_namespace="api",
)
install_handlers(api)
api.add_router("", organisation.router)
api.add_router("", census.router)
api.add_router("", indicators.router)
api.add_router("", health.router)
api.add_router("", plan.router)
api.add_router("", plan_reports.router)
api.add_router("", supervision.router)
api.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name=ASSET_URL_NAME)(docs_asset)
