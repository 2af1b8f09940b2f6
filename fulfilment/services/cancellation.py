"""Cancellation (issue 13.6): an order's units cancelled on the vendor side, the money follows."""

import logging
from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.errors import RuleViolation
from marketplace.order_status import LineStatus, OrderStatus
from payments.gateway import to_ore as amount_in_ore
from payments.services import order_refundable_amount, payment_refund_create
from supply.services import capacity_release

from .. import selectors
from ..models import OrderSplitState, VendorOrder, VendorOrderLine
from ..signals import order_units_cancelled
from .amounts import vendor_orders_recompute
from .events import (
    SHIPPING_EVENT_CANCELLED,
    _shipping_event_record,
    order_status_change,
    order_status_follow,
)
from .payouts import _vendor_order_payout_cancel, vendor_order_payout_reverse

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
Line = get_model("order", "Line")


class CancellationError(RuleViolation):
    """The cancellation cannot be made as asked (packed units, more units than are left)."""


# Vendor orders whose vendor has packed or sent the goods: cancelling their units is refused,
# so nothing a vendor packed goes unpaid without the vendor being told first (staff call them).
_CANCEL_REFUSED = {VendorOrder.Status.PACKED, VendorOrder.Status.DELIVERED}


def _units_wanted(rows, lines) -> tuple[dict[int, list], dict[int, int]]:
    """Active rows by order line, and the units asked for per line (all of them when ``lines`` is None)."""
    by_line: dict[int, list] = defaultdict(list)
    for row in rows:
        by_line[row.line_id].append(row)
    wanted = (
        {line_id: sum(r.quantity for r in parts) for line_id, parts in by_line.items()}
        if lines is None
        else {int(k): int(v) for k, v in lines.items() if int(v) != 0}
    )
    return by_line, wanted


def order_cancel(
    *,
    order,
    lines: dict[int, int] | None = None,
    by=None,
    reason: str = "",
    packed_ok: bool = False,
    only_vendor_order_id: int | None = None,
) -> dict:
    """Cancel an order's units on the vendor side: all of them, or {order line id: units}.

    In one transaction: the vendor-order lines lose the units (a partly
    cancelled row keeps its active rest and a cancelled row holds the
    cancelled units), vendor orders with nothing left are cancelled, subtotals
    and payouts are recomputed from what is left, the units' stock allocation
    is given back (Oscar's cancel_allocation on the offer they came from) and
    the capacity promised to the order for offers with nothing left is
    released. Pick lists and the assembly plan count active units, so the
    units leave them. Sent payouts are reversed by what they fell; a card
    order is refunded the cancelled amount (incl. VAT). After commit the
    affected vendors and the hub get an e-mail. Units of a packed or delivered
    vendor order are refused (CancellationError): the vendor must be told first;
    staff who have told the vendor pass `packed_ok` (the vendor-order cancel
    step does). `only_vendor_order_id` limits the units taken to one vendor order.

    Returns {"amount_incl_tax": cancelled amount, "vendor_orders": ids affected}.
    """
    with transaction.atomic():
        vendor_orders = {
            vo.pk: vo
            for vo in VendorOrder.objects.select_for_update(of=("self",))
            .select_related("partner")
            .filter(order_id=order.pk)
        }
        scope = [only_vendor_order_id] if only_vendor_order_id else list(vendor_orders)
        active = list(
            VendorOrderLine.objects.select_for_update()
            .filter(vendor_order_id__in=scope, status=VendorOrderLine.Status.ACTIVE)
            .select_related("line")
            .order_by("line_id", "-pk")
        )
        by_line, wanted = _units_wanted(active, lines)
        for line_id, units in wanted.items():
            left = sum(r.quantity for r in by_line.get(line_id, ()))
            if units < 0 or units > left:
                raise CancellationError(
                    _("Line %(line)s: %(units)s units cannot be cancelled, %(left)s are left to cancel.")
                    % {"line": line_id, "units": units, "left": left}
                )
        before_incl = sum((vo.subtotal_incl_tax for vo in vendor_orders.values()), Decimal(0))
        touched: set[int] = set()
        released: dict[int, int] = defaultdict(int)  # stockrecord id -> units
        new_rows: list[VendorOrderLine] = []
        # vendor order id -> {order line id: units cancelled}
        cancelled_quantities: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for line_id, units in wanted.items():
            # Units not yet packed go first; packed ones only when staff have told the vendor.
            for row in sorted(
                by_line[line_id], key=lambda r: vendor_orders[r.vendor_order_id].status in _CANCEL_REFUSED
            ):
                if units == 0:
                    break
                if vendor_orders[row.vendor_order_id].status in _CANCEL_REFUSED and not packed_ok:
                    vendor_order = vendor_orders[row.vendor_order_id]
                    raise CancellationError(
                        _(
                            "The units of %(item)s from %(vendor)s are already %(status)s: tell the "
                            "vendor first, then cancel its vendor order."
                        )
                        % {
                            "vendor": vendor_order.partner.name,
                            "status": vendor_order.get_status_display().lower(),
                            "item": row.line.title,
                        }
                    )
                take = min(units, row.quantity)
                units -= take
                touched.add(row.vendor_order_id)
                cancelled_quantities[row.vendor_order_id][line_id] += take
                stockrecord_id = row.stockrecord_id or row.line.stockrecord_id
                if stockrecord_id:
                    released[stockrecord_id] += take
                if take == row.quantity:
                    row.status = VendorOrderLine.Status.CANCELLED
                    row.reason = reason
                    row.save(update_fields=["status", "reason", "updated_at"])
                else:
                    row.quantity -= take
                    row.save(update_fields=["quantity", "updated_at"])
                    new_rows.append(
                        VendorOrderLine(
                            vendor_order_id=row.vendor_order_id,
                            line_id=line_id,
                            stockrecord_id=row.stockrecord_id,
                            quantity=take,
                            status=VendorOrderLine.Status.CANCELLED,
                            reason=reason,
                        )
                    )
        if not touched:
            if not vendor_orders and lines is None:
                _unsplit_order_release(order=order)
            return {"amount_incl_tax": Decimal(0), "vendor_orders": []}
        VendorOrderLine.objects.bulk_create(new_rows)
        StockRecord = get_model("partner", "StockRecord")
        for record in StockRecord.objects.filter(pk__in=list(released)).order_by("pk"):
            record.cancel_allocation(released[record.pk])
        changes = vendor_orders_recompute(order_id=order.pk)
        still_active = set(
            VendorOrderLine.objects.filter(
                vendor_order_id__in=list(vendor_orders), status=VendorOrderLine.Status.ACTIVE
            ).values_list("vendor_order_id", flat=True)
        )
        live_offers = set(
            VendorOrderLine.objects.filter(
                vendor_order_id__in=list(vendor_orders), status=VendorOrderLine.Status.ACTIVE
            ).values_list("stockrecord_id", flat=True)
        )
        _capacity_release(order=order, stockrecord_ids=[pk for pk in released if pk not in live_offers])
        notes = f"{reason} ({by})" if by is not None else reason
        for vo_id in sorted(touched):
            vo = VendorOrder.objects.select_for_update().get(pk=vo_id)
            _shipping_event_record(
                order=order,
                vendor_order=vo,
                code=SHIPPING_EVENT_CANCELLED,
                notes=notes[:500],
                quantities=dict(cancelled_quantities[vo_id]),
            )
            if vo_id not in still_active:
                vo.status = VendorOrder.Status.CANCELLED
                vo.save(update_fields=["status", "updated_at"])
                vo.lines.filter(vendor_order_lines__status=VendorOrderLine.Status.CANCELLED).update(
                    status=LineStatus.CANCELLED
                )
                _vendor_order_payout_cancel(vendor_order=vo)
            elif vo_id in changes and vo.payout_state == VendorOrder.PayoutState.SENT:
                old, new = changes[vo_id]
                vendor_order_payout_reverse(vendor_order_id=vo_id, amount_ore=amount_in_ore(old - new))
        after_incl = VendorOrder.objects.filter(order_id=order.pk).aggregate(total=Sum("subtotal_incl_tax"))[
            "total"
        ] or Decimal(0)
        amount = before_incl - after_incl
        if lines is None or not still_active:
            order_status_follow(order_id=order.pk)
        if amount > 0 and selectors.order_charge_id(order=order):
            _card_refund(order=order, amount=amount, reason=reason)
        units_by_line: dict[int, int] = defaultdict(int)
        for per_line in cancelled_quantities.values():
            for line_id, units in per_line.items():
                units_by_line[line_id] += units
        cancelled_rows = VendorOrderLine.objects.filter(
            vendor_order__order_id=order.pk, status=VendorOrderLine.Status.CANCELLED
        ).count()
        order_units_cancelled.send(
            sender=Order, order=order, lines=dict(units_by_line), key=f"cancel:{cancelled_rows}"
        )
        transaction.on_commit(
            partial(_cancellation_notify, order_id=order.pk, vendor_order_ids=sorted(touched), reason=reason)
        )
    return {"amount_incl_tax": amount, "vendor_orders": sorted(touched)}


def _unsplit_order_release(*, order) -> None:
    """A whole order cancelled before its split: give back its lines' allocation and capacity.

    The split then finds the order cancelled and makes no vendor orders. Once
    per order: the split-state row is marked split here.
    """
    state, _created = OrderSplitState.objects.select_for_update().get_or_create(order_id=order.pk)
    if state.split_at is not None:
        return
    StockRecord = get_model("partner", "StockRecord")
    units: dict[int, int] = defaultdict(int)
    rows = Line.objects.filter(order_id=order.pk).values_list("stockrecord_id", "quantity")
    for stockrecord_id, quantity in rows:
        if stockrecord_id:
            units[stockrecord_id] += quantity
    for record in StockRecord.objects.filter(pk__in=list(units)).order_by("pk"):
        record.cancel_allocation(units[record.pk])
    _capacity_release(order=order, stockrecord_ids=list(units))
    state.split_at = timezone.now()
    state.last_error = "cancelled before the split: no vendor orders"
    state.save(update_fields=["split_at", "last_error"])
    if order.status != OrderStatus.CANCELLED and OrderStatus.CANCELLED in order.available_statuses():
        order_status_change(order=order, status=OrderStatus.CANCELLED)


def _capacity_release(*, order, stockrecord_ids) -> None:
    if stockrecord_ids:
        capacity_release(order=order, stockrecord_ids=stockrecord_ids)


def _card_refund(*, order, amount: Decimal, reason: str) -> None:
    """Refund the cancelled amount of a card order (payments' refund, keyed by what is cancelled)."""
    amount = min(amount, order_refundable_amount(order=order))
    if amount <= 0:
        return
    cancelled_rows = VendorOrderLine.objects.filter(
        vendor_order__order_id=order.pk, status=VendorOrderLine.Status.CANCELLED
    ).count()
    token = f"cancel-{cancelled_rows}-{amount}"
    payment_refund_create(order=order, amount=amount, token=token, reason=reason)


def _cancellation_notify(*, order_id: int, vendor_order_ids: list[int], reason: str) -> None:
    from ..emails import order_cancellation_send

    try:
        order_cancellation_send(order_id=order_id, vendor_order_ids=vendor_order_ids, reason=reason)
    except Exception:  # noqa: BLE001 - the cancellation stands; the log tells staff to call the vendors
        logger.exception("Could not e-mail the cancellation of order %s", order_id)
