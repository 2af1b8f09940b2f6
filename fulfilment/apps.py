from django.urls import path
from django.utils.translation import gettext_lazy as _

from vendors.apps import PolicyDashboardConfig


class FulfilmentConfig(PolicyDashboardConfig):
    """Splits orders into vendor orders, pick lists, assembly plans and payouts.

    The models (VendorOrder, OrderSplitState) live in `vendors`; this app holds
    the logic, tasks and dashboard pages around them (fulfilment:…, below).
    """

    name = "fulfilment"
    verbose_name = _("Fulfilment")
    default_auto_field = "django.db.models.BigAutoField"
    # The app's config, not the PolicyDashboardConfig base this module also holds.
    default = True

    namespace = "fulfilment"
    # Vendor orders and pick lists: staff see all, a vendor its own (404 for another's).
    default_permissions = ["vendor_or_staff"]
    permissions_map = {
        "assembly-plan": ["hub_or_staff"],
        "order-cancel-part": ["staff"],
        "substitution-list": ["hub_or_staff"],
        "substitution-detail": ["hub_or_staff"],
        "payouts-held": ["staff"],
        # Staff receive no payouts.
        "stripe-connect": ["vendor_not_staff"],
    }

    def ready(self):
        from . import receivers  # noqa: F401  (connects Oscar's order_placed)

    def get_urls(self):
        from . import views

        return self.post_process_urls(
            [
                path("", views.VendorOrderListView.as_view(), name="vendor-order-list"),
                path("<int:pk>/", views.VendorOrderDetailView.as_view(), name="vendor-order-detail"),
                path("<int:pk>/pick-list/", views.PickListPrintView.as_view(), name="pick-list-print"),
                path("<int:pk>/pick-list.csv", views.PickListCsvView.as_view(), name="pick-list-csv"),
                path("assembly/<str:number>/", views.AssemblyPlanView.as_view(), name="assembly-plan"),
                path("cancel/<str:number>/", views.OrderCancelPartView.as_view(), name="order-cancel-part"),
                path("substitutions/", views.SubstitutionListView.as_view(), name="substitution-list"),
                path(
                    "substitutions/<int:pk>/",
                    views.SubstitutionDetailView.as_view(),
                    name="substitution-detail",
                ),
                path("payouts/held/", views.PayoutsHeldView.as_view(), name="payouts-held"),
                path("payouts/stripe/", views.StripeConnectView.as_view(), name="stripe-connect"),
            ]
        )
