"""Invalidate the storefront cache when anything a storefront page shows changes."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from oscar.apps.order.signals import order_placed
from oscar.core.loading import get_model

from marketplace.storefront_cache import storefront_version_bump
from marketplace.storefront_cache import storefront_version_bump_on_change as _bump


def _bump_after_commit(**kwargs):
    transaction.on_commit(storefront_version_bump)


def connect() -> None:
    from vendors.models import VendorProfile

    models = [
        get_model("catalogue", "Product"),
        get_model("catalogue", "ProductCategory"),
        get_model("catalogue", "ProductImage"),
        get_model("catalogue", "ProductAttributeValue"),
        get_model("catalogue", "Category"),
        get_model("catalogue", "ProductRecommendation"),
        get_model("partner", "StockRecord"),
        get_model("partner", "Partner"),
        VendorProfile,
    ]
    for model in models:
        post_save.connect(_bump, sender=model, dispatch_uid=f"storefront-save-{model._meta.label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"storefront-delete-{model._meta.label}")
    m2m_changed.connect(
        _bump, sender=get_model("catalogue", "Product").categories.through, dispatch_uid="storefront-m2m"
    )
    # Placing an order allocates stock with QuerySet.update(), which sends no post_save.
    # Only after commit: cache work never runs inside the transaction that places a paid order.
    order_placed.connect(_bump_after_commit, dispatch_uid="storefront-order-placed")
