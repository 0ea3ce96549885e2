"""Error bodies of the API: always ``{"code": <machine code>, "detail": <Chinese message>}``.

The code is stable and meant for scripts; the detail is for people. Validation errors (422) keep
ninja's list of ``{"loc", "msg", "type"}`` entries as their detail, so a client can point at the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

#: Messages of the errors every endpoint can return.
NOT_FOUND = "对象不存在或无权访问"
FORBIDDEN = "您的角色无权进行此操作"
UNAUTHENTICATED = "请先登录或提供有效的 API 令牌"
INVALID_TOKEN = "API 令牌无效或已过期"
CSRF_FAILED = "CSRF 校验失败：请刷新页面后重试，或改用 API 令牌"
INVALID = "提交的数据有误"

#: What a bare HTTP error from ninja or Django becomes: status → (code, detail).
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式有误"),
    401: ("unauthenticated", UNAUTHENTICATED),
    403: ("forbidden", FORBIDDEN),
    404: ("not_found", NOT_FOUND),
    405: ("method_not_allowed", "不支持该请求方法"),
    429: ("throttled", "请求过于频繁，请稍后再试"),
}


class ApiError(HttpError):
    """An error answered as ``{"code": code, "detail": detail, **extra}`` with ``status``."""

    def __init__(self, status: int, code: str, detail: str | list[dict[str, Any]], **extra: Any) -> None:
        super().__init__(status, detail if isinstance(detail, str) else INVALID)
        self.code = code
        self.detail = detail
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, **self.extra}


def not_found() -> ApiError:
    return ApiError(404, "not_found", NOT_FOUND)


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", FORBIDDEN)


def invalid(errors: list[dict[str, Any]]) -> ApiError:
    return ApiError(422, "invalid", errors)


def invalid_from_django(exc: DjangoValidationError, loc: tuple[str, ...]) -> ApiError:
    """A 422 from a model's ``full_clean()`` errors, located like ninja's (``loc`` + field name)."""
    errors: list[dict[str, Any]] = []
    for field, messages in exc.message_dict.items():
        where = list(loc) if field == NON_FIELD_ERRORS else [*loc, field]
        errors.extend({"loc": where, "msg": str(message), "type": "invalid"} for message in messages)
    return invalid(errors)


class ErrorOut(Schema):
    """An error."""

    code: str = Field(..., description="Machine-readable error code, e.g. not_found, forbidden")
    detail: str = Field(..., description="Message for people, in Chinese")


class ForbiddenFieldsOut(ErrorOut):
    """A write refused because the role may not change some of the fields sent."""

    fields: list[str] = Field(default_factory=list, description="Fields the role may not change")


class ValidationErrorItem(Schema):
    loc: list[str | int] = Field(..., description="Where the error is: source, parameter, field")
    msg: str = Field(..., description="What is wrong")
    type: str = Field(..., description="Kind of error")


class ValidationErrorOut(Schema):
    """Invalid input (code ``invalid``)."""

    code: str = Field("invalid", description="Always 'invalid'")
    detail: list[ValidationErrorItem] = Field(..., description="One entry per problem")


#: Responses every authenticated operation may give, for the OpenAPI document.
COMMON_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 422: ValidationErrorOut}
OBJECT_ERRORS: dict[int, type[Schema]] = {**COMMON_ERRORS, 404: ErrorOut}


def _respond(api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="tisheng"'
    return response


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's English error bodies with coded Chinese ones."""

    def on_api_error(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, ApiError)
        return _respond(api, request, exc.status_code, exc.body())

    def on_http_error(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, HttpError)
        code, detail = STATUS_ERRORS.get(exc.status_code, ("error", str(exc)))
        return _respond(api, request, exc.status_code, {"code": code, "detail": detail})

    def on_validation_error(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, NinjaValidationError)
        return _respond(api, request, 422, {"code": "invalid", "detail": exc.errors})

    def on_status(status: int) -> Callable[[HttpRequest, object], HttpResponse]:
        code, detail = STATUS_ERRORS[status]
        return lambda request, exc: _respond(api, request, status, {"code": code, "detail": detail})

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_status(401))
    api.add_exception_handler(Throttled, on_status(429))
    api.add_exception_handler(NinjaValidationError, on_validation_error)
    api.add_exception_handler(Http404, on_status(404))
    api.add_exception_handler(PermissionDenied, on_status(403))
