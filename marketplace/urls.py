from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from marketplace.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Shop pages carry the language in the URL: /da/... and /en/...
urlpatterns += i18n_patterns(
    # Vendor onboarding and a vendor's own pages in the dashboard; the vendor directory.
    path("dashboard/vendors/", include("vendors.dashboard_urls")),
    path("vendors/", include("vendors.urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
