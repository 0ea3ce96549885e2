"""The plan pages, mounted at /plan/: the plans, one plan, the tasks, one task and the board."""

from django.urls import path

from tisheng.plan import views

app_name = "plan"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="list"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("<int:pk>/board/", views.BoardView.as_view(), name="plan-board"),
    path("<int:pk>/bulletin.docx", views.BulletinView.as_view(), name="bulletin"),
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task"),
]
