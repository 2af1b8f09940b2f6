"""Offers of one product from several vendors, with stock and capacity."""

from decimal import Decimal

from oscar.core.loading import get_model
from oscar.test.factories import PartnerFactory, ProductFactory

from supply.models import OfferCapacity
from vendors.models import VendorProfile

StockRecord = get_model("partner", "StockRecord")


def vendor_partner(code: str, *, is_rsov: bool = False, status: str = VendorProfile.Status.APPROVED):
    partner = PartnerFactory(name=f"Værksted {code}", code=code)
    VendorProfile.objects.create(
        partner=partner, slug=code, legal_name=f"{code} ApS", cvr="12345674",
        contact_email=f"{code}@example.dk", is_rsov=is_rsov, status=status,
    )
    return partner


def offer(product, partner, *, stock: int = 0, allocated: int = 0, per_week: int = 0, lead_days: int = 0,
          status: str = "approved"):
    record = StockRecord.objects.create(
        product=product, partner=partner, partner_sku=f"{partner.code}-{product.pk}", price=Decimal("50.00"),
        num_in_stock=stock, num_allocated=allocated, offer_status=status,
    )
    if per_week:
        OfferCapacity.objects.create(stockrecord=record, units_per_week=per_week, lead_time_days=lead_days)
    return record


def product(title: str = "Rabarbermarmelade"):
    return ProductFactory(title=title, stockrecords=[])
