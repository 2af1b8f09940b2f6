"""Oscar's partner models; the stock record never has an unknown allocation, and is a vendor's offer.

One catalogue product may have several stock records, one per vendor that
offers it (its own price, SKU and stock). A vendor's offer of a product that
is already in the catalogue waits for staff approval (offer_status PENDING)
when VENDOR_PRODUCT_APPROVAL_REQUIRED is on; only APPROVED offers are shown
and sold. A vendor's brand-new product is gated by the product's is_public,
so its first offer is APPROVED from the start.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractStockRecord


class StockRecord(AbstractStockRecord):
    class OfferStatus(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    # Oscar allows NULL here; `NULL + n` stays NULL in SQL, so an allocation on such a
    # record reserved nothing and the last units could be sold many times over.
    num_allocated = models.IntegerField(_("Number allocated"), default=0)
    offer_status = models.CharField(
        _("offer status"), max_length=16, choices=OfferStatus.choices, default=OfferStatus.APPROVED,
        db_index=True,
    )
    offer_rejection_reason = models.TextField(_("offer rejection reason"), blank=True)


from oscar.apps.partner.models import *  # noqa: E402, F403  (the rest of Oscar's models, unchanged)
