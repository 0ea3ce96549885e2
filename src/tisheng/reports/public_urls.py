"""The public disclosure (公示) pages, mounted at /public/: no sign-in, aggregates only."""

from django.urls import URLPattern

app_name = "public"

urlpatterns: list[URLPattern] = []
