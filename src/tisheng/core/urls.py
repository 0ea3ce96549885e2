from django.urls import path

from tisheng.core import views

app_name = "core"

urlpatterns = [
    path("schools/", views.SchoolListView.as_view(), name="school-list"),
    path("schools/<int:pk>/", views.SchoolDetailView.as_view(), name="school"),
    path("schools/<int:pk>/edit/", views.SchoolEditView.as_view(), name="school-edit"),
    path("schools/<int:pk>/history/", views.SchoolHistoryView.as_view(), name="school-history"),
    path("towns/", views.TownListView.as_view(), name="town-list"),
    path("towns/<int:pk>/", views.TownDetailView.as_view(), name="town"),
    path("towns/<int:pk>/history/", views.TownHistoryView.as_view(), name="town-history"),
    path("groups/", views.GroupListView.as_view(), name="group-list"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group"),
    path("groups/<int:pk>/history/", views.GroupHistoryView.as_view(), name="group-history"),
    path("departments/", views.DepartmentListView.as_view(), name="department-list"),
    path("departments/<int:pk>/", views.DepartmentDetailView.as_view(), name="department"),
    path("departments/<int:pk>/history/", views.DepartmentHistoryView.as_view(), name="department-history"),
]
