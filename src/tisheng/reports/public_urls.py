"""The public disclosure (公示) pages, mounted at /public/: no sign-in, aggregates only."""

from django.urls import URLPattern, path

from tisheng.reports import public

app_name = "public"

urlpatterns: list[URLPattern] = [
    path("", public.disclosure_page, name="index"),
]
