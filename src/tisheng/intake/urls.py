"""The data-intake pages, mounted at /intake/."""

from django.urls import path

from tisheng.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("upload/", views.UploadView.as_view(), name="upload"),
    path("templates/<slug:dataset>.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("batches/", views.BatchListView.as_view(), name="batch-list"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch"),
    path("batches/<int:pk>/progress/", views.BatchProgressView.as_view(), name="batch-progress"),
    path("batches/<int:pk>/issues.xlsx", views.BatchIssuesExportView.as_view(), name="batch-issues"),
    path("batches/<int:pk>/commit/", views.BatchCommitView.as_view(), name="batch-commit"),
    path("batches/<int:pk>/discard/", views.BatchDiscardView.as_view(), name="batch-discard"),
    path("batches/<int:pk>/rollback/", views.BatchRollbackView.as_view(), name="batch-rollback"),
    path("submissions/", views.SubmissionListView.as_view(), name="submission-list"),
    path("submissions/<int:pk>/", views.SubmissionDetailView.as_view(), name="submission"),
    path("submissions/<int:pk>/submit/", views.SubmitView.as_view(), name="submission-submit"),
    path("submissions/<int:pk>/approve/", views.ApproveView.as_view(), name="submission-approve"),
    path("submissions/<int:pk>/return/", views.ReturnView.as_view(), name="submission-return"),
    path("submissions/<int:pk>/reopen/", views.ReopenView.as_view(), name="submission-reopen"),
]
