"""What each vendor order is worth: parts of order lines to the øre, subtotals, commission, payout."""

from collections import defaultdict
from decimal import Decimal

from marketplace.money import ore_round

from ..models import VendorOrder, VendorOrderLine


def line_part_amounts(*, line_price: Decimal, line_quantity: int, quantities: list[int]) -> list[Decimal]:
    """The price of each part of one order line, to the øre, in the order given.

    A part of q units is worth q × the line's unit price (line price / line
    quantity). Rounded cumulatively — part i gets round(price × units up to i /
    quantity) − round(price × units before i / quantity) — so the parts of a
    whole line add up to the line price exactly and a part of all units is the
    line price itself, whatever the quantity (7 units of 100.00 kr.: 14.29 +
    28.57 + 57.14).
    """
    amounts, before, done = [], Decimal(0), 0
    for quantity in quantities:
        done += quantity
        upto = line_price if done == line_quantity else ore_round(line_price * done / line_quantity)
        amounts.append(upto - before)
        before = upto
    return amounts


def _commission_and_payout(subtotal_incl: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    commission = ore_round(subtotal_incl * rate)
    return commission, subtotal_incl - commission


def vendor_orders_recompute(*, order_id: int) -> dict[int, tuple[Decimal, Decimal]]:
    """Set every vendor order's subtotals, commission and payout from its ACTIVE vendor-order lines.

    Each order line's active parts are priced with `line_part_amounts` (in
    row order), so the vendors' subtotals plus what was cancelled add up to
    the order lines to the øre. Returns {vendor order id: (old payout, new
    payout)} for the vendor orders whose payout changed. Call it inside the
    transaction that changed the rows, with the vendor orders locked. A fixed
    number of queries.
    """
    rows = list(
        VendorOrderLine.objects.filter(vendor_order__order_id=order_id, status=VendorOrderLine.Status.ACTIVE)
        .order_by("line_id", "pk")
        .values_list(
            "vendor_order_id",
            "line_id",
            "quantity",
            "line__quantity",
            "line__line_price_excl_tax",
            "line__line_price_incl_tax",
            "reduction_excl_tax",
            "reduction_incl_tax",
        )
    )
    by_line: dict[int, list] = defaultdict(list)
    for row in rows:
        by_line[row[1]].append(row)
    excl: dict[int, Decimal] = defaultdict(Decimal)
    incl: dict[int, Decimal] = defaultdict(Decimal)
    for parts in by_line.values():
        _vo, _line, _q, line_quantity, price_excl, price_incl, *_reductions = parts[0]
        quantities = [part[2] for part in parts]
        for totals, price, reduction_at in ((excl, price_excl, 6), (incl, price_incl, 7)):
            amounts = line_part_amounts(line_price=price, line_quantity=line_quantity, quantities=quantities)
            for part, amount in zip(parts, amounts, strict=True):
                # A substitute's units are worth their share less what the substitute is cheaper.
                totals[part[0]] += amount - part[reduction_at]
    changed, dirty = {}, []
    for vo in VendorOrder.objects.filter(order_id=order_id):
        subtotal_incl = incl.get(vo.pk, Decimal(0))
        commission, payout = _commission_and_payout(subtotal_incl, vo.commission_rate)
        new = (excl.get(vo.pk, Decimal(0)), subtotal_incl, commission, payout)
        if new != (vo.subtotal_excl_tax, vo.subtotal_incl_tax, vo.commission, vo.payout_amount):
            if payout != vo.payout_amount:
                changed[vo.pk] = (vo.payout_amount, payout)
            vo.subtotal_excl_tax, vo.subtotal_incl_tax, vo.commission, vo.payout_amount = new
            dirty.append(vo)
    if dirty:
        VendorOrder.objects.bulk_update(
            dirty, ["subtotal_excl_tax", "subtotal_incl_tax", "commission", "payout_amount"]
        )
    return changed
