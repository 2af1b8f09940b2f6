from django.urls import path
from django.utils.translation import gettext_lazy as _

from vendors.apps import PolicyDashboardConfig


class ProcurementConfig(PolicyDashboardConfig):
    """Bulk orders, e-invoices and reports of organisations (procurement:…, under /kommune/).

    Its pages are the municipal members' own; the two the dashboard menu links to are
    listed below with who is shown them: the organisations (the front page, open to all,
    where staff see every organisation) and the hub's list of bulk orders to deliver.
    """

    name = "procurement"
    verbose_name = _("Public procurement")
    default_auto_field = "django.db.models.BigAutoField"
    # The app's config, not the PolicyDashboardConfig base this module also holds.
    default = True

    namespace = "procurement"
    permissions_map = {"deliveries": ["hub_or_staff"]}
    menu_permissions_map = {"home": ["staff"]}

    def ready(self):
        from . import (
            notifications,  # noqa: F401 (connects the buyer e-mails)
            receivers,  # noqa: F401 (credits cancelled units of bulk orders)
        )

    def get_urls(self):
        from . import views

        return self.post_process_urls(
            [
                path("", views.home, name="home"),
                path("leveringer/", views.deliveries, name="deliveries"),
            ]
        )
