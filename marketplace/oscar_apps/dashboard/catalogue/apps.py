import oscar.apps.dashboard.catalogue.apps as apps
from oscar.core.loading import get_class


class CatalogueDashboardConfig(apps.CatalogueDashboardConfig):
    """Vendors create and edit their own products; bulk actions (make public, set price) are staff only."""

    name = "marketplace.oscar_apps.dashboard.catalogue"

    def configure_permissions(self):
        super().configure_permissions()
        DashboardPermission = get_class("dashboard.permissions", "DashboardPermission")
        self.permissions_map["catalogue-product-bulk-action"] = DashboardPermission.get(
            "catalogue", "view_product", "change_product"
        )
