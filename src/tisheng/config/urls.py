"""URL map: the web shell, the organisation pages, the API, the admin, language switching."""

from django.contrib import admin
from django.urls import include, path

from tisheng.api.urls import api

urlpatterns = [
    path("", include("tisheng.web.urls")),
    path("", include("tisheng.core.urls")),
    path("intake/", include("tisheng.intake.urls")),
    path("census/", include("tisheng.census.urls")),
    path("indicators/", include("tisheng.indicators.urls")),
    path("health/", include("tisheng.health.urls")),
    path("plan/", include("tisheng.plan.urls")),
    path("supervision/", include("tisheng.supervision.urls")),
    path("reports/", include("tisheng.reports.urls")),
    path("public/", include("tisheng.reports.public_urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
