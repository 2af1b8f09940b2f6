"""The order's side of the vendor workflow: Oscar shipping events and the order status.

The order's status follows its vendor orders; each vendor order's packing, delivery and
cancellation is an Oscar shipping event on the order for the units it concerns. Both go
through Oscar's EventHandler (``order.processing``), so a forked order app's handler sees
them too.
"""

from collections import defaultdict

from django.utils.translation import gettext_noop
from oscar.core.loading import get_class, get_model

from marketplace.order_status import OrderStatus

from ..models import VendorOrder, VendorOrderLine

EventHandler = get_class("order.processing", "EventHandler")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
ShippingEventType = get_model("order", "ShippingEventType")

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
    *,
    order,
    vendor_order: VendorOrder,
    code: str,
    notes: str = "",
    quantities: dict[int, int] | None = None,
) -> None:
    """An Oscar shipping event on ``order``: the vendor order's active units, or {line id: units}.

    Oscar's handler checks that no line has more units in events of this type than it was ordered
    with (Line.is_shipping_event_permitted): the units of a line are split between vendor orders
    and each vendor's event covers only its own, so together they never exceed the line.
    """
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
    line_ids = sorted(quantities)
    lines = Line.objects.in_bulk(line_ids)
    EventHandler().handle_shipping_event(
        order,
        event_type,
        [lines[line_id] for line_id in line_ids],
        [quantities[line_id] for line_id in line_ids],
        reference=notes,
    )


def order_status_change(*, order, status: str) -> None:
    """Oscar's handler moves the order (Order.set_status: the pipeline, the lines' cascade, the signal)."""
    EventHandler().handle_order_status_change(order, status)


def _order_status_move(order, target: str) -> None:
    if order.status == target:
        return
    if target not in order.available_statuses() and OrderStatus.BEING_PROCESSED in order.available_statuses():
        order_status_change(order=order, status=OrderStatus.BEING_PROCESSED)
    if target in order.available_statuses():
        order_status_change(order=order, status=target)


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
