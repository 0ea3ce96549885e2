"""Pages of the web shell: profile."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
