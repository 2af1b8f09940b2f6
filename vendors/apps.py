from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class PolicyDashboardConfig(OscarDashboardConfig):
    """A project app with dashboard pages, guarded by the one access policy (`vendors.permissions`).

    As in Oscar's dashboard apps, `get_urls` lists the pages and `permissions_map` /
    `default_permissions` say who may use each; here the names are policies of
    `vendors.permissions.POLICIES` ("staff", "vendor", "hub_or_staff", …) or Django
    permissions ("app.codename"). The same names guard the URL (`get_url_decorator`) and
    show or hide its menu entry (`marketplace.oscar_apps.dashboard.nav.default_access_fn`),
    so OSCAR_DASHBOARD_NAVIGATION holds only labels, URL names and icons.

    `menu_permissions_map` is for the few pages the menu offers to fewer users than may open
    them (a vendor's own pages are not in staff's menu). The pages keep their URLs: the
    app's urls module mounts `get_urls()` under `namespace`, not under Oscar's `dashboard:`.
    """

    # Anonymous users go to the shop's login page (settings.LOGIN_URL), as from the views' mixins.
    login_url = None
    permissions_map: dict = {}
    menu_permissions_map: dict = {}

    def get_url_decorator(self, pattern):
        from vendors.permissions import policy_required

        permissions = self.get_permissions(pattern.name)
        return policy_required(permissions) if permissions else None

    def get_menu_permissions(self, url_name: str):
        name = url_name.rpartition(":")[2]
        if name in self.menu_permissions_map:
            return self.menu_permissions_map[name]
        return self.get_permissions(name)

    def menu_allows(self, user, url_name: str) -> bool:
        """Whether the dashboard menu shows this app's page `url_name` to the user."""
        from vendors.permissions import allows

        return allows(user, self.get_menu_permissions(url_name))


# A vendor's own pages; everything else here is for staff.
VENDOR_PAGES = (
    "profile",
    "import-upload",
    "import-template",
    "import-preview",
    "offer-list",
    "offer-product-search",
    "offer-create",
)


class VendorsConfig(PolicyDashboardConfig):
    """Vendors: onboarding, profiles and offers. Its dashboard pages are below (vendor_dashboard:…);
    the public directory and the application form are in `vendors.urls`."""

    name = "vendors"
    verbose_name = _("Vendors")
    default_auto_field = "django.db.models.BigAutoField"
    # The app's config, not the PolicyDashboardConfig base this module also holds.
    default = True

    namespace = "vendor_dashboard"
    default_permissions = ["staff"]
    permissions_map = {name: ["vendor"] for name in VENDOR_PAGES}
    # Staff get the staff dashboard, also when linked to a vendor: its pages are not in their menu.
    menu_permissions_map = {name: ["vendor_not_staff"] for name in VENDOR_PAGES}

    def get_urls(self):
        from vendors import dashboard_views as views

        return self.post_process_urls(
            [
                path("", views.VendorListView.as_view(), name="vendor-list"),
                path("<int:pk>/", views.VendorDetailView.as_view(), name="vendor-detail"),
                path("<int:pk>/decision/", views.VendorDecisionView.as_view(), name="vendor-decision"),
                path(
                    "products/pending/", views.ProductApprovalListView.as_view(), name="product-approval-list"
                ),
                path(
                    "products/<int:pk>/approve/", views.ProductApproveView.as_view(), name="product-approve"
                ),
                path("profile/", views.VendorProfileUpdateView.as_view(), name="profile"),
                path("import/", views.ProductImportUploadView.as_view(), name="import-upload"),
                path("import/template/", views.ProductImportTemplateView.as_view(), name="import-template"),
                path("import/<int:pk>/", views.ProductImportPreviewView.as_view(), name="import-preview"),
                path("offers/", views.OfferListView.as_view(), name="offer-list"),
                path("offers/new/", views.OfferProductSearchView.as_view(), name="offer-product-search"),
                path("offers/new/<int:product_pk>/", views.OfferCreateView.as_view(), name="offer-create"),
                path("offers/pending/", views.OfferApprovalListView.as_view(), name="offer-approval-list"),
                path("offers/<int:pk>/decision/", views.OfferDecisionView.as_view(), name="offer-decision"),
            ]
        )
