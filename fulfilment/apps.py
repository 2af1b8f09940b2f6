from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    """Splits orders into vendor orders, pick lists, assembly plans and payouts.

    The models (VendorOrder, OrderSplitState) live in `vendors`; this app holds
    the logic, tasks and dashboard pages around them.
    """

    name = "fulfilment"
    verbose_name = _("Fulfilment")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connects Oscar's order_placed)
