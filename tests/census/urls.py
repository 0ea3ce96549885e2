"""The project's URL map with the census pages at /census/, for these tests: the pages are mounted in
``tisheng.config.urls`` by ``path("census/", include("tisheng.census.urls"))``; until then (and after,
harmlessly) the tests add that line themselves."""

from django.urls import include, path

from tisheng.config.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)
if not any(getattr(p, "namespace", None) == "census" for p in urlpatterns):
    urlpatterns.append(path("census/", include("tisheng.census.urls")))
