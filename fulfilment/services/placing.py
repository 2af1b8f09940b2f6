"""Units of order lines placed on a vendor's vendor order of the order (made when missing).

A decline re-sources units from other vendors' offers and a confirmed substitution sources
them from the substitute's offers; both place a sourcing plan's allocations the same way.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from vendors.models import VendorProfile

from ..models import VendorOrder, VendorOrderLine


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


@dataclass(frozen=True)
class UnitsPart:
    """Units of one order line to place; a substitute's carry their substitution and price reduction."""

    line_id: int
    quantity: int
    substitution_id: int | None = None
    reduction_incl_tax: Decimal = Decimal("0.00")
    reduction_excl_tax: Decimal = Decimal("0.00")


def allocation_place(
    *,
    order,
    record,
    from_stock: int,
    parts: list[UnitsPart],
    deliver_by,
    vendor_orders: dict[int, VendorOrder],
) -> VendorOrder:
    """Place one allocation of a sourcing plan on ``order``; returns the vendor order it went to.

    ``from_stock`` units are allocated on the offer ``record`` (locked by the caller), and each
    part becomes an ACTIVE vendor-order row with that offer on the offer's vendor's vendor order
    of the order, made (empty) when the vendor has none yet and the line added to its lines.
    ``vendor_orders`` remembers the vendor orders by partner id across calls. Call it inside
    the transaction that made the plan.
    """
    if from_stock:
        record.allocate(from_stock)
    target = vendor_orders.get(record.partner_id) or _vendor_order_for(
        order=order, partner_id=record.partner_id, deliver_by=deliver_by
    )
    vendor_orders[record.partner_id] = target
    for part in parts:
        VendorOrderLine.objects.create(
            vendor_order=target,
            line_id=part.line_id,
            stockrecord=record,
            quantity=part.quantity,
            substitution_id=part.substitution_id,
            reduction_incl_tax=part.reduction_incl_tax,
            reduction_excl_tax=part.reduction_excl_tax,
        )
        target.lines.add(part.line_id)
    return target
