"""The indicator pages, mounted at /indicators/: the catalogue, one indicator with its drill-down to a town
and a school, and the computation runs."""

from django.urls import path

from tisheng.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.IndicatorListView.as_view(), name="list"),
    path("runs/", views.RunListView.as_view(), name="runs"),
    path("runs/recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("<str:indicator>/", views.IndicatorDetailView.as_view(), name="detail"),
    path("<str:indicator>/towns/<int:pk>/", views.TownIndicatorView.as_view(), name="town"),
    path("<str:indicator>/schools/<int:pk>/", views.SchoolIndicatorView.as_view(), name="school"),
]
