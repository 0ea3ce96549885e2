"""Pagination of every list: ninja's limit/offset pagination, with its parameters documented.

The page size comes from the settings (``NINJA_PAGINATION_PER_PAGE``, ``NINJA_PAGINATION_MAX_LIMIT``);
a list answers ``{"items": [...], "count": <rows in all pages>}``.
"""

from __future__ import annotations

import math

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination

PER_PAGE: int = settings.PAGINATION_PER_PAGE
MAX_LIMIT: int | None = (
    None if math.isinf(settings.PAGINATION_MAX_LIMIT) else int(settings.PAGINATION_MAX_LIMIT)
)
LIMIT_HELP = f"Rows per page (default {PER_PAGE}" + (f", at most {MAX_LIMIT})" if MAX_LIMIT else ")")


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(PER_PAGE, ge=1, le=MAX_LIMIT, description=LIMIT_HELP)
        offset: int = Field(0, ge=0, description="Rows to skip (0 for the first page)")
