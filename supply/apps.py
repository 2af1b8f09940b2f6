from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplyConfig(AppConfig):
    """Joint supply: the production capacity of an offer and the capacity promised to orders."""

    name = "supply"
    verbose_name = _("Supply")
    default_auto_field = "django.db.models.BigAutoField"
