"""The official documents, mounted at /reports/."""

from django.urls import URLPattern, path

from . import views

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("", views.DocumentListView.as_view(), name="index"),
    path("annual/<int:year>/", views.AnnualReportView.as_view(), name="annual"),
    path("selfassess/<int:year>/", views.SelfAssessmentView.as_view(), name="selfassess"),
]
