import oscar.apps.dashboard.orders.apps as apps
from oscar.core.loading import get_class


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    """Vendors keep the order list, order detail and line detail (limited to their lines).

    Notes, statistics and the delivery address editor see the whole order,
    so they are for staff only.
    """

    name = "marketplace.oscar_apps.dashboard.orders"

    def configure_permissions(self):
        super().configure_permissions()
        DashboardPermission = get_class("dashboard.permissions", "DashboardPermission")
        self.permissions_map["order-detail-note"] = DashboardPermission.get(
            "order", "view_order", "change_order"
        )
        self.permissions_map["order-stats"] = DashboardPermission.get("order", "view_order")
        self.permissions_map["order-shipping-address"] = DashboardPermission.get("order", "view_order")
