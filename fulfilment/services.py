"""Writes: split an order into vendor orders, move them through the workflow, pay vendors.

Each function that changes orders or money is atomic and repeat-safe: it locks
the rows it changes and a second call finds the work done and does nothing.
"""

import logging
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from oscar.core.loading import get_model

from marketplace.errors import RuleViolation
from marketplace.order_status import LineStatus, OrderStatus
from marketplace.tasks_enqueue import enqueue_on_commit
from payments.gateway import idempotency_key, stripe_api
from payments.gateway import to_ore as amount_in_ore
from payments.services import order_refundable_amount, payment_refund_create
from supply.services import capacity_release
from vendors.models import VendorProfile

from . import selectors
from .models import OrderSplitState, VendorOrder, VendorOrderLine
from .signals import order_units_cancelled

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
Line = get_model("order", "Line")
ShippingEventType = get_model("order", "ShippingEventType")
ShippingEvent = get_model("order", "ShippingEvent")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")

ORE = Decimal("0.01")
# Days the hub needs between the vendors' deliveries and a bulk order's requested delivery date.
HUB_ASSEMBLY_DAYS = 2
# Stripe's answers when the destination cannot receive transfers (yet): hold the payout.
ACCOUNT_NOT_READY_CODES = {"insufficient_capabilities_for_transfer", "account_invalid"}


class SplitError(Exception):
    """The order cannot be split as it stands (e.g. a line without a vendor)."""


class WorkflowError(RuleViolation):
    """A vendor order cannot make the requested step from its current status."""


def _ore(amount: Decimal) -> Decimal:
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


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
        upto = line_price if done == line_quantity else _ore(line_price * done / line_quantity)
        amounts.append(upto - before)
        before = upto
    return amounts


def _commission_and_payout(subtotal_incl: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    commission = _ore(subtotal_incl * rate)
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


# --- The split -----------------------------------------------------------------


def order_split_register(*, order) -> OrderSplitState:
    """Record that `order` awaits its split and enqueue the split after commit.

    Runs inside the transaction that placed the order when there is one
    (checkout requests are atomic), so the record and the order stand or fall
    together. If the broker is down the order is still placed: the periodic
    sweep finds the pending record.
    """
    from .tasks import order_split_task

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
            subtotal_incl = _ore(bucket["incl"])
            commission, payout = _commission_and_payout(subtotal_incl, rate)
            vendor_orders.append(
                VendorOrder(
                    order_id=order_id,
                    partner_id=partner_id,
                    subtotal_excl_tax=_ore(bucket["excl"]),
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
    from .tasks import vendor_order_pick_lists_send_task

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


# --- Vendor workflow -----------------------------------------------------------

# Which vendor-order step moves from which statuses, and the Oscar line status it sets.
# to status: (the statuses it may follow, the Oscar line status it sets)
_STEPS: dict[str, tuple[set[str], str]] = {
    VendorOrder.Status.ACCEPTED: ({VendorOrder.Status.NEW}, LineStatus.ACCEPTED),
    VendorOrder.Status.PACKED: ({VendorOrder.Status.NEW, VendorOrder.Status.ACCEPTED}, LineStatus.PACKED),
    VendorOrder.Status.DELIVERED: (
        {VendorOrder.Status.NEW, VendorOrder.Status.ACCEPTED, VendorOrder.Status.PACKED},
        LineStatus.DELIVERED,
    ),
    VendorOrder.Status.CANCELLED: (
        {VendorOrder.Status.NEW, VendorOrder.Status.ACCEPTED, VendorOrder.Status.PACKED},
        LineStatus.CANCELLED,
    ),
}

SHIPPING_EVENT_PACKED = "packed"
SHIPPING_EVENT_DELIVERED_TO_HUB = "delivered-to-hub"
SHIPPING_EVENT_SHIPPED = "shipped"
SHIPPING_EVENT_CANCELLED = "cancelled"
# Stored untranslated in Oscar's ShippingEventType; pages translate them when shown.
_EVENT_NAMES = {
    SHIPPING_EVENT_PACKED: gettext_noop("Packed"),
    SHIPPING_EVENT_DELIVERED_TO_HUB: gettext_noop("Delivered to hub"),
    SHIPPING_EVENT_SHIPPED: gettext_noop("Shipped"),
    SHIPPING_EVENT_CANCELLED: gettext_noop("Cancelled"),
}


def _shipping_event_record(
    *, vendor_order: VendorOrder, code: str, notes: str = "", quantities: dict[int, int] | None = None
) -> None:
    """An Oscar shipping event for the vendor order's active units (or the given {line id: units})."""
    if quantities is None:
        quantities = defaultdict(int)
        for line_id, quantity in VendorOrderLine.objects.filter(
            vendor_order=vendor_order, status=VendorOrderLine.Status.ACTIVE
        ).values_list("line_id", "quantity"):
            quantities[line_id] += quantity
    if not quantities:
        return
    event_type, _created = ShippingEventType.objects.get_or_create(
        code=code, defaults={"name": _EVENT_NAMES[code]}
    )
    event = ShippingEvent.objects.create(order_id=vendor_order.order_id, event_type=event_type, notes=notes)
    ShippingEventQuantity.objects.bulk_create(
        [
            ShippingEventQuantity(event=event, line_id=line_id, quantity=quantity)
            for line_id, quantity in sorted(quantities.items())
        ]
    )


def vendor_order_advance(
    *, vendor_order_id: int, to_status: str, shipped: bool = False, user=None, notes: str = ""
) -> VendorOrder:
    """Move a vendor order one step (accept, packed, delivered/shipped, cancelled).

    Repeating a step already taken is a no-op; an impossible step raises
    WorkflowError. Oscar line statuses and shipping events follow, and the
    order's status follows its vendor orders.
    """
    with transaction.atomic():
        vendor_order = VendorOrder.objects.select_for_update().get(pk=vendor_order_id)
        if vendor_order.status == to_status:
            return vendor_order
        allowed_from, line_status = _STEPS[to_status]
        if vendor_order.status not in allowed_from:
            raise WorkflowError(
                f"A vendor order that is {vendor_order.get_status_display()} cannot become "
                f"{VendorOrder.Status(to_status).label}"
            )
        vendor_order.status = to_status
        vendor_order.save(update_fields=["status", "updated_at"])
        vendor_order.lines.update(status=line_status)
        if to_status == VendorOrder.Status.PACKED:
            _shipping_event_record(vendor_order=vendor_order, code=SHIPPING_EVENT_PACKED, notes=notes)
        elif to_status == VendorOrder.Status.DELIVERED:
            code = SHIPPING_EVENT_SHIPPED if shipped else SHIPPING_EVENT_DELIVERED_TO_HUB
            _shipping_event_record(vendor_order=vendor_order, code=code, notes=notes)
        elif to_status == VendorOrder.Status.CANCELLED:
            # Staff cancel the whole vendor order (a packed one too: staff have told the vendor).
            units: dict[int, int] = defaultdict(int)
            for line_id, quantity in VendorOrderLine.objects.filter(
                vendor_order=vendor_order, status=VendorOrderLine.Status.ACTIVE
            ).values_list("line_id", "quantity"):
                units[line_id] += quantity
            if units:
                order_cancel(
                    order=vendor_order.order,
                    lines=dict(units),
                    by=user,
                    reason=notes,
                    packed_ok=True,
                    only_vendor_order_id=vendor_order.pk,
                )
            else:
                _vendor_order_payout_cancel(vendor_order=vendor_order)
            vendor_order.refresh_from_db()
        order_status_follow(order_id=vendor_order.order_id)
    return vendor_order


def _order_status_move(order, target: str) -> None:
    if order.status == target:
        return
    if target not in order.available_statuses() and OrderStatus.BEING_PROCESSED in order.available_statuses():
        order.set_status(OrderStatus.BEING_PROCESSED)
    if target in order.available_statuses():
        order.set_status(target)


def order_status_follow(*, order_id: int) -> None:
    """The order's status follows its vendor orders.

    Work started on any part -> "Being processed"; every part that is not
    cancelled delivered -> "Shipped"; every part cancelled -> "Cancelled".
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    statuses = list(VendorOrder.objects.filter(order_id=order_id).values_list("status", flat=True))
    if not statuses:
        return
    live = [s for s in statuses if s != VendorOrder.Status.CANCELLED]
    if not live:
        _order_status_move(order, OrderStatus.CANCELLED)
    elif all(s == VendorOrder.Status.DELIVERED for s in live):
        _order_status_move(order, OrderStatus.SHIPPED)
    elif any(s != VendorOrder.Status.NEW for s in live) and order.status in (
        OrderStatus.PENDING,
        OrderStatus.PAID,
    ):
        if order.status == OrderStatus.PAID or OrderStatus.BEING_PROCESSED in order.available_statuses():
            _order_status_move(order, OrderStatus.BEING_PROCESSED)


# --- Payouts (Stripe Connect) ----------------------------------------------------


def _account_is_ready(account) -> bool:
    """Transfers can go to the account: payouts enabled and the transfers capability active."""
    data = account.to_dict() if hasattr(account, "to_dict") else dict(account)
    capabilities = data.get("capabilities") or {}
    return bool(data.get("payouts_enabled")) and capabilities.get("transfers") == "active"


def vendor_account_ready_check(*, profile: VendorProfile) -> bool:
    """Ask Stripe whether the vendor's connected account can receive transfers; store the answer."""
    if not profile.stripe_account_id:
        return False
    account = stripe_api().Account.retrieve(profile.stripe_account_id)
    ready = _account_is_ready(account)
    if ready != profile.stripe_account_ready:
        VendorProfile.objects.filter(pk=profile.pk).update(stripe_account_ready=ready)
        profile.stripe_account_ready = ready
    return ready


def order_payouts_release(*, order) -> list[VendorOrder]:
    """The order is paid: pay every vendor its share, one Stripe transfer per vendor order.

    Card orders: called once the payment has succeeded (the charge becomes the
    transfers' source_transaction). Invoice orders: call it when staff mark the
    invoice paid. If the order is not split yet the request is recorded and the
    split releases the payouts when it is done. Vendors whose Stripe account is
    not ready are held and paid by `payouts_held_release` later. Safe to repeat:
    sent payouts are skipped and Stripe replays the idempotency key.
    """
    _order_payouts_requested_record(order=order)
    return _order_payouts_send(order=order)


def _order_payouts_requested_record(*, order) -> None:
    """The state row the follow-up sweep reads: payouts of this order may go (once it is split)."""
    updated = OrderSplitState.objects.filter(order_id=order.pk, payouts_requested_at__isnull=True).update(
        payouts_requested_at=timezone.now()
    )
    if not updated and not OrderSplitState.objects.filter(order_id=order.pk).exists():
        OrderSplitState.objects.get_or_create(
            order_id=order.pk, defaults={"payouts_requested_at": timezone.now()}
        )


def order_payouts_request(*, order) -> None:
    """The order is paid: record it, and release the payouts in a task after commit.

    For staff requests (an invoice marked paid): Stripe is not called in the request, and the
    follow-up sweep releases the payouts if the task is lost (the broker was down).
    """
    _order_payouts_requested_record(order=order)
    order_payouts_release_enqueue(order_id=order.pk)


def order_payouts_release_enqueue(*, order_id: int) -> None:
    """After commit, pay the vendors if the order is paid (order_payouts_release_if_paid) in a task."""
    from .tasks import order_payouts_release_task

    enqueue_on_commit(order_payouts_release_task, order_id)


def order_payouts_release_if_paid(*, order) -> list[VendorOrder]:
    """After the split: release payouts if the card payment is in or payouts were already requested."""
    if (
        selectors.order_charge_id(order=order) is None
        and not OrderSplitState.objects.filter(order_id=order.pk, payouts_requested_at__isnull=False).exists()
    ):
        return []
    return _order_payouts_send(order=order)


def _order_payouts_send(*, order) -> list[VendorOrder]:
    if not OrderSplitState.objects.filter(order_id=order.pk, split_at__isnull=False).exists():
        return []
    charge_id = selectors.order_charge_id(order=order)
    ids = list(
        VendorOrder.objects.filter(
            order_id=order.pk,
            payout_state__in=[VendorOrder.PayoutState.PENDING, VendorOrder.PayoutState.HELD],
        ).values_list("pk", flat=True)
    )
    return [vendor_order_payout_send(vendor_order_id=pk, charge_id=charge_id) for pk in ids]


def vendor_order_payout_send(*, vendor_order_id: int, charge_id: str | None) -> VendorOrder:
    """Transfer one vendor order's payout, or hold it when the vendor's account is not ready."""
    with transaction.atomic():
        vendor_order = (
            VendorOrder.objects.select_for_update(of=("self",))
            .select_related("order", "partner__vendor_profile")
            .get(pk=vendor_order_id)
        )
        if vendor_order.payout_state not in (VendorOrder.PayoutState.PENDING, VendorOrder.PayoutState.HELD):
            return vendor_order
        if vendor_order.status == VendorOrder.Status.CANCELLED or vendor_order.payout_amount <= 0:
            vendor_order.payout_state = VendorOrder.PayoutState.NOT_APPLICABLE
            vendor_order.save(update_fields=["payout_state", "updated_at"])
            return vendor_order
        profile = getattr(vendor_order.partner, "vendor_profile", None)
        if profile is None or not profile.stripe_account_id or not profile.stripe_account_ready:
            vendor_order.payout_state = VendorOrder.PayoutState.HELD
            vendor_order.save(update_fields=["payout_state", "updated_at"])
            return vendor_order
        params = {
            "amount": amount_in_ore(vendor_order.payout_amount),
            "currency": vendor_order.order.currency.lower(),
            "destination": profile.stripe_account_id,
            "transfer_group": vendor_order.order.number,
            "metadata": {"vendor_order": str(vendor_order.pk), "order": vendor_order.order.number},
        }
        if charge_id:
            params["source_transaction"] = charge_id
        # The key names the vendor order and the state it was in: a retry of this attempt replays it,
        # while a payout held after Stripe refused it is a new attempt once the account is ready.
        key = idempotency_key(
            "vendor-order", vendor_order.pk, "payout", f"{vendor_order.updated_at:%Y%m%d%H%M%S%f}"
        )
        api = stripe_api()
        try:
            transfer = api.Transfer.create(**params, idempotency_key=key)
        except api.InvalidRequestError as exc:
            if exc.code not in ACCOUNT_NOT_READY_CODES:
                raise
            logger.warning("Stripe refused the payout of vendor order %s: %s", vendor_order.pk, exc)
            VendorProfile.objects.filter(pk=profile.pk).update(stripe_account_ready=False)
            vendor_order.payout_state = VendorOrder.PayoutState.HELD
            vendor_order.save(update_fields=["payout_state", "updated_at"])
            return vendor_order
        vendor_order.stripe_transfer_id = transfer["id"]
        vendor_order.payout_state = VendorOrder.PayoutState.SENT
        vendor_order.save(update_fields=["stripe_transfer_id", "payout_state", "updated_at"])
        return vendor_order


def payouts_held_release(*, partner_id: int | None = None) -> list[VendorOrder]:
    """Re-check the accounts of vendors with held payouts and send the payouts that can go now."""
    held = VendorOrder.objects.filter(payout_state=VendorOrder.PayoutState.HELD)
    if partner_id is not None:
        held = held.filter(partner_id=partner_id)
    sent = []
    for profile in VendorProfile.objects.filter(partner__vendor_orders__in=held).distinct():
        if not profile.stripe_account_ready and not vendor_account_ready_check(profile=profile):
            continue
        for vendor_order in held.filter(partner_id=profile.partner_id).select_related("order"):
            charge_id = selectors.order_charge_id(order=vendor_order.order)
            result = vendor_order_payout_send(vendor_order_id=vendor_order.pk, charge_id=charge_id)
            if result.payout_state == VendorOrder.PayoutState.SENT:
                sent.append(result)
    return sent


def vendor_account_updated(*, account) -> list[VendorOrder]:
    """Stripe's `account.updated` webhook: store readiness and release held payouts."""
    account_id, ready = account["id"], _account_is_ready(account)
    profile = VendorProfile.objects.filter(stripe_account_id=account_id).first()
    if profile is None:
        return []
    VendorProfile.objects.filter(pk=profile.pk).update(stripe_account_ready=ready)
    if not ready:
        return []
    return payouts_held_release(partner_id=profile.partner_id)


def vendor_payout_reversed(*, transfer) -> None:
    """Stripe's `transfer.reversed` webhook: the payout is reversed once the whole transfer is."""
    data = transfer.to_dict() if hasattr(transfer, "to_dict") else dict(transfer)
    if data.get("reversed") and data.get("id"):
        VendorOrder.objects.filter(stripe_transfer_id=data["id"]).update(
            payout_state=VendorOrder.PayoutState.REVERSED
        )


def _vendor_order_payout_cancel(*, vendor_order: VendorOrder) -> None:
    if vendor_order.payout_state in (VendorOrder.PayoutState.PENDING, VendorOrder.PayoutState.HELD):
        vendor_order.payout_state = VendorOrder.PayoutState.NOT_APPLICABLE
        vendor_order.save(update_fields=["payout_state", "updated_at"])
    elif vendor_order.payout_state == VendorOrder.PayoutState.SENT:
        vendor_order_payout_reverse(vendor_order_id=vendor_order.pk)


def vendor_order_payout_reverse(*, vendor_order_id: int, amount_ore: int | None = None) -> VendorOrder:
    """Reverse a sent transfer: all of what is left on it, or `amount_ore` of it.

    A refund or a cancelled vendor order calls this. The idempotency key holds
    what the transfer had reversed before, so a retry replays instead of
    reversing twice.
    """
    api = stripe_api()
    with transaction.atomic():
        vendor_order = VendorOrder.objects.select_for_update().get(pk=vendor_order_id)
        if vendor_order.payout_state != VendorOrder.PayoutState.SENT or not vendor_order.stripe_transfer_id:
            return vendor_order
        transfer = api.Transfer.retrieve(vendor_order.stripe_transfer_id)
        remaining = transfer["amount"] - transfer["amount_reversed"]
        amount = remaining if amount_ore is None else min(amount_ore, remaining)
        if amount > 0:
            api.Transfer.create_reversal(
                vendor_order.stripe_transfer_id,
                amount=amount,
                metadata={"vendor_order": str(vendor_order.pk), "order": str(vendor_order.order_id)},
                idempotency_key=idempotency_key(
                    "vendor-order", vendor_order.pk, "reversal", transfer["amount_reversed"], amount
                ),
            )
        if amount >= remaining:
            vendor_order.payout_state = VendorOrder.PayoutState.REVERSED
            vendor_order.save(update_fields=["payout_state", "updated_at"])
        return vendor_order


def order_refund_reverse_payouts(*, order, line_ids=None) -> list[VendorOrder]:
    """A refund of a card-paid order takes the refunded share back from the vendors it affects.

    With `line_ids` (a refund of given lines) only the vendors of those lines
    are affected, each by its payout share of the refunded lines. Without, the
    charge's refunded fraction at Stripe applies to every vendor's transfer:
    a full refund reverses every transfer in full. Repeat-safe: the target is
    cumulative and only the part not yet reversed is reversed.
    """
    sent = list(
        VendorOrder.objects.filter(
            order_id=order.pk, payout_state=VendorOrder.PayoutState.SENT
        ).prefetch_related("lines")
    )
    if not sent:
        return []
    api = stripe_api()
    results = []
    if line_ids is not None:
        wanted = set(line_ids)
        for vo in sent:
            share = sum(
                (line.line_price_incl_tax for line in vo.lines.all() if line.pk in wanted), Decimal(0)
            )
            if not share:
                continue
            if share >= vo.subtotal_incl_tax:
                results.append(vendor_order_payout_reverse(vendor_order_id=vo.pk))
            else:
                amount = amount_in_ore(share * (1 - vo.commission_rate))
                results.append(vendor_order_payout_reverse(vendor_order_id=vo.pk, amount_ore=amount))
        return results
    charge_id = selectors.order_charge_id(order=order)
    if not charge_id:
        return []
    from .models import Substitution

    if (
        VendorOrderLine.objects.filter(
            vendor_order__order_id=order.pk, status=VendorOrderLine.Status.CANCELLED
        ).exists()
        or Substitution.objects.filter(order_id=order.pk).exclude(status=Substitution.Status.OPEN).exists()
    ):
        # order_cancel and a decided substitution refund units and set exactly the vendors'
        # payouts they concern; spreading that refund over every vendor by the charge's refunded
        # fraction would take money from vendors whose units still go out.
        return []
    charge = api.Charge.retrieve(charge_id)
    if not charge["amount_refunded"]:
        return []
    fraction = Decimal(charge["amount_refunded"]) / Decimal(charge["amount"])
    for vo in sent:
        transfer = api.Transfer.retrieve(vo.stripe_transfer_id)
        target = int((Decimal(transfer["amount"]) * fraction).to_integral_value(rounding=ROUND_HALF_UP))
        missing = target - transfer["amount_reversed"]
        if fraction >= 1:
            results.append(vendor_order_payout_reverse(vendor_order_id=vo.pk))
        elif missing > 0:
            results.append(vendor_order_payout_reverse(vendor_order_id=vo.pk, amount_ore=missing))
    return results


def order_refund_reverse_enqueue(*, order_id: int) -> None:
    """A refund was recorded: reverse the vendors' share in a task after commit (it calls Stripe).

    The request is recorded on the order's split state in the refund's own transaction, so a
    task lost with the broker or a killed worker is redone by the follow-up sweep.
    """
    from .tasks import order_refund_reverse_task

    OrderSplitState.objects.filter(order_id=order_id).update(refund_reversal_requested_at=timezone.now())
    enqueue_on_commit(order_refund_reverse_task, order_id)


def order_refund_reverse_done(*, order, since) -> None:
    """The reversal asked for at or before ``since`` is done; a later request stays pending."""
    OrderSplitState.objects.filter(order_id=order.pk, refund_reversal_requested_at__lte=since).update(
        refund_reversal_requested_at=None
    )


def orders_refund_reversal_pending(*, older_than: timedelta):
    """Orders whose refund reversal was asked for more than ``older_than`` ago and is not done."""
    cutoff = timezone.now() - older_than
    return Order.objects.filter(split_state__refund_reversal_requested_at__lt=cutoff).order_by("pk")


def vendor_stripe_onboarding_link(*, profile: VendorProfile, refresh_url: str, return_url: str) -> str:
    """Create the vendor's Express account if it has none, and return an onboarding link."""
    api = stripe_api()
    with transaction.atomic():
        profile = VendorProfile.objects.select_for_update().get(pk=profile.pk)
        if not profile.stripe_account_id:
            account = api.Account.create(
                type="express",
                country="DK",
                email=profile.contact_email,
                business_profile={"name": profile.legal_name},
                capabilities={"transfers": {"requested": True}},
                metadata={"partner": str(profile.partner_id)},
                idempotency_key=idempotency_key("vendor", profile.pk, "account"),
            )
            profile.stripe_account_id = account["id"]
            profile.save(update_fields=["stripe_account_id", "updated_at"])
    link = api.AccountLink.create(
        account=profile.stripe_account_id,
        refresh_url=refresh_url,
        return_url=return_url,
        type="account_onboarding",
    )
    return link["url"]


# --- Cancellation (issue 13.6) ---------------------------------------------------------


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
        order.set_status(OrderStatus.CANCELLED)


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
    from .emails import order_cancellation_send

    try:
        order_cancellation_send(order_id=order_id, vendor_order_ids=vendor_order_ids, reason=reason)
    except Exception:  # noqa: BLE001 - the cancellation stands; the log tells staff to call the vendors
        logger.exception("Could not e-mail the cancellation of order %s", order_id)


# --- Decline and re-sourcing (issue 13.5) -------------------------------------------------


class DeclineError(RuleViolation):
    """A decline that cannot be made: no reason, packed already, more units than the vendor has."""


def vendor_order_decline(
    *, vendor_order_id: int, user, lines: dict[int, int] | None = None, reason: str
) -> dict:
    """A vendor declines its vendor order or some units of it; the units are re-sourced.

    Refused without a reason, for another vendor's vendor order, once packed,
    or for more units than the vendor order has (nothing is saved then). The
    declined units get a "declined" row with the reason and their stock
    allocation back. The declined units are then sourced from the other offers
    of the same product by the sourcing rules of bulk orders
    (`supply.sourcing.sourcing_plan`: free stock first, then capacity ready by
    the vendor order's deliver-by date, spread fairly), on those vendors'
    vendor orders of the order (made when missing): stock allocated for the
    units from stock, capacity promised (`capacity_reserve`) for the units to
    be made. The buyer keeps paying the order line's price; the new
    vendor is paid the line's unit price for its units. Returns {"resourced":
    {line id: [(partner id, units)]}, "unsourced": {line id: units}} — the
    unsourced units get a Substitution each (fulfilment.substitution), with the
    best substitute proposed, for staff or the hub to confirm.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DeclineError(_("Say why you decline: a reason is required."))
    StockRecord = get_model("partner", "StockRecord")
    with transaction.atomic():
        vendor_order = VendorOrder.objects.select_for_update().select_related("order").get(pk=vendor_order_id)
        if not user.is_staff and not user.partners.filter(pk=vendor_order.partner_id).exists():
            raise PermissionError("Only the vendor of this vendor order (or staff) can decline it")
        if vendor_order.status not in (VendorOrder.Status.NEW, VendorOrder.Status.ACCEPTED):
            raise DeclineError(
                _("A vendor order that is %(status)s can no longer be declined.")
                % {"status": vendor_order.get_status_display()}
            )
        order = vendor_order.order
        rows = list(
            VendorOrderLine.objects.select_for_update()
            .filter(vendor_order=vendor_order, status=VendorOrderLine.Status.ACTIVE)
            .select_related("line")
            .order_by("line_id", "-pk")
        )
        by_line, wanted = _units_wanted(rows, lines)
        if not wanted:
            raise DeclineError(_("Nothing to decline."))
        for line_id, units in wanted.items():
            left = sum(r.quantity for r in by_line.get(line_id, ()))
            if units < 0 or units > left:
                raise DeclineError(
                    _("Line %(line)s: %(units)s units cannot be declined, this vendor has %(left)s.")
                    % {"line": line_id, "units": units, "left": left}
                )
        released: dict[int, int] = defaultdict(int)
        line_of = {}
        for line_id, units in wanted.items():
            for row in by_line[line_id]:
                if units == 0:
                    break
                line_of[line_id] = row.line
                take = min(units, row.quantity)
                units -= take
                stockrecord_id = row.stockrecord_id or row.line.stockrecord_id
                if stockrecord_id:
                    released[stockrecord_id] += take
                if take == row.quantity:
                    row.status, row.reason = VendorOrderLine.Status.DECLINED, reason
                    row.save(update_fields=["status", "reason", "updated_at"])
                else:
                    row.quantity -= take
                    row.save(update_fields=["quantity", "updated_at"])
                    VendorOrderLine.objects.create(
                        vendor_order=vendor_order,
                        line_id=line_id,
                        stockrecord_id=row.stockrecord_id,
                        quantity=take,
                        status=VendorOrderLine.Status.DECLINED,
                        reason=reason,
                    )
        for record in StockRecord.objects.filter(pk__in=list(released)).order_by("pk"):
            record.cancel_allocation(released[record.pk])
        resourced, unsourced = _declined_units_resource(
            vendor_order=vendor_order, wanted=wanted, line_of=line_of
        )
        if unsourced:
            from .substitution import substitutions_open

            substitutions_open(vendor_order=vendor_order, unsourced=unsourced, reason=reason)
        changes = vendor_orders_recompute(order_id=order.pk)
        if not VendorOrderLine.objects.filter(
            vendor_order=vendor_order, status=VendorOrderLine.Status.ACTIVE
        ).exists():
            vendor_order.refresh_from_db()
            vendor_order.status = VendorOrder.Status.CANCELLED
            vendor_order.save(update_fields=["status", "updated_at"])
            _vendor_order_payout_cancel(vendor_order=vendor_order)
        elif vendor_order.pk in changes and vendor_order.payout_state == VendorOrder.PayoutState.SENT:
            old, new = changes[vendor_order.pk]
            vendor_order_payout_reverse(vendor_order_id=vendor_order.pk, amount_ore=amount_in_ore(old - new))
        # New vendors' payouts go when the order is paid (the usual rule); sent ones stay as they are.
        order_payouts_release_enqueue(order_id=order.pk)
    return {"resourced": dict(resourced), "unsourced": unsourced}


def _declined_units_resource(*, vendor_order, wanted: dict[int, int], line_of: dict):
    """Source declined {order line id: units} from other vendors' offers; returns (resourced, unsourced).

    The offers of the products are locked (stock record order) before the plan is made, so the
    free stock the plan counts on is still free when it is allocated. Vendors whose part of the
    order is packed or delivered take no new units. The capacity is promised under the reference
    ``decline:<vendor order>:<first declined row>`` (one per decline, so a later decline never
    replaces it), tied to the order so a cancellation gives it back.
    """
    from supply.services import CapacityExhausted, capacity_reserve
    from supply.sourcing import sourcing_plan

    StockRecord = get_model("partner", "StockRecord")
    order = vendor_order.order
    products = {line_id: line_of[line_id].product_id for line_id in wanted}
    demand: dict[int, int] = defaultdict(int)
    for line_id, units in wanted.items():
        demand[products[line_id]] += units
    locked = StockRecord.objects.select_for_update().filter(product_id__in=list(demand)).order_by("pk")
    records = {record.pk: record for record in locked}
    busy_partners = set(
        VendorOrder.objects.filter(order_id=order.pk)
        .exclude(status__in=[VendorOrder.Status.NEW, VendorOrder.Status.ACCEPTED])
        .values_list("partner_id", flat=True)
    ) | {vendor_order.partner_id}
    excluded = [pk for pk, record in records.items() if record.partner_id in busy_partners]
    today = timezone.localdate()
    need_by = max(vendor_order.deliver_by or today, today)
    plan = sourcing_plan(dict(demand), need_by=need_by, today=today, exclude_stockrecord_ids=excluded)
    first_declined = (
        VendorOrderLine.objects.filter(vendor_order=vendor_order, status=VendorOrderLine.Status.DECLINED)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    try:
        capacity_reserve(plan=plan, reference=f"decline:{vendor_order.pk}:{first_declined}", order=order)
    except CapacityExhausted as exc:
        raise DeclineError(
            _("Another order took the capacity meanwhile; nothing was declined. Please try again.")
        ) from exc
    resourced: dict[int, list[tuple[int, int]]] = defaultdict(list)
    unsourced: dict[int, int] = {}
    targets: dict[int, VendorOrder] = {}
    for product_id, item in plan.items.items():
        line_ids = sorted(line_id for line_id in wanted if products[line_id] == product_id)
        needs = {line_id: wanted[line_id] for line_id in line_ids}
        for allocation in item.allocations:
            record = records[allocation.stockrecord_id]
            if allocation.from_stock:
                record.allocate(allocation.from_stock)
            target = targets.get(record.partner_id) or _vendor_order_for(
                order=order, partner_id=record.partner_id, deliver_by=vendor_order.deliver_by
            )
            targets[record.partner_id] = target
            left = allocation.units
            for line_id in line_ids:
                take = min(left, needs[line_id])
                if not take:
                    continue
                VendorOrderLine.objects.create(
                    vendor_order=target, line_id=line_id, stockrecord=record, quantity=take
                )
                target.lines.add(line_id)
                resourced[line_id].append((record.partner_id, take))
                needs[line_id] -= take
                left -= take
        unsourced.update({line_id: units for line_id, units in needs.items() if units})
    return dict(resourced), unsourced


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
