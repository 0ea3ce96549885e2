"""The census register pages, mounted at /census/: recognitions, activities and their evidence files."""

from django.urls import path

from tisheng.census import views

app_name = "census"

urlpatterns = [
    path("recognitions/", views.RecognitionListView.as_view(), name="recognition-list"),
    path("recognitions/<int:pk>/", views.RecognitionDetailView.as_view(), name="recognition"),
    path(
        "recognitions/<int:pk>/history/", views.RecognitionHistoryView.as_view(), name="recognition-history"
    ),
    path(
        "recognitions/<int:pk>/evidence/",
        views.RecognitionEvidenceView.as_view(),
        name="recognition-evidence",
    ),
    path("activities/", views.ActivityListView.as_view(), name="activity-list"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity"),
    path("activities/<int:pk>/history/", views.ActivityHistoryView.as_view(), name="activity-history"),
    path("activities/<int:pk>/evidence/", views.ActivityEvidenceView.as_view(), name="activity-evidence"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence-download"),
    path("evidence/<int:pk>/delete/", views.EvidenceDeleteView.as_view(), name="evidence-delete"),
]
