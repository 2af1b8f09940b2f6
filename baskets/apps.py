from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiftBasketsConfig(AppConfig):
    name = "baskets"
    # Oscar already owns the label "basket" (the shopping cart).
    label = "giftbaskets"
    verbose_name = _("Gift baskets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from marketplace.storefront_cache import storefront_version_bump_on_change as bump

        # The composer's cached listing leaves out every basket type's packaging: a changed type renews it.
        basket_type = self.get_model("BasketType")
        for signal, uid in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(bump, sender=basket_type, dispatch_uid=f"storefront-basket-type-{uid}")
