"""Units of an order line placed on a vendor's vendor order of the order (made when missing)."""

from decimal import Decimal

from django.conf import settings

from vendors.models import VendorProfile

from ..models import VendorOrder


def _vendor_order_for(*, order, partner_id: int, deliver_by) -> VendorOrder:
    """The vendor's vendor order of ``order``, locked; made (empty) when the vendor has none yet."""
    target, _created = VendorOrder.objects.select_for_update().get_or_create(
        order_id=order.pk,
        partner_id=partner_id,
        defaults={
            "subtotal_excl_tax": Decimal(0),
            "subtotal_incl_tax": Decimal(0),
            "commission_rate": _partner_commission_rate(partner_id),
            "commission": Decimal(0),
            "payout_amount": Decimal(0),
            "deliver_by": deliver_by,
        },
    )
    return target


def _partner_commission_rate(partner_id: int) -> Decimal:
    rate = (
        VendorProfile.objects.filter(partner_id=partner_id).values_list("commission_rate", flat=True).first()
    )
    return settings.MARKETPLACE_COMMISSION_RATE if rate is None else rate
