from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path

from baskets.views import front_page
from marketplace.legal import PAGES as LEGAL_PAGES
from marketplace.legal import legal_page
from marketplace.views import healthz
from payments.urls import dashboard_urlpatterns as payments_dashboard_urls

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Stripe webhooks: no language prefix, the URL is configured at Stripe.
    path("payments/", include("payments.urls")),
]

# Shop pages carry the language in the URL: /da/... and /en/...
urlpatterns += i18n_patterns(
    # The front page (/da/, /en/), before Oscar's "home" that only redirects.
    path("", front_page, name="front"),
    # Vendor orders, pick lists, assembly plans and payouts (fulfilment), inside the dashboard.
    path("dashboard/vendor-orders/", include("fulfilment.urls")),
    # Vendor onboarding and a vendor's own pages in the dashboard; the vendor directory.
    path("dashboard/vendors/", include("vendors.dashboard_urls")),
    # A vendor's capacity per offer (joint supply), beside its offers.
    path("dashboard/vendors/", include("supply.urls")),
    path("vendors/", include("vendors.urls")),
    # Bulk orders, e-invoices and reports for municipalities (procurement).
    path("kommune/", include("procurement.urls")),
    # Gift-basket composer, ready-made baskets and saved designs (baskets).
    path("gavekurve/", include("baskets.urls")),
    # Terms, right of withdrawal, privacy, cookies, contact (staff may override them as flat pages).
    re_path(rf"^(?P<slug>{'|'.join(LEGAL_PAGES)})/$", legal_page, name="legal"),
    # Staff card refunds (payments), next to Oscar's order dashboard.
    path("", include((payments_dashboard_urls, "payments_dashboard"))),
    path("", include(apps.get_app_config("oscar").urls[0])),
)

if settings.BENCH_CEILING_VIEW:
    from marketplace.oscar_apps.catalogue.bench_views import ceiling

    urlpatterns += [path("bench/ceiling/", ceiling)]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
