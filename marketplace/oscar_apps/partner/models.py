"""Oscar's partner models; the stock record never has an unknown allocation, and is a vendor's offer.

One catalogue product may have several stock records, one per vendor that
offers it (its own price, SKU and stock). A vendor's offer of a product that
is already in the catalogue waits for staff approval (offer_status PENDING)
when VENDOR_PRODUCT_APPROVAL_REQUIRED is on; only APPROVED offers are shown
and sold. A vendor's brand-new product is gated by the product's is_public,
so its first offer is APPROVED from the start.

A stock record's price is more than 0 and in DKK, in the database too: a
negative price lowered cart totals and "EUR" broke the cart.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractStockRecord

PRICE_CURRENCY = "DKK"


def validate_price_currency(value: str) -> None:
    if value != PRICE_CURRENCY:
        raise ValidationError(
            _("Prices are in DKK only (got “%(value)s”)."), code="currency", params={"value": value}
        )


class StockRecord(AbstractStockRecord):
    class OfferStatus(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    # Oscar allows NULL here; `NULL + n` stays NULL in SQL, so an allocation on such a
    # record reserved nothing and the last units could be sold many times over.
    num_allocated = models.IntegerField(_("Number allocated"), default=0)
    offer_status = models.CharField(
        _("offer status"),
        max_length=16,
        choices=OfferStatus.choices,
        default=OfferStatus.APPROVED,
        db_index=True,
    )
    offer_rejection_reason = models.TextField(_("offer rejection reason"), blank=True)
    price_currency = models.CharField(
        _("Currency"), max_length=12, default=PRICE_CURRENCY, validators=[validate_price_currency]
    )
    price = models.DecimalField(
        _("Price"),
        decimal_places=2,
        max_digits=12,
        blank=True,
        null=True,
        validators=[MinValueValidator(Decimal("0.01"), message=_("The price must be more than 0 kr."))],
    )

    class Meta(AbstractStockRecord.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gt=0), name="stockrecord_price_positive"),
            models.CheckConstraint(
                condition=models.Q(price_currency=PRICE_CURRENCY), name="stockrecord_price_currency_dkk"
            ),
        ]


from oscar.apps.partner.models import *  # noqa: E402, F403  (the rest of Oscar's models, unchanged)
