"""The student-health pages, mounted at /health/: the overview, a school's fitness tests, vision
screenings and 五项管理 records, and one student's test."""

from django.urls import path

from tisheng.health import views

app_name = "health"

urlpatterns = [
    path("", views.HealthHomeView.as_view(), name="home"),
    path("fitness/", views.FitnessTestListView.as_view(), name="fitness-list"),
    path("fitness/<int:pk>/", views.FitnessTestDetailView.as_view(), name="fitness"),
    path("vision/", views.VisionScreeningListView.as_view(), name="vision-list"),
    path("wuxiang/", views.WuxiangRecordListView.as_view(), name="wuxiang-list"),
]
