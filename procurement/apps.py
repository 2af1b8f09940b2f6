from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Public procurement")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            notifications,  # noqa: F401 (connects the buyer e-mails)
            receivers,  # noqa: F401 (credits cancelled units of bulk orders)
        )
