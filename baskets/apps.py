from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiftBasketsConfig(AppConfig):
    name = "baskets"
    # Oscar already owns the label "basket" (the shopping cart).
    label = "giftbaskets"
    verbose_name = _("Gift baskets")
    default_auto_field = "django.db.models.BigAutoField"
