"""Pages of the web shell: maps."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
