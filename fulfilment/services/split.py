"""The split: one vendor order per vendor of a placed order, with its share of the money.

Atomic and repeat-safe: the split-state row is locked first and a second call finds the
work done. The sweep splits what a lost task did not.
"""

import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.money import ore_round
from marketplace.tasks_enqueue import enqueue_on_commit
from vendors.models import VendorProfile

from ..models import OrderSplitState, VendorOrder, VendorOrderLine
from .amounts import _commission_and_payout
from .payouts import order_payouts_release_enqueue

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
Line = get_model("order", "Line")

# Days the hub needs between the vendors' deliveries and a bulk order's requested delivery date.
HUB_ASSEMBLY_DAYS = 2


class SplitError(Exception):
    """The order cannot be split as it stands (e.g. a line without a vendor)."""


def order_split_register(*, order) -> OrderSplitState:
    """Record that `order` awaits its split and enqueue the split after commit.

    Runs inside the transaction that placed the order when there is one
    (checkout requests are atomic), so the record and the order stand or fall
    together. If the broker is down the order is still placed: the periodic
    sweep finds the pending record.
    """
    from ..tasks import order_split_task

    state, _created = OrderSplitState.objects.get_or_create(order=order)
    enqueue_on_commit(
        order_split_task, order.pk, on_failure=partial(_order_split_enqueue_failed, order_id=order.pk)
    )
    return state


def _order_split_enqueue_failed(exc: Exception, *, order_id: int) -> None:
    """The broker refused the split: say so on the state row the sweep (and staff) read."""
    OrderSplitState.objects.filter(order_id=order_id, split_at__isnull=True).update(
        last_error=f"enqueue failed: {exc.__class__.__name__}: {exc}"[:2000]
    )


def order_delivery_date_request(*, order, requested_delivery_date) -> None:
    """The buyer wants the order delivered on this day; the vendors deliver to the hub in time.

    Called by the app that placed the order (procurement's bulk orders), in the placing
    transaction, before the split runs on commit.
    """
    OrderSplitState.objects.update_or_create(
        order=order, defaults={"requested_delivery_date": requested_delivery_date}
    )


def _deliver_by(order, *, requested_delivery_date=None):
    """A few days after the order; when a delivery date was requested, in time for the hub to meet it."""
    placed = timezone.localtime(order.date_placed).date()
    if requested_delivery_date:
        return max(placed, requested_delivery_date - timedelta(days=HUB_ASSEMBLY_DAYS))
    return placed + timedelta(days=settings.FULFILMENT_DELIVER_WITHIN_DAYS)


def order_split(*, order_id: int) -> list[VendorOrder]:
    """Create one VendorOrder per vendor of the order; a no-op once done.

    The split-state row is locked first, so concurrent calls queue behind each
    other and the later ones find `split_at` set. The unique constraint on
    (order, partner) backs that up. The number of queries does not depend on
    the number of lines.
    """
    with transaction.atomic():
        state, _created = OrderSplitState.objects.select_for_update().get_or_create(order_id=order_id)
        if state.split_at is not None:
            return list(VendorOrder.objects.filter(order_id=order_id))
        order = Order.objects.get(pk=order_id)
        lines = list(
            Line.objects.filter(order_id=order_id).values_list(
                "pk", "partner_id", "line_price_excl_tax", "line_price_incl_tax", "quantity", "stockrecord_id"
            )
        )
        if any(partner_id is None for _pk, partner_id, _e, _i, _q, _s in lines):
            raise SplitError(f"Order {order.number} has a line without a vendor")

        by_partner: dict[int, dict] = defaultdict(
            lambda: {"lines": [], "excl": Decimal(0), "incl": Decimal(0)}
        )
        for pk, partner_id, excl, incl, quantity, stockrecord_id in lines:
            bucket = by_partner[partner_id]
            bucket["lines"].append((pk, quantity, stockrecord_id))
            bucket["excl"] += excl
            bucket["incl"] += incl

        rates = dict(
            VendorProfile.objects.filter(partner_id__in=by_partner).values_list(
                "partner_id", "commission_rate"
            )
        )
        deliver_by = _deliver_by(order, requested_delivery_date=state.requested_delivery_date)
        vendor_orders = []
        for partner_id, bucket in sorted(by_partner.items()):
            rate = rates.get(partner_id)
            rate = settings.MARKETPLACE_COMMISSION_RATE if rate is None else rate
            subtotal_incl = ore_round(bucket["incl"])
            commission, payout = _commission_and_payout(subtotal_incl, rate)
            vendor_orders.append(
                VendorOrder(
                    order_id=order_id,
                    partner_id=partner_id,
                    subtotal_excl_tax=ore_round(bucket["excl"]),
                    subtotal_incl_tax=subtotal_incl,
                    commission_rate=rate,
                    commission=commission,
                    payout_amount=payout,
                    deliver_by=deliver_by,
                    payout_state=(
                        VendorOrder.PayoutState.PENDING
                        if payout > 0
                        else VendorOrder.PayoutState.NOT_APPLICABLE
                    ),
                )
            )
        created = VendorOrder.objects.bulk_create(vendor_orders)
        Through = VendorOrder.lines.through
        Through.objects.bulk_create(
            [
                Through(vendororder_id=vo.pk, line_id=line_id)
                for vo, (_partner_id, bucket) in zip(created, sorted(by_partner.items()), strict=True)
                for line_id, _quantity, _stockrecord_id in bucket["lines"]
            ]
        )
        # The quantity-exact rows: all of each line's units with its vendor (one query).
        VendorOrderLine.objects.bulk_create(
            [
                VendorOrderLine(
                    vendor_order_id=vo.pk, line_id=line_id, quantity=quantity, stockrecord_id=stockrecord_id
                )
                for vo, (_partner_id, bucket) in zip(created, sorted(by_partner.items()), strict=True)
                for line_id, quantity, stockrecord_id in bucket["lines"]
                if quantity > 0
            ]
        )

        difference = order_split_difference(order=order, vendor_orders=created)
        state.split_at = timezone.now()
        state.attempts += 1
        state.last_error = (
            ""
            if difference == 0
            else f"vendor subtotals + shipping + fees differ from the total by {difference}"
        )
        state.save(update_fields=["split_at", "attempts", "last_error"])
        if difference:
            logger.error("Order %s: split sums differ from the order total by %s", order.number, difference)
        _after_split_enqueue(order_id=order_id)
    return created


def order_split_difference(*, order, vendor_orders) -> Decimal:
    """Order total minus (vendor subtotals + shipping + platform fees); zero when the split adds up.

    Packaging is sold by the hub as ordinary lines, so it is in the hub's vendor order.
    """
    fees = order.surcharges.aggregate(total=Sum("incl_tax"))["total"] or Decimal(0)
    parts = sum((vo.subtotal_incl_tax for vo in vendor_orders), Decimal(0))
    return order.total_incl_tax - (parts + order.shipping_incl_tax + fees)


def _after_split_enqueue(*, order_id: int) -> None:
    """Pick lists and payouts after commit; the follow-up sweep sends what a lost task did not."""
    from ..tasks import vendor_order_pick_lists_send_task

    enqueue_on_commit(vendor_order_pick_lists_send_task, order_id)
    order_payouts_release_enqueue(order_id=order_id)


def orders_pending_split(*, older_than: timedelta | None = None):
    """Orders placed but not split (no state row at all counts too: the receiver may have failed)."""
    qs = Order.objects.filter(Q(split_state__isnull=True) | Q(split_state__split_at__isnull=True))
    if older_than is not None:
        qs = qs.filter(date_placed__lte=timezone.now() - older_than)
    return qs.order_by("date_placed")


def orders_split_pending(*, older_than: timedelta | None = None) -> tuple[list[str], list[str]]:
    """Split every pending order; one failure does not stop the others. Returns (split, failed) numbers."""
    done, failed = [], []
    for order_id, number in orders_pending_split(older_than=older_than).values_list("pk", "number"):
        try:
            order_split(order_id=order_id)
        except Exception as exc:  # noqa: BLE001 - record and go on with the next order
            logger.exception("Sweep could not split order %s", number)
            OrderSplitState.objects.update_or_create(
                order_id=order_id, defaults={"last_error": f"{exc.__class__.__name__}: {exc}"[:2000]}
            )
            failed.append(number)
        else:
            done.append(number)
    return done, failed
