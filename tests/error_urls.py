"""The project's URLs plus one view that fails, for the error-page tests."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from marketplace.urls import urlpatterns as project_urlpatterns


def fail(request):
    raise RuntimeError("secret detail that must not reach the buyer")


urlpatterns = [*i18n_patterns(path("fail/", fail)), *project_urlpatterns]
