from django.contrib.auth import views as auth_views
from django.urls import path

from tisheng.web import maps, profile, views

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("home/", views.HomeView.as_view(), name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit-log"),
]
urlpatterns += profile.urlpatterns + maps.urlpatterns
