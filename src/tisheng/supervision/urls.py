"""The supervision pages, mounted at /supervision/."""

from django.urls import path

from tisheng.supervision import evaluation_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("warnings/", views.WarningListView.as_view(), name="warning-list"),
    path("warnings/<int:pk>/", views.WarningDetailView.as_view(), name="warning"),
    path("warnings/<int:pk>/act/", views.WarningActionView.as_view(), name="warning-act"),
    path("inspections/", views.InspectionListView.as_view(), name="inspection-list"),
    path("inspections/new/", views.InspectionCreateView.as_view(), name="inspection-create"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection"),
    path("findings/", views.FindingListView.as_view(), name="finding-list"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding"),
    path("findings/<int:pk>/evidence/", views.OrderEvidenceView.as_view(), name="order-evidence"),
    path("findings/<int:pk>/submit/", views.OrderSubmitView.as_view(), name="order-submit"),
    path("findings/<int:pk>/recheck/", views.OrderRecheckView.as_view(), name="order-recheck"),
    path("evaluation/", evaluation_views.EvaluationListView.as_view(), name="evaluation-list"),
    path("evaluation/<int:pk>/", evaluation_views.EvaluationDetailView.as_view(), name="evaluation"),
    path(
        "evaluation/public/<int:year>/",
        evaluation_views.PublicEvaluationView.as_view(),
        name="evaluation-public",
    ),
    path("accountability/", views.AccountabilityView.as_view(), name="accountability"),
]
