"""Offers of one product from several vendors, with stock and capacity."""

from decimal import Decimal

from oscar.core.loading import get_model
from oscar.test.factories import ProductFactory

from supply.models import OfferCapacity
from tests.factories import vendor
from vendors.models import VendorProfile

StockRecord = get_model("partner", "StockRecord")


def vendor_partner(code: str, *, is_rsov: bool = False, status: str = VendorProfile.Status.APPROVED):
    """An enterprise without a login (the shared `tests.factories.vendor`)."""
    return vendor(
        code,
        name=f"Værksted {code}",
        login=False,
        is_rsov=is_rsov,
        status=status,
        legal_name=f"{code} ApS",
        street="",
        postcode="",
        city="",
        dropoff_notes="",
    )


def offer(
    product,
    partner,
    *,
    stock: int = 0,
    allocated: int = 0,
    per_week: int = 0,
    lead_days: int = 0,
    status: str = "approved",
):
    record = StockRecord.objects.create(
        product=product,
        partner=partner,
        partner_sku=f"{partner.code}-{product.pk}",
        price=Decimal("50.00"),
        num_in_stock=stock,
        num_allocated=allocated,
        offer_status=status,
    )
    if per_week:
        OfferCapacity.objects.create(stockrecord=record, units_per_week=per_week, lead_time_days=lead_days)
    return record


def product(title: str = "Rabarbermarmelade"):
    return ProductFactory(title=title, stockrecords=[])
